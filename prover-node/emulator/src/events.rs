//! The events recording mode emits for a prover: plain integers, no field types.
//!
//! # Timestamps
//!
//! Every register and memory access carries a timestamp and the timestamp of the previous
//! access to the same register or word, as offline memory checking needs. Cycle `n`
//! (counting from 0) owns the timestamps `4 * (n + 1) + sub`, where `sub` is
//! [`SUB_RS1`] for the `rs1` read, [`SUB_RS2`] for the `rs2` read, [`SUB_MEMORY`] for
//! memory accesses and [`SUB_RD`] for the `rd` write. Timestamp 0 is the initial state
//! (the loaded program, zeroed memory, the initial registers): a `prev_timestamp` of 0
//! means "never accessed since the start".
//!
//! A syscall reads `t0`, `a0`, `a1`, `a2` at [`SUB_RS1`], touches memory at
//! [`SUB_MEMORY`] (each word at most once per syscall) and, unless it halts, writes `a0`
//! at [`SUB_RD`].
//!
//! Memory accesses are word-granular: a byte or half-word load or store is recorded as an
//! access to its aligned word, `value` being the whole word after the access.

use crate::instruction::Instruction;

/// Timestamps per cycle.
pub const TIMESTAMPS_PER_CYCLE: u64 = 4;
/// Timestamp offset of the `rs1` read (and of syscall argument reads).
pub const SUB_RS1: u64 = 0;
/// Timestamp offset of the `rs2` read.
pub const SUB_RS2: u64 = 1;
/// Timestamp offset of memory accesses.
pub const SUB_MEMORY: u64 = 2;
/// Timestamp offset of the `rd` write (and of the syscall result write).
pub const SUB_RD: u64 = 3;

/// The timestamp of sub-step `sub` of cycle `cycle`.
#[inline(always)]
pub const fn timestamp(cycle: u64, sub: u64) -> u64 {
    (cycle + 1) * TIMESTAMPS_PER_CYCLE + sub
}

/// One access to a register. For reads, `value == prev_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegisterAccess {
    /// Register number (0..32). Writes to `x0` are recorded with value 0.
    pub reg: u8,
    /// Value after the access.
    pub value: u32,
    /// Value before the access.
    pub prev_value: u32,
    /// Timestamp of this access.
    pub timestamp: u64,
    /// Timestamp of the previous access to this register (0: initial state).
    pub prev_timestamp: u64,
}

/// One access to an aligned memory word. For reads, `value == prev_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryAccess {
    /// Word address (multiple of 4).
    pub addr: u32,
    /// Word value after the access.
    pub value: u32,
    /// Word value before the access.
    pub prev_value: u32,
    /// Timestamp of this access.
    pub timestamp: u64,
    /// Timestamp of the previous access to this word (0: initial state).
    pub prev_timestamp: u64,
}

/// One executed instruction.
///
/// Operands follow the usual chip layout: `b` is the `rs1` value, `c` the `rs2` value when
/// the instruction has one (R-type, branches, stores) and the immediate otherwise, `a` the
/// value written to `rd` (0 when nothing is written, and for `x0`). For `ECALL`, `b` is
/// the syscall number (`t0`), `c` is `a0` before the call and `a` is `a0` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstructionEvent {
    /// Cycle number, from 0.
    pub cycle: u64,
    /// Address of the instruction.
    pub pc: u32,
    /// Address of the next instruction.
    pub next_pc: u32,
    /// The decoded instruction.
    pub instruction: Instruction,
    /// Result written to `rd`.
    pub a: u32,
    /// First operand (`rs1`).
    pub b: u32,
    /// Second operand (`rs2` or immediate).
    pub c: u32,
}

/// A load or store with its memory access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryInstructionEvent {
    /// The instruction.
    pub step: InstructionEvent,
    /// Effective byte address (`rs1 + imm`).
    pub addr: u32,
    /// The access to the aligned word containing `addr`.
    pub access: MemoryAccess,
}

/// One syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyscallEvent {
    /// Cycle of the `ECALL`.
    pub cycle: u64,
    /// Address of the `ECALL`.
    pub pc: u32,
    /// The syscall number (`t0`).
    pub number: u32,
    /// `a0`, `a1`, `a2` before the call.
    pub args: [u32; 3],
    /// The value written to `a0` (for `HALT`, the exit code, and for debug syscalls such
    /// as `PHASE_MARK`, the unchanged `a0`: neither writes `a0`).
    pub result: u32,
    /// Index in [`ExecutionChunk::memory`] of the syscall's first memory access.
    pub memory_start: usize,
    /// Number of memory accesses the syscall made.
    pub memory_len: usize,
}

/// The events of a bounded run of consecutive cycles.
///
/// Event lists are in execution order. The buffers are reused from one chunk to the next,
/// so a consumer that keeps events must copy them.
#[derive(Debug, Clone, Default)]
pub struct ExecutionChunk {
    /// Sequence number of the chunk, from 0.
    pub index: u64,
    /// First cycle of the chunk.
    pub start_cycle: u64,
    /// One past the last cycle of the chunk.
    pub end_cycle: u64,
    /// `pc` before the first cycle.
    pub start_pc: u32,
    /// Registers before the first cycle.
    pub start_registers: [u32; 32],
    /// `pc` after the last cycle (for the final chunk, the address after the `HALT` call).
    pub end_pc: u32,
    /// Registers after the last cycle.
    pub end_registers: [u32; 32],
    /// `Some(exit code)` if the machine halted in this chunk (it is then the last one).
    pub exit_code: Option<u32>,
    /// ALU instructions (arithmetic, logic, shifts, compares; register or immediate).
    pub alu: Vec<InstructionEvent>,
    /// Multiply, divide and remainder instructions.
    pub mul_div: Vec<InstructionEvent>,
    /// `LUI` and `AUIPC`.
    pub upper: Vec<InstructionEvent>,
    /// Conditional branches.
    pub branch: Vec<InstructionEvent>,
    /// `JAL`, `JALR`.
    pub jump: Vec<InstructionEvent>,
    /// Loads.
    pub load: Vec<MemoryInstructionEvent>,
    /// Stores.
    pub store: Vec<MemoryInstructionEvent>,
    /// `ECALL`, `FENCE` (an `EBREAK` faults and ends the run).
    pub system: Vec<InstructionEvent>,
    /// Syscalls, with indices into `memory`.
    pub syscalls: Vec<SyscallEvent>,
    /// Every memory access (instructions and syscalls), in order.
    pub memory: Vec<MemoryAccess>,
    /// Every register access, in order.
    pub registers: Vec<RegisterAccess>,
}

impl ExecutionChunk {
    /// Number of cycles in the chunk.
    pub fn cycles(&self) -> u64 {
        self.end_cycle - self.start_cycle
    }

    /// Number of instruction events (equals [`ExecutionChunk::cycles`]).
    pub fn instruction_count(&self) -> usize {
        self.alu.len()
            + self.mul_div.len()
            + self.upper.len()
            + self.branch.len()
            + self.jump.len()
            + self.load.len()
            + self.store.len()
            + self.system.len()
    }

    pub(crate) fn clear(&mut self) {
        self.alu.clear();
        self.mul_div.clear();
        self.upper.clear();
        self.branch.clear();
        self.jump.clear();
        self.load.clear();
        self.store.clear();
        self.system.clear();
        self.syscalls.clear();
        self.memory.clear();
        self.registers.clear();
        self.exit_code = None;
    }
}
