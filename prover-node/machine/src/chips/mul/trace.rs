//! Trace generation of the `MUL*` chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{MulCols, NUM_MUL_COLS, PRODUCT_LIMBS};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::event::AluEvent;
use crate::opcode;
use crate::word::Word;

/// The limbs of `x`'s 64-bit extension: sign-extended if `negative`, else zero-extended.
pub(crate) fn extend(x: u32, negative: bool) -> [u8; PRODUCT_LIMBS] {
    let fill = if negative { 0xff } else { 0 };
    let mut limbs = [fill; PRODUCT_LIMBS];
    limbs[..4].copy_from_slice(&x.to_le_bytes());
    limbs
}

/// The carries of the limb-wise product `x·y (+ z)` whose limbs are `result` (all
/// little-endian, eight limbs), as the constraints state it:
/// `Σ_{j+k=i} x[j]·y[k] + z[i] + carry[i−1] = result[i] + 256·carry[i]`.
///
/// # Panics
///
/// If `result` is not `x·y + z` modulo 2^64 (a bug of the caller).
pub(crate) fn product_carries(
    x: &[u8; PRODUCT_LIMBS],
    y: &[u8; PRODUCT_LIMBS],
    z: &[u8; PRODUCT_LIMBS],
    result: &[u8; PRODUCT_LIMBS],
) -> [u32; PRODUCT_LIMBS] {
    let mut carries = [0u32; PRODUCT_LIMBS];
    let mut carry_in = 0u64;
    for i in 0..PRODUCT_LIMBS {
        let mut limb = carry_in + z[i] as u64;
        for j in 0..=i {
            limb += x[j] as u64 * y[i - j] as u64;
        }
        assert_eq!(limb & 0xff, result[i] as u64, "product limb {i} is wrong");
        carry_in = limb >> 8;
        carries[i] = u32::try_from(carry_in).expect("a carry fits in u32");
    }
    carries
}

/// Fill the trace from `MUL*` events and record the byte requests the constraints send.
/// Padding rows are all zero.
///
/// # Panics
///
/// If an event is not a `MUL*`, or its result is wrong (a bug in the caller).
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
    let mut values = F::zero_vec(height * NUM_MUL_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_MUL_COLS).zip(events) {
        let cols: &mut MulCols<F> = row.borrow_mut();
        let (b_signed, c_signed) = match event.opcode {
            opcode::MUL | opcode::MULHU => (false, false),
            opcode::MULH => (true, true),
            opcode::MULHSU => (true, false),
            other => panic!("mul got opcode {other}"),
        };
        let (b_msb, c_msb) = (event.b >> 31 == 1, event.c >> 31 == 1);
        let (b_neg, c_neg) = (b_signed && b_msb, c_signed && c_msb);
        let (b_ext, c_ext) = (extend(event.b, b_neg), extend(event.c, c_neg));
        let product = u64::from_le_bytes(b_ext).wrapping_mul(u64::from_le_bytes(c_ext));
        let (low, high) = (product as u32, (product >> 32) as u32);
        let is_mul = event.opcode == opcode::MUL;
        let (a, rest) = if is_mul { (low, high) } else { (high, low) };
        assert_eq!(event.a, a, "mul event with a wrong result");
        let carries = product_carries(&b_ext, &c_ext, &[0; PRODUCT_LIMBS], &product.to_le_bytes());

        cols.a = Word::from_u32(a);
        cols.rest = Word::from_u32(rest);
        cols.b = Word::from_u32(event.b);
        cols.c = Word::from_u32(event.c);
        cols.carry = carries.map(F::from_u32);
        cols.b_msb = F::from_bool(b_msb);
        cols.c_msb = F::from_bool(c_msb);
        cols.b_neg = F::from_bool(b_neg);
        cols.c_neg = F::from_bool(c_neg);
        cols.is_mul = F::from_bool(is_mul);
        cols.is_mulh = F::from_bool(event.opcode == opcode::MULH);
        cols.is_mulhsu = F::from_bool(event.opcode == opcode::MULHSU);
        cols.is_mulhu = F::from_bool(event.opcode == opcode::MULHU);

        let (bl, cl) = (event.b.to_le_bytes(), event.c.to_le_bytes());
        bytes.add(ByteOp::Msb, bl[3] as u32, 0);
        bytes.add(ByteOp::Msb, cl[3] as u32, 0);
        let mut limbs = [0u8; 14];
        limbs[..3].copy_from_slice(&bl[..3]);
        limbs[3..6].copy_from_slice(&cl[..3]);
        limbs[6..10].copy_from_slice(&a.to_le_bytes());
        limbs[10..].copy_from_slice(&rest.to_le_bytes());
        bytes.add_range_checks(&limbs);
        for carry in carries {
            bytes.add(ByteOp::U16, carry, 0);
        }
    }
    RowMajorMatrix::new(values, NUM_MUL_COLS)
}
