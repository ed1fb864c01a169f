//! Constraints of the bitwise chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{BitwiseCols, NUM_BITWISE_COLS};
use crate::bus::{Bus, ByteOp, execution_message};
use crate::opcode;
use crate::word::WORD_SIZE;

/// The `AND`/`OR`/`XOR` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BitwiseChip;

impl<F> BaseAir<F> for BitwiseChip {
    fn width(&self) -> usize {
        NUM_BITWISE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for BitwiseChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &BitwiseCols<AB::Var> = main.current_slice().borrow();

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_and);
        builder.assert_bool(local.is_or);
        builder.assert_bool(local.is_xor);
        let is_real: AB::Expr = local.is_and + local.is_or + local.is_xor;
        builder.assert_bool(is_real.clone());

        // Receive the operation from the CPU.
        // SAFETY: on a real row exactly one flag is set, so the opcode element is AND, OR
        // or XOR exactly as the flags say and a message for any other operation cannot be
        // consumed here.
        let opcode = local.is_and * AB::Expr::from_u8(opcode::AND)
            + local.is_or * AB::Expr::from_u8(opcode::OR)
            + local.is_xor * AB::Expr::from_u8(opcode::XOR);
        let message = execution_message(
            opcode,
            local.a.map(Into::into),
            local.b.map(Into::into),
            local.c.map(Into::into),
        );
        Bus::Execution.receive(builder, message, is_real.clone(), 1);

        // Each result limb is the byte table's entry for the row's operation on the
        // operand limbs.
        // SAFETY: the table's AND/OR/XOR entries exist only for byte pairs `(x, y)` with
        // `z = x ∘ y`, so a matched request fixes `a[i] = b[i] ∘ c[i]` and range-checks
        // `a[i]`, `b[i]` and `c[i]` (z is a byte as the result of a byte operation). The
        // op element is the same flag combination as the opcode above, so a row cannot
        // claim OR on the EXECUTION bus and look up AND.
        let byte_op = local.is_and * AB::Expr::from_u8(ByteOp::And as u8)
            + local.is_or * AB::Expr::from_u8(ByteOp::Or as u8)
            + local.is_xor * AB::Expr::from_u8(ByteOp::Xor as u8);
        for i in 0..WORD_SIZE {
            let message =
                [byte_op.clone(), local.b[i].into(), local.c[i].into(), local.a[i].into()];
            Bus::Byte.send(builder, message, is_real.clone(), 1);
        }
    }
}
