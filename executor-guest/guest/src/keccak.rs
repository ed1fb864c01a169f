//! Keccak-256 as a sponge over the machine's `KECCAK_PERMUTE` syscall.
//!
//! The sponge is the original Keccak (as Ethereum uses it, not SHA3-256): rate 136 bytes,
//! capacity 64, padding `0x01 … 0x80` (pad10*1 with the Keccak domain byte). The state
//! is 50 little-endian `u32` words, so byte `i` of the state is byte `i` of the standard
//! lane layout, and absorbing is a word-wise XOR.
//!
//! [`native_keccak256`] exports the function under the name alloy-primitives'
//! `native-keccak` feature links against.

use zkvm_abi::syscall::KECCAK_STATE_WORDS;

use crate::syscall::keccak_permute;

/// Bytes absorbed per permutation.
pub const RATE: usize = 136;
/// Words absorbed per permutation.
const RATE_WORDS: usize = RATE / 4;

/// The Keccak-256 hash of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut state = [0u32; KECCAK_STATE_WORDS];
    let mut blocks = data.chunks_exact(RATE);
    for block in &mut blocks {
        absorb(&mut state, block);
        keccak_permute(&mut state);
    }
    let rest = blocks.remainder();
    let mut last = [0u8; RATE];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb(&mut state, &last);
    keccak_permute(&mut state);
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(&state) {
        bytes.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// XOR one `RATE`-byte block into the first `RATE_WORDS` words of the state.
#[inline(always)]
fn absorb(state: &mut [u32; KECCAK_STATE_WORDS], block: &[u8]) {
    debug_assert_eq!(block.len(), RATE);
    if block.as_ptr().addr().is_multiple_of(4) {
        // Aligned input (the common case for heap buffers): one load per word.
        for (i, word) in state[..RATE_WORDS].iter_mut().enumerate() {
            // SAFETY: `block` holds RATE bytes and is 4-aligned, so word `i` is in bounds
            // and aligned.
            *word ^= u32::from_le(unsafe { block.as_ptr().cast::<u32>().add(i).read() });
        }
    } else {
        for (word, bytes) in state[..RATE_WORDS].iter_mut().zip(block.chunks_exact(4)) {
            *word ^= u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
    }
}

/// Keccak-256 of `len` bytes at `bytes`, written to the 32 bytes at `output`: the hook of
/// alloy-primitives' `native-keccak` feature (so `alloy_primitives::keccak256` lands here).
///
/// # Safety
/// `bytes` must be valid for reads of `len` bytes (any pointer if `len` is 0) and `output`
/// valid for writes of 32 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    let data = if len == 0 {
        &[][..]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { core::slice::from_raw_parts(bytes, len) }
    };
    let hash = keccak256(data);
    // SAFETY: guaranteed by the caller; `hash` is a local, so the ranges are disjoint.
    unsafe { core::ptr::copy_nonoverlapping(hash.as_ptr(), output, hash.len()) };
}
