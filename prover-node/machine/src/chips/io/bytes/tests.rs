//! The IO bytes chip's forgeries: each must be rejected by the real verifier.

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix as _;
use zkvm_abi::syscall::{COMMIT_OUTPUT, READ_INPUT};

use crate::chips::io::tests::{
    bytes_row, bytes_rows_of, call_row_of, edit_bytes_row, io_input, io_run, reject, replayed_io,
};
use crate::execution::programs::Run;
use crate::testing::F;

/// `b + 1` modulo 256: another byte.
fn other_byte(b: F) -> F {
    F::from_u32((b.as_canonical_u32() + 1) % 256)
}

/// The bytes rows of the `n`-th call of syscall `number`.
fn rows_of_call(run: &Run, number: u32, n: usize) -> alloc::vec::Vec<usize> {
    let call = call_row_of(run, number, n);
    bytes_rows_of(run, run.record.io[call].clk)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_input_byte_is_rejected() {
    // The 1-byte read writes another byte than the input's (lane 3 of its word).
    let mut run = io_run();
    let row = rows_of_call(&run, READ_INPUT, 1)[0];
    let c = bytes_row(&run, row);
    assert_eq!(c.mask.map(|m| m == F::ONE), [false, false, false, true]);
    edit_bytes_row(&mut run, row, |c| c.new[3] = other_byte(c.new[3]));
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_output_byte_is_rejected() {
    // The 7-byte commit sends another byte than memory holds (its word's previous and new
    // value changed together, consistent in the chip).
    let mut run = io_run();
    let row = rows_of_call(&run, COMMIT_OUTPUT, 0)[1];
    edit_bytes_row(&mut run, row, |c| {
        c.prev[2] = other_byte(c.prev[2]);
        c.new[2] = c.prev[2];
    });
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn skipped_byte_is_rejected() {
    // The 5-byte read (lanes 1..3 of one word, 0..1 of the next) skips lane 2 of its first
    // word and moves lane 2 of the second instead: a hole in the mask, `left` adjusted,
    // every written byte the input's at the position claimed.
    let mut run = io_run();
    let input = io_input();
    let rows = rows_of_call(&run, READ_INPUT, 3);
    assert_eq!(rows.len(), 2);
    let second = bytes_row(&run, rows[1]);
    assert_eq!(second.mask.map(|m| m == F::ONE), [true, true, false, false]);
    edit_bytes_row(&mut run, rows[0], |c| {
        c.mask[2] = F::ZERO;
        c.new[2] = c.prev[2];
    });
    let position = (second.pos + F::TWO).as_canonical_u32() as usize;
    edit_bytes_row(&mut run, rows[1], |c| {
        c.mask[2] = F::ONE;
        c.new[2] = F::from_u8(input[position]);
        c.left += F::ONE;
    });
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn extra_bytes_row_is_rejected() {
    // The 7-byte commit gets a third row: the next word's byte 0, read at the call's
    // timestamp after its last write.
    let mut run = io_run();
    let rows = rows_of_call(&run, COMMIT_OUTPUT, 0);
    let last = *rows.last().unwrap();
    let base = bytes_row(&run, last);
    let calls = replayed_io(&run);
    let writer = &calls[call_row_of(&run, READ_INPUT, 4)].words[0];
    assert_eq!(F::from_u32(writer.word), base.word + F::ONE);
    let ts = base.clk + F::TWO;
    edit_bytes_row(&mut run, last + 1, |c| {
        *c = base;
        c.word = base.word + F::ONE;
        c.pos = base.pos + F::from_u8(4);
        c.left = F::ONE;
        c.mask = [F::ONE, F::ZERO, F::ZERO, F::ZERO];
        c.prev = crate::word::Word::from_u32(writer.new);
        c.new = c.prev;
        c.access.prev_ts = F::from_u64(writer.prev_ts);
        let gap = (ts - c.access.prev_ts - F::ONE).as_canonical_u32();
        c.access.gap_lo = F::from_u32(gap & 0xffff);
        c.access.gap_hi = F::from_u32(gap >> 16);
    });
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn dropped_bytes_row_is_rejected() {
    // The 9-byte read loses its middle row (the rows below move up).
    let mut run = io_run();
    let rows = rows_of_call(&run, READ_INPUT, 4);
    assert_eq!(rows.len(), 3);
    let height = run.traces[crate::execution::chip_index::IO_BYTES].height();
    for r in rows[1]..height - 1 {
        let below = bytes_row(&run, r + 1);
        edit_bytes_row(&mut run, r, |c| *c = below);
    }
    edit_bytes_row(&mut run, height - 1, |c| *c = Default::default());
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_transfer_clk_is_rejected() {
    // The 9-byte read's rows claim the next cycle's clk, their access gaps adjusted
    // (consistent in the chip: only the buses can catch it).
    let mut run = io_run();
    for row in rows_of_call(&run, READ_INPUT, 4) {
        edit_bytes_row(&mut run, row, |c| {
            c.clk += F::from_u8(4);
            assert!(c.access.gap_lo.as_canonical_u32() + 4 < 1 << 16);
            c.access.gap_lo += F::from_u8(4);
        });
    }
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_memory_prev_is_rejected() {
    // The 1-byte read claims another previous value for a byte it keeps (kept unchanged).
    let mut run = io_run();
    let row = rows_of_call(&run, READ_INPUT, 1)[0];
    edit_bytes_row(&mut run, row, |c| {
        c.prev[0] = other_byte(c.prev[0]);
        c.new[0] = c.prev[0];
    });
    reject(&run);
}
