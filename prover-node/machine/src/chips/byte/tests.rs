//! Tests of the byte table: the fixed table, request counting, and a corrupted
//! multiplicity the real verifier must reject.

use core::borrow::Borrow;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::bus::ByteOp;
use crate::testing::*;

#[test]
fn preprocessed_table_holds_every_pair() {
    let table = preprocessed_trace::<F>();
    assert_eq!(table.height(), BYTE_TABLE_ROWS);
    assert_eq!(table.width(), NUM_BYTE_PREPROCESSED_COLS);
    for row_index in [0usize, 1, 255, 256, 0x1234, 0x80ff, 0xffff] {
        let row = table.row_slice(row_index).unwrap();
        let cols: &BytePreprocessedCols<F> = (*row).borrow();
        let (x, y) = ((row_index & 0xff) as u32, (row_index >> 8) as u32);
        assert_eq!(cols.x.as_canonical_u32(), x);
        assert_eq!(cols.y.as_canonical_u32(), y);
        assert_eq!(cols.and.as_canonical_u32(), x & y);
        assert_eq!(cols.or.as_canonical_u32(), x | y);
        assert_eq!(cols.xor.as_canonical_u32(), x ^ y);
        assert_eq!(cols.ltu.as_canonical_u32(), (x < y) as u32);
        assert_eq!(cols.msb.as_canonical_u32(), x >> 7);
    }
}

#[test]
fn record_counts_land_on_the_serving_row() {
    let mut record = ByteRecord::new();
    record.add_range_checks(&[1, 2, 3]);
    record.add(ByteOp::U16, 0xabcd, 0);
    record.add(ByteOp::Msb, 0x80, 0);
    record.add(ByteOp::Xor, 7, 9);
    let trace = record.generate_trace::<F>();
    let at = |row: usize, op: ByteOp| {
        let r = trace.row_slice(row).unwrap();
        let cols: &ByteMultCols<F> = (*r).borrow();
        cols.multiplicities[op as usize].as_canonical_u32()
    };
    assert_eq!(at(1 | 2 << 8, ByteOp::Range), 1);
    assert_eq!(at(3, ByteOp::Range), 1);
    assert_eq!(at(0xabcd, ByteOp::U16), 1);
    assert_eq!(at(0x80, ByteOp::Msb), 1);
    assert_eq!(at(7 | 9 << 8, ByteOp::Xor), 1);
    assert_eq!(record.total(ByteOp::Range), 2);
}

#[test]
#[should_panic(expected = "outside the table")]
fn record_refuses_requests_outside_the_table() {
    ByteRecord::new().add(ByteOp::Range, 256, 0);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_multiplicity_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(7, 64));
    // The range check of (0, 0) is requested by the `ADD 0 + 0` row: claim one more.
    let col = ByteOp::Range as usize;
    let old = cell(&traces, BYTE, 0, col);
    assert_ne!(old, F::ZERO);
    set_cell(&mut traces, BYTE, 0, col, old + F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}
