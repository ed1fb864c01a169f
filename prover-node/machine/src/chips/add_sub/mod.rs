//! `ADD` and `SUB`: receives `(opcode, a, b, c)` on the `EXECUTION` bus and proves
//! `a = b + c` or `a = b − c` modulo 2^32, limb by limb with boolean carries.
//!
//! `SUB` is checked as the addition `a + c = b`, so both operations share one carry chain:
//! on every row `x + y = z` with `(x, y, z) = (b, c, a)` for `ADD` and `(a, c, b)` for
//! `SUB`.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::AddSubChip;
pub use columns::{AddSubCols, NUM_ADD_SUB_COLS};
pub use trace::{generate_trace, generate_trace_padded};
