//! Constraints of the `MUL*` chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{MulCols, NUM_MUL_COLS, PRODUCT_LIMBS};
use crate::bus::{Bus, ByteOp, execution_message, send_byte, send_byte_pairs, send_u16s};
use crate::opcode;
use crate::word::WORD_SIZE;

/// The `MUL`/`MULH`/`MULHSU`/`MULHU` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MulChip;

impl<F> BaseAir<F> for MulChip {
    fn width(&self) -> usize {
        NUM_MUL_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for MulChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MulCols<AB::Var> = main.current_slice().borrow();
        let base = AB::Expr::from_u16(256);
        let ff = AB::Expr::from_u8(0xff);

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_mul);
        builder.assert_bool(local.is_mulh);
        builder.assert_bool(local.is_mulhsu);
        builder.assert_bool(local.is_mulhu);
        let is_real: AB::Expr = local.is_mul + local.is_mulh + local.is_mulhsu + local.is_mulhu;
        builder.assert_bool(is_real.clone());

        // An operand is sign-extended iff the operation reads it as signed and its top bit
        // is set (b for MULH and MULHSU, c for MULH).
        // SAFETY: `b_msb`, `c_msb` are the byte table's MSB of `b[3]`, `c[3]` (sent below),
        // hence booleans, so `b_neg` and `c_neg` are fixed booleans.
        builder.assert_eq(local.b_neg, local.b_msb * (local.is_mulh + local.is_mulhsu));
        builder.assert_eq(local.c_neg, local.c_msb * local.is_mulh);

        // The product limbs: `a` is the low half for MUL and the high half otherwise.
        let is_mul: AB::Expr = local.is_mul.into();
        let not_mul = AB::Expr::ONE - is_mul.clone();
        let product: [AB::Expr; PRODUCT_LIMBS] = core::array::from_fn(|i| {
            let (in_low_half, limb) = (i < WORD_SIZE, i % WORD_SIZE);
            let (a, rest) = (local.a[limb], local.rest[limb]);
            if in_low_half {
                is_mul.clone() * a + not_mul.clone() * rest
            } else {
                is_mul.clone() * rest + not_mul.clone() * a
            }
        });
        // The operands' 64-bit extensions, limb by limb.
        let b_ext = |j: usize| -> AB::Expr {
            if j < WORD_SIZE { local.b[j].into() } else { ff.clone() * local.b_neg }
        };
        let c_ext = |k: usize| -> AB::Expr {
            if k < WORD_SIZE { local.c[k].into() } else { ff.clone() * local.c_neg }
        };

        // Schoolbook multiplication with carries: limb i of B·C plus the carry in equals
        // product limb i plus 256 times the carry out.
        // SAFETY: `b`, `c`, `a`, `rest` are bytes and every carry is below 2^16 (range
        // checks below), the extension limbs are 0 or 255. So limb i's left side is at
        // most 8·255² + 2^16 − 1 < 2^20 and its right side at most 255 + 256·(2^16 − 1)
        // < 2^24, both non-negative and below p = 2^31 − 2^24 + 1: each equation holds
        // over the integers, and the eight of them state B·C = p + 2^64·carry[7], i.e.
        // `p` is the product modulo 2^64. B and C are congruent to the operands read as
        // the opcode says (signed or unsigned), whose exact product lies in [−2^63, 2^63)
        // or [0, 2^64): `p` is its 64-bit form, and `a` its low or high word. (Honest carries are below 2^11: carry[i] ≤
        // ((i+1)·255² + carry[i−1]) / 256 ≤ 2039.)
        let mut carry_in = AB::Expr::ZERO;
        for (i, p) in product.into_iter().enumerate() {
            let mut limb = carry_in;
            for j in 0..=i {
                limb += b_ext(j) * c_ext(i - j);
            }
            let carry_out: AB::Expr = local.carry[i].into();
            builder.assert_eq(limb, p + carry_out.clone() * base.clone());
            carry_in = carry_out;
        }

        // The top bits of b and c are the byte table's MSB of their top limbs.
        // SAFETY: the MSB entries exist only for bytes, so these also range-check `b[3]`
        // and `c[3]` and fix `b_msb`, `c_msb` as booleans.
        for (limb, msb) in [(local.b[3], local.b_msb), (local.c[3], local.c_msb)] {
            send_byte::<AB>(
                builder,
                ByteOp::Msb,
                [limb.into(), AB::Expr::ZERO, msb.into()],
                is_real.clone(),
            );
        }

        // The other limbs of b and c, and all eight product limbs, are bytes.
        // SAFETY: `b` and `c` are checked here so that this chip does not rely on the
        // sender having range-checked its operands; `a` and `rest` are the product.
        let pairs = [
            (local.b[0], local.b[1]),
            (local.b[2], local.c[0]),
            (local.c[1], local.c[2]),
            (local.a[0], local.a[1]),
            (local.a[2], local.a[3]),
            (local.rest[0], local.rest[1]),
            (local.rest[2], local.rest[3]),
        ];
        send_byte_pairs::<AB, _>(builder, pairs, is_real.clone());

        // Every carry is below 2^16.
        // SAFETY: this is the bound the carry-chain argument above relies on.
        send_u16s::<AB, _>(builder, local.carry, is_real.clone());

        // Receive the operation from the CPU.
        // SAFETY: the opcode element is MUL, MULH, MULHSU or MULHU exactly as the flags
        // say, so a message for any other operation cannot be consumed here.
        let opcode = local.is_mul * AB::Expr::from_u8(opcode::MUL)
            + local.is_mulh * AB::Expr::from_u8(opcode::MULH)
            + local.is_mulhsu * AB::Expr::from_u8(opcode::MULHSU)
            + local.is_mulhu * AB::Expr::from_u8(opcode::MULHU);
        let message = execution_message(
            opcode,
            local.a.map(Into::into),
            local.b.map(Into::into),
            local.c.map(Into::into),
        );
        Bus::Execution.receive(builder, message, is_real, 1);
    }
}
