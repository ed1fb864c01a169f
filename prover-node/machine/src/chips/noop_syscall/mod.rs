//! Debug syscalls proven as no-ops: `PHASE_MARK` (`zkvm_abi::syscall::PHASE_MARK`).
//!
//! A debug syscall changes no register and no memory (the emulator notes it beside the
//! run). The CPU sends every non-`HALT` `ECALL` on `SYSCALL` as `(t0, a0, result, clk)` and
//! writes `result` to `a0` at `clk + 3`; this chip receives `(PHASE_MARK, a0, a0, clk)`, so
//! the result is the previous `a0` and the write leaves `a0` as it was. One row per call,
//! no memory access.
//!
//! Only the debug numbers the ABI defines are accepted (now only `PHASE_MARK`): a number
//! in the debug range the emulator does not know faults there, and no chip receives it
//! here, so its `SYSCALL` message leaves the bus unbalanced.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::NoopSyscallChip;
pub use columns::{NUM_NOOP_SYSCALL_COLS, NoopSyscallCols};
pub use trace::{NoopSyscallEvent, generate_trace, generate_trace_padded};

/// The syscall numbers this chip receives.
pub const NOOP_SYSCALLS: [u32; 1] = [zkvm_abi::syscall::PHASE_MARK];
