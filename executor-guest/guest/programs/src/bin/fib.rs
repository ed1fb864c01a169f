#![no_std]
#![no_main]
//! `fib`: the `n`-th Fibonacci number modulo 2^32, with `n % 256` as the exit code.
//!
//! 1. The input must be exactly 4 bytes: `n` as a little-endian `u32`; anything else halts
//!    with exit code [`BAD_INPUT`] and commits nothing.
//! 2. Keep the last two values in a two-word heap vector (so the allocator runs and the
//!    loop loads and stores heap memory) and step `n` times: `fib(0) = 0`, `fib(1) = 1`,
//!    `fib(k + 2) = fib(k) + fib(k + 1)` wrapping.
//! 3. Commit `fib(n)` (4 bytes, little-endian) and halt with exit code `n % 256`.
//!
//! A run costs a few cycles per step, so `n` is bounded only by the prover's patience.
//! Exit code `1` with 4 output bytes is a valid run (`n % 256 == 1`); with no output it is
//! bad input.

extern crate alloc;

use alloc::vec;
use stateless_guest::syscall;

stateless_guest::entry!(main);

/// Exit code for an input that is not exactly 4 bytes.
const BAD_INPUT: u32 = 1;

fn main() -> u32 {
    let mut word = [0u8; 4];
    if syscall::input_len() != word.len() || syscall::read_input(&mut word) != word.len() {
        return BAD_INPUT;
    }
    let n = u32::from_le_bytes(word);
    // `last_two[k % 2] = fib(k)` for the two latest `k`, starting with k = 0, 1.
    let mut last_two = vec![0u32, 1];
    for k in 0..n {
        let next = last_two[0].wrapping_add(last_two[1]);
        // fib(k + 2) replaces fib(k), which sits at the same parity.
        last_two[(k & 1) as usize] = next;
    }
    syscall::commit(&last_two[(n & 1) as usize].to_le_bytes());
    n % 256
}
