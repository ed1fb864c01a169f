//! Trace generation of the IO bytes chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{IoBytesCols, NUM_IO_BYTES_COLS};
use crate::bus::IO_INPUT_STREAM;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::chips::io::{Cursors, IoCallEvent, TS_IO, transfers};
use crate::chips::memory::CodeSpan;
use crate::word::{WORD_SIZE, Word};

/// The trace of the chip `IoBytesChip::new(code)`: one row per word of every transfer, in
/// call order, then padding; records the byte-table requests. `start` is the stream cursors
/// when the shard starts, `input` the input bytes the shard reads (positions
/// `start.input..`).
///
/// # Panics
///
/// If a call's words are not the ones its pointer and count touch, or the bytes written by
/// a read are not the input's, or a commit changes a word (bugs of whoever built the
/// events). A read into `code` does not panic (the emulator never records one): its trace
/// does not prove.
pub fn generate_trace<F: Field>(
    calls: &[IoCallEvent],
    start: Cursors,
    input: &[u8],
    code: CodeSpan,
    bytes: &mut ByteRecord,
) -> RowMajorMatrix<F> {
    generate_trace_padded(calls, start, input, code, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: Field>(
    calls: &[IoCallEvent],
    start: Cursors,
    input: &[u8],
    code: CodeSpan,
    bytes: &mut ByteRecord,
    min_height: usize,
) -> RowMajorMatrix<F> {
    let transfers = transfers(calls, start);
    let rows: usize =
        transfers.iter().map(|t| ((t.call.a0 & 3) + t.count).div_ceil(4) as usize).sum();
    let height = height_at_least(rows, min_height);
    let mut values = F::zero_vec(height * NUM_IO_BYTES_COLS);
    let mut row_iter = values.chunks_exact_mut(NUM_IO_BYTES_COLS);
    for t in &transfers {
        let call = t.call;
        let lane = call.a0 & 3;
        let words = (lane + t.count).div_ceil(4);
        assert_eq!(call.words.len(), words as usize, "call at clk {}: words touched", call.clk);
        let mut left = t.count;
        for (r, access) in call.words.iter().enumerate() {
            let r = r as u32;
            assert_eq!(access.word, (call.a0 >> 2) + r, "call at clk {}: word {r}", call.clk);
            let cols: &mut IoBytesCols<F> =
                row_iter.next().expect("height covers the rows").borrow_mut();
            cols.is_real = F::ONE;
            cols.is_first = F::from_bool(r == 0);
            cols.stream = F::from_u8(t.stream);
            cols.clk = F::from_u64(call.clk);
            cols.word = F::from_u32(access.word);
            if r == 0 {
                cols.lane = F::from_u32(lane);
            }
            // Stream position of byte 0 of this word: position − lane + 4r (a field
            // element below 0 for the first word of a call at position < lane).
            cols.pos = F::from_u32(t.position + 4 * r) - F::from_u32(lane);
            cols.left = F::from_u32(left);
            let (prev, new) = (access.prev.to_le_bytes(), access.new.to_le_bytes());
            for k in 0..WORD_SIZE as u32 {
                let offset = 4 * r + k;
                let moved = offset >= lane && offset < lane + t.count;
                cols.mask[k as usize] = F::from_bool(moved);
                let kept = prev[k as usize] == new[k as usize];
                if moved && t.stream == IO_INPUT_STREAM {
                    let position = (t.position + offset - lane) as usize;
                    assert_eq!(
                        new[k as usize],
                        input[position - start.input as usize],
                        "call at clk {}: input byte {position}",
                        call.clk
                    );
                } else {
                    assert!(kept, "call at clk {}: word {r} byte {k} changed", call.clk);
                }
                if moved {
                    left -= 1;
                }
            }
            cols.prev = Word::from_u32(access.prev);
            cols.new = Word::from_u32(access.new);
            bytes.add_range_checks(&new);
            cols.access.populate(call.clk + u64::from(TS_IO), access.prev_ts, bytes);
            if t.stream == IO_INPUT_STREAM {
                cols.outside_code.populate(access.word, code, bytes);
            }
        }
        assert_eq!(left, 0);
    }
    RowMajorMatrix::new(values, NUM_IO_BYTES_COLS)
}
