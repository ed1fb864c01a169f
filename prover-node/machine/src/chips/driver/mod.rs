//! A stand-in for the CPU: sends one `EXECUTION` message `(opcode, a, b, c)` per row from
//! a list of events, so the chips that execute operations can be proven end to end before
//! the CPU chip exists.
//!
//! It proves nothing about where its messages come from (no program, no registers): a
//! proof that includes it shows only that every message it sent was executed correctly.
//! Replace it with the CPU chip; never ship a verifying key that contains it.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::DriverChip;
pub use columns::{DriverCols, NUM_DRIVER_COLS};
pub use trace::generate_trace;
