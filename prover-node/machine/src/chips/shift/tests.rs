//! Tests of the shift chip: results against the emulator's reference, a valid batch proof,
//! and corrupted cells the real verifier must reject.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_emulator::instruction::Opcode;

use super::{NUM_SHIFT_COLS, ShiftChip, ShiftCols};
use crate::testing::*;

const COL_A0: usize = offset_of!(ShiftCols<u8>, a);
const COL_BIT_SHIFT0: usize = offset_of!(ShiftCols<u8>, bit_shift);
const COL_BYTE_SHIFT0: usize = offset_of!(ShiftCols<u8>, byte_shift);
const COL_LO0: usize = offset_of!(ShiftCols<u8>, lo);
const COL_HI0: usize = offset_of!(ShiftCols<u8>, hi);
const COL_SIGN_FILL: usize = offset_of!(ShiftCols<u8>, sign_fill);
const COL_SIGN_FILL_BITS: usize = offset_of!(ShiftCols<u8>, sign_fill_bits);
const COL_IS_SRL: usize = offset_of!(ShiftCols<u8>, is_srl);
const COL_IS_SRA: usize = offset_of!(ShiftCols<u8>, is_sra);

const OPS: [Opcode; 6] =
    [Opcode::Sll, Opcode::Srl, Opcode::Sra, Opcode::Slli, Opcode::Srli, Opcode::Srai];

/// Shift amounts: every bit shift and byte shift, 31, and amounts of 32 and more (high
/// bits set, in the low limb and in the upper limbs) that must act as `c mod 32`.
const AMOUNTS: [u32; 20] = [
    0,
    1,
    3,
    7,
    8,
    9,
    12,
    15,
    16,
    17,
    24,
    25,
    31,
    32,
    33,
    63,
    0xe5,
    0x0000_0420,
    0x8000_0001,
    u32::MAX,
];

/// Every form on every edge word and every amount, the immediate forms with `SRAI`'s
/// funct7 bit in the immediate, then seeded random operations.
fn events(seed: u64, random: usize) -> Vec<crate::AluEvent> {
    let mut events = Vec::new();
    for op in &OPS[..3] {
        for &b in &EDGE_WORDS {
            for &c in &AMOUNTS {
                events.push(reference_event(*op, b, c));
            }
        }
    }
    for op in &OPS[3..] {
        for &b in &EDGE_WORDS {
            for c in [0, 5, 31, 0x400 | 7] {
                events.push(reference_event(*op, b, c));
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
    let trace = &traces[chip_index("shift")];
    assert_eq!(trace.width(), NUM_SHIFT_COLS);
    assert_eq!(trace.height(), events.len().next_power_of_two());
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &ShiftCols<F> = (*row).borrow();
        assert_eq!(word(&cols.a), event.a, "{event:?}");
        let bits: u32 =
            cols.bit_shift.iter().rev().fold(0, |acc, b| acc << 1 | b.as_canonical_u32());
        let bytes = cols.byte_shift.iter().position(|f| *f == F::ONE).unwrap() as u32;
        assert_eq!(bits + 8 * bytes, event.c % 32);
    }
    let last = trace.row_slice(trace.height() - 1).unwrap();
    let cols: &ShiftCols<F> = (*last).borrow();
    assert_eq!(cols.bit_multiplier, F::ONE);
    assert_eq!(cols.is_sll + cols.is_srl + cols.is_sra, F::ZERO, "padding rows send nothing");
}

#[test]
fn constraints_hold_on_every_row() {
    let (traces, pvs) = machine_traces(&events(2, 100));
    let chip = chip_index("shift");
    p3_air::check_constraints(&ShiftChip, &traces[chip], &pvs[chip]);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn shift_batch_proof_verifies() {
    let (traces, pvs) = machine_traces(&events(3, 300));
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
}

/// Row 0: `SLL(0x0000_00ff, 12) = 0x000f_f000` (r = 4, q = 1: both parts and a carry).
/// Row 1: `SRA(0x8000_0000, 31) = 0xffff_ffff` (every sign column in use).
/// Row 2: `SRL(0x4000_0000, 30) = 1` (an `SRA` would give the same: `b` is positive).
/// Then forty seeded events, small enough to prove quickly.
fn small_events(seed: u64) -> Vec<crate::AluEvent> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut events = alloc::vec![
        reference_event(Opcode::Sll, 0xff, 12),
        reference_event(Opcode::Sra, 0x8000_0000, 31),
        reference_event(Opcode::Srl, 0x4000_0000, 30),
    ];
    events.extend(
        (0..40).map(|_| reference_event(OPS[rng.gen_range(0..3)], rng.r#gen(), rng.r#gen())),
    );
    events
}

/// Prove the small events with cells changed (by `change`) and expect rejection.
fn assert_change_rejected(seed: u64, change: impl FnOnce(&mut [RowMajorMatrix<F>], usize)) {
    assert_alu_change_rejected(&small_events(seed), "shift", change);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_limb_is_rejected() {
    assert_change_rejected(4, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_A0 + 1), F::from_u8(0xf0));
        set_cell(traces, chip, 0, COL_A0 + 1, F::from_u8(0xf1));
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_shift_amount_bit_is_rejected() {
    // SLL by 12 claimed as SLL by 13 (bit 0 set).
    assert_change_rejected(5, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_BIT_SHIFT0), F::ZERO);
        set_cell(traces, chip, 0, COL_BIT_SHIFT0, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_shift_amount_bit_is_rejected() {
    // Bits (2, 1, 0) for 12 = 8 + 4: replace bit 2 by bit 1 = 2 (same amount, 2·2 = 4),
    // which would make the multiplier (1 + 3·2) = 7 instead of 16.
    assert_change_rejected(6, |traces, chip| {
        set_cell(traces, chip, 0, COL_BIT_SHIFT0 + 2, F::ZERO);
        set_cell(traces, chip, 0, COL_BIT_SHIFT0 + 1, F::TWO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_byte_shift_marker_is_rejected() {
    // SLL by 12 claimed as a byte shift of 2 (amount 20).
    assert_change_rejected(7, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_BYTE_SHIFT0 + 1), F::ONE);
        set_cell(traces, chip, 0, COL_BYTE_SHIFT0 + 1, F::ZERO);
        set_cell(traces, chip, 0, COL_BYTE_SHIFT0 + 2, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_carry_is_rejected() {
    // 0xff·16 = 0x0ff0: lo = 0xf0, carry hi = 0x0f. Claim carry 0x0e.
    assert_change_rejected(8, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_HI0), F::from_u8(0x0f));
        set_cell(traces, chip, 0, COL_HI0, F::from_u8(0x0e));
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_byte_split_is_rejected() {
    // 0xff·16 = 0x0ff0 split as lo = 0xff0, hi = 0: the equation holds, the range check
    // does not.
    assert_change_rejected(9, |traces, chip| {
        set_cell(traces, chip, 0, COL_LO0, F::from_u16(0x0ff0));
        set_cell(traces, chip, 0, COL_HI0, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn dropped_sign_fill_is_rejected() {
    // `SRA(0x8000_0000, 31)` proven with zeros shifted in, i.e. as an SRL would: a = 1.
    assert_change_rejected(10, |traces, chip| {
        assert_eq!(cell(traces, chip, 1, COL_SIGN_FILL), F::ONE);
        set_cell(traces, chip, 1, COL_SIGN_FILL, F::ZERO);
        set_cell(traces, chip, 1, COL_SIGN_FILL_BITS, F::ZERO);
        set_cell(traces, chip, 1, COL_A0, F::ONE);
        for i in 1..4 {
            set_cell(traces, chip, 1, COL_A0 + i, F::ZERO);
        }
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    // `SRL(0x4000_0000, 30) = 1` proven as an SRA row: every constraint holds, but the
    // CPU sent SRL, so only the EXECUTION bus can tell.
    assert_change_rejected(11, |traces, chip| {
        set_cell(traces, chip, 2, COL_IS_SRL, F::ZERO);
        set_cell(traces, chip, 2, COL_IS_SRA, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    assert_change_rejected(12, |traces, chip| {
        set_cell(traces, chip, 2, COL_IS_SRL, F::TWO);
    });
}
