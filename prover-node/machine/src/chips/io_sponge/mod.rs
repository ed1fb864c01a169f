//! The stream sponges: the digest of the slice of the input stream a shard reads and of
//! the slice of the output stream it commits, computed in-circuit, with every byte of the
//! slice tied to the `IO` bus exactly once.
//!
//! Two instances of one chip type, [`IoSpongeChip`] with [`Stream::Input`] and with
//! [`Stream::Output`]. Each hashes its slice exactly as [`crate::io_digest`] specifies and
//! publishes `(start, len, digest)` ([`IoSpongePublicValues`]): the slice is the stream's
//! positions `start..start + len`. A verifier ties `start` and `start + len` to the IO call
//! chip's cursors, recomputes the output slices' digests from the output bytes carried
//! beside the proofs, and hands the input digests (of the bytes read) to the caller.
//!
//! # Rows
//!
//! One row per block of 16 bytes, i.e. one Poseidon2 permutation (`p3-poseidon2-air`'s
//! columns first, [`IoSpongeCols::perm`]); real rows form a prefix of `len / 16 + 1` rows
//! (at least one), then padding rows up to a power of two. Row `i` holds stream positions
//! `pos = start + 16·i .. pos + 16`, the bytes (zero past the slice's end), and flags
//! `in_range[k]` (`pos + k < start + len`). The first row's capacity is `(len, 0, …, 0)`;
//! each next real row's capacity is the previous permutation's output capacity; the last
//! real row's output rate is the digest.
//!
//! # Buses
//!
//! * `IO`, message `(stream, pos + k, bytes[k])` (see [`crate::bus::IO_MESSAGE_WIDTH`]),
//!   count `in_range[k]`: every position of the slice exactly once. The input sponge
//!   *sends* (so the shard's reads are exactly the slice's bytes, each read once); the
//!   output sponge *receives* (so the shard commits exactly the slice's bytes, each once).
//! * `BYTE`: every byte of a real row is range-checked (`RANGE`, two per message), and the
//!   first row checks `start < 2^24` and `len < 2^24` (`U16` of the low parts, `RANGE` of
//!   the high bytes).

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
pub use trace::{generate_trace, generate_trace_padded};

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
    /// The program's input: bytes `READ_INPUT` copies (each exactly once).
    Input,
    /// The program's output: bytes `COMMIT_OUTPUT` appends (each exactly once).
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
