//! The IO bytes chip: one row per aligned RAM word an IO transfer touches, a call's rows
//! consecutive (by increasing address).
//!
//! A call's first row receives its `IO_TRANSFER` message `(stream, clk, word, lane,
//! position, count)` (see [`crate::chips::io`]). Each row holds one word: a byte mask
//! (which of its four bytes the call moves: contiguous, starting at `lane` on the first
//! row, running to the end of the word on every row but the last, from its start on every
//! row but the first), the stream position `pos` of its byte 0 (`+4` per row), the bytes
//! `left` in the call, and one read-modify-write access to the word at `clk + 2`.
//!
//! * Input stream (`READ_INPUT`): the moved bytes of the new word are received on `IO` as
//!   `(0, pos + k, new[k])` from the input sponge; the other bytes keep their value.
//! * Output stream (`COMMIT_OUTPUT`): the word is unchanged and its moved bytes are sent on
//!   `IO` as `(1, pos + k, new[k])` to the output sponge.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::IoBytesChip;
pub use columns::{IoBytesCols, NUM_IO_BYTES_COLS};
pub use trace::{generate_trace, generate_trace_padded};
