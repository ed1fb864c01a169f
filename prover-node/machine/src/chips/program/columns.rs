//! Columns of the program ROM, and the decoded-instruction columns the CPU shares with it.

use crate::columns::impl_columns;
use crate::word::Word;

/// An instruction decoded for the CPU: what a `PROGRAM` message carries after the `pc`.
///
/// Every flag is 0 or 1 in the ROM. Register numbers are those the CPU accesses (for
/// `ECALL`, `rs1 = t0` and `rs2 = a0`, the syscall number and first argument).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct InstructionCols<T> {
    /// The instruction's opcode (discriminant of the emulator's `Opcode`).
    pub opcode: T,
    /// The operation sent on `EXECUTION` (`ADD` for `ADDI`, `SUB` for `BEQ`/`BNE`, `SLT`
    /// for `BLT`/`BGE`, `SLTU` for `BLTU`/`BGEU`); 0 when nothing is sent.
    pub exec_opcode: T,
    /// Destination register (0 when nothing is written).
    pub rd: T,
    /// First source register (0 when not read).
    pub rs1: T,
    /// Second source register (0 when not read).
    pub rs2: T,
    /// The constant word operand: the immediate of an I-type ALU instruction, the value
    /// written by `LUI` (`imm`), `AUIPC` (`pc + imm`) and `JAL` (`pc + 4`).
    pub imm: Word<T>,
    /// Where a taken branch or a `JAL` goes (`pc + imm`), or [`super::UNREACHABLE_TARGET`]
    /// if that is not the address of an instruction of the program.
    pub target: T,
    /// `rs1` is read (its value is the CPU's `b`).
    pub reads_rs1: T,
    /// `rs2` is read (its value is the CPU's `c`).
    pub reads_rs2: T,
    /// `rd` is written with the CPU's `a` (never set for `rd = x0`).
    pub writes_rd: T,
    /// The CPU's `c` is `imm` (I-type ALU instructions).
    pub imm_c: T,
    /// The CPU sends `(exec_opcode, a, b, c)` on `EXECUTION`.
    pub sends_execution: T,
    /// The CPU's `a` is `imm` (`LUI`, `AUIPC`, `JAL`).
    pub rd_from_imm: T,
    /// A conditional branch: `a = b − c` or `a = (b < c)` comes back from `EXECUTION`.
    pub is_branch: T,
    /// The branch is taken when `a == 0` (`BEQ`, `BGE`, `BGEU`); otherwise when `a != 0`.
    pub branch_if_zero: T,
    /// An unconditional jump to `target` (`JAL`).
    pub is_jump: T,
    /// `ECALL` (any syscall; the CPU tells `HALT`, `t0 = HALT` with exit code `a0`, from
    /// the others, which it sends on `SYSCALL`).
    pub is_halt: T,
    /// The sign-extended immediate added to `rs1` by loads, stores and `JALR` (the CPU
    /// sends `(ADD, addr, b, offset)` on `EXECUTION`); 0 otherwise.
    pub offset: Word<T>,
    /// A load (`LB`, `LH`, `LW`, `LBU`, `LHU`): the CPU sends the access to the
    /// load/store chip and writes the loaded value `a` to `rd` (unless `rd = x0`).
    pub is_load: T,
    /// A store (`SB`, `SH`, `SW`): the CPU sends the access, with `a = c` the `rs2` value,
    /// to the load/store chip.
    pub is_store: T,
    /// `JALR`: `next_pc = (b + offset) & !1`; `rd = imm = pc + 4` (`rd_from_imm`).
    pub is_jalr: T,
}

impl_columns!(InstructionCols, NUM_INSTRUCTION_COLS);

impl<T: Copy> InstructionCols<T> {
    /// Every column, in layout order (the tail of a `PROGRAM` message).
    pub fn elements(&self) -> [T; NUM_INSTRUCTION_COLS] {
        [
            self.opcode,
            self.exec_opcode,
            self.rd,
            self.rs1,
            self.rs2,
            self.imm[0],
            self.imm[1],
            self.imm[2],
            self.imm[3],
            self.target,
            self.reads_rs1,
            self.reads_rs2,
            self.writes_rd,
            self.imm_c,
            self.sends_execution,
            self.rd_from_imm,
            self.is_branch,
            self.branch_if_zero,
            self.is_jump,
            self.is_halt,
            self.offset[0],
            self.offset[1],
            self.offset[2],
            self.offset[3],
            self.is_load,
            self.is_store,
            self.is_jalr,
        ]
    }

    /// The 0/1 flags.
    pub fn flags(&self) -> [T; 13] {
        [
            self.reads_rs1,
            self.reads_rs2,
            self.writes_rd,
            self.imm_c,
            self.sends_execution,
            self.rd_from_imm,
            self.is_branch,
            self.branch_if_zero,
            self.is_jump,
            self.is_halt,
            self.is_load,
            self.is_store,
            self.is_jalr,
        ]
    }
}

/// The preprocessed (fixed) columns: row `i` is the word at `base + 4·i`.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ProgramPreprocessedCols<T> {
    /// Address of the instruction.
    pub pc: T,
    /// The instruction, decoded for the CPU.
    pub instruction: InstructionCols<T>,
    /// `1` if the CPU may execute this row: a legal instruction the machine proves.
    /// Illegal words, `EBREAK` and padding rows have 0,
    /// and their multiplicity is constrained to 0.
    pub executable: T,
}

impl_columns!(ProgramPreprocessedCols, NUM_PROGRAM_PREPROCESSED_COLS);

/// The main columns.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ProgramMultCols<T> {
    /// How many times the CPU executed this row.
    pub multiplicity: T,
}

impl_columns!(ProgramMultCols, NUM_PROGRAM_MULT_COLS);
