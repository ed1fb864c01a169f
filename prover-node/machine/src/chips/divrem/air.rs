//! Constraints of the `DIV*`/`REM*` chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{AbsCols, DivRemCols, NUM_DIV_REM_COLS};
use crate::bus::{Bus, ByteOp, execution_message, send_byte, send_byte_pairs, send_u16s};
use crate::chips::mul::PRODUCT_LIMBS;
use crate::opcode;
use crate::word::{WORD_SIZE, Word};

/// The `DIV`/`DIVU`/`REM`/`REMU` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DivRemChip;

impl<F> BaseAir<F> for DivRemChip {
    fn width(&self) -> usize {
        NUM_DIV_REM_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<V: Copy> AbsCols<V> {
    /// Constrain `self.abs = 2^32 − x` if `neg` is 1, else `self.abs = x`.
    ///
    /// # Assumptions
    ///
    /// The caller constrains `neg` to be boolean and 1 only if `x ≥ 2^31`, and
    /// range-checks `x` and `self.abs` as bytes. Degree 2.
    fn eval<AB>(&self, builder: &mut AB, x: &Word<V>, neg: V)
    where
        AB: InteractionBuilder<Var = V>,
        V: Into<AB::Expr>,
    {
        let base = AB::Expr::from_u16(256);
        let neg: AB::Expr = neg.into();
        let not_neg = AB::Expr::ONE - neg.clone();

        // The carries are boolean and vanish unless the word is negated.
        builder.assert_bools(self.carry);
        for carry in self.carry {
            builder.assert_zero(not_neg.clone() * carry);
        }

        // Negated: x + abs = 2^32 limb by limb (the carry out of limb 3 is `neg` = 1);
        // otherwise abs = x.
        // SAFETY: limbs are bytes and carries boolean, so each limb equation is below 2^10
        // and holds over the integers: x + abs = 2^32, so abs = 2^32 − x, which lies in
        // (0, 2^31] for a negative x (and is 2^31 for INT_MIN, as an unsigned word).
        let mut carry_in = AB::Expr::ZERO;
        for i in 0..WORD_SIZE {
            let carry_out: AB::Expr =
                if i + 1 < WORD_SIZE { self.carry[i].into() } else { neg.clone() };
            let (xi, ai): (AB::Expr, AB::Expr) = (x[i].into(), self.abs[i].into());
            builder.assert_zero(
                neg.clone()
                    * (xi.clone() + ai.clone() + carry_in - carry_out.clone() * base.clone())
                    + not_neg.clone() * (ai - xi),
            );
            carry_in = carry_out;
        }
    }
}

impl<AB: InteractionBuilder> Air<AB> for DivRemChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &DivRemCols<AB::Var> = main.current_slice().borrow();
        let base = AB::Expr::from_u16(256);
        let ff = AB::Expr::from_u8(0xff);
        let (q, r) = (&local.quotient, &local.remainder);

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_div);
        builder.assert_bool(local.is_divu);
        builder.assert_bool(local.is_rem);
        builder.assert_bool(local.is_remu);
        let is_real: AB::Expr = local.is_div + local.is_divu + local.is_rem + local.is_remu;
        builder.assert_bool(is_real.clone());
        let is_signed: AB::Expr = local.is_div + local.is_rem;
        let is_quotient: AB::Expr = local.is_div + local.is_divu;
        let is_remainder: AB::Expr = local.is_rem + local.is_remu;

        // The result is the quotient for DIV/DIVU and the remainder for REM/REMU (0 on
        // padding rows).
        // SAFETY: `q` and `r` are range-checked below, so `a` needs no range check.
        for i in 0..WORD_SIZE {
            builder.assert_eq(local.a[i], is_quotient.clone() * q[i] + is_remainder.clone() * r[i]);
        }

        // Division by zero: `c_is_zero = is_real·[c = 0]`, with `c_sum_inv` the inverse
        // witness of the limb sum.
        // SAFETY: the limbs of `c` are bytes, so their sum is at most 1020 < p and is 0
        // iff c = 0. If the sum is nonzero the second constraint gives `c_is_zero = 0`
        // (and the first fixes `c_sum_inv`); if it is zero the first gives
        // `c_is_zero = is_real`. So the flag is fixed and boolean.
        let c_sum: AB::Expr = local.c.iter().map(|&l| l.into()).sum();
        builder.assert_eq(local.c_is_zero, is_real.clone() - c_sum.clone() * local.c_sum_inv);
        builder.assert_zero(c_sum * local.c_is_zero);

        // Dividing by zero gives the quotient all ones (the remainder `b` follows from the
        // product below, since q·0 = 0).
        for i in 0..WORD_SIZE {
            builder.assert_zero(local.c_is_zero * (q[i] - ff.clone()));
        }

        // Signed overflow: `is_overflow = is_signed·[b = INT_MIN and c = −1]`, with
        // `overflow_inv` the inverse witness of the distance
        // d = b[0] + b[1] + b[2] + (b[3] − 128·b_msb) + (1 − b_msb) + Σ (255 − c[i]).
        // SAFETY: with byte limbs and `b_msb = b[3] >> 7` (the byte table's MSB), every term
        // of d is a non-negative integer (`b[3] − 128·b_msb` is b[3]'s low seven bits) and
        // d ≤ 765 + 127 + 1 + 1020 < p, so d = 0 iff b = 0x8000_0000 and c = 0xffff_ffff.
        // If d ≠ 0 the second constraint gives `is_overflow = 0`; if d = 0 the first gives
        // `is_overflow = is_signed`. So the flag is fixed and boolean.
        let mut distance: AB::Expr = local.b[0]
            + local.b[1]
            + local.b[2]
            + (local.b[3] - local.b_msb * AB::Expr::from_u8(128))
            + (AB::Expr::ONE - local.b_msb);
        for i in 0..WORD_SIZE {
            distance += ff.clone() - local.c[i];
        }
        builder.assert_eq(
            local.is_overflow,
            is_signed.clone() - distance.clone() * local.overflow_inv,
        );
        builder.assert_zero(distance * local.is_overflow);

        // The overflow's quotient is INT_MIN (its remainder 0 follows from the product).
        for i in 0..WORD_SIZE {
            let int_min_limb = AB::Expr::from_u8(if i + 1 == WORD_SIZE { 0x80 } else { 0 });
            builder.assert_zero(local.is_overflow * (q[i] - int_min_limb));
        }

        // An operand is sign-extended iff the operation is signed and its top bit is set;
        // the quotient not on the overflow row, where 2^31·(−1) ≡ INT_MIN needs the
        // unsigned reading of q = 2^31.
        // SAFETY: the msb columns are the byte table's MSB of the top limbs (sent below),
        // hence booleans; `is_signed − is_overflow` is boolean (overflow implies signed).
        builder.assert_eq(local.b_neg, is_signed.clone() * local.b_msb);
        builder.assert_eq(local.c_neg, is_signed.clone() * local.c_msb);
        builder.assert_eq(local.remainder_neg, is_signed.clone() * local.remainder_msb);
        builder.assert_eq(local.quotient_neg, (is_signed - local.is_overflow) * local.quotient_msb);

        // q·c + r = b modulo 2^64 on the 64-bit extensions, limb by limb with carries.
        // SAFETY: `q`, `r`, `b`, `c` are bytes and every carry is below 2^16 (range checks
        // below), extension limbs are 0 or 255. So limb i's left side is at most
        // 8·255² + 255 + 2^16 − 1 < 2^20 and its right side at most 255 + 256·(2^16 − 1)
        // < 2^24, both below p: each equation holds over the integers, and the eight state
        // Q·C + R = B + 2^64·carry[7]. Away from the overflow the extensions read q, c, r,
        // b as the signed (or unsigned) integers, for which |q·c + r − b| is at most
        // 2^62 + 2^32 (signed) or below 2^64 (unsigned): a multiple of 2^64 that small
        // is 0, so q·c + r = b exactly. (Honest carries are non-negative, since
        // every prefix of B is below the matching power of 256, and at most 2040.)
        let ext = |word: &Word<AB::Var>, neg: AB::Var, i: usize| -> AB::Expr {
            if i < WORD_SIZE { word[i].into() } else { ff.clone() * neg }
        };
        let mut carry_in = AB::Expr::ZERO;
        for i in 0..PRODUCT_LIMBS {
            let mut limb = carry_in + ext(r, local.remainder_neg, i);
            for j in 0..=i {
                limb += ext(q, local.quotient_neg, j) * ext(&local.c, local.c_neg, i - j);
            }
            let carry_out: AB::Expr = local.carry[i].into();
            builder
                .assert_eq(limb, ext(&local.b, local.b_neg, i) + carry_out.clone() * base.clone());
            carry_in = carry_out;
        }

        // A nonzero remainder has the sign of the dividend.
        // SAFETY: Σ r[i] ≤ 1020 < p is nonzero iff r ≠ 0; both sign flags are 0 for
        // unsigned operations.
        let r_sum: AB::Expr = r.iter().map(|&l| l.into()).sum();
        builder.assert_zero((local.b_neg - local.remainder_neg) * r_sum);

        // |c| and |r|, as unsigned words.
        // SAFETY: the `*_neg` flags are boolean and set only for words whose top bit is
        // set; the gadget below range-checks both absolute values.
        local.abs_c.eval(builder, &local.c, local.c_neg);
        local.abs_remainder.eval(builder, r, local.remainder_neg);

        // |r| < |c| unless c = 0 (then |r| < 0 is false, as the gadget finds).
        // SAFETY: the gadget fixes `abs_lt.result = (|r| <_u |c|)` and range-checks all
        // eight limbs of both absolute values (`is_real` boolean, unsigned comparison).
        local.abs_lt.eval(
            builder,
            &local.abs_remainder.abs,
            &local.abs_c.abs,
            AB::Expr::ZERO,
            is_real.clone(),
        );
        builder.assert_eq(local.abs_lt.result, is_real.clone() - local.c_is_zero);

        // The top bits of b, c, q, r are the byte table's MSB of their top limbs.
        // SAFETY: the MSB entries exist only for bytes, so these also range-check the top
        // limbs and fix the msb columns as booleans.
        let msbs = [
            (local.b[3], local.b_msb),
            (local.c[3], local.c_msb),
            (q[3], local.quotient_msb),
            (r[3], local.remainder_msb),
        ];
        for (limb, msb) in msbs {
            send_byte::<AB>(
                builder,
                ByteOp::Msb,
                [limb.into(), AB::Expr::ZERO, msb.into()],
                is_real.clone(),
            );
        }

        // The other limbs of b, c, q, r are bytes.
        // SAFETY: `b` and `c` are checked here so that this chip does not rely on the
        // sender having range-checked its operands.
        let pairs = [
            (local.b[0], local.b[1]),
            (local.b[2], local.c[0]),
            (local.c[1], local.c[2]),
            (q[0], q[1]),
            (q[2], r[0]),
            (r[1], r[2]),
        ];
        send_byte_pairs::<AB, _>(builder, pairs, is_real.clone());

        // Every carry is below 2^16.
        // SAFETY: this is the bound the carry-chain argument above relies on.
        send_u16s::<AB, _>(builder, local.carry, is_real.clone());

        // Receive the operation from the CPU.
        // SAFETY: the opcode element is DIV, DIVU, REM or REMU exactly as the flags say,
        // so a message for any other operation cannot be consumed here.
        let opcode = local.is_div * AB::Expr::from_u8(opcode::DIV)
            + local.is_divu * AB::Expr::from_u8(opcode::DIVU)
            + local.is_rem * AB::Expr::from_u8(opcode::REM)
            + local.is_remu * AB::Expr::from_u8(opcode::REMU);
        let message = execution_message(
            opcode,
            local.a.map(Into::into),
            local.b.map(Into::into),
            local.c.map(Into::into),
        );
        Bus::Execution.receive(builder, message, is_real, 1);
    }
}
