//! The IO call chip's forgeries: each must be rejected by the real verifier.

use core::mem::offset_of;

use p3_field::PrimeCharacteristicRing;
use zkvm_abi::syscall::{COMMIT_OUTPUT, INPUT_LEN, READ_INPUT};

use crate::chips::io::tests::{
    bytes_rows_of, call_row, call_row_of, edit_bytes_row, edit_call_row, io_run, reject,
    replayed_io,
};
use crate::chips::memory::RegisterFinalCols;
use crate::execution::chip_index::REGISTERS;
use crate::testing::{F, cell, set_cell};

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_input_len_result_is_rejected() {
    let mut run = io_run();
    let row = call_row_of(&run, INPUT_LEN, 0);
    edit_call_row(&mut run, row, |c| c.result[0] += F::ONE);
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_read_result_is_rejected() {
    // The read past the end returns 2; claim 3.
    let mut run = io_run();
    let row = call_row_of(&run, READ_INPUT, 5);
    assert_eq!(call_row(&run, row).result[0], F::TWO);
    edit_call_row(&mut run, row, |c| c.result[0] = F::from_u8(3));
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_count_is_rejected() {
    // The 5-byte read claims to move 4 bytes (its result still 5).
    let mut run = io_run();
    let row = call_row_of(&run, READ_INPUT, 3);
    assert_eq!(call_row(&run, row).count, F::from_u8(5));
    edit_call_row(&mut run, row, |c| c.count = F::from_u8(4));
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn byte_read_twice_is_rejected() {
    // The 5-byte read starts where the 3-byte read did (cursor not advanced): its call row
    // and its bytes rows claim positions 1.. instead of 4.., so bytes 1..4 are read twice.
    let mut run = io_run();
    let row = call_row_of(&run, READ_INPUT, 3);
    let previous = call_row(&run, call_row_of(&run, READ_INPUT, 2));
    let shift = call_row(&run, row).cursor - previous.cursor;
    assert_eq!(shift, F::from_u8(3));
    edit_call_row(&mut run, row, |c| {
        c.cursor = previous.cursor;
        c.position = previous.cursor;
    });
    for r in bytes_rows_of(&run, run.record.io[row].clk) {
        edit_bytes_row(&mut run, r, |c| c.pos -= shift);
    }
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn reordered_call_rows_are_rejected() {
    // The 3-byte and 5-byte reads swap rows (each row intact, cursors included).
    let mut run = io_run();
    let (a, b) = (call_row_of(&run, READ_INPUT, 2), call_row_of(&run, READ_INPUT, 3));
    let (row_a, row_b) = (call_row(&run, a), call_row(&run, b));
    edit_call_row(&mut run, a, |c| *c = row_b);
    edit_call_row(&mut run, b, |c| *c = row_a);
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_a1_is_rejected() {
    // The 9-byte read claims a1 = 10 (its result and count still 9).
    let mut run = io_run();
    let row = call_row_of(&run, READ_INPUT, 4);
    assert_eq!(call_row(&run, row).a1[0], F::from_u8(9));
    edit_call_row(&mut run, row, |c| c.a1[0] = F::from_u8(10));
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn call_without_syscall_is_rejected() {
    // A padding row becomes an INPUT_LEN two cycles after the last call (a cycle that is
    // no ECALL), consistent in the chip and with memory: it reads a1 right after the last
    // call's read, and the register file's final timestamp of x11 moves to it. Only the
    // SYSCALL bus can catch it.
    let mut run = io_run();
    let calls = replayed_io(&run);
    let last_row = calls.len() - 1;
    let last = call_row(&run, last_row);
    assert_eq!(calls[last_row].number, COMMIT_OUTPUT);
    let clk = calls[last_row].clk + 8;
    edit_call_row(&mut run, last_row + 1, |c| {
        *c = last;
        c.is_commit = F::ZERO;
        c.is_input_len = F::ONE;
        c.clk = F::from_u64(clk);
        (c.clk_gap_lo, c.clk_gap_mid, c.clk_gap_top) = (F::from_u8(7), F::ZERO, F::ZERO);
        c.a1_access.prev_ts = F::from_u64(calls[last_row].clk + 2);
        (c.a1_access.gap_lo, c.a1_access.gap_hi) = (F::from_u8(7), F::ZERO);
        // INPUT_LEN's result: the remaining bytes (none); it moves nothing.
        c.result = c.remaining;
        c.position = F::ZERO;
    });
    let ts_col = offset_of!(RegisterFinalCols<u8>, ts);
    let a1 = zkvm_abi::reg::A1 as usize;
    assert_eq!(cell(&run.traces, REGISTERS, a1, ts_col), F::from_u64(calls[last_row].clk + 2));
    set_cell(&mut run.traces, REGISTERS, a1, ts_col, F::from_u64(clk + 2));
    reject(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn read_claimed_as_commit_is_rejected() {
    // The 5-byte read's row answers as a COMMIT_OUTPUT (the CPU sent READ_INPUT).
    let mut run = io_run();
    let row = call_row_of(&run, READ_INPUT, 3);
    edit_call_row(&mut run, row, |c| {
        c.is_read = F::ZERO;
        c.is_commit = F::ONE;
    });
    reject(&run);
}
