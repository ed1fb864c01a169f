//! Trace generation of the `ADD`/`SUB` chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{AddSubCols, NUM_ADD_SUB_COLS};
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::event::AluEvent;
use crate::opcode;
use crate::word::Word;

/// Fill the trace from `ADD`/`SUB` events and record the byte requests the constraints
/// send.
///
/// # Panics
///
/// If an event is not an `ADD` or `SUB`, or its result is wrong (a bug in the caller).
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
    let mut values = F::zero_vec(height * NUM_ADD_SUB_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_ADD_SUB_COLS).zip(events) {
        let cols: &mut AddSubCols<F> = row.borrow_mut();
        let is_add = match event.opcode {
            opcode::ADD => true,
            opcode::SUB => false,
            other => panic!("add_sub got opcode {other}"),
        };
        let expected =
            if is_add { event.b.wrapping_add(event.c) } else { event.b.wrapping_sub(event.c) };
        assert_eq!(event.a, expected, "add_sub event with a wrong result");

        cols.a = Word::from_u32(event.a);
        cols.b = Word::from_u32(event.b);
        cols.c = Word::from_u32(event.c);
        cols.is_add = F::from_bool(is_add);
        cols.is_sub = F::from_bool(!is_add);

        // The addition x + y = z, limb by limb.
        let (x, z) = if is_add { (event.b, event.a) } else { (event.a, event.b) };
        let (x, y) = (x.to_le_bytes(), event.c.to_le_bytes());
        let mut carry = 0u32;
        for i in 0..4 {
            let sum = x[i] as u32 + y[i] as u32 + carry;
            carry = sum >> 8;
            cols.carry[i] = F::from_u32(carry);
        }
        debug_assert_eq!(z, u32::from_le_bytes(x).wrapping_add(u32::from_le_bytes(y)));

        let mut limbs = [0u8; 12];
        limbs[..4].copy_from_slice(&event.a.to_le_bytes());
        limbs[4..8].copy_from_slice(&event.b.to_le_bytes());
        limbs[8..].copy_from_slice(&event.c.to_le_bytes());
        bytes.add_range_checks(&limbs);
    }
    RowMajorMatrix::new(values, NUM_ADD_SUB_COLS)
}
