//! Columns of the byte table.

use crate::bus::NUM_BYTE_OPS;
use crate::columns::impl_columns;

/// The preprocessed (fixed) columns: row `x + 256·y` holds the pair `(x, y)` and the
/// results of every operation on it.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct BytePreprocessedCols<T> {
    /// The first byte, `row & 0xff`.
    pub x: T,
    /// The second byte, `row >> 8`.
    pub y: T,
    /// `x & y`.
    pub and: T,
    /// `x | y`.
    pub or: T,
    /// `x ^ y`.
    pub xor: T,
    /// `1` if `x < y` else `0`.
    pub ltu: T,
    /// `x >> 7`.
    pub msb: T,
}

impl_columns!(BytePreprocessedCols, NUM_BYTE_PREPROCESSED_COLS);

/// The main columns: multiplicities.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ByteMultCols<T> {
    /// `multiplicities[op]`: how many times this row's entry for `ByteOp::ALL[op]` was
    /// requested on the `BYTE` bus.
    pub multiplicities: [T; NUM_BYTE_OPS],
}

impl_columns!(ByteMultCols, NUM_BYTE_MULT_COLS);
