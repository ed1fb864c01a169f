//! Trace generation of the `DIV*`/`REM*` chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{AbsCols, DivRemCols, NUM_DIV_REM_COLS};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::chips::mul::{extend, product_carries};
use crate::event::AluEvent;
use crate::opcode;
use crate::word::Word;

impl<F: Field> AbsCols<F> {
    /// Fill the columns for `x` (negated if `neg`); returns the absolute value.
    fn populate(&mut self, x: u32, neg: bool) -> u32 {
        let abs = if neg { x.wrapping_neg() } else { x };
        self.abs = Word::from_u32(abs);
        self.carry = [F::ZERO; 3];
        if neg {
            let (xl, al) = (x.to_le_bytes(), abs.to_le_bytes());
            let mut carry = 0u32;
            for i in 0..3 {
                carry = (xl[i] as u32 + al[i] as u32 + carry) >> 8;
                self.carry[i] = F::from_u32(carry);
            }
        }
        abs
    }
}

/// The quotient and remainder of `b / c` with RISC-V semantics (division by zero and the
/// signed overflow included).
pub(super) fn divide(b: u32, c: u32, signed: bool) -> (u32, u32) {
    match (c, signed) {
        (0, _) => (u32::MAX, b),
        (_, true) => {
            let (b, c) = (b as i32, c as i32);
            (b.wrapping_div(c) as u32, b.wrapping_rem(c) as u32)
        }
        (_, false) => (b / c, b % c),
    }
}

/// Fill the trace from `DIV*`/`REM*` events and record the byte requests the constraints
/// send. Padding rows are all zero.
///
/// # Panics
///
/// If an event is not a `DIV*`/`REM*`, or its result is wrong (a bug in the caller).
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
    let mut values = F::zero_vec(height * NUM_DIV_REM_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_DIV_REM_COLS).zip(events) {
        let cols: &mut DivRemCols<F> = row.borrow_mut();
        let signed = matches!(event.opcode, opcode::DIV | opcode::REM);
        let (q, r) = divide(event.b, event.c, signed);
        let a = populate_row(cols, event.opcode, event.b, event.c, q, r, bytes);
        assert_eq!(event.a, a, "divrem event with a wrong result");
        assert_eq!(cols.abs_lt.result, F::from_bool(event.c != 0), "|r| < |c| iff c ≠ 0");
    }
    RowMajorMatrix::new(values, NUM_DIV_REM_COLS)
}

/// Fill one row for `b / c` with the quotient `q` and remainder `r` (the true ones, or
/// forged ones in tests: nothing here checks the division), record its byte requests, and
/// return the result `a`.
///
/// # Panics
///
/// If `opcode` is not a `DIV*`/`REM*`, or `q·c + r ≠ b` modulo 2^64 on the extensions.
pub(super) fn populate_row<F: Field>(
    cols: &mut DivRemCols<F>,
    opcode: u8,
    b: u32,
    c: u32,
    q: u32,
    r: u32,
    bytes: &mut ByteRecord,
) -> u32 {
    let (signed, wants_quotient) = match opcode {
        opcode::DIV => (true, true),
        opcode::DIVU => (false, true),
        opcode::REM => (true, false),
        opcode::REMU => (false, false),
        other => panic!("divrem got opcode {other}"),
    };
    *cols = DivRemCols::default();
    let a = if wants_quotient { q } else { r };
    let is_overflow = signed && b == 0x8000_0000 && c == u32::MAX;

    let msb = |x: u32| x >> 31 == 1;
    let (b_neg, c_neg, r_neg) = (signed && msb(b), signed && msb(c), signed && msb(r));
    let q_neg = signed && !is_overflow && msb(q);
    let carries =
        product_carries(&extend(q, q_neg), &extend(c, c_neg), &extend(r, r_neg), &extend(b, b_neg));

    cols.a = Word::from_u32(a);
    cols.b = Word::from_u32(b);
    cols.c = Word::from_u32(c);
    cols.quotient = Word::from_u32(q);
    cols.remainder = Word::from_u32(r);
    cols.carry = carries.map(F::from_u32);
    cols.b_msb = F::from_bool(msb(b));
    cols.c_msb = F::from_bool(msb(c));
    cols.quotient_msb = F::from_bool(msb(q));
    cols.remainder_msb = F::from_bool(msb(r));
    cols.b_neg = F::from_bool(b_neg);
    cols.c_neg = F::from_bool(c_neg);
    cols.quotient_neg = F::from_bool(q_neg);
    cols.remainder_neg = F::from_bool(r_neg);

    let c_sum: u32 = c.to_le_bytes().iter().map(|&l| l as u32).sum();
    cols.c_is_zero = F::from_bool(c == 0);
    cols.c_sum_inv = if c == 0 { F::ZERO } else { F::from_u32(c_sum).inverse() };

    // The overflow distance (see the constraints); its inverse only on signed rows.
    let (bl, cl) = (b.to_le_bytes(), c.to_le_bytes());
    let distance = bl[0] as u32
        + bl[1] as u32
        + bl[2] as u32
        + (bl[3] & 0x7f) as u32
        + (1 - (bl[3] >> 7) as u32)
        + cl.iter().map(|&l| 255 - l as u32).sum::<u32>();
    debug_assert_eq!(distance == 0, b == 0x8000_0000 && c == u32::MAX);
    cols.is_overflow = F::from_bool(is_overflow);
    cols.overflow_inv =
        if signed && distance != 0 { F::from_u32(distance).inverse() } else { F::ZERO };

    let abs_c = cols.abs_c.populate(c, c_neg);
    let abs_r = cols.abs_remainder.populate(r, r_neg);
    cols.abs_lt.populate(abs_r, abs_c, false, bytes);

    cols.is_div = F::from_bool(signed && wants_quotient);
    cols.is_divu = F::from_bool(!signed && wants_quotient);
    cols.is_rem = F::from_bool(signed && !wants_quotient);
    cols.is_remu = F::from_bool(!signed && !wants_quotient);

    let (ql, rl) = (q.to_le_bytes(), r.to_le_bytes());
    for top in [bl[3], cl[3], ql[3], rl[3]] {
        bytes.add(ByteOp::Msb, top as u32, 0);
    }
    bytes.add_range_checks(&[
        bl[0], bl[1], bl[2], cl[0], cl[1], cl[2], ql[0], ql[1], ql[2], rl[0], rl[1], rl[2],
    ]);
    for carry in carries {
        bytes.add(ByteOp::U16, carry, 0);
    }
    a
}
