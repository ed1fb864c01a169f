//! Constraints of the `SLT`/`SLTU` chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{LtCols, NUM_LT_COLS};
use crate::bus::Bus;
use crate::opcode;

/// The `SLT`/`SLTU` chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LtChip;

impl<F> BaseAir<F> for LtChip {
    fn width(&self) -> usize {
        NUM_LT_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for LtChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &LtCols<AB::Var> = main.current_slice().borrow();

        // The operation flags are boolean and at most one is set; their sum is the
        // "real row" flag that gates every bus message, so padding rows send nothing.
        builder.assert_bool(local.is_slt);
        builder.assert_bool(local.is_sltu);
        let is_real: AB::Expr = local.is_slt + local.is_sltu;
        builder.assert_bool(is_real.clone());

        // `lt.result` is `b < c`, signed exactly on SLT rows.
        // SAFETY: the gadget constrains every one of its columns and range-checks all
        // eight limbs of `b` and `c` (see `LessThanCols::eval`); `is_slt` and `is_real`
        // are boolean as the gadget assumes.
        local.lt.eval(builder, &local.b, &local.c, local.is_slt, is_real.clone());

        // Receive the operation from the CPU, with a = (result, 0, 0, 0).
        // SAFETY: the opcode element is SLT or SLTU exactly as the flags say, so a
        // message for any other operation cannot be consumed here; the upper limbs of
        // `a` are the constant 0, so no column of `a` needs a range check.
        let opcode = local.is_slt * AB::Expr::from_u8(opcode::SLT)
            + local.is_sltu * AB::Expr::from_u8(opcode::SLTU);
        let message = [
            opcode,
            local.lt.result.into(),
            AB::Expr::ZERO,
            AB::Expr::ZERO,
            AB::Expr::ZERO,
            local.b[0].into(),
            local.b[1].into(),
            local.b[2].into(),
            local.b[3].into(),
            local.c[0].into(),
            local.c[1].into(),
            local.c[2].into(),
            local.c[3].into(),
        ];
        Bus::Execution.receive(builder, message, is_real, 1);
    }
}
