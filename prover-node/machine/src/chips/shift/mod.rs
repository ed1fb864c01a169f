//! `SLL`, `SRL` and `SRA`: receives `(opcode, a, b, c)` on the `EXECUTION` bus and proves
//! `a = b << s`, `a = b >> s` (zeros shifted in) or `a = b >> s` (copies of the sign bit
//! shifted in), where `s = c mod 32`.
//!
//! # Immediate forms
//!
//! `SLLI`, `SRLI` and `SRAI` are not opcodes of this chip: the CPU sends `SLL`, `SRL`,
//! `SRA` (see [`crate::opcode::execution_opcode`]) with `c` the immediate, exactly as it
//! sends `ADD` for `ADDI`. Only `c mod 32` matters, so whatever the immediate's upper bits
//! hold (`SRAI`'s funct7 bit, say) does not change the result.
//!
//! # How
//!
//! The shift amount `s = c[0] & 31` (the byte table's `AND` with 31) is split into a bit
//! shift `r = s mod 8`, three boolean columns, and a byte shift `q = s / 8`, a one-hot
//! marker over `0..4`.
//!
//! 1. Every limb is multiplied by `2^r` (left) or `2^(8−r)` (right) and split into two
//!    bytes `lo + 256·hi`: for a left shift `hi` is the carry into the next limb up, for a
//!    right shift `lo` is the carry into the next limb down. The constraint keeps one
//!    committed multiplier `m = 2^r`: `b·m = lo + 256·hi` (left) or
//!    `256·b = m·(lo + 256·hi)` (right).
//! 2. The bit-shifted limbs are `lo[j] + hi[j−1]` (left) or `hi[j] + lo[j+1]` (right);
//!    above the top limb of a right shift come the sign bits (`SRA` of a negative `b`):
//!    `256 − 2^(8−r)` for the partial byte and `255` for whole bytes.
//! 3. The result limbs are the bit-shifted limbs moved by `q` whole limbs.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::ShiftChip;
pub use columns::{NUM_SHIFT_COLS, ShiftCols};
pub use trace::{generate_trace, generate_trace_padded};
