//! The CPU: one row per executed instruction. It ties the other chips together:
//!
//! * looks its instruction up on `PROGRAM` (the ROM fixes every flag it selects on);
//! * reads `rs1`/`rs2` and writes `rd` on `MEMORY` (register space, timestamps
//!   `clk + 0`, `clk + 1`, `clk + 3` with `clk = 4·(cycle + 1)`, as the emulator records
//!   them);
//! * sends `(op, a, b, c)` on `EXECUTION` for ALU instructions and branches;
//! * sequences `pc` (`pc + 4`, branch and `JAL` targets) and `clk` from row to row;
//! * binds its public values: the start `pc`, the end `pc`, whether it halted and the exit
//!   code.
//!
//! Real rows come first; padding rows keep `pc` fixed and send nothing. What the CPU covers
//! is listed on [`crate::chips::program::RomInstruction::decode`].

mod air;
mod columns;
mod trace;

#[cfg(test)]
pub(crate) mod tests;

pub use air::CpuChip;
pub use columns::{CpuCols, CpuPublicValues, NUM_CPU_COLS, NUM_CPU_PUBLIC_VALUES};
pub use trace::{CpuEvent, CpuTrace, generate_trace, generate_trace_with_syscalls};
