//! The program ROM as plain integers: every word of the code decoded for the CPU.

use alloc::vec::Vec;

use p3_field::Field;

use super::columns::InstructionCols;
use crate::word::Word;

/// Every `pc` of a ROM is below this bound, so `pc + 4` and every target are field
/// elements with no reduction (KoalaBear's modulus is about 2^31).
pub const PC_LIMIT: u32 = 1 << 30;

/// The `target` of a branch or `JAL` whose destination is not an instruction of the
/// program: 1 is never a `pc` (every `pc` is a multiple of 4), so the CPU row after such a
/// taken branch finds no ROM entry and the trace cannot be proven, just as the emulator
/// faults there.
pub const UNREACHABLE_TARGET: u32 = 1;

/// One word of the code, decoded for the CPU (see [`InstructionCols`] for each field).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RomInstruction {
    /// Whether the CPU may execute it (a legal instruction with a proof path).
    pub executable: bool,
    /// Opcode discriminant.
    pub opcode: u8,
    /// Operation sent on `EXECUTION` (0 if none).
    pub exec_opcode: u8,
    /// Destination register, 0 if none is written.
    pub rd: u8,
    /// First source register, 0 if none is read.
    pub rs1: u8,
    /// Second source register, 0 if none is read.
    pub rs2: u8,
    /// The constant word operand.
    pub imm: u32,
    /// Branch or `JAL` target, or [`UNREACHABLE_TARGET`].
    pub target: u32,
    /// `rs1` is read.
    pub reads_rs1: bool,
    /// `rs2` is read.
    pub reads_rs2: bool,
    /// `rd` is written.
    pub writes_rd: bool,
    /// `c = imm`.
    pub imm_c: bool,
    /// An `EXECUTION` message is sent.
    pub sends_execution: bool,
    /// `a = imm`.
    pub rd_from_imm: bool,
    /// A conditional branch.
    pub is_branch: bool,
    /// Taken when the `EXECUTION` result is zero.
    pub branch_if_zero: bool,
    /// `JAL`.
    pub is_jump: bool,
    /// `ECALL` (`HALT` or a syscall the CPU sends on `SYSCALL`).
    pub is_halt: bool,
    /// The immediate added to `rs1` by loads, stores and `JALR`.
    pub offset: u32,
    /// A load.
    pub is_load: bool,
    /// A store.
    pub is_store: bool,
    /// `JALR`.
    pub is_jalr: bool,
}

impl RomInstruction {
    /// The instruction columns of this row.
    pub fn to_cols<F: Field>(&self) -> InstructionCols<F> {
        InstructionCols {
            opcode: F::from_u8(self.opcode),
            exec_opcode: F::from_u8(self.exec_opcode),
            rd: F::from_u8(self.rd),
            rs1: F::from_u8(self.rs1),
            rs2: F::from_u8(self.rs2),
            imm: Word::from_u32(self.imm),
            target: F::from_u32(self.target),
            reads_rs1: F::from_bool(self.reads_rs1),
            reads_rs2: F::from_bool(self.reads_rs2),
            writes_rd: F::from_bool(self.writes_rd),
            imm_c: F::from_bool(self.imm_c),
            sends_execution: F::from_bool(self.sends_execution),
            rd_from_imm: F::from_bool(self.rd_from_imm),
            is_branch: F::from_bool(self.is_branch),
            branch_if_zero: F::from_bool(self.branch_if_zero),
            is_jump: F::from_bool(self.is_jump),
            is_halt: F::from_bool(self.is_halt),
            offset: Word::from_u32(self.offset),
            is_load: F::from_bool(self.is_load),
            is_store: F::from_bool(self.is_store),
            is_jalr: F::from_bool(self.is_jalr),
        }
    }
}

/// Why an ELF has no ROM.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RomError {
    /// The ELF does not load (the emulator's checks).
    #[error("the ELF does not load: {0}")]
    Elf(alloc::string::String),
    /// The ELF has no executable segment.
    #[error("the ELF has no code")]
    NoCode,
    /// Code reaches past [`PC_LIMIT`].
    #[error("code ends at {got:#x}, past the limit {expected:#x}")]
    CodeOutOfRange {
        /// [`PC_LIMIT`].
        expected: u32,
        /// End of the code span.
        got: u32,
    },
}

/// The decoded code of a program: row `i` is the word at `base + 4·i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRom {
    /// Address of the first word.
    pub base: u32,
    /// Address of the first instruction executed.
    pub entry: u32,
    /// One entry per word of the code span.
    pub instructions: Vec<RomInstruction>,
    /// The initial RAM (every segment's bytes, code included, as the emulator loads
    /// them): the first shard's memory state ([`super::image_memory`]).
    pub memory: super::MemoryImage,
}

impl ProgramRom {
    /// The executable instruction at `pc`, if any.
    pub fn get(&self, pc: u32) -> Option<&RomInstruction> {
        let off = pc.checked_sub(self.base)?;
        if off % 4 != 0 {
            return None;
        }
        self.instructions.get((off / 4) as usize).filter(|i| i.executable)
    }

    /// Row index of `pc` (which must be in the ROM).
    pub fn row_of(&self, pc: u32) -> usize {
        ((pc - self.base) / 4) as usize
    }

    /// The code span in word addresses: `[base/4, base/4 + len)`, the words the emulator
    /// refuses to write (`StoreToCode`). `base` is word-aligned (the ELF loader checks
    /// code segments) and the code ends below [`PC_LIMIT`].
    pub fn code_span(&self) -> crate::chips::memory::CodeSpan {
        let start = self.base >> 2;
        crate::chips::memory::CodeSpan::new(start, start + self.instructions.len() as u32)
    }

    /// Height of the ROM chip's trace.
    pub fn height(&self) -> usize {
        crate::chips::padded_height(self.instructions.len())
    }

    /// The fixed columns (part of the verifying key).
    pub fn preprocessed_trace<F: Field>(&self) -> p3_matrix::dense::RowMajorMatrix<F> {
        super::trace::preprocessed_trace(self)
    }
}

#[cfg(any(test, feature = "emulator"))]
mod from_elf {
    use alloc::string::ToString;
    use alloc::vec::Vec;

    use zkvm_abi::reg;
    use zkvm_emulator::elf::parse_elf;
    use zkvm_emulator::{Instruction, InstructionClass, Opcode};

    use super::*;

    impl ProgramRom {
        /// Decode the code of an ELF, word by word, exactly as the emulator does at load.
        ///
        /// 1. Parse the ELF with the emulator's checks; take the span of its executable
        ///    segments (words outside an executable segment are not executable).
        /// 2. Decode every word ([`Instruction::decode`]) and map it to its CPU form
        ///    ([`RomInstruction::decode`]).
        ///
        /// # Errors
        ///
        /// If the ELF does not load, has no code, or has code past [`PC_LIMIT`].
        pub fn from_elf(elf: &[u8]) -> Result<Self, RomError> {
            let image = parse_elf(elf).map_err(|e| RomError::Elf(e.to_string()))?;
            let (base, end) = image.code_span().ok_or(RomError::NoCode)?;
            if end > PC_LIMIT - 4 {
                return Err(RomError::CodeOutOfRange { expected: PC_LIMIT - 4, got: end });
            }
            let code: Vec<&zkvm_emulator::elf::Segment> =
                image.segments.iter().filter(|s| s.executable).collect();
            let word_at = |addr: u32| -> Option<u32> {
                let seg = code.iter().find(|s| addr >= s.vaddr && addr < s.vaddr + s.mem_size)?;
                let off = (addr - seg.vaddr) as usize;
                let mut bytes = [0u8; 4];
                for (i, b) in bytes.iter_mut().enumerate() {
                    *b = seg.data.get(off + i).copied().unwrap_or(0);
                }
                Some(u32::from_le_bytes(bytes))
            };
            let instructions = (base..end)
                .step_by(4)
                .map(|pc| {
                    let inst = word_at(pc).and_then(Instruction::decode);
                    RomInstruction::decode(pc, inst, (base, end))
                })
                .collect();
            let memory = crate::chips::program::MemoryImage::from_segments(
                image.segments.iter().map(|s| (s.vaddr, s.data.as_slice())),
            );
            Ok(ProgramRom { base, entry: image.entry, instructions, memory })
        }
    }

    impl RomInstruction {
        /// The CPU form of the instruction at `pc` (`None`: an illegal word), for a program
        /// whose code spans `code`.
        ///
        /// | instruction | CPU form |
        /// | --- | --- |
        /// | ALU, `MUL*`/`DIV*`/`REM*` with `rd != 0` | read `rs1` (and `rs2`), send `(op, a, b, c)` on `EXECUTION` with `c = rs2` or `imm` and the I-type mapped to its R-type `op`, write `rd = a` |
        /// | the same with `rd = 0`, `FENCE` | no effect: `pc += 4` |
        /// | `LUI`, `AUIPC`, `JAL` | write `rd = imm` (`imm`, `pc + imm`, `pc + 4`); `JAL` jumps to `target = pc + imm` |
        /// | branches | read `rs1`, `rs2`, send `SUB` (`BEQ`/`BNE`), `SLT` (`BLT`/`BGE`) or `SLTU` (`BLTU`/`BGEU`), jump to `target` if the result is zero (`BEQ`/`BGE`/`BGEU`) or non-zero |
        /// | `ECALL` | read `t0` and `a0`: `HALT` (exit code `a0`, the last row) or a syscall (the CPU writes its result to `a0`) |
        /// | loads | read `rs1`, `addr = rs1 + offset` (`EXECUTION` `ADD`), the access on the load/store chip, write `rd` (unless `x0`) |
        /// | stores | read `rs1` and `rs2`, `addr = rs1 + offset`, the access on the load/store chip |
        /// | `JALR` | read `rs1`, `addr = rs1 + offset`, jump to `addr & !1`, write `rd = imm = pc + 4` |
        /// | `EBREAK`, illegal words | not executable (the emulator faults) |
        pub fn decode(pc: u32, inst: Option<Instruction>, code: (u32, u32)) -> Self {
            let Some(inst) = inst else { return RomInstruction::default() };
            let op = inst.opcode;
            let mut r =
                RomInstruction { executable: true, opcode: op as u8, ..RomInstruction::default() };
            let target = || {
                let t = pc.wrapping_add(inst.imm);
                if t % 4 == 0 && t >= code.0 && t < code.1 { t } else { UNREACHABLE_TARGET }
            };
            match op.class() {
                InstructionClass::Alu | InstructionClass::MulDiv => {
                    if inst.rd != 0 {
                        r.exec_opcode = execution_op(op) as u8;
                        r.sends_execution = true;
                        r.rd = inst.rd;
                        r.writes_rd = true;
                        r.rs1 = inst.rs1;
                        r.reads_rs1 = true;
                        if op.uses_rs2() {
                            r.rs2 = inst.rs2;
                            r.reads_rs2 = true;
                        } else {
                            r.imm = inst.imm;
                            r.imm_c = true;
                        }
                    }
                }
                InstructionClass::Upper => {
                    if inst.rd != 0 {
                        r.rd = inst.rd;
                        r.writes_rd = true;
                        r.rd_from_imm = true;
                        r.imm =
                            if op == Opcode::Auipc { pc.wrapping_add(inst.imm) } else { inst.imm };
                    }
                }
                InstructionClass::Jump if op == Opcode::Jal => {
                    r.is_jump = true;
                    r.target = target();
                    if inst.rd != 0 {
                        r.rd = inst.rd;
                        r.writes_rd = true;
                        r.rd_from_imm = true;
                        r.imm = pc + 4;
                    }
                }
                InstructionClass::Branch => {
                    r.is_branch = true;
                    r.target = target();
                    r.exec_opcode = execution_op(op) as u8;
                    r.sends_execution = true;
                    r.rs1 = inst.rs1;
                    r.reads_rs1 = true;
                    r.rs2 = inst.rs2;
                    r.reads_rs2 = true;
                    r.branch_if_zero = matches!(op, Opcode::Beq | Opcode::Bge | Opcode::Bgeu);
                }
                InstructionClass::System => match op {
                    Opcode::Fence => {}
                    Opcode::Ecall => {
                        r.is_halt = true;
                        r.rs1 = reg::SYSCALL_NUMBER;
                        r.reads_rs1 = true;
                        r.rs2 = reg::A0;
                        r.reads_rs2 = true;
                    }
                    _ => return RomInstruction::default(),
                },
                InstructionClass::Jump => {
                    // JALR.
                    r.is_jalr = true;
                    r.rs1 = inst.rs1;
                    r.reads_rs1 = true;
                    r.offset = inst.imm;
                    if inst.rd != 0 {
                        r.rd = inst.rd;
                        r.writes_rd = true;
                        r.rd_from_imm = true;
                        r.imm = pc + 4;
                    }
                }
                InstructionClass::Load => {
                    // The access happens even for rd = x0 (it may fault).
                    r.is_load = true;
                    r.rs1 = inst.rs1;
                    r.reads_rs1 = true;
                    r.offset = inst.imm;
                    if inst.rd != 0 {
                        r.rd = inst.rd;
                        r.writes_rd = true;
                    }
                }
                InstructionClass::Store => {
                    r.is_store = true;
                    r.rs1 = inst.rs1;
                    r.reads_rs1 = true;
                    r.rs2 = inst.rs2;
                    r.reads_rs2 = true;
                    r.offset = inst.imm;
                }
            }
            r
        }
    }

    /// The operation an instruction sends on `EXECUTION`: I-type ALU forms map to their
    /// R-type operation; branches to the comparison that decides them.
    pub(crate) fn execution_op(op: Opcode) -> Opcode {
        use Opcode::*;
        match op {
            Addi => Add,
            Slti => Slt,
            Sltiu => Sltu,
            Xori => Xor,
            Ori => Or,
            Andi => And,
            Slli => Sll,
            Srli => Srl,
            Srai => Sra,
            Beq | Bne => Sub,
            Blt | Bge => Slt,
            Bltu | Bgeu => Sltu,
            other => other,
        }
    }
}
