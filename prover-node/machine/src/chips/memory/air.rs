//! Constraints of the register file's boundary chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    NUM_REGISTER_FINAL_COLS, NUM_REGISTER_PREPROCESSED_COLS, NUM_REGISTERS_PUBLIC_VALUES,
    RegisterFinalCols, RegisterPreprocessedCols, RegistersPublicValues,
};
use super::trace::{NUM_REGISTERS, preprocessed_trace};
use crate::bus::{Bus, REGISTER_SPACE};
use crate::word::{WORD_SIZE, Word};

/// The register file's boundary: 32 rows, one per register; each sends the register's
/// value at the shard's start (a public value) at timestamp 0 and receives its final
/// value (a public value) and timestamp.
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

    fn num_public_values(&self) -> usize {
        NUM_REGISTERS_PUBLIC_VALUES
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
        let row: &RegisterPreprocessedCols<AB::Var> = prep.current_slice().borrow();
        let pv: RegistersPublicValues<AB::PublicVar> = *builder.public_values().borrow();
        let space = AB::Expr::from_u8(REGISTER_SPACE);

        // The row's register in a public register file: limb `i` of `words[r]`.
        // SAFETY: `is_reg` is preprocessed (part of the verifying key) and one-hot with its
        // 1 at the row's `reg`, so the sum is exactly that register's public limb.
        let select = |words: &[Word<AB::PublicVar>; NUM_REGISTERS], i: usize| -> AB::Expr {
            (0..NUM_REGISTERS).map(|j| row.is_reg[j] * Into::<AB::Expr>::into(words[j][i])).sum()
        };

        // x0 is 0 when the shard starts and when it ends.
        // SAFETY: `is_reg[0]` is 1 on x0's row only (preprocessed), so these pin the public
        // limbs of x0 themselves. With a zero start, and no write to x0 ever enabled (the
        // ROM never sets `writes_rd` for `rd = x0`), every read of x0 returns 0.
        for i in 0..WORD_SIZE {
            builder.assert_zero(row.is_reg[0] * Into::<AB::Expr>::into(pv.start[0][i]));
            builder.assert_zero(row.is_reg[0] * Into::<AB::Expr>::into(pv.end[0][i]));
        }

        // Every register starts with its public start value at timestamp 0.
        // SAFETY: one row per register (preprocessed `reg`), so each register has exactly
        // one initial message. Its limbs are public values, not range-checked here: the
        // verifier knows them to be bytes (the ABI's for the first shard, the previous
        // shard's `end` for the others, which are bytes by the memory argument).
        let initial: [AB::Expr; 7] = core::array::from_fn(|k| match k {
            0 => space.clone(),
            1 => row.reg.into(),
            2..6 => select(&pv.start, k - 2),
            _ => AB::Expr::ZERO,
        });
        Bus::Memory.send(builder, initial, AB::Expr::ONE, 1);

        // Every register's last (value, timestamp) is taken off the bus, and the value is
        // the public end value.
        // SAFETY: the final value and timestamp are witnesses; the bus balances only if
        // they are exactly the last access's (see `DESIGN.md`, "Memory consistency"), whose
        // value limbs are bytes because every writer range-checks what it writes (or the
        // start value, if the shard never wrote the register). So `end` is the register
        // file after the shard's last cycle.
        for i in 0..WORD_SIZE {
            builder.assert_eq(fin.value[i], select(&pv.end, i));
        }
        let last = [
            space,
            row.reg.into(),
            fin.value[0].into(),
            fin.value[1].into(),
            fin.value[2].into(),
            fin.value[3].into(),
            fin.ts.into(),
        ];
        Bus::Memory.receive(builder, last, AB::Expr::ONE, 1);
    }
}
