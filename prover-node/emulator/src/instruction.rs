//! The decoded instruction: what the decoder produces once at load, what the executor
//! dispatches on, and what the recording events carry.
//!
//! Encodings come from [`zkvm_abi::isa`]; [`Instruction::decode`] and
//! [`Instruction::encode`] are inverse to each other on every legal word.

use zkvm_abi::isa::{self, funct3 as f3, funct7 as f7, opcode as op};

/// Every RV32IM instruction, one variant per mnemonic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[allow(missing_docs)] // The variants are the RISC-V mnemonics.
pub enum Opcode {
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Fence,
    Ecall,
    Ebreak,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
}

/// The instruction classes a prover splits execution into (roughly one chip each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionClass {
    /// Register-register and register-immediate arithmetic, logic, shifts and compares.
    Alu,
    /// `MUL*`, `DIV*`, `REM*`.
    MulDiv,
    /// `LUI`, `AUIPC`.
    Upper,
    /// Conditional branches.
    Branch,
    /// `JAL`, `JALR`.
    Jump,
    /// Loads.
    Load,
    /// Stores.
    Store,
    /// `ECALL`, `EBREAK`, `FENCE`.
    System,
}

impl Opcode {
    /// Every opcode, in declaration order.
    pub const ALL: [Opcode; 48] = {
        use Opcode::*;
        [
            Lui, Auipc, Jal, Jalr, Beq, Bne, Blt, Bge, Bltu, Bgeu, Lb, Lh, Lw, Lbu, Lhu, Sb, Sh,
            Sw, Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai, Add, Sub, Sll, Slt, Sltu,
            Xor, Srl, Sra, Or, And, Fence, Ecall, Ebreak, Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem,
            Remu,
        ]
    };

    /// The class of this opcode.
    pub const fn class(self) -> InstructionClass {
        use Opcode::*;
        match self {
            Lui | Auipc => InstructionClass::Upper,
            Jal | Jalr => InstructionClass::Jump,
            Beq | Bne | Blt | Bge | Bltu | Bgeu => InstructionClass::Branch,
            Lb | Lh | Lw | Lbu | Lhu => InstructionClass::Load,
            Sb | Sh | Sw => InstructionClass::Store,
            Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai | Add | Sub | Sll
            | Slt | Sltu | Xor | Srl | Sra | Or | And => InstructionClass::Alu,
            Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu => InstructionClass::MulDiv,
            Fence | Ecall | Ebreak => InstructionClass::System,
        }
    }

    /// Whether the second operand is the register `rs2` (R-type, branches, stores).
    /// Otherwise it is the immediate.
    pub const fn uses_rs2(self) -> bool {
        use Opcode::*;
        matches!(
            self,
            Beq | Bne
                | Blt
                | Bge
                | Bltu
                | Bgeu
                | Sb
                | Sh
                | Sw
                | Add
                | Sub
                | Sll
                | Slt
                | Sltu
                | Xor
                | Srl
                | Sra
                | Or
                | And
                | Mul
                | Mulh
                | Mulhsu
                | Mulhu
                | Div
                | Divu
                | Rem
                | Remu
        )
    }

    /// Whether the instruction reads `rs1`.
    pub const fn reads_rs1(self) -> bool {
        !matches!(
            self,
            Opcode::Lui
                | Opcode::Auipc
                | Opcode::Jal
                | Opcode::Fence
                | Opcode::Ecall
                | Opcode::Ebreak
        )
    }

    /// Whether the instruction writes `rd`.
    pub const fn writes_rd(self) -> bool {
        !matches!(self.class(), InstructionClass::Branch | InstructionClass::Store)
            && !matches!(self, Opcode::Fence | Opcode::Ecall | Opcode::Ebreak)
    }
}

/// A decoded instruction: 8 bytes, decoded once at load.
///
/// Fields not used by the format are zero (`rs2` of I-type, `rd` of stores, ...), so the
/// decoded form of a word is unique. `imm` is the sign-extended immediate as a `u32`; for
/// `LUI`/`AUIPC` it is already shifted (`imm[31:12]`), for shift-immediates it is `shamt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// The operation.
    pub opcode: Opcode,
    /// Destination register (0..32).
    pub rd: u8,
    /// First source register (0..32).
    pub rs1: u8,
    /// Second source register (0..32).
    pub rs2: u8,
    /// Immediate, sign-extended.
    pub imm: u32,
}

#[inline]
const fn sext(value: u32, bits: u32) -> u32 {
    let shift = 32 - bits;
    (((value << shift) as i32) >> shift) as u32
}

impl Instruction {
    /// Build an instruction from its parts (no validation; see [`Instruction::encode`]).
    pub const fn new(opcode: Opcode, rd: u8, rs1: u8, rs2: u8, imm: u32) -> Self {
        Instruction { opcode, rd, rs1, rs2, imm }
    }

    /// Decode one 32-bit instruction word, or `None` if it is not a legal RV32IM
    /// instruction of this machine (which has no CSRs, no `FENCE.I`, no compressed forms).
    pub fn decode(word: u32) -> Option<Self> {
        use Opcode::*;
        let opc = word & 0x7f;
        let rd = ((word >> 7) & 31) as u8;
        let funct3 = (word >> 12) & 7;
        let rs1 = ((word >> 15) & 31) as u8;
        let rs2 = ((word >> 20) & 31) as u8;
        let funct7 = word >> 25;
        let imm_i = sext(word >> 20, 12);
        let imm_s = sext(((word >> 25) << 5) | ((word >> 7) & 31), 12);
        let imm_b = sext(
            (((word >> 31) & 1) << 12)
                | (((word >> 7) & 1) << 11)
                | (((word >> 25) & 0x3f) << 5)
                | (((word >> 8) & 0xf) << 1),
            13,
        );
        let imm_u = word & 0xffff_f000;
        let imm_j = sext(
            (((word >> 31) & 1) << 20)
                | (((word >> 12) & 0xff) << 12)
                | (((word >> 20) & 1) << 11)
                | (((word >> 21) & 0x3ff) << 1),
            21,
        );
        let i = |opcode| Some(Instruction::new(opcode, rd, rs1, 0, imm_i));
        let r = |opcode| Some(Instruction::new(opcode, rd, rs1, rs2, 0));
        let b = |opcode| Some(Instruction::new(opcode, 0, rs1, rs2, imm_b));
        let s = |opcode| Some(Instruction::new(opcode, 0, rs1, rs2, imm_s));
        let shift = |opcode| Some(Instruction::new(opcode, rd, rs1, 0, rs2 as u32));
        match opc {
            op::LUI => Some(Instruction::new(Lui, rd, 0, 0, imm_u)),
            op::AUIPC => Some(Instruction::new(Auipc, rd, 0, 0, imm_u)),
            op::JAL => Some(Instruction::new(Jal, rd, 0, 0, imm_j)),
            op::JALR if funct3 == f3::JALR => i(Jalr),
            op::BRANCH => match funct3 {
                f3::BEQ => b(Beq),
                f3::BNE => b(Bne),
                f3::BLT => b(Blt),
                f3::BGE => b(Bge),
                f3::BLTU => b(Bltu),
                f3::BGEU => b(Bgeu),
                _ => None,
            },
            op::LOAD => match funct3 {
                f3::LB => i(Lb),
                f3::LH => i(Lh),
                f3::LW => i(Lw),
                f3::LBU => i(Lbu),
                f3::LHU => i(Lhu),
                _ => None,
            },
            op::STORE => match funct3 {
                f3::SB => s(Sb),
                f3::SH => s(Sh),
                f3::SW => s(Sw),
                _ => None,
            },
            op::OP_IMM => match (funct3, funct7) {
                (f3::ADD, _) => i(Addi),
                (f3::SLT, _) => i(Slti),
                (f3::SLTU, _) => i(Sltiu),
                (f3::XOR, _) => i(Xori),
                (f3::OR, _) => i(Ori),
                (f3::AND, _) => i(Andi),
                (f3::SLL, f7::BASE) => shift(Slli),
                (f3::SRL, f7::BASE) => shift(Srli),
                (f3::SRL, f7::ALT) => shift(Srai),
                _ => None,
            },
            op::OP => match (funct7, funct3) {
                (f7::BASE, f3::ADD) => r(Add),
                (f7::ALT, f3::ADD) => r(Sub),
                (f7::BASE, f3::SLL) => r(Sll),
                (f7::BASE, f3::SLT) => r(Slt),
                (f7::BASE, f3::SLTU) => r(Sltu),
                (f7::BASE, f3::XOR) => r(Xor),
                (f7::BASE, f3::SRL) => r(Srl),
                (f7::ALT, f3::SRL) => r(Sra),
                (f7::BASE, f3::OR) => r(Or),
                (f7::BASE, f3::AND) => r(And),
                (f7::MULDIV, f3::MUL) => r(Mul),
                (f7::MULDIV, f3::MULH) => r(Mulh),
                (f7::MULDIV, f3::MULHSU) => r(Mulhsu),
                (f7::MULDIV, f3::MULHU) => r(Mulhu),
                (f7::MULDIV, f3::DIV) => r(Div),
                (f7::MULDIV, f3::DIVU) => r(Divu),
                (f7::MULDIV, f3::REM) => r(Rem),
                (f7::MULDIV, f3::REMU) => r(Remu),
                _ => None,
            },
            // FENCE ignores its other fields (pred/succ/fm, rd, rs1); they are kept
            // zero in the decoded form, so FENCE.TSO and PAUSE decode to FENCE too.
            op::MISC_MEM if funct3 == f3::FENCE => Some(Instruction::new(Fence, 0, 0, 0, 0)),
            op::SYSTEM => match word {
                isa::ECALL_WORD => Some(Instruction::new(Ecall, 0, 0, 0, 0)),
                isa::EBREAK_WORD => Some(Instruction::new(Ebreak, 0, 0, 0, 0)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Encode to a 32-bit word. Immediates are truncated to the width of their field, so
    /// out-of-range immediates encode a different instruction (the encoder is for tests and
    /// benchmarks, which choose their immediates).
    pub fn encode(&self) -> u32 {
        use Opcode::*;
        let rd = (self.rd as u32 & 31) << 7;
        let rs1 = (self.rs1 as u32 & 31) << 15;
        let rs2 = (self.rs2 as u32 & 31) << 20;
        let imm = self.imm;
        let r = |opc: u32, f3: u32, f7: u32| opc | rd | (f3 << 12) | rs1 | rs2 | (f7 << 25);
        let i = |opc: u32, f3: u32| opc | rd | (f3 << 12) | rs1 | ((imm & 0xfff) << 20);
        let s = |f3: u32| {
            op::STORE | ((imm & 31) << 7) | (f3 << 12) | rs1 | rs2 | (((imm >> 5) & 0x7f) << 25)
        };
        let b = |f3: u32| {
            op::BRANCH
                | (((imm >> 11) & 1) << 7)
                | (((imm >> 1) & 0xf) << 8)
                | (f3 << 12)
                | rs1
                | rs2
                | (((imm >> 5) & 0x3f) << 25)
                | (((imm >> 12) & 1) << 31)
        };
        let sh =
            |f3: u32, f7: u32| op::OP_IMM | rd | (f3 << 12) | rs1 | ((imm & 31) << 20) | (f7 << 25);
        match self.opcode {
            Lui => op::LUI | rd | (imm & 0xffff_f000),
            Auipc => op::AUIPC | rd | (imm & 0xffff_f000),
            Jal => {
                op::JAL
                    | rd
                    | (((imm >> 12) & 0xff) << 12)
                    | (((imm >> 11) & 1) << 20)
                    | (((imm >> 1) & 0x3ff) << 21)
                    | (((imm >> 20) & 1) << 31)
            }
            Jalr => i(op::JALR, f3::JALR),
            Beq => b(f3::BEQ),
            Bne => b(f3::BNE),
            Blt => b(f3::BLT),
            Bge => b(f3::BGE),
            Bltu => b(f3::BLTU),
            Bgeu => b(f3::BGEU),
            Lb => i(op::LOAD, f3::LB),
            Lh => i(op::LOAD, f3::LH),
            Lw => i(op::LOAD, f3::LW),
            Lbu => i(op::LOAD, f3::LBU),
            Lhu => i(op::LOAD, f3::LHU),
            Sb => s(f3::SB),
            Sh => s(f3::SH),
            Sw => s(f3::SW),
            Addi => i(op::OP_IMM, f3::ADD),
            Slti => i(op::OP_IMM, f3::SLT),
            Sltiu => i(op::OP_IMM, f3::SLTU),
            Xori => i(op::OP_IMM, f3::XOR),
            Ori => i(op::OP_IMM, f3::OR),
            Andi => i(op::OP_IMM, f3::AND),
            Slli => sh(f3::SLL, f7::BASE),
            Srli => sh(f3::SRL, f7::BASE),
            Srai => sh(f3::SRL, f7::ALT),
            Add => r(op::OP, f3::ADD, f7::BASE),
            Sub => r(op::OP, f3::ADD, f7::ALT),
            Sll => r(op::OP, f3::SLL, f7::BASE),
            Slt => r(op::OP, f3::SLT, f7::BASE),
            Sltu => r(op::OP, f3::SLTU, f7::BASE),
            Xor => r(op::OP, f3::XOR, f7::BASE),
            Srl => r(op::OP, f3::SRL, f7::BASE),
            Sra => r(op::OP, f3::SRL, f7::ALT),
            Or => r(op::OP, f3::OR, f7::BASE),
            And => r(op::OP, f3::AND, f7::BASE),
            Fence => op::MISC_MEM | (f3::FENCE << 12) | (0xff << 20),
            Ecall => isa::ECALL_WORD,
            Ebreak => isa::EBREAK_WORD,
            Mul => r(op::OP, f3::MUL, f7::MULDIV),
            Mulh => r(op::OP, f3::MULH, f7::MULDIV),
            Mulhsu => r(op::OP, f3::MULHSU, f7::MULDIV),
            Mulhu => r(op::OP, f3::MULHU, f7::MULDIV),
            Div => r(op::OP, f3::DIV, f7::MULDIV),
            Divu => r(op::OP, f3::DIVU, f7::MULDIV),
            Rem => r(op::OP, f3::REM, f7::MULDIV),
            Remu => r(op::OP, f3::REMU, f7::MULDIV),
        }
    }
}

/// The result of an ALU or M-extension operation on operands `b` (rs1) and `c` (rs2 or
/// immediate). RISC-V semantics: division by zero gives all ones (quotient) or the
/// dividend (remainder); `i32::MIN / -1` gives `i32::MIN` with remainder 0.
///
/// Returns 0 for opcodes that are not ALU or M-extension operations.
#[inline(always)]
pub fn alu(opcode: Opcode, b: u32, c: u32) -> u32 {
    use Opcode::*;
    match opcode {
        Add | Addi => b.wrapping_add(c),
        Sub => b.wrapping_sub(c),
        Sll | Slli => b << (c & 31),
        Slt | Slti => ((b as i32) < (c as i32)) as u32,
        Sltu | Sltiu => (b < c) as u32,
        Xor | Xori => b ^ c,
        Srl | Srli => b >> (c & 31),
        Sra | Srai => ((b as i32) >> (c & 31)) as u32,
        Or | Ori => b | c,
        And | Andi => b & c,
        Mul => b.wrapping_mul(c),
        Mulh => ((b as i32 as i64 * c as i32 as i64) >> 32) as u32,
        Mulhsu => ((b as i32 as i64 * c as i64) >> 32) as u32,
        Mulhu => ((b as u64 * c as u64) >> 32) as u32,
        Div => match c {
            0 => u32::MAX,
            _ => (b as i32).wrapping_div(c as i32) as u32,
        },
        Divu => b.checked_div(c).unwrap_or(u32::MAX),
        Rem => match c {
            0 => b,
            _ => (b as i32).wrapping_rem(c as i32) as u32,
        },
        Remu => b.checked_rem(c).unwrap_or(b),
        _ => 0,
    }
}

/// Whether the branch `opcode` is taken for operands `b` (rs1) and `c` (rs2).
#[inline(always)]
pub fn branch_taken(opcode: Opcode, b: u32, c: u32) -> bool {
    use Opcode::*;
    match opcode {
        Beq => b == c,
        Bne => b != c,
        Blt => (b as i32) < (c as i32),
        Bge => (b as i32) >= (c as i32),
        Bltu => b < c,
        Bgeu => b >= c,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_words_decode() {
        // addi a0, a0, -1
        assert_eq!(
            Instruction::decode(0xfff5_0513),
            Some(Instruction::new(Opcode::Addi, 10, 10, 0, u32::MAX))
        );
        // ecall / ebreak
        assert_eq!(Instruction::decode(0x73).map(|i| i.opcode), Some(Opcode::Ecall));
        assert_eq!(Instruction::decode(0x0010_0073).map(|i| i.opcode), Some(Opcode::Ebreak));
        // csrrw (SYSTEM with funct3 1) is illegal here, so is the all-zero word.
        assert_eq!(Instruction::decode(0x3401_1073), None);
        assert_eq!(Instruction::decode(0), None);
        assert_eq!(Instruction::decode(u32::MAX), None);
        // jal ra, -4 : 0xffdff0ef
        assert_eq!(
            Instruction::decode(0xffdf_f0ef),
            Some(Instruction::new(Opcode::Jal, 1, 0, 0, (-4i32) as u32))
        );
    }

    #[test]
    fn decode_encode_round_trip_over_many_words() {
        // Every decodable word re-encodes to itself, except FENCE whose ignored fields are
        // normalised; and decode(encode(x)) == x.
        let mut x: u32 = 0x1234_5678;
        let mut legal = 0;
        for _ in 0..2_000_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            for word in [x, (x & !0x7f) | [0x33, 0x13, 0x63, 0x03, 0x23][(x % 5) as usize]] {
                if let Some(inst) = Instruction::decode(word) {
                    legal += 1;
                    if inst.opcode != Opcode::Fence {
                        assert_eq!(inst.encode(), word, "{inst:?}");
                    }
                    assert_eq!(Instruction::decode(inst.encode()), Some(inst));
                }
            }
        }
        assert!(legal > 100_000);
    }

    #[test]
    fn every_opcode_has_an_encoding() {
        for opcode in Opcode::ALL {
            let inst = Instruction::new(opcode, 3, 4, 5, 8);
            let decoded = Instruction::decode(inst.encode()).expect("legal");
            assert_eq!(decoded.opcode, opcode);
        }
    }

    #[test]
    fn division_corner_cases() {
        let min = i32::MIN as u32;
        assert_eq!(alu(Opcode::Div, 7, 0), u32::MAX);
        assert_eq!(alu(Opcode::Divu, 7, 0), u32::MAX);
        assert_eq!(alu(Opcode::Rem, 7, 0), 7);
        assert_eq!(alu(Opcode::Remu, 7, 0), 7);
        assert_eq!(alu(Opcode::Div, min, u32::MAX), min);
        assert_eq!(alu(Opcode::Rem, min, u32::MAX), 0);
        assert_eq!(alu(Opcode::Mulh, min, min), 0x4000_0000);
        assert_eq!(alu(Opcode::Mulhsu, u32::MAX, u32::MAX), u32::MAX);
        assert_eq!(alu(Opcode::Mulhu, u32::MAX, u32::MAX), 0xffff_fffe);
    }
}
