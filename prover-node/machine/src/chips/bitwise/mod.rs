//! `AND`, `OR` and `XOR`: receives `(opcode, a, b, c)` on the `EXECUTION` bus and proves
//! `a = b ∘ c` limb by limb through the byte table's `AND`/`OR`/`XOR` entries.
//!
//! # Immediate forms
//!
//! `ANDI`, `ORI` and `XORI` are not opcodes of this chip: the CPU sends the register form
//! (`AND`, `OR`, `XOR`, see [`crate::opcode::execution_opcode`]) with `c` the
//! sign-extended immediate, exactly as it sends `ADD` for `ADDI`.
//!
//! # Why it is sound
//!
//! Each row sends one `BYTE` request `(op, b[i], c[i], a[i])` per limb, `op` the row's
//! operation. The table holds that entry only if `b[i]` and `c[i]` are bytes and `a[i]`
//! is their `op`, so the requests alone fix `a` and range-check all twelve limbs.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::BitwiseChip;
pub use columns::{BitwiseCols, NUM_BITWISE_COLS};
pub use trace::{generate_trace, generate_trace_padded};
