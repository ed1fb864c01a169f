//! Columns of the `SLT`/`SLTU` chip.

use super::gadget::LessThanCols;
use crate::columns::impl_columns;
use crate::word::Word;

/// One `SLT` or `SLTU`, or a padding row (all zero). The result word `a` has no columns:
/// it is `(lt.result, 0, 0, 0)`.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct LtCols<T> {
    /// The first operand `b`.
    pub b: Word<T>,
    /// The second operand `c`.
    pub c: Word<T>,
    /// The comparison `b < c` (its `result` is the low limb of `a`).
    pub lt: LessThanCols<T>,
    /// `1` if the row is an `SLT` (signed).
    pub is_slt: T,
    /// `1` if the row is an `SLTU` (unsigned).
    pub is_sltu: T,
}

impl_columns!(LtCols, NUM_LT_COLS);
