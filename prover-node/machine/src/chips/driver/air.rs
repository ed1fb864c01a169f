//! Constraints of the driver chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_lookup::InteractionBuilder;

use super::columns::{DriverCols, NUM_DRIVER_COLS};
use crate::bus::Bus;

/// The driver chip (test stand-in for the CPU).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriverChip;

impl<F> BaseAir<F> for DriverChip {
    fn width(&self) -> usize {
        NUM_DRIVER_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for DriverChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &DriverCols<AB::Var> = main.current_slice().borrow();

        // The send flag is boolean, so each row sends its message once or not at all.
        builder.assert_bool(local.is_real);

        // Send the operation to whichever chip executes it.
        // SAFETY: nothing here checks the values; the receiving chip constrains the
        // operation and range-checks every limb.
        let message = [
            local.opcode.into(),
            local.a[0].into(),
            local.a[1].into(),
            local.a[2].into(),
            local.a[3].into(),
            local.b[0].into(),
            local.b[1].into(),
            local.b[2].into(),
            local.b[3].into(),
            local.c[0].into(),
            local.c[1].into(),
            local.c[2].into(),
            local.c[3].into(),
        ];
        Bus::Execution.send(builder, message, local.is_real, 1);
    }
}
