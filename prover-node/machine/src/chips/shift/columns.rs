//! Columns of the shift chip.

use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// One `SLL`, `SRL` or `SRA`, or a padding row (all zero except `bit_multiplier = 1`).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ShiftCols<T> {
    /// The result `a`.
    pub a: Word<T>,
    /// The value shifted, `b`.
    pub b: Word<T>,
    /// The shift amount operand `c` (only `c mod 32` is used).
    pub c: Word<T>,
    /// `bit_shift[k]`: bit `k` of the shift amount, for `k` in `0..3`; they make the bit
    /// shift `r = Σ 2^k·bit_shift[k]` within a limb.
    pub bit_shift: [T; 3],
    /// `byte_shift[n] = 1` iff the shift amount's bits 3 and 4 make `n`: the result moves
    /// by `n` whole limbs. One-hot on real rows, all zero on padding rows.
    pub byte_shift: [T; WORD_SIZE],
    /// `2^r`, the multiplier of the bit shift.
    pub bit_multiplier: T,
    /// `lo[i]`: the low byte of `b[i]·2^r` (left shifts) or of `b[i]·2^(8−r)` (right
    /// shifts).
    pub lo: [T; WORD_SIZE],
    /// `hi[i]`: the high byte of `b[i]·2^r` (left shifts: `b[i] >> (8−r)`, the carry into
    /// limb `i+1`) or of `b[i]·2^(8−r)` (right shifts: `b[i] >> r`).
    pub hi: [T; WORD_SIZE],
    /// The top bit of `b`.
    pub b_msb: T,
    /// `1` iff ones are shifted in: an `SRA` of a negative `b`.
    pub sign_fill: T,
    /// The top `r` bits of a byte if `sign_fill`, else 0: `sign_fill·(256 − 2^(8−r))`, the
    /// bits shifted into the top limb below its whole sign bytes.
    pub sign_fill_bits: T,
    /// `1` if the row is an `SLL`.
    pub is_sll: T,
    /// `1` if the row is an `SRL`.
    pub is_srl: T,
    /// `1` if the row is an `SRA`.
    pub is_sra: T,
}

impl_columns!(ShiftCols, NUM_SHIFT_COLS);
