//! Constraints of the byte table.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    ByteMultCols, BytePreprocessedCols, NUM_BYTE_MULT_COLS, NUM_BYTE_PREPROCESSED_COLS,
};
use super::trace::preprocessed_trace;
use crate::bus::{Bus, ByteOp};

/// The byte table chip. Its height is always [`super::BYTE_TABLE_ROWS`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteChip;

impl<F: Field> BaseAir<F> for ByteChip {
    fn width(&self) -> usize {
        NUM_BYTE_MULT_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        Some(preprocessed_trace())
    }

    fn preprocessed_width(&self) -> usize {
        NUM_BYTE_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for ByteChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let mult: &ByteMultCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let t: &BytePreprocessedCols<AB::Var> = prep.current_slice().borrow();

        // The table provides, on every row, one entry per operation; each multiplicity is
        // a free witness.
        // SAFETY: the entries are fixed columns of the verifying key, so a prover can only
        // choose how often each true entry is used; a request for a false entry (a
        // non-byte, a wrong AND, ...) matches no entry and leaves the BYTE bus unbalanced.
        // Multiplicities may be any field element: every sender's count is bounded, which
        // is what stops the queried side from wrapping modulo p.
        let zero = AB::Expr::ZERO;
        let x: AB::Expr = t.x.into();
        let y: AB::Expr = t.y.into();
        for op in ByteOp::ALL {
            let z: AB::Expr = match op {
                ByteOp::Range | ByteOp::U16 => zero.clone(),
                ByteOp::And => t.and.into(),
                ByteOp::Or => t.or.into(),
                ByteOp::Xor => t.xor.into(),
                ByteOp::Ltu => t.ltu.into(),
                ByteOp::Msb => t.msb.into(),
            };
            let message = match op {
                ByteOp::U16 => [
                    AB::Expr::from_u8(op as u8),
                    x.clone() + y.clone() * AB::Expr::from_u16(256),
                    zero.clone(),
                    zero.clone(),
                ],
                _ => [AB::Expr::from_u8(op as u8), x.clone(), y.clone(), z],
            };
            Bus::Byte.provide(builder, message, mult.multiplicities[op as usize]);
        }
    }
}
