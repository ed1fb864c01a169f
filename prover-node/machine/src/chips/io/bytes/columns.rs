//! Columns of the IO bytes chip.

use crate::chips::memory::{MemoryAccessCols, OutsideCodeCols};
use crate::columns::impl_columns;
use crate::word::{WORD_SIZE, Word};

/// One RAM word of a transfer, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct IoBytesCols<T> {
    /// `1` on rows that move bytes; real rows come first.
    pub is_real: T,
    /// `1` on a call's first row: it receives the call's `IO_TRANSFER` message.
    pub is_first: T,
    /// The call's stream: 0 input (`READ_INPUT`), 1 output (`COMMIT_OUTPUT`).
    pub stream: T,
    /// The call's `clk`; the word is accessed at `clk + 2`.
    pub clk: T,
    /// The word address (the call's first word, `+1` per row).
    pub word: T,
    /// On the call's first row: the first byte's offset in the word (`a0 & 3`); else 0.
    pub lane: T,
    /// The stream position of the word's byte 0 (`+4` per row; on the first row
    /// `position − lane`).
    pub pos: T,
    /// Bytes the call still moves, this row's included.
    pub left: T,
    /// `mask[k] = 1` if the call moves byte `k` of the word.
    pub mask: [T; WORD_SIZE],
    /// The word before the call.
    pub prev: Word<T>,
    /// The word after the call: input bytes where `mask` is set (input stream), `prev`
    /// elsewhere.
    pub new: Word<T>,
    /// The access to the word at `clk + 2`.
    pub access: MemoryAccessCols<T>,
    /// Input rows: the witness that the written word is outside the code span (all zero
    /// on output and padding rows).
    pub outside_code: OutsideCodeCols<T>,
}

impl_columns!(IoBytesCols, NUM_IO_BYTES_COLS);
