//! Tests of the `SLT`/`SLTU` chip: results against the emulator's reference, a valid batch
//! proof, and corrupted cells the real verifier must reject.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_emulator::instruction::Opcode;

use super::{LessThanCols, LtChip, LtCols, NUM_LT_COLS};
use crate::testing::*;

const COL_LT: usize = offset_of!(LtCols<u8>, lt);
const COL_MARKER0: usize = COL_LT + offset_of!(LessThanCols<u8>, diff_marker);
const COL_B_BYTE: usize = COL_LT + offset_of!(LessThanCols<u8>, b_byte);
const COL_C_BYTE: usize = COL_LT + offset_of!(LessThanCols<u8>, c_byte);
const COL_DIFF_INV: usize = COL_LT + offset_of!(LessThanCols<u8>, diff_inv);
const COL_LTU: usize = COL_LT + offset_of!(LessThanCols<u8>, ltu);
const COL_B_MSB: usize = COL_LT + offset_of!(LessThanCols<u8>, b_msb);
const COL_RESULT: usize = COL_LT + offset_of!(LessThanCols<u8>, result);
const COL_IS_SLT: usize = offset_of!(LtCols<u8>, is_slt);
const COL_IS_SLTU: usize = offset_of!(LtCols<u8>, is_sltu);

const OPS: [Opcode; 4] = [Opcode::Slt, Opcode::Sltu, Opcode::Slti, Opcode::Sltiu];

/// Both register forms on every pair of edge words (so every most-significant differing
/// limb and every sign combination), pairs that differ only in one limb, the immediate
/// forms on sign-extended 12-bit immediates, then seeded random operations (half of them
/// on operands sharing their upper limbs).
fn events(seed: u64, random: usize) -> Vec<crate::AluEvent> {
    let mut events = Vec::new();
    for op in &OPS[..2] {
        for &b in &EDGE_WORDS {
            for &c in &EDGE_WORDS {
                events.push(reference_event(*op, b, c));
            }
            for limb in 0..4 {
                events.push(reference_event(*op, b, b ^ (0x80 << (8 * limb))));
                events.push(reference_event(*op, b, b ^ (1 << (8 * limb))));
            }
        }
    }
    for op in &OPS[2..] {
        for &b in &EDGE_WORDS {
            for imm in [0i32, 1, -1, 2047, -2048] {
                events.push(reference_event(*op, b, imm as u32));
            }
        }
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    for _ in 0..random {
        let op = OPS[rng.gen_range(0..OPS.len())];
        let b: u32 = rng.r#gen();
        let c: u32 = if rng.r#gen() { rng.r#gen() } else { b ^ rng.gen_range(0..0x1_0000) };
        events.push(reference_event(op, b, c));
    }
    events
}

#[test]
fn trace_rows_match_the_emulator() {
    let events = events(1, 200);
    let (traces, _) = machine_traces(&events);
    let trace = &traces[chip_index("lt")];
    assert_eq!(trace.width(), NUM_LT_COLS);
    assert_eq!(trace.height(), events.len().next_power_of_two());
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &LtCols<F> = (*row).borrow();
        assert_eq!(cols.lt.result.as_canonical_u32(), event.a, "{event:?}");
        let markers: u32 = cols.lt.diff_marker.iter().map(|m| m.as_canonical_u32()).sum();
        assert_eq!(markers, (event.b != event.c) as u32);
        assert_eq!(cols.is_slt + cols.is_sltu, F::ONE);
    }
    let last = trace.row_slice(trace.height() - 1).unwrap();
    assert!(last.iter().all(|v| *v == F::ZERO), "padding rows are all zero");
}

#[test]
fn constraints_hold_on_every_row() {
    let (traces, pvs) = machine_traces(&events(2, 100));
    let chip = chip_index("lt");
    p3_air::check_constraints(&LtChip, &traces[chip], &pvs[chip]);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn lt_batch_proof_verifies() {
    let (traces, pvs) = machine_traces(&events(3, 300));
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
}

/// Row 0: `SLT(-1, 1) = 1` (top limbs differ, signs differ; unsigned it would be 0).
/// Row 1: `SLTU(0x0000_0100, 0x0000_0200) = 1` (limb 1 decides).
/// Row 2: `SLTU(5, 5) = 0` (no differing limb).
/// Then forty seeded events, small enough to prove quickly.
fn small_events(seed: u64) -> Vec<crate::AluEvent> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut events = alloc::vec![
        reference_event(Opcode::Slt, u32::MAX, 1),
        reference_event(Opcode::Sltu, 0x100, 0x200),
        reference_event(Opcode::Sltu, 5, 5),
    ];
    events.extend(
        (0..40).map(|_| reference_event(OPS[rng.gen_range(0..2)], rng.r#gen(), rng.r#gen())),
    );
    events
}

/// Prove the small events with cells changed (by `change`) and expect rejection.
fn assert_change_rejected(
    seed: u64,
    change: impl FnOnce(&mut [p3_matrix::dense::RowMajorMatrix<F>], usize),
) {
    assert_alu_change_rejected(&small_events(seed), "lt", change);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_is_rejected() {
    assert_change_rejected(4, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_RESULT), F::ONE);
        set_cell(traces, chip, 0, COL_RESULT, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_with_consistent_ltu_is_rejected() {
    // Flip both the LTU answer and the result of `SLTU(0x100, 0x200)`: only the byte
    // table can tell that 1 < 2.
    assert_change_rejected(5, |traces, chip| {
        set_cell(traces, chip, 1, COL_LTU, F::ZERO);
        set_cell(traces, chip, 1, COL_RESULT, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn moved_marker_is_rejected() {
    // Move the marker of `SLTU(0x100, 0x200)` from limb 1 to limb 0 (where both are 0),
    // with the compared bytes and inverse that would go with it: limb 1 still differs.
    assert_change_rejected(6, |traces, chip| {
        assert_eq!(cell(traces, chip, 1, COL_MARKER0 + 1), F::ONE);
        set_cell(traces, chip, 1, COL_MARKER0 + 1, F::ZERO);
        set_cell(traces, chip, 1, COL_MARKER0, F::ONE);
        set_cell(traces, chip, 1, COL_B_BYTE, F::ZERO);
        set_cell(traces, chip, 1, COL_C_BYTE, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn missing_marker_is_rejected() {
    // Claim `SLTU(0x100, 0x200)` has no differing limb, so b = c and the result is 0.
    assert_change_rejected(7, |traces, chip| {
        for col in [COL_MARKER0 + 1, COL_B_BYTE, COL_C_BYTE, COL_DIFF_INV, COL_LTU, COL_RESULT] {
            set_cell(traces, chip, 1, col, F::ZERO);
        }
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn marker_on_equal_limbs_is_rejected() {
    // Claim `SLTU(5, 5)` differs in limb 0 with 5 < 5 "true": the inverse cannot exist.
    assert_change_rejected(8, |traces, chip| {
        set_cell(traces, chip, 2, COL_MARKER0, F::ONE);
        set_cell(traces, chip, 2, COL_B_BYTE, F::from_u8(5));
        set_cell(traces, chip, 2, COL_C_BYTE, F::from_u8(5));
        set_cell(traces, chip, 2, COL_DIFF_INV, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_sign_bit_is_rejected() {
    // `SLT(-1, 1)`: claim b is non-negative, which makes the result 0.
    assert_change_rejected(9, |traces, chip| {
        set_cell(traces, chip, 0, COL_B_MSB, F::ZERO);
        set_cell(traces, chip, 0, COL_RESULT, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    // Prove `SLT(-1, 1)` as the SLTU it is not (result 0), keeping the CPU's SLT message.
    assert_change_rejected(10, |traces, chip| {
        set_cell(traces, chip, 0, COL_IS_SLT, F::ZERO);
        set_cell(traces, chip, 0, COL_IS_SLTU, F::ONE);
        set_cell(traces, chip, 0, COL_RESULT, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    assert_change_rejected(11, |traces, chip| {
        set_cell(traces, chip, 3, COL_IS_SLTU, F::TWO);
    });
}
