//! Tests of the `DIV*`/`REM*` chip: results against the emulator's reference, a valid
//! batch proof, corrupted cells and forged divisions the real verifier must reject.

extern crate std;

use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_emulator::instruction::Opcode;

use super::trace::{divide, populate_row};
use super::{DivRemChip, DivRemCols, NUM_DIV_REM_COLS};
use crate::AluEvent;
use crate::chips::byte::ByteRecord;
use crate::chips::driver::DriverCols;
use crate::testing::*;

const COL_A0: usize = offset_of!(DivRemCols<u8>, a);
const COL_Q0: usize = offset_of!(DivRemCols<u8>, quotient);
const COL_R0: usize = offset_of!(DivRemCols<u8>, remainder);
const COL_CARRY0: usize = offset_of!(DivRemCols<u8>, carry);
const COL_C_IS_ZERO: usize = offset_of!(DivRemCols<u8>, c_is_zero);
const COL_IS_OVERFLOW: usize = offset_of!(DivRemCols<u8>, is_overflow);
const COL_IS_DIV: usize = offset_of!(DivRemCols<u8>, is_div);
const COL_IS_DIVU: usize = offset_of!(DivRemCols<u8>, is_divu);
const COL_IS_REMU: usize = offset_of!(DivRemCols<u8>, is_remu);
const COL_DRIVER_A0: usize = offset_of!(DriverCols<u8>, a);

const OPS: [Opcode; 4] = [Opcode::Div, Opcode::Divu, Opcode::Rem, Opcode::Remu];

/// Every operation on every pair of edge words (0, 1, −1, `INT_MIN`, `INT_MAX`, limb
/// boundaries: division by zero and the signed overflow included), powers of two both
/// ways against edge words, then seeded random operations (divisors random, small, or
/// powers of two of either sign).
fn events(seed: u64, random: usize) -> Vec<AluEvent> {
    let mut events = Vec::new();
    for op in OPS {
        for &b in &EDGE_WORDS {
            for &c in &EDGE_WORDS {
                events.push(reference_event(op, b, c));
            }
        }
        for k in 0..32 {
            for &x in &[0, 1, 3, u32::MAX, 0x8000_0000, 0x7fff_ffff] {
                events.push(reference_event(op, 1 << k, x));
                events.push(reference_event(op, x, 1 << k));
            }
        }
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    for _ in 0..random {
        let op = OPS[rng.gen_range(0..OPS.len())];
        let b: u32 = rng.r#gen();
        let c: u32 = match rng.gen_range(0..3) {
            0 => rng.r#gen(),
            1 => rng.gen_range(-300i32..300) as u32,
            _ => {
                (1u32 << rng.gen_range(0..32)).wrapping_mul(if rng.r#gen() { 1 } else { u32::MAX })
            }
        };
        events.push(reference_event(op, b, c));
    }
    events
}

#[test]
fn trace_rows_match_the_emulator() {
    let events = events(1, 1000);
    let (traces, _) = machine_traces(&events);
    let trace = &traces[chip_index("divrem")];
    assert_eq!(trace.width(), NUM_DIV_REM_COLS);
    assert_eq!(trace.height(), events.len().next_power_of_two());
    let (mut by_zero, mut overflows) = (0, 0);
    for (i, event) in events.iter().enumerate() {
        let row = trace.row_slice(i).unwrap();
        let cols: &DivRemCols<F> = (*row).borrow();
        assert_eq!(u32_of(cols.a), event.a, "{event:?}");
        let signed = matches!(event.opcode, crate::opcode::DIV | crate::opcode::REM);
        let quotient = zkvm_emulator::instruction::alu(
            if signed { Opcode::Div } else { Opcode::Divu },
            event.b,
            event.c,
        );
        assert_eq!(u32_of(cols.quotient), quotient, "{event:?}");
        by_zero += (cols.c_is_zero == F::ONE) as usize;
        overflows += (cols.is_overflow == F::ONE) as usize;
        assert!(cols.carry.iter().all(|c| c.as_canonical_u32() < 1 << 12), "carries stay small");
    }
    assert!(by_zero >= 4 * 16 && overflows >= 2, "the special cases are covered");
    let last = trace.row_slice(trace.height() - 1).unwrap();
    assert!(last.iter().all(|v| *v == F::ZERO), "padding rows are all zero");
}

#[test]
fn constraints_hold_on_every_row() {
    let (traces, pvs) = machine_traces(&events(2, 300));
    let chip = chip_index("divrem");
    p3_air::check_constraints(&DivRemChip, &traces[chip], &pvs[chip]);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn divrem_batch_proof_verifies() {
    let events = events(3, 300);
    let (traces, pvs) = machine_traces(&events);
    let start = std::time::Instant::now();
    prove_and_verify(&traces, &pvs).expect("a valid proof verifies");
    std::eprintln!(
        "{} DIV*/REM* rows proved and verified in {:.2?}",
        events.len(),
        start.elapsed()
    );
}

/// Row 0: `DIV(INT_MIN, −1) = INT_MIN` (the signed overflow).
/// Row 1: `DIVU(7, 0) = 0xffff_ffff` (division by zero).
/// Row 2: `DIV(−7, 2) = −3` (remainder −1).
/// Row 3: `REM(−7, 2) = −1`.
/// Row 4: `DIVU(7, 2) = 3` (remainder 1).
/// Row 5: `DIVU(0, 5) = 0` (quotient and remainder 0).
/// Then forty seeded events, small enough to prove quickly.
fn small_events(seed: u64) -> Vec<AluEvent> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut events = alloc::vec![
        reference_event(Opcode::Div, 0x8000_0000, u32::MAX),
        reference_event(Opcode::Divu, 7, 0),
        reference_event(Opcode::Div, -7i32 as u32, 2),
        reference_event(Opcode::Rem, -7i32 as u32, 2),
        reference_event(Opcode::Divu, 7, 2),
        reference_event(Opcode::Divu, 0, 5),
    ];
    events.extend((0..40).map(|_| {
        let c = if rng.r#gen() { rng.r#gen() } else { rng.gen_range(-100i32..100) as u32 };
        reference_event(OPS[rng.gen_range(0..4)], rng.r#gen(), c)
    }));
    events
}

/// Prove the small events with cells changed (by `change`) and expect rejection.
fn assert_change_rejected(seed: u64, change: impl FnOnce(&mut [RowMajorMatrix<F>], usize)) {
    assert_alu_change_rejected(&small_events(seed), "divrem", change);
}

/// Replace row `row` (the event `event`) by the forged division `b / c = (q, r)`: the
/// chip's row as trace generation would fill it, the driver's result to match, and the
/// byte table's multiplicities moved from the honest row's requests to the forged
/// row's. Every bus balances, so only the chip's own constraints can reject.
fn forge(traces: &mut [RowMajorMatrix<F>], row: usize, event: AluEvent, q: u32, r: u32) {
    let chip = chip_index("divrem");
    let signed = matches!(event.opcode, crate::opcode::DIV | crate::opcode::REM);
    let (true_q, true_r) = divide(event.b, event.c, signed);
    let (mut honest_bytes, mut forged_bytes) = (ByteRecord::new(), ByteRecord::new());
    let mut honest = DivRemCols::<F>::default();
    populate_row(&mut honest, event.opcode, event.b, event.c, true_q, true_r, &mut honest_bytes);
    let mut forged = DivRemCols::<F>::default();
    let a = populate_row(&mut forged, event.opcode, event.b, event.c, q, r, &mut forged_bytes);

    let width = NUM_DIV_REM_COLS;
    let cols: &mut DivRemCols<F> = traces[chip].values[row * width..(row + 1) * width].borrow_mut();
    assert_eq!(u32_of(cols.a), event.a, "row {row} is the event");
    *cols = forged;
    for (i, limb) in a.to_le_bytes().into_iter().enumerate() {
        set_cell(traces, DRIVER, row, COL_DRIVER_A0 + i, F::from_u8(limb));
    }
    let (h, f) = (honest_bytes.generate_trace::<F>(), forged_bytes.generate_trace::<F>());
    for ((m, h), f) in traces[BYTE].values.iter_mut().zip(h.values).zip(f.values) {
        *m += f - h;
    }
}

/// The small events with row `row` forged as `(q, r)`: the debug constraint checker
/// must find a violated constraint of this chip, and the verifier must reject the proof.
fn assert_forgery_rejected(seed: u64, row: usize, q: u32, r: u32) {
    let events = small_events(seed);
    let (mut traces, pvs) = machine_traces(&events);
    forge(&mut traces, row, events[row], q, r);
    let chip = chip_index("divrem");
    let checked = std::panic::catch_unwind(|| {
        p3_air::check_constraints(&DivRemChip, &traces[chip], &pvs[chip]);
    });
    assert!(checked.is_err(), "the forged row violates a constraint of the chip");
    if cfg!(not(debug_assertions)) {
        assert_rejected(prove_and_verify(&traces, &pvs));
    }
}

#[test]
fn forge_helper_keeps_honest_rows() {
    // Forging the true answer changes nothing: the helper itself is sound.
    let events = small_events(20);
    let (mut traces, pvs) = machine_traces(&events);
    let before = traces.clone();
    forge(&mut traces, 2, events[2], -3i32 as u32, u32::MAX);
    assert_eq!(traces, before);
    let chip = chip_index("divrem");
    p3_air::check_constraints(&DivRemChip, &traces[chip], &pvs[chip]);
}

#[test]
fn floor_division_is_rejected() {
    // `REM(−7, 2)` as floor division: −4·2 + 1 = −7 and |1| < 2, but the remainder's
    // sign is not the dividend's.
    assert_forgery_rejected(21, 3, -4i32 as u32, 1);
}

#[test]
fn oversized_remainder_is_rejected() {
    // `DIVU(7, 2)` as 2·2 + 3: the product holds, |r| < |c| does not.
    assert_forgery_rejected(22, 4, 2, 3);
}

#[test]
fn wrong_quotient_for_division_by_zero_is_rejected() {
    // `DIVU(7, 0)` as 0·0 + 7: the product holds, but c = 0 forces the all-ones quotient.
    assert_forgery_rejected(23, 1, 0, 7);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_result_limb_is_rejected() {
    assert_change_rejected(4, |traces, chip| {
        let old = cell(traces, chip, 2, COL_A0 + 1);
        set_cell(traces, chip, 2, COL_A0 + 1, old + F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_quotient_is_rejected() {
    // The quotient of `REM(−7, 2)` is not its result, so only the product catches it.
    assert_change_rejected(5, |traces, chip| {
        let old = cell(traces, chip, 3, COL_Q0);
        set_cell(traces, chip, 3, COL_Q0, old - F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_remainder_is_rejected() {
    // The remainder of `DIVU(7, 2)` is not its result, so only the product catches it.
    assert_change_rejected(6, |traces, chip| {
        assert_eq!(cell(traces, chip, 4, COL_R0), F::ONE);
        set_cell(traces, chip, 4, COL_R0, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_carry_is_rejected() {
    assert_change_rejected(7, |traces, chip| {
        let old = cell(traces, chip, 2, COL_CARRY0 + 1);
        set_cell(traces, chip, 2, COL_CARRY0 + 1, old + F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn cleared_division_by_zero_flag_is_rejected() {
    assert_change_rejected(8, |traces, chip| {
        assert_eq!(cell(traces, chip, 1, COL_C_IS_ZERO), F::ONE);
        set_cell(traces, chip, 1, COL_C_IS_ZERO, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn spurious_division_by_zero_flag_is_rejected() {
    assert_change_rejected(9, |traces, chip| {
        set_cell(traces, chip, 4, COL_C_IS_ZERO, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn cleared_overflow_flag_is_rejected() {
    assert_change_rejected(10, |traces, chip| {
        assert_eq!(cell(traces, chip, 0, COL_IS_OVERFLOW), F::ONE);
        set_cell(traces, chip, 0, COL_IS_OVERFLOW, F::ZERO);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn spurious_overflow_flag_is_rejected() {
    assert_change_rejected(11, |traces, chip| {
        set_cell(traces, chip, 2, COL_IS_OVERFLOW, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_flag_is_rejected() {
    // `DIVU(0, 5)` proven as the `REMU` with the same witness (both results 0): only the
    // bus can tell.
    assert_change_rejected(12, |traces, chip| {
        set_cell(traces, chip, 5, COL_IS_DIVU, F::ZERO);
        set_cell(traces, chip, 5, COL_IS_REMU, F::ONE);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_boolean_flag_is_rejected() {
    assert_change_rejected(13, |traces, chip| {
        assert_eq!(cell(traces, chip, 2, COL_IS_DIV), F::ONE);
        set_cell(traces, chip, 2, COL_IS_DIV, F::TWO);
    });
}

/// A program over every `M` operation, proven end to end with the CPU: `n!` by a `MUL`
/// loop, then `DIVU`/`REMU` of it, signed `DIV`/`REM` of negative operands, the three
/// high multiplications, a division by zero and the signed overflow; the exit code mixes
/// every result.
fn m_extension_program(n: u32) -> Vec<u8> {
    use zkvm_abi::{memory::PROGRAM_START, reg, syscall};
    use zkvm_emulator::Opcode::*;
    use zkvm_emulator::asm::{ElfBuilder, addi, b, ecall, i, li, r};
    let mut code = Vec::new();
    code.extend(li(1, n)); // x1 = n
    code.push(addi(2, 0, 1)); // x2 = 1
    code.push(r(Mul, 2, 2, 1)); // loop: x2 *= x1
    code.push(addi(1, 1, -1));
    code.push(b(Bne, 1, 0, -8));
    code.push(addi(3, 0, 1000));
    code.push(r(Divu, 4, 2, 3)); // n! / 1000
    code.push(r(Remu, 6, 2, 3)); // n! % 1000
    code.push(addi(7, 0, -7));
    code.push(addi(8, 0, 2));
    code.push(r(Div, 9, 7, 8)); // −7 / 2 = −3
    code.push(r(Rem, 11, 7, 8)); // −7 % 2 = −1
    code.push(r(Mulh, 12, 7, 2)); // high(−7 · n!)
    code.push(r(Mulhu, 13, 7, 7)); // high((2^32 − 7)²)
    code.push(r(Mulhsu, 14, 7, 8)); // high(−7 · 2) = −1
    code.push(r(Divu, 15, 2, 0)); // n! / 0 = all ones
    code.push(r(Rem, 16, 2, 0)); // n! % 0 = n!
    code.extend(li(17, 0x8000_0000));
    code.push(addi(18, 0, -1));
    code.push(r(Div, 19, 17, 18)); // INT_MIN / −1 = INT_MIN
    code.push(r(Rem, 20, 17, 18)); // INT_MIN % −1 = 0
    // x21 = x4 + x6 + x9 + x11 + x12 + x13 + x14 + (x15 ^ x19) + x16 + x20
    code.push(r(Add, 21, 4, 6));
    for src in [9, 11, 12, 13, 14] {
        code.push(r(Add, 21, 21, src));
    }
    code.push(r(Xor, 22, 15, 19));
    code.push(r(Add, 21, 21, 22));
    code.push(r(Add, 21, 21, 16));
    code.push(r(Add, 21, 21, 20));
    code.push(i(Andi, 21, 21, 0x7ff));
    code.extend([
        addi(reg::A0, 21, 0),
        addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32),
        ecall(),
    ]);
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).build()
}

/// The exit code of [`m_extension_program`], computed natively.
fn m_extension_exit_code(n: u32) -> u32 {
    let f = (1..=n).fold(1u32, |acc, k| acc.wrapping_mul(k));
    let m7 = -7i32 as u32;
    let high = |x: i64| (x >> 32) as u32;
    let terms = [
        f / 1000,
        f % 1000,
        -3i32 as u32,
        u32::MAX,
        high(-7 * f as i32 as i64),
        ((m7 as u64 * m7 as u64) >> 32) as u32,
        high(-7 * 2),
        u32::MAX ^ 0x8000_0000,
        f,
        0,
    ];
    terms.iter().fold(0u32, |acc, t| acc.wrapping_add(*t)) & 0x7ff
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn m_extension_program_proof_verifies() {
    use crate::execution::chip_index::{DIVREM, MUL};
    use crate::execution::programs::{prove_and_verify, run};
    use crate::execution::run_outcome;
    let n = 12;
    let run = run(&m_extension_program(n));
    assert_eq!(run.exit_code, m_extension_exit_code(n));
    assert_eq!(run.traces[MUL].height(), 16, "12 loop MULs and 3 high ones");
    let divrem = &run.traces[DIVREM];
    let real_rows = (0..divrem.height())
        .filter(|&i| {
            let row = divrem.row_slice(i).unwrap();
            let cols: &DivRemCols<F> = (*row).borrow();
            cols.is_div + cols.is_divu + cols.is_rem + cols.is_remu == F::ONE
        })
        .count();
    assert_eq!(real_rows, 8);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(run.exit_code));
}
