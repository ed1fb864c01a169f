//! Constraints of the register file's boundary chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    NUM_REGISTER_FINAL_COLS, NUM_REGISTER_PREPROCESSED_COLS, RegisterFinalCols,
    RegisterPreprocessedCols,
};
use super::trace::preprocessed_trace;
use crate::bus::{Bus, REGISTER_SPACE};

/// The register file's boundary: 32 rows, one per register; each sends the register's
/// initial value at timestamp 0 and receives its final value and timestamp.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistersChip;

impl<F: Field> BaseAir<F> for RegistersChip {
    fn width(&self) -> usize {
        NUM_REGISTER_FINAL_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        Some(preprocessed_trace())
    }

    fn preprocessed_width(&self) -> usize {
        NUM_REGISTER_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for RegistersChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let fin: &RegisterFinalCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let init: &RegisterPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let space = AB::Expr::from_u8(REGISTER_SPACE);

        // Every register starts with its fixed initial value at timestamp 0.
        // SAFETY: index and value are columns of the verifying key, one row per register,
        // so each register has exactly one initial value and it is the ABI's (0, `sp` =
        // STACK_TOP). `x0` is never written (the CPU suppresses writes to it), so it stays 0.
        let initial = [
            space.clone(),
            init.reg.into(),
            init.init[0].into(),
            init.init[1].into(),
            init.init[2].into(),
            init.init[3].into(),
            AB::Expr::ZERO,
        ];
        Bus::Memory.send(builder, initial, AB::Expr::ONE, 1);

        // Every register's last (value, timestamp) is taken off the bus.
        // SAFETY: the final value and timestamp are free witnesses; the bus balances only
        // if they are exactly the last access's (see `DESIGN.md`, "Memory consistency"),
        // and the last access's value limbs are bytes because every writer range-checks
        // what it writes.
        let last = [
            space,
            init.reg.into(),
            fin.value[0].into(),
            fin.value[1].into(),
            fin.value[2].into(),
            fin.value[3].into(),
            fin.ts.into(),
        ];
        Bus::Memory.receive(builder, last, AB::Expr::ONE, 1);
    }
}
