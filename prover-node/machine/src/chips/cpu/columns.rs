//! Columns and public values of the CPU.

use crate::chips::memory::MemoryAccessCols;
use crate::chips::program::InstructionCols;
use crate::columns::impl_columns;
use crate::word::Word;

/// One executed instruction, or a padding row.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct CpuCols<T> {
    /// `1` on rows that execute an instruction; real rows come first.
    pub is_real: T,
    /// Address of the instruction (on padding rows: the end `pc`).
    pub pc: T,
    /// Address of the next instruction (on padding rows: `pc`).
    pub next_pc: T,
    /// `4·(row + 1)`: the first timestamp of the row's cycle.
    pub clk: T,
    /// The instruction at `pc`, as the program ROM decodes it.
    pub instruction: InstructionCols<T>,
    /// The result: the value written to `rd`, or for a branch the `EXECUTION` result
    /// (`b − c`, or `b < c`) that decides it.
    pub a: Word<T>,
    /// The value of `rs1`.
    pub b: Word<T>,
    /// The value of `rs2`, or the immediate.
    pub c: Word<T>,
    /// The read of `rs1` at `clk`.
    pub rs1_access: MemoryAccessCols<T>,
    /// The read of `rs2` at `clk + 1`.
    pub rs2_access: MemoryAccessCols<T>,
    /// The write of `rd` at `clk + 3`.
    pub rd_access: MemoryAccessCols<T>,
    /// The value of `rd` before the write.
    pub rd_prev: Word<T>,
    /// `1` if every limb of `a` is 0.
    pub a_is_zero: T,
    /// The inverse of `a[0] + a[1] + a[2] + a[3]` when that is not 0 (else 0).
    pub a_sum_inv: T,
    /// `1` if the row is a branch that is taken.
    pub branch_taken: T,
    /// Loads, stores, `JALR`: `b + offset` (the byte address, or the jump address before
    /// bit 0 is cleared), from `EXECUTION` `ADD`; 0 on other rows.
    pub addr: Word<T>,
    /// `JALR`: bit 0 of `addr`, cleared from the target; 0 on other rows.
    pub jalr_lsb: T,
    /// `1` on an `ECALL` row whose `t0` is not `HALT`: it sends `(b, c, a, clk)` on
    /// `SYSCALL` and writes `a` to `a0` at `clk + 3`; 0 on other rows.
    pub is_syscall: T,
    /// On syscall rows, the inverse of `b[0] + b[1] + b[2] + b[3]` (`t0 ≠ HALT = 0`);
    /// else 0.
    pub t0_sum_inv: T,
    /// `1` from the `HALT` row on.
    pub halted: T,
    /// The exit code (`a0` at `HALT`), the same on every row; 0 if the run did not halt.
    pub exit_code: Word<T>,
}

impl_columns!(CpuCols, NUM_CPU_COLS);

/// The CPU's public values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct CpuPublicValues<T> {
    /// `pc` of the first row.
    pub start_pc: T,
    /// `next_pc` of the last real row (after `HALT`: the address after the `ECALL`).
    pub end_pc: T,
    /// `1` if the run ended with `HALT`.
    pub halted: T,
    /// The exit code's limbs if it halted, else 0.
    pub exit_code: Word<T>,
}

impl_columns!(CpuPublicValues, NUM_CPU_PUBLIC_VALUES);
