//! Trace generation of the no-op syscall chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{NUM_NOOP_SYSCALL_COLS, NoopSyscallCols};
use crate::chips::height_at_least;
use crate::word::Word;

/// One debug syscall: its `clk` and `a0` (unchanged by the call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoopSyscallEvent {
    /// The `ECALL`'s `clk`.
    pub clk: u64,
    /// `a0` before (and after) the call.
    pub a0: u32,
}

/// One row per call, in order, then padding.
pub fn generate_trace<F: Field>(events: &[NoopSyscallEvent]) -> RowMajorMatrix<F> {
    generate_trace_padded(events, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: Field>(
    events: &[NoopSyscallEvent],
    min_height: usize,
) -> RowMajorMatrix<F> {
    let height = height_at_least(events.len(), min_height);
    let mut values = F::zero_vec(height * NUM_NOOP_SYSCALL_COLS);
    for (row, event) in values.chunks_exact_mut(NUM_NOOP_SYSCALL_COLS).zip(events) {
        let cols: &mut NoopSyscallCols<F> = row.borrow_mut();
        cols.is_real = F::ONE;
        cols.clk = F::from_u64(event.clk);
        cols.a0 = Word::from_u32(event.a0);
    }
    RowMajorMatrix::new(values, NUM_NOOP_SYSCALL_COLS)
}
