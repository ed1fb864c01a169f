//! Trace generation of the `SLT`/`SLTU` chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{LtCols, NUM_LT_COLS};
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::event::AluEvent;
use crate::opcode;
use crate::word::Word;

/// Fill the trace from `SLT`/`SLTU` events and record the byte requests the constraints
/// send. Padding rows are all zero.
///
/// # Panics
///
/// If an event is not an `SLT` or `SLTU`, or its result is wrong (a bug in the caller).
pub fn generate_trace<F: Field>(events: &[AluEvent], bytes: &mut ByteRecord) -> RowMajorMatrix<F> {
    generate_trace_padded(events, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: Field>(
    events: &[AluEvent],
    bytes: &mut ByteRecord,
    min_height: usize,
) -> RowMajorMatrix<F> {
    let height = height_at_least(events.len(), min_height);
    let mut values = F::zero_vec(height * NUM_LT_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_LT_COLS).zip(events) {
        let cols: &mut LtCols<F> = row.borrow_mut();
        let signed = match event.opcode {
            opcode::SLT => true,
            opcode::SLTU => false,
            other => panic!("lt got opcode {other}"),
        };
        cols.b = Word::from_u32(event.b);
        cols.c = Word::from_u32(event.c);
        cols.is_slt = F::from_bool(signed);
        cols.is_sltu = F::from_bool(!signed);
        let result = cols.lt.populate(event.b, event.c, signed, bytes);
        assert_eq!(event.a, result as u32, "lt event with a wrong result");
    }
    RowMajorMatrix::new(values, NUM_LT_COLS)
}
