//! Columns of the `ADD`/`SUB` chip.

use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// One `ADD` or `SUB`, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct AddSubCols<T> {
    /// The result `a`.
    pub a: Word<T>,
    /// The first operand `b`.
    pub b: Word<T>,
    /// The second operand `c`.
    pub c: Word<T>,
    /// `carry[i]`: the carry out of limb `i` of the addition `x + y = z` (for `ADD`
    /// `b + c = a`, for `SUB` `a + c = b`). The last one is the dropped 2^32 carry.
    pub carry: [T; WORD_SIZE],
    /// `1` if the row is an `ADD`.
    pub is_add: T,
    /// `1` if the row is a `SUB`.
    pub is_sub: T,
}

impl_columns!(AddSubCols, NUM_ADD_SUB_COLS);
