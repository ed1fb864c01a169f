//! Trace generation of the shift chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{NUM_SHIFT_COLS, ShiftCols};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::event::AluEvent;
use crate::opcode;
use crate::word::{WORD_SIZE, Word};

/// Fill the trace from `SLL`/`SRL`/`SRA` events and record the byte requests the
/// constraints send. Padding rows are zero except `bit_multiplier = 1` (the multiplier of
/// a zero shift, which its constraint demands on every row).
///
/// # Panics
///
/// If an event is not an `SLL`, `SRL` or `SRA`, or its result is wrong (a bug in the
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
    let mut values = F::zero_vec(height * NUM_SHIFT_COLS);
    for (index, row) in values.chunks_exact_mut(NUM_SHIFT_COLS).enumerate() {
        let cols: &mut ShiftCols<F> = row.borrow_mut();
        match events.get(index) {
            Some(event) => populate(cols, event, bytes),
            None => cols.bit_multiplier = F::ONE,
        }
    }
    RowMajorMatrix::new(values, NUM_SHIFT_COLS)
}

/// Fill one real row.
fn populate<F: Field>(cols: &mut ShiftCols<F>, event: &AluEvent, bytes: &mut ByteRecord) {
    let (b, c) = (event.b, event.c);
    let amount = c & 31;
    let expected = match event.opcode {
        opcode::SLL => b << amount,
        opcode::SRL => b >> amount,
        opcode::SRA => ((b as i32) >> amount) as u32,
        other => panic!("shift got opcode {other}"),
    };
    assert_eq!(event.a, expected, "shift event with a wrong result");
    let is_right = event.opcode != opcode::SLL;
    let (r, q) = (amount % 8, (amount / 8) as usize);

    cols.a = Word::from_u32(event.a);
    cols.b = Word::from_u32(b);
    cols.c = Word::from_u32(c);
    for (k, bit) in cols.bit_shift.iter_mut().enumerate() {
        *bit = F::from_u32((r >> k) & 1);
    }
    cols.byte_shift[q] = F::ONE;
    cols.bit_multiplier = F::from_u32(1 << r);

    let limbs = b.to_le_bytes();
    let multiplier = if is_right { 1 << (8 - r) } else { 1 << r };
    let mut lo = [0u8; WORD_SIZE];
    let mut hi = [0u8; WORD_SIZE];
    for i in 0..WORD_SIZE {
        let v = limbs[i] as u32 * multiplier;
        (lo[i], hi[i]) = (v as u8, (v >> 8) as u8);
        cols.lo[i] = F::from_u8(lo[i]);
        cols.hi[i] = F::from_u8(hi[i]);
    }
    let b_msb = limbs[3] >> 7;
    let sign_fill = event.opcode == opcode::SRA && b_msb == 1;
    cols.b_msb = F::from_u8(b_msb);
    cols.sign_fill = F::from_bool(sign_fill);
    cols.sign_fill_bits = F::from_u32(if sign_fill { 256 - (1 << (8 - r)) } else { 0 });
    cols.is_sll = F::from_bool(event.opcode == opcode::SLL);
    cols.is_srl = F::from_bool(event.opcode == opcode::SRL);
    cols.is_sra = F::from_bool(event.opcode == opcode::SRA);

    let cl = c.to_le_bytes();
    bytes.add(ByteOp::And, cl[0] as u32, 31);
    bytes.add(ByteOp::Msb, limbs[3] as u32, 0);
    bytes.add_range_checks(&[limbs[0], limbs[1], limbs[2], cl[1], cl[2], cl[3]]);
    for i in 0..WORD_SIZE {
        bytes.add(ByteOp::Range, lo[i] as u32, hi[i] as u32);
    }
}
