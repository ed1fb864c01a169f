//! Sparse paged memory over the addressable range of the 32-bit space.
//!
//! Memory is stored as little-endian `u32` words in 4 KiB pages, allocated on first
//! write; unwritten memory reads as zero. This type does no range or alignment checks
//! beyond masking addresses into its table: the executor checks accesses against the
//! memory map ([`zkvm_abi::memory`]) before it calls in.

use zkvm_abi::memory::{MEMORY_END, PAGE_BYTES};

const WORDS_PER_PAGE: usize = (PAGE_BYTES / 4) as usize;
const PAGE_COUNT: usize = (MEMORY_END / PAGE_BYTES) as usize;
const _: () = assert!(PAGE_COUNT.is_power_of_two());

/// A sparse table of pages of `T`, indexed by word address. Used for memory values and,
/// in recording mode, for the timestamp of each word's last access.
#[derive(Clone)]
pub(crate) struct PageTable<T: Copy + Default> {
    pages: Box<[Option<Box<[T; WORDS_PER_PAGE]>>; PAGE_COUNT]>,
}

impl<T: Copy + Default> PageTable<T> {
    pub(crate) fn new() -> Self {
        let pages: Box<[Option<Box<[T; WORDS_PER_PAGE]>>]> =
            (0..PAGE_COUNT).map(|_| None).collect();
        let Ok(pages) = pages.try_into() else { unreachable!("length is PAGE_COUNT") };
        PageTable { pages }
    }

    #[inline(always)]
    fn split(addr: u32) -> (usize, usize) {
        ((addr / PAGE_BYTES) as usize & (PAGE_COUNT - 1), (addr as usize >> 2) % WORDS_PER_PAGE)
    }

    /// The word holding `addr` (low two bits ignored).
    #[inline(always)]
    pub(crate) fn get(&self, addr: u32) -> T {
        let (page, word) = Self::split(addr);
        match &self.pages[page] {
            Some(p) => p[word],
            None => T::default(),
        }
    }

    /// Replace the word holding `addr`, returning the previous one.
    #[inline(always)]
    pub(crate) fn replace(&mut self, addr: u32, value: T) -> T {
        let (page, word) = Self::split(addr);
        let p = self.pages[page].get_or_insert_with(|| Box::new([T::default(); WORDS_PER_PAGE]));
        core::mem::replace(&mut p[word], value)
    }

    /// Number of allocated pages.
    pub(crate) fn allocated_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }
}

/// The machine's memory: word-granular, zero-initialised, sparse.
#[derive(Clone)]
pub struct Memory {
    words: PageTable<u32>,
}

impl core::fmt::Debug for Memory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Memory").field("allocated_pages", &self.words.allocated_pages()).finish()
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl Memory {
    /// Empty (all-zero) memory.
    pub fn new() -> Self {
        Memory { words: PageTable::new() }
    }

    /// The aligned word containing `addr`. Addresses at or above
    /// [`zkvm_abi::memory::MEMORY_END`] wrap into the table; callers check ranges.
    #[inline(always)]
    pub fn load_word(&self, addr: u32) -> u32 {
        self.words.get(addr)
    }

    /// Replace the aligned word containing `addr`; returns the previous value.
    #[inline(always)]
    pub fn store_word(&mut self, addr: u32, value: u32) -> u32 {
        self.words.replace(addr, value)
    }

    /// The byte at `addr`.
    #[inline]
    pub fn load_byte(&self, addr: u32) -> u8 {
        (self.load_word(addr) >> ((addr & 3) * 8)) as u8
    }

    /// Write the byte at `addr`; returns the previous value of the containing word.
    #[inline]
    pub fn store_byte(&mut self, addr: u32, value: u8) -> u32 {
        let shift = (addr & 3) * 8;
        let old = self.load_word(addr);
        let new = (old & !(0xff << shift)) | (u32::from(value) << shift);
        self.store_word(addr, new)
    }

    /// Copy `len` bytes starting at `addr` out of memory (no range checks).
    pub fn read_bytes(&self, addr: u32, len: usize) -> Vec<u8> {
        (0..len).map(|i| self.load_byte(addr.wrapping_add(i as u32))).collect()
    }

    /// Number of 4 KiB pages that have been written.
    pub fn allocated_pages(&self) -> usize {
        self.words.allocated_pages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_reads_zero_and_bytes_compose() {
        let mut m = Memory::new();
        assert_eq!(m.load_word(0x1234_5678), 0);
        assert_eq!(m.allocated_pages(), 0);
        m.store_byte(0x0002_0001, 0xab);
        assert_eq!(m.load_word(0x0002_0000), 0x0000_ab00);
        assert_eq!(m.store_word(0x0002_0000, 7), 0xab00);
        assert_eq!(m.load_byte(0x0002_0000), 7);
        assert_eq!(m.allocated_pages(), 1);
        assert_eq!(m.read_bytes(0x0002_0000, 5), vec![7, 0, 0, 0, 0]);
    }
}
