//! Columns of the no-op syscall chip.

use crate::columns::impl_columns;
use crate::word::Word;

/// One debug syscall, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct NoopSyscallCols<T> {
    /// `1` on rows that receive a call.
    pub is_real: T,
    /// The `ECALL`'s `clk`.
    pub clk: T,
    /// `a0` before the call, which is also the result written back.
    pub a0: Word<T>,
}

impl_columns!(NoopSyscallCols, NUM_NOOP_SYSCALL_COLS);
