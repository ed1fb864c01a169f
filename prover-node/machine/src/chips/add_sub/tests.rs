//! Tests of the `ADD`/`SUB` chip: trace generation, a valid batch proof, and corrupted
//! cells the real verifier must reject.

use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::{AddSubCols, NUM_ADD_SUB_COLS};
use crate::testing::*;

const COL_A0: usize = offset_of!(AddSubCols<u8>, a);
const COL_CARRY0: usize = offset_of!(AddSubCols<u8>, carry);
const COL_IS_ADD: usize = offset_of!(AddSubCols<u8>, is_add);
const COL_IS_SUB: usize = offset_of!(AddSubCols<u8>, is_sub);

#[test]
fn trace_rows_hold_the_events() {
    let events = alu_events(1, 100);
    let (traces, _) = machine_traces(&events);
    let trace = &traces[ADD_SUB];
    assert_eq!(trace.width(), NUM_ADD_SUB_COLS);
    assert_eq!(trace.height(), 128);
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &AddSubCols<F> = (*row).borrow();
        let a = cols.a.0.iter().rev().fold(0u32, |acc, l| acc << 8 | l.as_canonical_u32());
        assert_eq!(a, event.a);
        assert_eq!(cols.is_add + cols.is_sub, F::ONE);
    }
    // Padding rows are all zero.
    let last = trace.row_slice(127).unwrap();
    assert!(last.iter().all(|v| *v == F::ZERO));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn add_sub_batch_proof_verifies() {
    let (traces, pvs) = machine_traces(&alu_events(2, 300));
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_limb_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(3, 64));
    let old = cell(&traces, ADD_SUB, 10, COL_A0 + 1);
    set_cell(&mut traces, ADD_SUB, 10, COL_A0 + 1, old + F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_carry_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(4, 64));
    // Row 1 is u32::MAX + 1: every carry is 1.
    assert_eq!(cell(&traces, ADD_SUB, 1, COL_CARRY0), F::ONE);
    set_cell(&mut traces, ADD_SUB, 1, COL_CARRY0, F::ZERO);
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(5, 64));
    // Row 0 is ADD 0 + 0 = 0, which also satisfies SUB's equation: only the bus can tell.
    set_cell(&mut traces, ADD_SUB, 0, COL_IS_ADD, F::ZERO);
    set_cell(&mut traces, ADD_SUB, 0, COL_IS_SUB, F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(6, 64));
    set_cell(&mut traces, ADD_SUB, 3, COL_IS_ADD, F::TWO);
    assert_rejected(prove_and_verify(&traces, &pvs));
}
