//! The digest of an input or output byte stream, as the proof's public values commit to it.
//!
//! The stream sponge chips ([`crate::chips::io_sponge`]) compute it in-circuit; the
//! verifier recomputes the output stream's digest with [`io_digest`] from the output bytes
//! carried beside the proof, and hands the input stream's digest to the caller, who
//! compares it with [`io_digest`] of the input it expects.
//!
//! # Specification
//!
//! Poseidon2 of width 16 over KoalaBear with the `p3-koala-bear` default constants
//! (`KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL`, `_EXTERNAL_FINAL`, `_INTERNAL`: 4 + 4
//! full rounds, 20 partial rounds, S-box `x^3`), i.e. `default_koalabear_poseidon2_16()`,
//! as an overwrite-mode sponge of rate 8 and capacity 8:
//!
//! 1. `len = bytes.len()`, which must be below [`IO_MAX_STREAM_LEN`] (2^24).
//! 2. The stream is cut into `n = len / 16 + 1` blocks of 16 bytes: block `i` holds bytes
//!    `16i .. 16i + 16`, zero past `len`. There is always at least one block, and the last
//!    block is never full (it has `len % 16 < 16` stream bytes), so the padding is
//!    unambiguous even without the length.
//! 3. Block `i`'s 8 rate elements are `b[2k] + 256·b[2k + 1]` for `k < 8` (below 2^16).
//! 4. The state starts all zero except `state[8] = len`: the length sits in the capacity,
//!    so streams of different lengths are separated from the first permutation on.
//! 5. For each block in order: `state[0..8] = block elements` (overwrite), then
//!    `state = Poseidon2(state)`.
//! 6. The digest is `state[0..8]` after the last permutation, as canonical `u32` values
//!    (each below the KoalaBear modulus `2^31 − 2^24 + 1`).

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::{KoalaBear, default_koalabear_poseidon2_16};
use p3_symmetric::Permutation;

use crate::bus::IO_MAX_STREAM_LEN;

/// Width of the Poseidon2 state.
pub const IO_SPONGE_WIDTH: usize = 16;
/// Elements of the state a block overwrites (the rate); also the digest's length.
pub const IO_SPONGE_RATE: usize = 8;
/// Stream bytes per block (two per rate element).
pub const IO_BLOCK_BYTES: usize = 2 * IO_SPONGE_RATE;

/// The digest: `state[0..8]` after the last permutation, canonical KoalaBear values.
pub type IoDigest = [u32; IO_SPONGE_RATE];

/// Why a stream has no digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IoDigestError {
    /// The stream is not shorter than [`IO_MAX_STREAM_LEN`].
    #[error("stream of {got} bytes, the limit is {max} (exclusive)")]
    StreamTooLong {
        /// [`IO_MAX_STREAM_LEN`].
        max: u32,
        /// The stream's length.
        got: usize,
    },
}

/// Number of blocks (permutations) of a stream of `len` bytes: `len / 16 + 1`.
pub const fn num_blocks(len: usize) -> usize {
    len / IO_BLOCK_BYTES + 1
}

/// The rate elements of block `i` of `bytes` (zero past the end).
pub fn block_elements(bytes: &[u8], i: usize) -> [u32; IO_SPONGE_RATE] {
    let byte = |j: usize| u32::from(bytes.get(IO_BLOCK_BYTES * i + j).copied().unwrap_or(0));
    core::array::from_fn(|k| byte(2 * k) + 256 * byte(2 * k + 1))
}

/// The digest of a stream (see the module docs for the exact construction).
///
/// # Errors
///
/// [`IoDigestError::StreamTooLong`] if `bytes.len() >= IO_MAX_STREAM_LEN`; it never panics.
pub fn io_digest(bytes: &[u8]) -> Result<IoDigest, IoDigestError> {
    let len = u32::try_from(bytes.len())
        .ok()
        .filter(|&len| len < IO_MAX_STREAM_LEN)
        .ok_or(IoDigestError::StreamTooLong { max: IO_MAX_STREAM_LEN, got: bytes.len() })?;
    let permutation = default_koalabear_poseidon2_16();
    let mut state = [KoalaBear::ZERO; IO_SPONGE_WIDTH];
    state[IO_SPONGE_RATE] = KoalaBear::from_u32(len);
    for i in 0..num_blocks(bytes.len()) {
        for (s, e) in state.iter_mut().zip(block_elements(bytes, i)) {
            *s = KoalaBear::from_u32(e);
        }
        permutation.permute_mut(&mut state);
    }
    Ok(core::array::from_fn(|k| state[k].as_canonical_u32()))
}
