//! Tests of the bitwise chip: results against the emulator's reference, a valid batch
//! proof, and corrupted cells the real verifier must reject.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_emulator::instruction::Opcode;

use super::{BitwiseChip, BitwiseCols, NUM_BITWISE_COLS};
use crate::testing::*;

const COL_A0: usize = offset_of!(BitwiseCols<u8>, a);
const COL_IS_AND: usize = offset_of!(BitwiseCols<u8>, is_and);
const COL_IS_OR: usize = offset_of!(BitwiseCols<u8>, is_or);

const OPS: [Opcode; 6] =
    [Opcode::And, Opcode::Or, Opcode::Xor, Opcode::Andi, Opcode::Ori, Opcode::Xori];

/// Every register form on every pair of edge words, the immediate forms on edge words and
/// sign-extended 12-bit immediates, then seeded random operations.
fn events(seed: u64, random: usize) -> Vec<crate::AluEvent> {
    let mut events = Vec::new();
    for op in &OPS[..3] {
        for &b in &EDGE_WORDS {
            for &c in &EDGE_WORDS {
                events.push(reference_event(*op, b, c));
            }
        }
    }
    for op in &OPS[3..] {
        for &b in &EDGE_WORDS {
            for imm in [0i32, 1, -1, 2047, -2048, 0x555] {
                events.push(reference_event(*op, b, imm as u32));
            }
        }
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    for _ in 0..random {
        let op = OPS[rng.gen_range(0..OPS.len())];
        events.push(reference_event(op, rng.r#gen(), rng.r#gen()));
    }
    events
}

fn word(limbs: &crate::Word<F>) -> u32 {
    limbs.0.iter().rev().fold(0u32, |acc, l| acc << 8 | l.as_canonical_u32())
}

#[test]
fn trace_rows_match_the_emulator() {
    let events = events(1, 200);
    let (traces, _) = machine_traces(&events);
    let trace = &traces[chip_index("bitwise")];
    assert_eq!(trace.width(), NUM_BITWISE_COLS);
    assert_eq!(trace.height(), events.len().next_power_of_two());
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &BitwiseCols<F> = (*row).borrow();
        assert_eq!(word(&cols.a), event.a);
        assert_eq!(word(&cols.b), event.b);
        assert_eq!(word(&cols.c), event.c);
        assert_eq!(cols.is_and + cols.is_or + cols.is_xor, F::ONE);
    }
    let last = trace.row_slice(trace.height() - 1).unwrap();
    assert!(last.iter().all(|v| *v == F::ZERO), "padding rows are all zero");
}

#[test]
fn constraints_hold_on_every_row() {
    let (traces, pvs) = machine_traces(&events(2, 100));
    let chip = chip_index("bitwise");
    p3_air::check_constraints(&BitwiseChip, &traces[chip], &pvs[chip]);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn bitwise_batch_proof_verifies() {
    let (traces, pvs) = machine_traces(&events(3, 300));
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
}

/// Forty seeded register-form events, small enough to prove quickly, after a row 0 that
/// is `AND 0xff, 0x0f`.
fn small_events(seed: u64) -> Vec<crate::AluEvent> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut events = alloc::vec![reference_event(Opcode::And, 0xff, 0x0f)];
    events.extend(
        (0..40).map(|_| reference_event(OPS[rng.gen_range(0..3)], rng.r#gen(), rng.r#gen())),
    );
    events
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_limb_is_rejected() {
    let (mut traces, pvs) = machine_traces(&small_events(4));
    let chip = chip_index("bitwise");
    // 0xff & 0x0f = 0x0f: claim 0x0e, still a byte.
    assert_eq!(cell(&traces, chip, 0, COL_A0), F::from_u8(0x0f));
    set_cell(&mut traces, chip, 0, COL_A0, F::from_u8(0x0e));
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    let (mut traces, pvs) = machine_traces(&small_events(5));
    let chip = chip_index("bitwise");
    // Claim the AND row is an OR (0xff | 0x0f = 0xff ≠ 0x0f, and the CPU sent AND).
    set_cell(&mut traces, chip, 0, COL_IS_AND, F::ZERO);
    set_cell(&mut traces, chip, 0, COL_IS_OR, F::ONE);
    assert_rejected(prove_and_verify(&traces, &pvs));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    let (mut traces, pvs) = machine_traces(&small_events(6));
    let chip = chip_index("bitwise");
    // Row 0 with is_and = 2: the sum of the flags is no longer a boolean real-row flag.
    set_cell(&mut traces, chip, 0, COL_IS_AND, F::TWO);
    assert_rejected(prove_and_verify(&traces, &pvs));
}
