//! `SLT` and `SLTU`: receives `(opcode, a, b, c)` on the `EXECUTION` bus and proves
//! `a = 1` if `b < c` (signed for `SLT`, unsigned for `SLTU`) and `a = 0` otherwise.
//!
//! # Immediate forms
//!
//! `SLTI` and `SLTIU` are not opcodes of this chip: the CPU sends `SLT` / `SLTU` (see
//! [`crate::opcode::execution_opcode`]) with `c` the sign-extended immediate, exactly as
//! it sends `ADD` for `ADDI`.
//!
//! # The comparison gadget
//!
//! The comparison itself is [`LessThanCols`] (in `gadget.rs`): its `populate` fills the
//! helper columns and its `eval` constrains them, side by side, so that the branch chip
//! (`BLT`, `BGE`, `BLTU`, `BGEU`) can embed the same columns and constraints. It finds the
//! most significant byte where `b` and `c` differ (a one-hot marker), compares that byte
//! pair with the byte table's `LTU`, and turns the unsigned answer into the signed one
//! from the top bits of `b` and `c` (the byte table's `MSB`):
//!
//! `b <_s c  =  (b <_u c) + is_signed · (msb(b) − msb(c))`
//!
//! (when the signs agree the signed and unsigned orders agree; when they differ the
//! unsigned answer is `msb(c)` and the signed one `msb(b)`).

mod air;
mod columns;
mod gadget;
mod trace;

#[cfg(test)]
mod tests;

pub use air::LtChip;
pub use columns::{LtCols, NUM_LT_COLS};
pub use gadget::{LessThanCols, NUM_LESS_THAN_COLS};
pub use trace::{generate_trace, generate_trace_padded};
