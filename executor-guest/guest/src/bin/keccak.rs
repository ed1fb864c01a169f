#![no_std]
#![no_main]
//! Test guest for the Keccak-256 sponge: commits `keccak256(input)` computed three ways
//! (the sponge directly, the exported `native_keccak256`, and
//! `alloy_primitives::keccak256`, which must route to the same function), 96 bytes.

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
    exit::SUCCESS
}
