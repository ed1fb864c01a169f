#![no_std]
//! The guest runtime of our zkVM: everything a Rust program needs to run bare on the
//! machine of [`zkvm_abi`], and nothing else.
//!
//! * `_start` (in `global_asm!`) sets the stack pointer to [`STACK_TOP`] and calls the
//!   program's `guest_main` (defined by each binary with [`entry!`]).
//! * A bump allocator over the memory between the end of the image and the stack
//!   ([`BumpAllocator`]); running out halts with [`exit::OUT_OF_MEMORY`].
//! * A panic handler that halts with [`exit::PANIC`].
//! * Thin wrappers over the syscalls ([`syscall`]).
//! * [`keccak`]: Keccak-256 as a sponge over the `KECCAK_PERMUTE` syscall, exported as the
//!   `native_keccak256` symbol that alloy-primitives' `native-keccak` feature calls, so
//!   every `alloy_primitives::keccak256` (tries, addresses, revm's `KECCAK256` opcode)
//!   runs on the accelerated permutation.
//!
//! The runtime holds the only `unsafe` of the guest: raw syscalls, the allocator and the
//! exported hash function.

extern crate alloc;

pub mod alloc_bump;
pub mod keccak;
pub mod syscall;

pub use alloc_bump::BumpAllocator;
pub use zkvm_abi::memory::STACK_TOP;

/// Exit codes of the guest programs (the `HALT` argument).
pub mod exit {
    /// The program did its job; the output is committed.
    pub const SUCCESS: u32 = 0;
    /// The input stream did not deliver the bytes it announced.
    pub const INPUT_READ: u32 = 1;
    /// The input does not decode (`StatelessInput::decode` failed).
    pub const DECODE: u32 = 2;
    /// The block is invalid (`validate_block` failed).
    pub const INVALID_BLOCK: u32 = 3;
    /// A panic: a bug, or an input the executor does not handle without panicking.
    pub const PANIC: u32 = 101;
    /// The heap ran into the stack's reserved region.
    pub const OUT_OF_MEMORY: u32 = 102;
}

/// Bytes reserved for the stack below [`STACK_TOP`]; the heap never grows into them.
pub const STACK_BYTES: u32 = 16 << 20;

/// Define the program's entry: `entry!(path::to::main)` where `main: fn() -> u32` returns
/// the exit code. The runtime's `_start` calls it and halts with what it returns.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// Called by `_start` with a set-up stack; halts with the exit code of the main.
        #[unsafe(no_mangle)]
        extern "C" fn guest_main() -> ! {
            let main: fn() -> u32 = $main;
            $crate::syscall::halt(main())
        }
    };
}

/// The entry point: set `sp` to [`STACK_TOP`] (the machine already does, the guest does
/// not rely on it), clear `gp` (no small-data relaxation is used) and call `guest_main`.
#[cfg(target_arch = "riscv32")]
mod entry {
    core::arch::global_asm!(
        ".section .text._start, \"ax\"",
        ".globl _start",
        "_start:",
        "    li sp, {stack_top}",
        "    li gp, 0",
        "    call guest_main",
        // `guest_main` never returns; a return would fall through into this halt.
        "    li t0, {halt}",
        "    li a0, {panic}",
        "    ecall",
        stack_top = const zkvm_abi::memory::STACK_TOP,
        halt = const zkvm_abi::syscall::HALT,
        panic = const crate::exit::PANIC,
    );
}

/// Halt with [`exit::PANIC`]. The message is dropped: formatting it would cost cycles and
/// pull in code, and the output stream is reserved for the commitment.
#[cfg(target_arch = "riscv32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    syscall::halt(exit::PANIC)
}

#[cfg(target_arch = "riscv32")]
#[global_allocator]
static HEAP: BumpAllocator = BumpAllocator::new();
