//! Tests of the `MUL*` chip: results against the emulator's reference, a valid batch
//! proof, and corrupted cells the real verifier must reject.

extern crate std;

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_emulator::instruction::Opcode;

use super::{MulChip, MulCols, NUM_MUL_COLS};
use crate::testing::*;

const COL_A0: usize = offset_of!(MulCols<u8>, a);
const COL_CARRY0: usize = offset_of!(MulCols<u8>, carry);
const COL_B_MSB: usize = offset_of!(MulCols<u8>, b_msb);
const COL_B_NEG: usize = offset_of!(MulCols<u8>, b_neg);
const COL_C_NEG: usize = offset_of!(MulCols<u8>, c_neg);
const COL_IS_MUL: usize = offset_of!(MulCols<u8>, is_mul);
const COL_IS_MULH: usize = offset_of!(MulCols<u8>, is_mulh);
const COL_IS_MULHU: usize = offset_of!(MulCols<u8>, is_mulhu);

const COL_DRIVER_A0: usize = offset_of!(crate::chips::driver::DriverCols<u8>, a);

const OPS: [Opcode; 4] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu];

/// Every operation on every pair of edge words (0, 1, −1, the signed extremes, limb
/// boundaries), on powers of two against edge words, then seeded random operations.
fn events(seed: u64, random: usize) -> Vec<crate::AluEvent> {
    let mut events = Vec::new();
    for op in OPS {
        for &b in &EDGE_WORDS {
            for &c in &EDGE_WORDS {
                events.push(reference_event(op, b, c));
            }
        }
        for k in 0..32 {
            for &c in &[1, u32::MAX, 0x8000_0000, 0x7fff_ffff, 3] {
                events.push(reference_event(op, 1 << k, c));
                events.push(reference_event(op, c, 1 << k));
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

#[test]
fn trace_rows_match_the_emulator() {
    let events = events(1, 500);
    let (traces, _) = machine_traces(&events);
    let trace = &traces[chip_index("mul")];
    assert_eq!(trace.width(), NUM_MUL_COLS);
    assert_eq!(trace.height(), events.len().next_power_of_two());
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &MulCols<F> = (*row).borrow();
        assert_eq!(u32_of(cols.a.0), event.a, "{event:?}");
        let b_signed = matches!(event.opcode, crate::opcode::MULH | crate::opcode::MULHSU);
        assert_eq!(cols.b_neg, F::from_bool(b_signed && event.b >> 31 == 1));
        assert!(cols.carry.iter().all(|c| c.as_canonical_u32() < 1 << 11), "carries stay small");
    }
    let last = trace.row_slice(trace.height() - 1).unwrap();
    assert!(last.iter().all(|v| *v == F::ZERO), "padding rows are all zero");
}

#[test]
fn constraints_hold_on_every_row() {
    let (traces, pvs) = machine_traces(&events(2, 200));
    let chip = chip_index("mul");
    p3_air::check_constraints(&MulChip, &traces[chip], &pvs[chip]);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn mul_batch_proof_verifies() {
    let events = events(3, 300);
    let (traces, pvs) = machine_traces(&events);
    let start = std::time::Instant::now();
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
    std::eprintln!("{} MUL* rows proved and verified in {:.2?}", events.len(), start.elapsed());
}

/// Row 0: `MUL(0xdead_beef, 0x0123_4567)` (carries in every limb).
/// Row 1: `MULHU(−1, −1) = 0xffff_fffe`.
/// Row 2: `MULH(−1, 1) = −1` (as `MULHU` it would be 0).
/// Row 3: `MUL(0, 5) = 0` (every product limb and carry is 0).
/// Then forty seeded events, small enough to prove quickly.
fn small_events(seed: u64) -> Vec<crate::AluEvent> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut events = alloc::vec![
        reference_event(Opcode::Mul, 0xdead_beef, 0x0123_4567),
        reference_event(Opcode::Mulhu, u32::MAX, u32::MAX),
        reference_event(Opcode::Mulh, u32::MAX, 1),
        reference_event(Opcode::Mul, 0, 5),
    ];
    events.extend(
        (0..40).map(|_| reference_event(OPS[rng.gen_range(0..4)], rng.r#gen(), rng.r#gen())),
    );
    events
}

/// Prove the small events with cells changed (by `change`) and expect rejection.
fn assert_change_rejected(seed: u64, change: impl FnOnce(&mut [RowMajorMatrix<F>], usize)) {
    assert_alu_change_rejected(&small_events(seed), "mul", change);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_limb_is_rejected() {
    assert_change_rejected(4, |traces, chip| {
        let old = cell(traces, chip, 0, COL_A0 + 2);
        set_cell(traces, chip, 0, COL_A0 + 2, old + F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_carry_is_rejected() {
    assert_change_rejected(5, |traces, chip| {
        let old = cell(traces, chip, 1, COL_CARRY0 + 3);
        assert_ne!(old, F::ZERO);
        set_cell(traces, chip, 1, COL_CARRY0 + 3, old - F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_sign_flag_is_rejected() {
    // `MULH(−1, 1)`: drop b's sign extension (the product becomes 0x0000_0000_ffff_ffff).
    assert_change_rejected(6, |traces, chip| {
        assert_eq!(cell(traces, chip, 2, COL_B_NEG), F::ONE);
        set_cell(traces, chip, 2, COL_B_NEG, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_sign_bit_is_rejected() {
    // `MULH(−1, 1)` with b read as non-negative, and the product and result that go with
    // it (the driver sending the same forged result): every constraint of the chip holds
    // and `EXECUTION` balances, only the byte table's MSB can tell.
    assert_change_rejected(7, |traces, chip| {
        set_cell(traces, chip, 2, COL_B_MSB, F::ZERO);
        set_cell(traces, chip, 2, COL_B_NEG, F::ZERO);
        for i in 0..4 {
            set_cell(traces, chip, 2, COL_A0 + i, F::ZERO);
            set_cell(traces, DRIVER, 2, COL_DRIVER_A0 + i, F::ZERO);
        }
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    // `MUL(0, 5)` proven as a `MULHU` (same all-zero product): only the bus can tell.
    assert_change_rejected(8, |traces, chip| {
        set_cell(traces, chip, 3, COL_IS_MUL, F::ZERO);
        set_cell(traces, chip, 3, COL_IS_MULHU, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn signed_read_of_unsigned_operand_is_rejected() {
    // `MULHU(−1, −1)` claiming c's sign extension: the product is no longer c·b.
    assert_change_rejected(9, |traces, chip| {
        assert_eq!(cell(traces, chip, 1, COL_C_NEG), F::ZERO);
        set_cell(traces, chip, 1, COL_C_NEG, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    assert_change_rejected(10, |traces, chip| {
        assert_eq!(cell(traces, chip, 2, COL_IS_MULH), F::ONE);
        set_cell(traces, chip, 2, COL_IS_MULH, F::TWO);
    });
}
