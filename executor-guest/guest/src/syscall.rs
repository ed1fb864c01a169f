//! The syscalls of [`zkvm_abi::syscall`], one safe function each.
//!
//! Calling convention (see [`zkvm_abi`]): the number in `t0`, arguments in `a0..a2`, the
//! result in `a0`; every other register is preserved. The asm blocks do not say `nomem`,
//! so the compiler assumes the machine may read and write memory through the pointers.

use core::arch::asm;
use zkvm_abi::syscall::{
    COMMIT_OUTPUT, HALT, INPUT_LEN, KECCAK_PERMUTE, KECCAK_STATE_WORDS, PHASE_MARK, READ_INPUT,
};

/// Stop the machine with `code` as the exit code.
#[inline(always)]
pub fn halt(code: u32) -> ! {
    // SAFETY: HALT reads only registers and never returns.
    unsafe { asm!("ecall", in("t0") HALT, in("a0") code, options(noreturn, nostack)) }
}

/// How many input bytes are not read yet.
#[inline(always)]
pub fn input_len() -> usize {
    let remaining: usize;
    // SAFETY: INPUT_LEN touches no memory.
    unsafe { asm!("ecall", in("t0") INPUT_LEN, lateout("a0") remaining, options(nostack)) };
    remaining
}

/// Fill as much of `buf` as the input has left; returns the number of bytes copied.
#[inline(always)]
pub fn read_input(buf: &mut [u8]) -> usize {
    let copied: usize;
    // SAFETY: the machine writes at most `buf.len()` bytes at `buf`, which we own mutably.
    unsafe {
        asm!(
            "ecall",
            in("t0") READ_INPUT,
            inlateout("a0") buf.as_mut_ptr() => copied,
            in("a1") buf.len(),
            options(nostack),
        )
    };
    copied
}

/// Append `bytes` to the public output.
#[inline(always)]
pub fn commit(bytes: &[u8]) {
    // SAFETY: the machine only reads `bytes.len()` bytes at `bytes`.
    unsafe {
        asm!(
            "ecall",
            in("t0") COMMIT_OUTPUT,
            inlateout("a0") bytes.as_ptr() => _,
            in("a1") bytes.len(),
            options(nostack, readonly),
        )
    };
}

/// Apply Keccak-f\[1600\] in place to the state: lane `i` is `state[2i] | state[2i+1] << 32`
/// (so the state's bytes are the standard little-endian lane layout).
#[inline(always)]
pub fn keccak_permute(state: &mut [u32; KECCAK_STATE_WORDS]) {
    // SAFETY: the machine reads and writes exactly the 200 bytes of `state`, a 4-aligned
    // array we own mutably.
    unsafe {
        asm!(
            "ecall",
            in("t0") KECCAK_PERMUTE,
            inlateout("a0") state.as_mut_ptr() => _,
            options(nostack),
        )
    };
}

/// Tell a profiler that phase `id` starts here (the debug syscall `PHASE_MARK`). Changes
/// no register and no memory, and is not part of the output; only the cycle count moves.
#[inline(always)]
pub fn phase_mark(id: u32) {
    // SAFETY: PHASE_MARK reads `a0` and writes nothing. Not `nomem`: the mark also keeps
    // the compiler from moving memory accesses across a phase boundary.
    unsafe { asm!("ecall", in("t0") PHASE_MARK, in("a0") id, options(nostack)) };
}

/// Most bytes one `READ_INPUT` asks for: the zkVM proves a shard in a fixed shape whose IO
/// chips hold a bounded number of bytes, so the input is read in pieces of at most this
/// (`zkvm_machine::execution::shape`: `S(21)` holds 64 KiB of IO per shard).
pub const READ_PIECE: usize = 16 * 1024;

/// Read the whole remaining input into a vector, in pieces of at most [`READ_PIECE`]
/// bytes, or `None` if the machine delivers fewer bytes than `INPUT_LEN` announced.
pub fn read_all_input() -> Option<alloc::vec::Vec<u8>> {
    let len = input_len();
    let mut buf = alloc::vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        let end = len.min(filled + READ_PIECE);
        match read_input(&mut buf[filled..end]) {
            0 => return None,
            n => filled += n,
        }
    }
    Some(buf)
}
