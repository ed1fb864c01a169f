//! The stream sponges: the digest of the input stream and of the output stream, computed
//! in-circuit, with every byte tied to the `IO` bus.
//!
//! Two instances of one chip type, [`IoSpongeChip`] with [`Stream::Input`] and with
//! [`Stream::Output`]. Each hashes its stream exactly as [`crate::io_digest`] specifies and
//! publishes `(len, digest)` ([`IoSpongePublicValues`]). The verifier recomputes the output
//! digest from the output bytes carried beside the proof and hands the input digest to the
//! caller.
//!
//! # Rows
//!
//! One row per block of 16 bytes, i.e. one Poseidon2 permutation (`p3-poseidon2-air`'s
//! columns first, [`IoSpongeCols::perm`]); real rows form a prefix of `len / 16 + 1` rows
//! (at least one), then padding rows up to a power of two. Row `i` holds stream positions
//! `pos = 16·i .. 16·i + 16`, the bytes (zero past `len`), and flags `in_range[k]`
//! (`pos + k < len`). The first row's capacity is `(len, 0, …, 0)`; each next real row's
//! capacity is the previous permutation's output capacity; the last real row's output rate
//! is the digest.
//!
//! # Buses
//!
//! * `IO`, message `(stream, pos + k, bytes[k])` (see [`crate::bus::IO_MESSAGE_WIDTH`]):
//!   the input sponge *sends* each input byte `count[k] ∈ {0, 1}` times (never a byte past
//!   the input's end), so the IO chip's reads can only receive input bytes, each at most
//!   once; the output sponge *receives* every position below `len` exactly once
//!   (`in_range[k]`), so the program must commit every output byte, exactly once.
//! * `BYTE`: every byte of a real row is range-checked (`RANGE`, two per message), and the
//!   first row checks `len < 2^24` (`U16` of `len_lo`, `RANGE` of `len_hi`).

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod harness;
#[cfg(test)]
mod tests;

pub use air::{IoSpongeChip, round_constants};
pub(crate) use air::{NUM_PERMUTATION_COLS, PermutationAir, permutation_output};
pub use columns::{
    IoSpongeCols, IoSpongePublicValues, NUM_IO_SPONGE_COLS, NUM_IO_SPONGE_PUBLIC_VALUES,
    PermutationCols,
};
pub use trace::generate_trace;

#[cfg(test)]
pub(crate) use harness::{IoHarnessChip, IoHarnessCols, harness_trace};

use crate::bus::{IO_INPUT_STREAM, IO_OUTPUT_STREAM};

/// S-box degree of KoalaBear's Poseidon2 (`x^3`).
pub const SBOX_DEGREE: u64 = p3_koala_bear::KOALABEAR_S_BOX_DEGREE;
/// Committed S-box registers per S-box (none: `x^3` is a degree-3 constraint).
pub const SBOX_REGISTERS: usize = 0;
/// Full rounds at the beginning, and again at the end.
pub const HALF_FULL_ROUNDS: usize = p3_koala_bear::KOALABEAR_POSEIDON2_HALF_FULL_ROUNDS;
/// Partial rounds of width-16 Poseidon2 over KoalaBear.
pub const PARTIAL_ROUNDS: usize = p3_koala_bear::KOALABEAR_POSEIDON2_PARTIAL_ROUNDS_16;

/// Which stream a sponge hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// The program's input: bytes `READ_INPUT` may copy (each at most once).
    Input,
    /// The program's output: bytes `COMMIT_OUTPUT` appended (each exactly once).
    Output,
}

impl Stream {
    /// The `stream` element of `IO` messages.
    pub const fn id(self) -> u8 {
        match self {
            Stream::Input => IO_INPUT_STREAM,
            Stream::Output => IO_OUTPUT_STREAM,
        }
    }
}
