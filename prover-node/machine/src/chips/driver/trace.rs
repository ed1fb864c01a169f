//! Trace generation of the driver chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{DriverCols, NUM_DRIVER_COLS};
use crate::chips::padded_height;
use crate::event::AluEvent;
use crate::word::Word;

/// One row per event, in order, then padding.
pub fn generate_trace<F: Field>(events: &[AluEvent]) -> RowMajorMatrix<F> {
    let height = padded_height(events.len());
    let mut values = F::zero_vec(height * NUM_DRIVER_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_DRIVER_COLS).zip(events) {
        let cols: &mut DriverCols<F> = row.borrow_mut();
        cols.opcode = F::from_u8(event.opcode);
        cols.a = Word::from_u32(event.a);
        cols.b = Word::from_u32(event.b);
        cols.c = Word::from_u32(event.c);
        cols.is_real = F::ONE;
    }
    RowMajorMatrix::new(values, NUM_DRIVER_COLS)
}
