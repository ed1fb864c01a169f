//! Tests of register memory checking: the initial file, and corrupted final values and
//! read values the real verifier must reject.

use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::chips::cpu::CpuCols;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::execution::chip_index::{CPU, REGISTERS};
use crate::execution::programs::{prove_and_verify, run, sum_loop};
use crate::testing::{F, cell, set_cell};

#[test]
fn initial_registers_follow_the_abi() {
    let table = preprocessed_trace::<F>();
    assert_eq!(table.height(), NUM_REGISTERS);
    for r in 0..NUM_REGISTERS {
        let row = table.row_slice(r).unwrap();
        let cols: &RegisterPreprocessedCols<F> = (*row).borrow();
        let init = cols.init.0.iter().rev().fold(0u32, |acc, l| acc << 8 | l.as_canonical_u32());
        let expected =
            if r == zkvm_abi::reg::SP as usize { zkvm_abi::memory::STACK_TOP } else { 0 };
        assert_eq!((cols.reg, init), (F::from_usize(r), expected));
    }
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
    let mut run = run(&sum_loop(40));
    let col = offset_of!(RegisterFinalCols<u8>, value);
    let a0 = zkvm_abi::reg::A0 as usize;
    let old = cell(&run.traces, REGISTERS, a0, col);
    set_cell(&mut run.traces, REGISTERS, a0, col, old + F::ONE);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
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
