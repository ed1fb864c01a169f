//! Trace generation of the IO call chip.

use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{IoCallCols, IoCallPublicValues, NUM_IO_CALL_COLS, NUM_IO_CALL_PUBLIC_VALUES};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::chips::io::{Cursors, IoCallEvent, TS_IO, cursors, cursors_after};
use crate::word::Word;

/// One row per call, in order, then padding rows that carry the final cursors; records the
/// byte-table requests. `input_len` is the whole input's length, `start` the cursors when
/// the shard starts. Returns the trace and the public values ([`IoCallPublicValues`]).
///
/// # Panics
///
/// If the calls are not in strictly increasing `clk` order, a result is not what the
/// syscall returns for the cursors, or a stream grows past 2^24 bytes (bugs of whoever
/// built the events, or a run beyond the machine's limits).
pub fn generate_trace<F: Field>(
    calls: &[IoCallEvent],
    input_len: u32,
    start: Cursors,
    bytes: &mut ByteRecord,
) -> (RowMajorMatrix<F>, Vec<F>) {
    generate_trace_padded(calls, input_len, start, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: Field>(
    calls: &[IoCallEvent],
    input_len: u32,
    start: Cursors,
    bytes: &mut ByteRecord,
    min_height: usize,
) -> (RowMajorMatrix<F>, Vec<F>) {
    use zkvm_abi::syscall::{COMMIT_OUTPUT, INPUT_LEN, READ_INPUT};
    assert!(input_len < crate::bus::IO_MAX_STREAM_LEN, "input of {input_len} bytes is too long");
    assert!(start.input <= input_len, "input cursor {} past the input", start.input);
    let height = height_at_least(calls.len(), min_height);
    let mut values = F::zero_vec(height * NUM_IO_CALL_COLS);
    let before = cursors(calls, start);
    let mut prev_clk = None;
    let (mut last_cursor, mut last_out_cursor) = (start.input, start.output);
    for (i, row) in values.chunks_exact_mut(NUM_IO_CALL_COLS).enumerate() {
        let cols: &mut IoCallCols<F> = row.borrow_mut();
        let Some(call) = calls.get(i) else {
            // Padding: the cursors stay where the last call left them.
            cols.cursor = F::from_u32(last_cursor);
            cols.out_cursor = F::from_u32(last_out_cursor);
            continue;
        };
        let Cursors { input: cursor, output: out_cursor } = before[i];
        let remaining = input_len.checked_sub(cursor).expect("read past the input");
        match call.number {
            INPUT_LEN => {
                cols.is_input_len = F::ONE;
                assert_eq!(call.result, remaining, "call {i}: INPUT_LEN result");
            }
            READ_INPUT => {
                cols.is_read = F::ONE;
                assert_eq!(call.result, call.a1.min(remaining), "call {i}: READ_INPUT result");
            }
            COMMIT_OUTPUT => {
                cols.is_commit = F::ONE;
                assert_eq!(call.result, 0, "call {i}: COMMIT_OUTPUT result");
                assert!(call.a1 < crate::bus::IO_MAX_STREAM_LEN, "call {i}: commit too long");
                assert!(
                    out_cursor + call.a1 < crate::bus::IO_MAX_STREAM_LEN,
                    "call {i}: the output grows past 2^24 bytes"
                );
            }
            other => panic!("call {i}: syscall {other:#x} is not an IO syscall"),
        }
        cols.clk = F::from_u64(call.clk);
        let gap = match prev_clk {
            None => 0,
            Some(prev) => {
                assert!(call.clk > prev, "call {i}: clk {} not after {prev}", call.clk);
                call.clk - prev - 1
            }
        };
        assert!(gap < 1 << 30, "call {i}: clk gap {gap} too large");
        prev_clk = Some(call.clk);
        let (lo, mid, top) =
            ((gap & 0xffff) as u32, ((gap >> 16) & 0xff) as u32, (gap >> 24) as u32);
        cols.clk_gap_lo = F::from_u32(lo);
        cols.clk_gap_mid = F::from_u32(mid);
        cols.clk_gap_top = F::from_u32(top);
        bytes.add(ByteOp::U16, lo, 0);
        bytes.add(ByteOp::Ltu, top, 64);

        cols.a0 = Word::from_u32(call.a0);
        let ptr_q = (call.a0 & 0xff) >> 2;
        cols.ptr_q = F::from_u32(ptr_q);
        cols.lane = F::from_u32(call.a0 & 3);
        bytes.add(ByteOp::Range, ptr_q, mid);
        bytes.add(ByteOp::Ltu, call.a0 & 3, 4);

        cols.a1 = Word::from_u32(call.a1);
        cols.a1_access.populate(call.clk + u64::from(TS_IO), call.a1_prev_ts, bytes);
        cols.remaining = Word::from_u32(remaining);
        cols.a1_lt_remaining.populate(call.a1, remaining, false, bytes);
        cols.result = Word::from_u32(call.result);
        cols.cursor = F::from_u32(cursor);
        cols.out_cursor = F::from_u32(out_cursor);
        let count = call.count();
        cols.count = F::from_u32(count);
        cols.count_inv = F::from_u32(count).try_inverse().unwrap_or(F::ZERO);
        cols.is_transfer = F::from_bool(count != 0);
        cols.position = F::from_u32(match call.number {
            READ_INPUT => cursor,
            COMMIT_OUTPUT => out_cursor,
            _ => 0,
        });
        (last_cursor, last_out_cursor) = match call.number {
            READ_INPUT => (cursor + count, out_cursor),
            COMMIT_OUTPUT => (cursor, out_cursor + count),
            _ => (cursor, out_cursor),
        };
    }
    let end = cursors_after(calls, start);
    assert_eq!((end.input, end.output), (last_cursor, last_out_cursor));
    let mut public_values = F::zero_vec(NUM_IO_CALL_PUBLIC_VALUES);
    let pv: &mut IoCallPublicValues<F> = public_values.as_mut_slice().borrow_mut();
    pv.input_len = F::from_u32(input_len);
    pv.input_start = F::from_u32(start.input);
    pv.input_end = F::from_u32(end.input);
    pv.output_start = F::from_u32(start.output);
    pv.output_end = F::from_u32(end.output);
    (RowMajorMatrix::new(values, NUM_IO_CALL_COLS), public_values)
}
