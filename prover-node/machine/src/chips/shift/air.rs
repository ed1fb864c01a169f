//! Constraints of the shift chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{NUM_SHIFT_COLS, ShiftCols};
use crate::bus::{Bus, ByteOp, execution_message, send_byte, send_byte_pairs};
use crate::opcode;
use crate::word::WORD_SIZE;

/// The `SLL`/`SRL`/`SRA` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShiftChip;

impl<F> BaseAir<F> for ShiftChip {
    fn width(&self) -> usize {
        NUM_SHIFT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for ShiftChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &ShiftCols<AB::Var> = main.current_slice().borrow();
        let base = AB::Expr::from_u16(256);

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_sll);
        builder.assert_bool(local.is_srl);
        builder.assert_bool(local.is_sra);
        let is_real: AB::Expr = local.is_sll + local.is_srl + local.is_sra;
        builder.assert_bool(is_real.clone());
        let is_left: AB::Expr = local.is_sll.into();
        let is_right: AB::Expr = local.is_srl + local.is_sra;

        // The shift amount's low bits are boolean and its byte shift is one-hot on real
        // rows (and all zero on padding rows).
        builder.assert_bools(local.bit_shift);
        builder.assert_bools(local.byte_shift);
        let byte_shift_sum: AB::Expr = local.byte_shift.iter().map(|&f| f.into()).sum();
        builder.assert_eq(byte_shift_sum, is_real.clone());

        // The shift amount is c[0] & 31, i.e. c mod 32.
        // SAFETY: the AND entry exists only for a byte `c[0]` (range-checking it) and
        // fixes `Σ 2^k·bit_shift[k] + 8·Σ n·byte_shift[n] = c[0] & 31`; with boolean bits
        // and a one-hot marker that decomposition is unique, so `r` and `q` are fixed.
        let mut amount: AB::Expr = AB::Expr::ZERO;
        for (k, &bit) in local.bit_shift.iter().enumerate() {
            amount += bit.into() * AB::Expr::from_u8(1 << k);
        }
        for (n, &flag) in local.byte_shift.iter().enumerate() {
            amount += flag.into() * AB::Expr::from_u8(8 * n as u8);
        }
        send_byte::<AB>(
            builder,
            ByteOp::And,
            [local.c[0].into(), AB::Expr::from_u8(31), amount],
            is_real.clone(),
        );

        // The bit multiplier is 2^r = (1 + bit0)·(1 + 3·bit1)·(1 + 15·bit2).
        let [bit0, bit1, bit2] = local.bit_shift.map(Into::<AB::Expr>::into);
        builder.assert_eq(
            local.bit_multiplier,
            (AB::Expr::ONE + bit0)
                * (AB::Expr::ONE + bit1 * AB::Expr::from_u8(3))
                * (AB::Expr::ONE + bit2 * AB::Expr::from_u8(15)),
        );
        let m: AB::Expr = local.bit_multiplier.into();

        // Every limb, shifted by r bits, splits into two bytes: b·2^r = lo + 256·hi (left)
        // or b·2^(8−r) = lo + 256·hi, stated as 256·b = 2^r·(lo + 256·hi) (right).
        // SAFETY: `b[i]`, `lo[i]`, `hi[i]` are bytes (range-checked below) and `m` is a
        // power of two at most 128, so both sides are below 2^16 < p as integers and the
        // equation holds over the integers: `lo`, `hi` are the unique byte split.
        for i in 0..WORD_SIZE {
            let split = local.lo[i] + local.hi[i] * base.clone();
            let b: AB::Expr = local.b[i].into();
            builder.assert_zero(
                (AB::Expr::ONE - is_right.clone()) * (b.clone() * m.clone() - split.clone())
                    + is_right.clone() * (b * base.clone() - m.clone() * split),
            );
        }

        // The sign fills a right shift only for an SRA of a negative b.
        builder.assert_eq(local.sign_fill, local.is_sra * local.b_msb);
        // The partial sign byte is sign_fill·(256 − 2^(8−r)), stated times m = 2^r.
        // SAFETY: `m` is a nonzero power of two, so this fixes `sign_fill_bits`.
        builder.assert_eq(
            local.sign_fill_bits * m.clone(),
            local.sign_fill * base.clone() * (m - AB::Expr::ONE),
        );

        // Each result limb is the bit-shifted limb `q` limbs away (zeros shifted in on the
        // left, sign bytes on the right).
        // SAFETY: every term is fixed by the blocks above; each bit-shifted limb is the sum
        // of two bytes with disjoint bits, so `a[i]` is a byte without a range check.
        let left = |j: isize| -> AB::Expr {
            match j {
                j if j < 0 => AB::Expr::ZERO,
                0 => local.lo[0].into(),
                j => local.lo[j as usize] + local.hi[j as usize - 1],
            }
        };
        let right = |j: usize| -> AB::Expr {
            match j {
                j if j + 1 < WORD_SIZE => local.hi[j] + local.lo[j + 1],
                j if j + 1 == WORD_SIZE => local.hi[j] + local.sign_fill_bits,
                _ => local.sign_fill * AB::Expr::from_u8(255),
            }
        };
        for i in 0..WORD_SIZE {
            let mut shifted = AB::Expr::ZERO;
            for (n, &flag) in local.byte_shift.iter().enumerate() {
                shifted += flag.into()
                    * (is_left.clone() * left(i as isize - n as isize)
                        + is_right.clone() * right(i + n));
            }
            builder.assert_eq(local.a[i], shifted);
        }

        // The top bit of b is the byte table's MSB of its top limb.
        // SAFETY: the entry exists only for a byte, so this also range-checks `b[3]`.
        send_byte::<AB>(
            builder,
            ByteOp::Msb,
            [local.b[3].into(), AB::Expr::ZERO, local.b_msb.into()],
            is_real.clone(),
        );

        // The remaining limbs of b and c, and every byte of the split, are bytes.
        // SAFETY: `c[1..4]` do not affect the result, but are checked so that this chip
        // does not rely on the sender having range-checked its operands.
        let pairs = [
            (local.b[0], local.b[1]),
            (local.b[2], local.c[1]),
            (local.c[2], local.c[3]),
            (local.lo[0], local.hi[0]),
            (local.lo[1], local.hi[1]),
            (local.lo[2], local.hi[2]),
            (local.lo[3], local.hi[3]),
        ];
        send_byte_pairs::<AB, _>(builder, pairs, is_real.clone());

        // Receive the operation from the CPU.
        // SAFETY: the opcode element is SLL, SRL or SRA exactly as the flags say, so a
        // message for any other operation cannot be consumed here.
        let opcode = local.is_sll * AB::Expr::from_u8(opcode::SLL)
            + local.is_srl * AB::Expr::from_u8(opcode::SRL)
            + local.is_sra * AB::Expr::from_u8(opcode::SRA);
        let message = execution_message(
            opcode,
            local.a.map(Into::into),
            local.b.map(Into::into),
            local.c.map(Into::into),
        );
        Bus::Execution.receive(builder, message, is_real, 1);
    }
}
