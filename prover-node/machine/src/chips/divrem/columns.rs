//! Columns of the `DIV*`/`REM*` chip.

use crate::chips::lt::LessThanCols;
use crate::chips::mul::PRODUCT_LIMBS;
use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// The absolute value of a word read as signed (or the word itself when it is read as
/// unsigned or is non-negative). All zero for the word 0.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct AbsCols<T> {
    /// The absolute value, `2^32 − x` when the word `x` is negative, else `x`.
    pub abs: Word<T>,
    /// `carry[i]`: the carry out of limb `i` of `x + abs = 2^32` when `x` is negative
    /// (the carry out of limb 3 is then 1 and has no column); 0 otherwise.
    pub carry: [T; WORD_SIZE - 1],
}

impl_columns!(AbsCols, NUM_ABS_COLS);

/// One `DIV`, `DIVU`, `REM` or `REMU`, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct DivRemCols<T> {
    /// The result `a`: the quotient for `DIV`/`DIVU`, the remainder for `REM`/`REMU`.
    pub a: Word<T>,
    /// The dividend `b`.
    pub b: Word<T>,
    /// The divisor `c`.
    pub c: Word<T>,
    /// The quotient `q`.
    pub quotient: Word<T>,
    /// The remainder `r`.
    pub remainder: Word<T>,
    /// `carry[i]`: the carry out of limb `i` of `Q·C + R = B` on the 64-bit extensions
    /// (below 2^11; range-checked as `U16`). The last one is the dropped multiple of 2^64.
    pub carry: [T; PRODUCT_LIMBS],
    /// The top bit of `b`.
    pub b_msb: T,
    /// The top bit of `c`.
    pub c_msb: T,
    /// The top bit of `q`.
    pub quotient_msb: T,
    /// The top bit of `r`.
    pub remainder_msb: T,
    /// `1` iff the operation is signed and `b` is negative.
    pub b_neg: T,
    /// `1` iff the operation is signed and `c` is negative.
    pub c_neg: T,
    /// `1` iff `q` is sign-extended: the operation is signed, `q` is negative and the row
    /// is not the signed overflow.
    pub quotient_neg: T,
    /// `1` iff the operation is signed and `r` is negative.
    pub remainder_neg: T,
    /// `1` iff the row is real and `c = 0` (division by zero).
    pub c_is_zero: T,
    /// `(Σ c[i])^-1` on real rows with `c ≠ 0`; 0 otherwise (free when `c = 0`).
    pub c_sum_inv: T,
    /// `1` iff the operation is signed, `b = INT_MIN` and `c = −1` (signed overflow).
    pub is_overflow: T,
    /// The inverse of the overflow distance (see the constraints) on signed rows that are
    /// not the overflow; 0 otherwise (free when the distance is 0).
    pub overflow_inv: T,
    /// `|c|` (signed operations) or `c`.
    pub abs_c: AbsCols<T>,
    /// `|r|` (signed operations) or `r`.
    pub abs_remainder: AbsCols<T>,
    /// `|r| < |c|` (unsigned comparison of the absolute values).
    pub abs_lt: LessThanCols<T>,
    /// `1` if the row is a `DIV`.
    pub is_div: T,
    /// `1` if the row is a `DIVU`.
    pub is_divu: T,
    /// `1` if the row is a `REM`.
    pub is_rem: T,
    /// `1` if the row is a `REMU`.
    pub is_remu: T,
}

impl_columns!(DivRemCols, NUM_DIV_REM_COLS);
