//! Columns of the bitwise chip.

use crate::columns::impl_columns;
use crate::word::Word;

/// One `AND`, `OR` or `XOR`, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct BitwiseCols<T> {
    /// The result `a`.
    pub a: Word<T>,
    /// The first operand `b`.
    pub b: Word<T>,
    /// The second operand `c`.
    pub c: Word<T>,
    /// `1` if the row is an `AND`.
    pub is_and: T,
    /// `1` if the row is an `OR`.
    pub is_or: T,
    /// `1` if the row is a `XOR`.
    pub is_xor: T,
}

impl_columns!(BitwiseCols, NUM_BITWISE_COLS);
