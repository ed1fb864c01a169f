#![no_std]
#![no_main]
//! Test guest for the Keccak-256 sponge. Commits four hashes (128 bytes): the sponge of
//! the input, the exported `native_keccak256` of it, `alloy_primitives::keccak256` of it
//! (which must route to the same function), and the sponge of the input without its first
//! byte (an unaligned start; the empty input gives the hash of the empty string).

use stateless_guest::{exit, keccak, syscall};

stateless_guest::entry!(main);

fn main() -> u32 {
    let Some(input) = syscall::read_all_input() else { return exit::INPUT_READ };
    syscall::commit(&keccak::keccak256(&input));
    let mut via_hook = [0u8; 32];
    // SAFETY: `input` is a live slice and `via_hook` holds 32 bytes.
    unsafe { keccak::native_keccak256(input.as_ptr(), input.len(), via_hook.as_mut_ptr()) };
    syscall::commit(&via_hook);
    syscall::commit(alloy_primitives::keccak256(&input).as_slice());
    syscall::commit(&keccak::keccak256(input.get(1..).unwrap_or_default()));
    exit::SUCCESS
}
