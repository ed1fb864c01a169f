//! Columns of the driver chip.

use crate::columns::impl_columns;
use crate::word::Word;

/// One `EXECUTION` message, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct DriverCols<T> {
    /// The `EXECUTION` opcode.
    pub opcode: T,
    /// The result `a`.
    pub a: Word<T>,
    /// The first operand `b`.
    pub b: Word<T>,
    /// The second operand `c`.
    pub c: Word<T>,
    /// `1` on rows that send their message.
    pub is_real: T,
}

impl_columns!(DriverCols, NUM_DRIVER_COLS);
