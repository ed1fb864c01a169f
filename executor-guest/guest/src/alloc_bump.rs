//! A bump allocator over the memory between the end of the program image (`_end`, set by
//! `link.x`) and the stack's reserved region below [`STACK_TOP`].
//!
//! A guest runs once and exits, so freeing matters little; the allocator still gives back
//! the most recent block on `dealloc` and grows or shrinks it in place on `realloc`, which
//! covers the common `Vec` push pattern. Memory the machine has never handed out is zero
//! (the ABI zero-initialises memory), so `alloc_zeroed` only clears the part of a block
//! below the high-water mark.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

use crate::{STACK_BYTES, STACK_TOP, exit, syscall};

/// The first address the heap may not use.
pub const HEAP_LIMIT: usize = (STACK_TOP - STACK_BYTES) as usize;

unsafe extern "C" {
    /// End of the image, defined by the linker script.
    static _end: u8;
}

/// A single-threaded bump allocator (see the module docs).
pub struct BumpAllocator {
    /// Next free address; 0 until the first allocation.
    next: Cell<usize>,
    /// One past the highest address ever handed out: memory from here up is still zero.
    high: Cell<usize>,
}

// SAFETY: the machine has one hart and no interrupts, so there is never a second thread.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// An allocator that starts at `_end` on first use.
    pub const fn new() -> Self {
        Self { next: Cell::new(0), high: Cell::new(0) }
    }

    /// Bytes handed out so far (including blocks freed out of order).
    pub fn used(&self) -> usize {
        self.next.get().saturating_sub(heap_start())
    }

    /// The current free address, initialised to `_end` on first use.
    fn cursor(&self) -> usize {
        match self.next.get() {
            0 => {
                let start = heap_start();
                self.high.set(start);
                start
            }
            n => n,
        }
    }

    /// Move the cursor to `end`, halting when the heap would reach the stack.
    fn bump_to(&self, end: usize) {
        if end > HEAP_LIMIT {
            syscall::halt(exit::OUT_OF_MEMORY);
        }
        self.next.set(end);
        if end > self.high.get() {
            self.high.set(end);
        }
    }
}

impl Default for BumpAllocator {
    fn default() -> Self {
        Self::new()
    }
}

fn heap_start() -> usize {
    // Only the address of the linker symbol is taken, never its value.
    &raw const _end as usize
}

/// `start` of a block of `layout` at or after `cursor`, and its end.
fn place(cursor: usize, layout: Layout) -> (usize, usize) {
    let start = (cursor + layout.align() - 1) & !(layout.align() - 1);
    // Saturates far above HEAP_LIMIT, so an overflow is reported as out of memory.
    (start, start.saturating_add(layout.size()))
}

// SAFETY: blocks never overlap: each starts at or after the cursor, which only moves back
// over the most recent block when that block is freed or resized.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (start, end) = place(self.cursor(), layout);
        self.bump_to(end);
        start as *mut u8
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let high = if self.next.get() == 0 { heap_start() } else { self.high.get() };
        let (start, end) = place(self.cursor(), layout);
        self.bump_to(end);
        if start < high {
            // SAFETY: [start, min(end, high)) lies inside the block just handed out.
            unsafe { core::ptr::write_bytes(start as *mut u8, 0, end.min(high) - start) };
        }
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let start = ptr as usize;
        if start + layout.size() == self.next.get() {
            // The most recent block: grow or shrink in place.
            self.bump_to(start.saturating_add(new_size));
            return ptr;
        }
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: the caller guarantees `layout.align()` and `new_size` form a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: forwarded from the caller.
        let new = unsafe { self.alloc(new_layout) };
        // SAFETY: the old block holds `layout.size()` bytes and the new one is disjoint.
        unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size()) };
        new
    }
}
