//! Tests of the driver chip: corrupted messages the real verifier must reject.

use core::mem::offset_of;

use p3_field::PrimeCharacteristicRing;

use super::DriverCols;
use crate::testing::*;

const COL_C0: usize = offset_of!(DriverCols<u8>, c);
const COL_IS_REAL: usize = offset_of!(DriverCols<u8>, is_real);

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_message_value_is_rejected() {
    let (mut traces, pvs) = machine_traces(&alu_events(8, 64));
    let old = cell(&traces, DRIVER, 20, COL_C0);
    set_cell(&mut traces, DRIVER, 20, COL_C0, old + F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn unreceived_message_is_rejected() {
    // 60 events pad to 64 rows: turn a padding row into a real (all-zero) message that no
    // chip receives.
    let (mut traces, pvs) = machine_traces(&alu_events(9, 60));
    set_cell(&mut traces, DRIVER, 62, COL_IS_REAL, F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}
