#![no_std]
#![no_main]
//! `keccak-io`: the Keccak-256 of the whole input, through the `KECCAK_PERMUTE` syscall.
//!
//! 1. Read the whole input (`INPUT_LEN`, then `READ_INPUT` until it is delivered) into a
//!    heap buffer.
//! 2. Hash it with the runtime's sponge ([`keccak::keccak256`]: rate 136, one permutation
//!    per full block plus one for the padded last block).
//! 3. Commit the 32-byte hash (`COMMIT_OUTPUT`) and halt with exit code 0.
//!
//! Exit codes: `0` success (32 bytes committed); `1` the input stream delivered fewer bytes
//! than `INPUT_LEN` announced (nothing committed); `102` the input does not fit the heap.

use stateless_guest::{exit, keccak, syscall};

stateless_guest::entry!(main);

fn main() -> u32 {
    let Some(input) = syscall::read_all_input() else { return exit::INPUT_READ };
    syscall::commit(&keccak::keccak256(&input));
    exit::SUCCESS
}
