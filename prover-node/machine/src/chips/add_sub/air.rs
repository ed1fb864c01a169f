//! Constraints of the `ADD`/`SUB` chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{AddSubCols, NUM_ADD_SUB_COLS};
use crate::bus::{Bus, ByteOp, execution_message};
use crate::opcode;
use crate::word::WORD_SIZE;

/// The `ADD`/`SUB` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddSubChip;

impl<F> BaseAir<F> for AddSubChip {
    fn width(&self) -> usize {
        NUM_ADD_SUB_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for AddSubChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &AddSubCols<AB::Var> = main.current_slice().borrow();

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_add);
        builder.assert_bool(local.is_sub);
        let is_real: AB::Expr = local.is_add + local.is_sub;
        builder.assert_bool(is_real.clone());

        // Every carry is boolean.
        builder.assert_bools(local.carry);

        // Limb-wise addition x + y = z with the carry chain, where (x, y, z) is (b, c, a)
        // for ADD and (a, c, b) for SUB.
        // SAFETY: with every limb a byte (range-checked below through the BYTE bus) and
        // every carry boolean, each limb equation sums to less than 2^10 in absolute value,
        // far below p, so it holds over the integers; the four of them state
        // x + y = z + 2^32·carry[3], i.e. z = x + y mod 2^32.
        let base = AB::Expr::from_u16(256);
        let mut carry_in = AB::Expr::ZERO;
        for i in 0..WORD_SIZE {
            let x = local.is_add * local.b[i] + local.is_sub * local.a[i];
            let z = local.is_add * local.a[i] + local.is_sub * local.b[i];
            let carry_out: AB::Expr = local.carry[i].into();
            builder.assert_zero(x + local.c[i] + carry_in - z - carry_out.clone() * base.clone());
            carry_in = carry_out;
        }

        // Receive the operation from the CPU.
        // SAFETY: the opcode element is ADD or SUB exactly as the flags say, so a message
        // for any other operation cannot be consumed here.
        let opcode = local.is_add * AB::Expr::from_u8(opcode::ADD)
            + local.is_sub * AB::Expr::from_u8(opcode::SUB);
        let message = execution_message(
            opcode,
            local.a.map(Into::into),
            local.b.map(Into::into),
            local.c.map(Into::into),
        );
        Bus::Execution.receive(builder, message, is_real.clone(), 1);

        // Range-check all twelve limbs as bytes, two per request.
        // SAFETY: `b` and `c` are checked here too, so this chip does not rely on the
        // sender having range-checked its operands.
        let limbs: [AB::Var; 3 * WORD_SIZE] = core::array::from_fn(|i| match i / WORD_SIZE {
            0 => local.a[i % WORD_SIZE],
            1 => local.b[i % WORD_SIZE],
            _ => local.c[i % WORD_SIZE],
        });
        for pair in limbs.chunks_exact(2) {
            let message = [
                AB::Expr::from_u8(ByteOp::Range as u8),
                pair[0].into(),
                pair[1].into(),
                AB::Expr::ZERO,
            ];
            Bus::Byte.send(builder, message, is_real.clone(), 1);
        }
    }
}
