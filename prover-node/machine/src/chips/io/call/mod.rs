//! The IO call chip: one row per `INPUT_LEN`, `READ_INPUT` or `COMMIT_OUTPUT`, in
//! execution order (strictly increasing `clk`).
//!
//! Per call it
//!
//! * receives `(t0, a0, result, clk)` on `SYSCALL`, the number matched limb by limb, so it
//!   fixes the result the CPU writes to `a0`: `INPUT_LEN` the input bytes not yet read,
//!   `READ_INPUT` the bytes copied, `COMMIT_OUTPUT` 0;
//! * reads `a1` (register `x11`) itself at `clk + 2` (the `SYSCALL` message has no room
//!   for it; no other access of `x11` has that timestamp);
//! * keeps `cursor` (input bytes consumed before the call) and `out_cursor` (output bytes
//!   appended before it), the public `input_start` and `output_start` on the first row,
//!   advanced by each call's `count`, ending at the public `input_end` and `output_end`
//!   ([`IoCallPublicValues`]);
//! * computes `remaining = input_len − cursor` (byte limbs, `input_len` a public value)
//!   and `count = min(a1, remaining)` for a read (the less-than gadget), `a1 <
//!   2^24` for a commit;
//! * sends `(stream, clk, a0 >> 2, a0 & 3, cursor, count)` on `IO_TRANSFER` when
//!   `count ≠ 0`; the bytes chip moves the bytes.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::IoCallChip;
pub use columns::{IoCallCols, IoCallPublicValues, NUM_IO_CALL_COLS, NUM_IO_CALL_PUBLIC_VALUES};
pub use trace::{generate_trace, generate_trace_padded};
