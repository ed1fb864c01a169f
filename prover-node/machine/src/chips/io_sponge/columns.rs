//! Columns and public values of the stream sponge chip.

use p3_poseidon2_air::Poseidon2Cols;

use super::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS, SBOX_DEGREE, SBOX_REGISTERS};
use crate::columns::impl_columns;
use crate::io_digest::{IO_BLOCK_BYTES, IO_SPONGE_RATE, IO_SPONGE_WIDTH};

/// `p3-poseidon2-air`'s columns for one permutation of our parameters.
pub type PermutationCols<T> = Poseidon2Cols<
    T,
    IO_SPONGE_WIDTH,
    SBOX_DEGREE,
    SBOX_REGISTERS,
    HALF_FULL_ROUNDS,
    PARTIAL_ROUNDS,
>;

/// One row: one block of the stream, absorbed by one permutation.
#[repr(C)]
pub struct IoSpongeCols<T> {
    /// `p3-poseidon2-air`'s columns: the permutation's input state (`inputs`), every full
    /// round's output state (`post`) and every partial round's S-box output. They must come
    /// first: [`p3_poseidon2_air::Poseidon2Air`] is evaluated on this prefix. The
    /// permutation's output is the last ending full round's `post`.
    pub perm: PermutationCols<T>,
    /// `1` on the rows of the stream's blocks (a prefix of the trace), `0` on padding.
    pub is_real: T,
    /// `1` on the first row only (it range-checks the start and the length).
    pub is_first: T,
    /// `1` on the last real row only (`is_real − next.is_real`, or `is_real` on the last row).
    pub is_last: T,
    /// Stream position of the row's first byte: `start + 16·row` on real rows (free on
    /// padding rows, where nothing is sent).
    pub pos: T,
    /// The block's bytes: stream bytes `pos .. pos + 16`, zero past the slice's end.
    pub bytes: [T; IO_BLOCK_BYTES],
    /// `in_range[k] = 1` iff `pos + k < start + len` (byte `k` is a byte of the slice); zero
    /// on padding. It is also the byte's count on `IO`.
    pub in_range: [T; IO_BLOCK_BYTES],
    /// `len mod 2^16`, range-checked on the first row (free, and unread, on the others).
    pub len_lo: T,
    /// `len >> 16`, a byte, range-checked on the first row (free, and unread, on the others).
    pub len_hi: T,
    /// `start mod 2^16`, range-checked on the first row (free, and unread, on the others).
    pub start_lo: T,
    /// `start >> 16`, a byte, range-checked on the first row (free, and unread, on the
    /// others).
    pub start_hi: T,
}

impl_columns!(IoSpongeCols, NUM_IO_SPONGE_COLS);

/// The chip's public values: the slice of the stream the shard used, and its digest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct IoSpongePublicValues<T> {
    /// The stream position of the slice's first byte (below 2^24): the stream cursor when
    /// the shard starts.
    pub start: T,
    /// The slice's length in bytes (below 2^24): the bytes the shard read (input) or
    /// committed (output).
    pub len: T,
    /// [`crate::io_digest::io_digest`] of the slice's bytes: the rate part of the state
    /// after the last permutation.
    pub digest: [T; IO_SPONGE_RATE],
}

impl_columns!(IoSpongePublicValues, NUM_IO_SPONGE_PUBLIC_VALUES);
