//! Columns of the IO call chip.

use crate::chips::lt::LessThanCols;
use crate::chips::memory::MemoryAccessCols;
use crate::columns::impl_columns;
use crate::word::Word;

/// One IO syscall, or a padding row (all zero but the carried cursors).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct IoCallCols<T> {
    /// `1` on an `INPUT_LEN` row.
    pub is_input_len: T,
    /// `1` on a `READ_INPUT` row.
    pub is_read: T,
    /// `1` on a `COMMIT_OUTPUT` row. The three flags are one-hot on real rows, all 0 on
    /// padding rows; real rows come first.
    pub is_commit: T,
    /// The `ECALL`'s `clk`.
    pub clk: T,
    /// `clk − previous row's clk − 1` (0 on the first row): the low 16 bits.
    pub clk_gap_lo: T,
    /// Bits 16..24 of the gap.
    pub clk_gap_mid: T,
    /// Bits 24..30 of the gap.
    pub clk_gap_top: T,
    /// `a0` as the CPU read it: the pointer of a read or commit.
    pub a0: Word<T>,
    /// `a0[0] >> 2`: with `a0[1..4]` it makes the word address `a0 >> 2`.
    pub ptr_q: T,
    /// `a0 & 3`: the first byte's offset in its word.
    pub lane: T,
    /// `a1` (register `x11`), read at `clk + 2`: the length asked for.
    pub a1: Word<T>,
    /// The read of `a1`.
    pub a1_access: MemoryAccessCols<T>,
    /// `input_len − cursor` as byte limbs (`remaining[3] = 0`: streams are below 2^24
    /// bytes).
    pub remaining: Word<T>,
    /// `a1 < remaining` (unsigned).
    pub a1_lt_remaining: LessThanCols<T>,
    /// The value written to `a0`.
    pub result: Word<T>,
    /// Input bytes consumed before this call (since the run's start).
    pub cursor: T,
    /// Output bytes appended before this call (since the run's start).
    pub out_cursor: T,
    /// Bytes moved: `result` for a read, `a1` for a commit, 0 for `INPUT_LEN`.
    pub count: T,
    /// The inverse of `count` (0 when `count = 0`).
    pub count_inv: T,
    /// `1` if `count ≠ 0`: the row sends an `IO_TRANSFER` message.
    pub is_transfer: T,
    /// The stream position of the first byte moved: `cursor` (read) or `out_cursor`
    /// (commit); 0 for `INPUT_LEN`.
    pub position: T,
}

impl_columns!(IoCallCols, NUM_IO_CALL_COLS);

/// The chip's public values: the input's length and both stream cursors at the shard's
/// start and end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct IoCallPublicValues<T> {
    /// The whole input stream's length (what `INPUT_LEN` counts from): the verifier must
    /// check it is the input's, the same in every shard.
    pub input_len: T,
    /// The input cursor when the shard starts (the first row's `cursor`).
    pub input_start: T,
    /// The input cursor after the shard's last call (`input_start` if it reads nothing).
    pub input_end: T,
    /// The output cursor when the shard starts (the first row's `out_cursor`).
    pub output_start: T,
    /// The output cursor after the shard's last call.
    pub output_end: T,
}

impl_columns!(IoCallPublicValues, NUM_IO_CALL_PUBLIC_VALUES);
