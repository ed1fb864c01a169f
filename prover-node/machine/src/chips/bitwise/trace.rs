//! Trace generation of the bitwise chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{BitwiseCols, NUM_BITWISE_COLS};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::event::AluEvent;
use crate::opcode;
use crate::word::Word;

/// Fill the trace from `AND`/`OR`/`XOR` events and record the byte requests the
/// constraints send. Padding rows are all zero.
///
/// # Panics
///
/// If an event is not an `AND`, `OR` or `XOR`, or its result is wrong (a bug in the
/// caller).
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
    let mut values = F::zero_vec(height * NUM_BITWISE_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_BITWISE_COLS).zip(events) {
        let cols: &mut BitwiseCols<F> = row.borrow_mut();
        let (op, expected) = match event.opcode {
            opcode::AND => (ByteOp::And, event.b & event.c),
            opcode::OR => (ByteOp::Or, event.b | event.c),
            opcode::XOR => (ByteOp::Xor, event.b ^ event.c),
            other => panic!("bitwise got opcode {other}"),
        };
        assert_eq!(event.a, expected, "bitwise event with a wrong result");

        cols.a = Word::from_u32(event.a);
        cols.b = Word::from_u32(event.b);
        cols.c = Word::from_u32(event.c);
        cols.is_and = F::from_bool(op == ByteOp::And);
        cols.is_or = F::from_bool(op == ByteOp::Or);
        cols.is_xor = F::from_bool(op == ByteOp::Xor);

        for (b, c) in event.b.to_le_bytes().into_iter().zip(event.c.to_le_bytes()) {
            bytes.add(op, b as u32, c as u32);
        }
    }
    RowMajorMatrix::new(values, NUM_BITWISE_COLS)
}
