//! Columns of the `MUL*` chip.

use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// Limbs of the 64-bit product.
pub const PRODUCT_LIMBS: usize = 2 * WORD_SIZE;

/// One `MUL`, `MULH`, `MULHSU` or `MULHU`, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct MulCols<T> {
    /// The result `a`: product limbs `0..4` for `MUL`, `4..8` for `MULH*`.
    pub a: Word<T>,
    /// The other half of the 64-bit product: limbs `4..8` for `MUL`, `0..4` for `MULH*`.
    pub rest: Word<T>,
    /// The first operand `b`.
    pub b: Word<T>,
    /// The second operand `c`.
    pub c: Word<T>,
    /// `carry[i]`: the carry out of product limb `i` (below 2^11; range-checked as `U16`).
    /// The last one is the dropped multiple of 2^64.
    pub carry: [T; PRODUCT_LIMBS],
    /// The top bit of `b` (`b[3] >> 7`).
    pub b_msb: T,
    /// The top bit of `c` (`c[3] >> 7`).
    pub c_msb: T,
    /// `1` iff `b` is read as signed and is negative (`MULH`, `MULHSU`): its extension
    /// limbs are `0xff`.
    pub b_neg: T,
    /// `1` iff `c` is read as signed and is negative (`MULH`): its extension limbs are
    /// `0xff`.
    pub c_neg: T,
    /// `1` if the row is a `MUL`.
    pub is_mul: T,
    /// `1` if the row is a `MULH` (signed × signed, high word).
    pub is_mulh: T,
    /// `1` if the row is a `MULHSU` (signed × unsigned, high word).
    pub is_mulhsu: T,
    /// `1` if the row is a `MULHU` (unsigned × unsigned, high word).
    pub is_mulhu: T,
}

impl_columns!(MulCols, NUM_MUL_COLS);
