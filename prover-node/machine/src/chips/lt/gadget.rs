//! The less-than gadget: `result = (b < c)`, signed or unsigned, for two words whose
//! limbs it range-checks itself. [`LessThanCols::populate`] fills the columns,
//! [`LessThanCols::eval`] constrains them; a chip embeds [`LessThanCols`] in its own row.

use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;

use crate::bus::{Bus, ByteOp};
use crate::chips::byte::ByteRecord;
use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// The helper columns of one comparison `b < c`. All zero is a valid assignment for
/// `b = c = 0` (a padding row).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct LessThanCols<T> {
    /// `diff_marker[i] = 1` iff limb `i` is the most significant limb where `b` and `c`
    /// differ; all zero when `b = c`.
    pub diff_marker: [T; WORD_SIZE],
    /// `b`'s limb at the marked position (0 when `b = c`).
    pub b_byte: T,
    /// `c`'s limb at the marked position (0 when `b = c`).
    pub c_byte: T,
    /// `(b_byte − c_byte)^-1`, proving that the marked limbs differ. Free when `b = c`
    /// (no marker): nothing reads it then; trace generation puts 0.
    pub diff_inv: T,
    /// `1` if `b_byte < c_byte`, i.e. `b < c` as unsigned integers.
    pub ltu: T,
    /// The top bit of `b` (`b[3] >> 7`).
    pub b_msb: T,
    /// The top bit of `c` (`c[3] >> 7`).
    pub c_msb: T,
    /// `1` if `b < c` (signed or unsigned as asked), else `0`.
    pub result: T,
}

impl_columns!(LessThanCols, NUM_LESS_THAN_COLS);

impl<F: Field> LessThanCols<F> {
    /// Fill the columns for `b < c` and record the byte requests [`Self::eval`] sends.
    /// Returns the result.
    pub fn populate(&mut self, b: u32, c: u32, signed: bool, bytes: &mut ByteRecord) -> bool {
        let (bl, cl) = (b.to_le_bytes(), c.to_le_bytes());
        *self = LessThanCols::default();
        let (mut b_byte, mut c_byte) = (0u8, 0u8);
        if let Some(i) = (0..WORD_SIZE).rev().find(|&i| bl[i] != cl[i]) {
            (b_byte, c_byte) = (bl[i], cl[i]);
            self.diff_marker[i] = F::ONE;
            self.b_byte = F::from_u8(b_byte);
            self.c_byte = F::from_u8(c_byte);
            self.diff_inv = (self.b_byte - self.c_byte).inverse();
        }
        let ltu = b_byte < c_byte;
        let (b_msb, c_msb) = (bl[3] >> 7, cl[3] >> 7);
        let result = if signed { (b as i32) < (c as i32) } else { b < c };
        debug_assert_eq!(ltu as i32 + signed as i32 * (b_msb as i32 - c_msb as i32), result as i32);
        self.ltu = F::from_bool(ltu);
        self.b_msb = F::from_u8(b_msb);
        self.c_msb = F::from_u8(c_msb);
        self.result = F::from_bool(result);

        bytes.add_range_checks(&[bl[0], bl[1], bl[2], cl[0], cl[1], cl[2]]);
        bytes.add(ByteOp::Msb, bl[3] as u32, 0);
        bytes.add(ByteOp::Msb, cl[3] as u32, 0);
        bytes.add(ByteOp::Ltu, b_byte as u32, c_byte as u32);
        result
    }
}

impl<V: Copy> LessThanCols<V> {
    /// Constrain `self.result = (b < c)`, signed if `is_signed` is 1.
    ///
    /// Sends six `BYTE` requests with count `is_real`: range checks of `b[0..3]` and
    /// `c[0..3]`, `MSB` of `b[3]` and `c[3]` (which range-check those limbs too), and
    /// `LTU` of the marked limbs. The constraints hold on an all-zero row.
    ///
    /// # Assumptions
    ///
    /// The caller constrains `is_signed` and `is_real` to be boolean, and `b` and `c` to
    /// be the words the result is about. Degree: 2 (with `is_signed` of degree 1).
    pub fn eval<AB>(
        &self,
        builder: &mut AB,
        b: &Word<V>,
        c: &Word<V>,
        is_signed: impl Into<AB::Expr>,
        is_real: impl Into<AB::Expr>,
    ) where
        AB: InteractionBuilder<Var = V>,
        V: Into<AB::Expr>,
    {
        let is_signed: AB::Expr = is_signed.into();
        let is_real: AB::Expr = is_real.into();

        // The markers are boolean and at most one is set.
        builder.assert_bools(self.diff_marker);
        let any_marker: AB::Expr = self.diff_marker.iter().map(|&m| m.into()).sum();
        builder.assert_bool(any_marker.clone());

        // Every limb above the marker (every limb, if none is set) is equal in b and c.
        // SAFETY: with the next block (the marked limbs differ), this makes the marker the
        // most significant differing limb: a marker lower than it leaves that limb
        // unequal here, a marker higher than it points at equal limbs.
        let mut at_or_above: AB::Expr = AB::Expr::ZERO;
        for i in (0..WORD_SIZE).rev() {
            at_or_above += self.diff_marker[i].into();
            builder
                .assert_zero((AB::Expr::ONE - at_or_above.clone()) * (b[i].into() - c[i].into()));
        }

        // The compared bytes are the limbs at the marker (0 when there is none).
        let mut b_at = AB::Expr::ZERO;
        let mut c_at = AB::Expr::ZERO;
        for i in 0..WORD_SIZE {
            b_at += self.diff_marker[i].into() * b[i].into();
            c_at += self.diff_marker[i].into() * c[i].into();
        }
        builder.assert_eq(self.b_byte, b_at);
        builder.assert_eq(self.c_byte, c_at);

        // If a marker is set the marked limbs differ: `diff_inv` is their difference's
        // inverse.
        builder.assert_eq(
            (self.b_byte.into() - self.c_byte.into()) * self.diff_inv.into(),
            any_marker,
        );

        // The unsigned answer is the byte table's LTU of the marked limbs.
        // SAFETY: the table fixes `ltu = (b_byte < c_byte)` (boolean) and range-checks
        // both. With limbs that are bytes (range-checked below), the most significant
        // differing limb decides `b < c`; with no marker, `b = c` and `ltu = (0 < 0) = 0`.
        Bus::Byte.send(
            builder,
            [
                AB::Expr::from_u8(ByteOp::Ltu as u8),
                self.b_byte.into(),
                self.c_byte.into(),
                self.ltu.into(),
            ],
            is_real.clone(),
            1,
        );

        // The top bits of b and c are the byte table's MSB of their top limbs.
        // SAFETY: the MSB entries exist only for bytes, so these also range-check `b[3]`
        // and `c[3]`, and fix `b_msb`, `c_msb` as booleans.
        for (limb, msb) in [(b[3], self.b_msb), (c[3], self.c_msb)] {
            Bus::Byte.send(
                builder,
                [AB::Expr::from_u8(ByteOp::Msb as u8), limb.into(), AB::Expr::ZERO, msb.into()],
                is_real.clone(),
                1,
            );
        }

        // The other six limbs are bytes.
        let limbs = [b[0], b[1], b[2], c[0], c[1], c[2]];
        for pair in limbs.chunks_exact(2) {
            Bus::Byte.send(
                builder,
                [
                    AB::Expr::from_u8(ByteOp::Range as u8),
                    pair[0].into(),
                    pair[1].into(),
                    AB::Expr::ZERO,
                ],
                is_real.clone(),
                1,
            );
        }

        // The signed answer differs from the unsigned one only when the signs differ:
        // then b < c (signed) iff b is negative, while the unsigned answer is msb(c).
        // SAFETY: `ltu`, `b_msb`, `c_msb` are fixed booleans above, so `result` is fixed
        // (and boolean: when the signs differ, `ltu = c_msb = 1 − b_msb` and
        // `result = b_msb`).
        builder.assert_eq(
            self.result,
            self.ltu.into() + is_signed * (self.b_msb.into() - self.c_msb.into()),
        );
    }
}
