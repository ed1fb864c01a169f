//! Tests of register memory checking: the initial file, and corrupted final values and
//! read values the real verifier must reject.

use core::borrow::{Borrow, BorrowMut};
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::chips::cpu::CpuCols;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::execution::chip_index::{CPU, REGISTERS};
use crate::execution::programs::{
    Run, halt_without_x0, prove_and_verify, run, run_shards, sum_loop,
};
use crate::testing::{F, assert_rejected, cell, set_cell};
use crate::word::Word;

#[test]
fn initial_registers_follow_the_abi() {
    let init = initial_registers();
    for (r, &value) in init.iter().enumerate() {
        let expected =
            if r == zkvm_abi::reg::SP as usize { zkvm_abi::memory::STACK_TOP } else { 0 };
        assert_eq!(value, expected, "x{r}");
    }
    // A whole run's register file starts there.
    let run = run(&sum_loop(4));
    let pv: &RegistersPublicValues<F> = run.public_values[REGISTERS].as_slice().borrow();
    assert_eq!(pv.start, init.map(Word::from_u32));
}

#[test]
fn preprocessed_rows_select_their_register() {
    let table = preprocessed_trace::<F>();
    assert_eq!((table.height(), table.width()), (NUM_REGISTERS, NUM_REGISTER_PREPROCESSED_COLS));
    for r in 0..NUM_REGISTERS {
        let row = table.row_slice(r).unwrap();
        let cols: &RegisterPreprocessedCols<F> = (*row).borrow();
        assert_eq!(cols.reg, F::from_usize(r));
        for j in 0..NUM_REGISTERS {
            assert_eq!(cols.is_reg[j], F::from_bool(j == r), "row {r}, selector {j}");
        }
    }
    assert_eq!(NUM_REGISTERS_PUBLIC_VALUES, 2 * NUM_REGISTERS * 4);
}

/// The register file's public values of `run`, to change.
fn registers_pv(run: &mut Run) -> &mut RegistersPublicValues<F> {
    run.public_values[REGISTERS].as_mut_slice().borrow_mut()
}

/// Set register `r`'s final value cell.
fn set_final_value(run: &mut Run, r: usize, value: u32) {
    let col = offset_of!(RegisterFinalCols<u8>, value);
    for (l, limb) in Word::<F>::from_u32(value).0.into_iter().enumerate() {
        set_cell(&mut run.traces, REGISTERS, r, col + l, limb);
    }
}

fn prove(run: &Run) -> Result<(), zkvm_stark::VerifyError> {
    prove_and_verify(&run.rom, &run.traces, &run.public_values)
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn x0_forging_baseline_verifies() {
    // The forging code of `nonzero_x0_is_rejected` with x0 left 0: the run never
    // accesses x0, so the forgery below balances every bus.
    let mut run = run(&halt_without_x0());
    assert_eq!(run.record.cpu.len(), 2);
    registers_pv(&mut run).start[0] = Word::from_u32(0);
    registers_pv(&mut run).end[0] = Word::from_u32(0);
    set_final_value(&mut run, 0, 0);
    prove(&run).expect("the untouched run verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn nonzero_x0_is_rejected() {
    // x0 = 1 in and out, consistently on the bus (the run never accesses x0): only the
    // x0 constraints reject it.
    let mut run = run(&halt_without_x0());
    registers_pv(&mut run).start[0] = Word::from_u32(1);
    registers_pv(&mut run).end[0] = Word::from_u32(1);
    set_final_value(&mut run, 0, 1);
    assert_rejected(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_start_of_an_untouched_register_is_rejected() {
    // x20 is never accessed: its start message (x20, 0, ts 0) is what the final receives.
    let mut run = run(&sum_loop(40));
    registers_pv(&mut run).start[20] = Word::from_u32(5);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_start_of_an_untouched_register_with_its_end_is_rejected_unless_equal() {
    // Changing an untouched register's start and end together is a consistent claim
    // (the shard did not touch it), which verifies; changing the end alone does not.
    let mut run = run(&sum_loop(40));
    registers_pv(&mut run).start[20] = Word::from_u32(5);
    registers_pv(&mut run).end[20] = Word::from_u32(5);
    set_final_value(&mut run, 20, 5);
    prove(&run).expect("an untouched register carries any start value through");
    registers_pv(&mut run).end[20] = Word::from_u32(6);
    set_final_value(&mut run, 20, 6);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_start_of_a_read_register_is_rejected() {
    // The second shard of the sum loop reads x1 (the counter) before writing it: a start
    // value other than the first shard's end leaves the read's message unmatched.
    let mut shards = run_shards(&sum_loop(40), &[], 60);
    let second = &mut shards[1];
    let x1 = registers_pv(second).start[1];
    assert_ne!(x1, Word::from_u32(0));
    registers_pv(second).start[1][0] += F::ONE;
    assert_unbalanced(prove(second));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_end_public_value_is_rejected() {
    // a0's end value, in the public values only: the final value cell disagrees.
    let mut run = run(&sum_loop(40));
    registers_pv(&mut run).end[zkvm_abi::reg::A0 as usize][1] += F::ONE;
    assert_rejected(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_end_with_its_final_value_is_rejected() {
    // a0's end value and final value cell together: the final receive no longer matches
    // the last write.
    let mut run = run(&sum_loop(40));
    let a0 = zkvm_abi::reg::A0 as usize;
    registers_pv(&mut run).end[a0] = Word::from_u32(820 + 1);
    set_final_value(&mut run, a0, 820 + 1);
    assert_unbalanced(prove(&run));
}

#[test]
fn register_file_tracks_last_access() {
    let mut file = RegisterFile::default();
    assert_eq!(file.access(5, 7, 8), (0, 0));
    assert_eq!(file.access(5, 7, 9), (7, 8));
    assert_eq!(file.access(2, 1, 11), (zkvm_abi::memory::STACK_TOP, 0));
}

#[test]
#[should_panic(expected = "after one at")]
fn access_before_the_previous_one_panics() {
    let mut bytes = crate::chips::byte::ByteRecord::new();
    MemoryAccessCols::<F>::default().populate(8, 8, &mut bytes);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_final_register_value_is_rejected() {
    // The final value cell only: the end public value and the bus disagree with it.
    let mut run = run(&sum_loop(40));
    let col = offset_of!(RegisterFinalCols<u8>, value);
    let a0 = zkvm_abi::reg::A0 as usize;
    let old = cell(&run.traces, REGISTERS, a0, col);
    set_cell(&mut run.traces, REGISTERS, a0, col, old + F::ONE);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn stale_register_read_is_rejected() {
    // A read that claims the value of an older write (of x2 in the loop) with that
    // write's timestamp: the newer write's message is left over.
    let mut run = run(&sum_loop(40));
    // Row 3 + 3k is `ADD x2, x2, x1`; its rs1 read (x2) at row 3 + 3k follows the write at
    // row 3 + 3(k − 1).
    let (older, newer, reader) = (3 + 3 * 4, 3 + 3 * 5, 3 + 3 * 6);
    let prev_ts_col =
        offset_of!(CpuCols<u8>, rs1_access) + offset_of!(MemoryAccessCols<u8>, prev_ts);
    let gap_lo_col = offset_of!(CpuCols<u8>, rs1_access) + offset_of!(MemoryAccessCols<u8>, gap_lo);
    let gap_hi_col = offset_of!(CpuCols<u8>, rs1_access) + offset_of!(MemoryAccessCols<u8>, gap_hi);
    let b_col = offset_of!(CpuCols<u8>, b);
    let a_col = offset_of!(CpuCols<u8>, a);
    let ts_of = |row: usize| F::from_usize(4 * (row + 1) + 3);
    assert_eq!(cell(&run.traces, CPU, reader, prev_ts_col), ts_of(newer));
    let stale_value: alloc::vec::Vec<F> =
        (0..4).map(|l| cell(&run.traces, CPU, older, a_col + l)).collect();
    for (l, v) in stale_value.iter().enumerate() {
        set_cell(&mut run.traces, CPU, reader, b_col + l, *v);
    }
    set_cell(&mut run.traces, CPU, reader, prev_ts_col, ts_of(older));
    // Keep the gap witness consistent, so only the buses can tell.
    let gap = 4 * (reader as u64 + 1) - (4 * (older as u64 + 1) + 3) - 1;
    set_cell(&mut run.traces, CPU, reader, gap_lo_col, F::from_u64(gap & 0xffff));
    set_cell(&mut run.traces, CPU, reader, gap_hi_col, F::from_u64(gap >> 16));
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

/// The integer the gadget's limbs compose, and whether they pass its range checks.
fn distance(cols: &OutsideCodeCols<F>) -> (u64, bool) {
    let [lo, mid, top] = [cols.d_lo, cols.d_mid, cols.d_top].map(|x| x.as_canonical_u32() as u64);
    (lo + (mid << 16) + (top << 24), lo < 1 << 16 && mid < 1 << 8 && top < 32)
}

#[test]
fn outside_code_witness_is_the_distance_to_the_span() {
    let span = CodeSpan::new(0x5000, 0x5100);
    let cases = [
        (0x4fff, false, 0),
        (0x4ff0, false, 0xf),
        (0x5100, true, 0),
        (0x5101, true, 1),
        (crate::chips::ram::START_WORD, false, 0x5000 - 1 - crate::chips::ram::START_WORD),
        ((1 << 29) - 1, true, (1 << 29) - 1 - 0x5100),
    ];
    for (word, above, d) in cases {
        let mut cols = OutsideCodeCols::<F>::default();
        cols.populate(word, span, &mut crate::chips::byte::ByteRecord::new());
        assert_eq!(cols.above, F::from_bool(above), "word {word:#x}");
        assert_eq!(distance(&cols), (d as u64, true), "word {word:#x}");
    }
    // A word of the span gets limbs that fail the range checks (trace generation does not
    // panic; the proof fails).
    for word in [0x5000, 0x5080, 0x50ff] {
        let mut cols = OutsideCodeCols::<F>::default();
        cols.populate(word, span, &mut crate::chips::byte::ByteRecord::new());
        assert!(!distance(&cols).1, "word {word:#x}");
    }
}

#[test]
fn no_in_range_distance_reaches_a_word_of_the_span() {
    // The SAFETY argument of `OutsideCodeCols::eval`: for a word inside the span and
    // either side, the difference the distance must equal is a field element of at least
    // 2^29, beyond every distance the range checks admit. Spans at the edges: starting at
    // word 0, and ending at `WORD_LIMIT`.
    for span in [
        CodeSpan::new(0, 3),
        CodeSpan::new(0x5000, 0x5100),
        CodeSpan::new(WORD_LIMIT - 5, WORD_LIMIT),
    ] {
        for word in [span.start, span.start + 1, span.end - 1] {
            let w = F::from_u32(word);
            let above = w - F::from_u32(span.end);
            let below = F::from_u32(span.start) - F::ONE - w;
            for diff in [above, below] {
                assert!(diff.as_canonical_u32() >= DISTANCE_LIMIT, "word {word:#x}");
            }
        }
    }
}
