//! `PHASE_MARK` proven as a no-op, and a forged answer the real verifier must reject.

extern crate std;

use core::mem::offset_of;

use p3_field::PrimeCharacteristicRing;

use super::NoopSyscallCols;
use crate::execution::chip_index::NOOP_SYSCALL;
use crate::execution::programs::{phase_mark_program, prove_and_verify, run};
use crate::execution::run_outcome;
use crate::testing::{F, assert_rejected, cell, set_cell};

const COL_IS_REAL: usize = offset_of!(NoopSyscallCols<u8>, is_real);
const COL_A0: usize = offset_of!(NoopSyscallCols<u8>, a0);

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn phase_mark_proof_verifies() {
    let run = run(&phase_mark_program());
    assert_eq!(run.exit_code, 7);
    assert_eq!(cell(&run.traces, NOOP_SYSCALL, 0, COL_IS_REAL), F::ONE);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(7));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn unanswered_phase_mark_is_rejected() {
    let mut run = run(&phase_mark_program());
    set_cell(&mut run.traces, NOOP_SYSCALL, 0, COL_IS_REAL, F::ZERO);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn phase_mark_with_other_a0_is_rejected() {
    let mut run = run(&phase_mark_program());
    set_cell(&mut run.traces, NOOP_SYSCALL, 0, COL_A0, F::from_u8(8));
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}
