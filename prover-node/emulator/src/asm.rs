//! A tiny RV32IM assembler and ELF32 writer, so tests and benchmarks can build programs in
//! Rust without a RISC-V toolchain.
//!
//! Each function returns one encoded instruction word (through [`Instruction::encode`],
//! so the encodings are those of [`zkvm_abi::isa`]). Branch and jump offsets are in bytes,
//! relative to the instruction itself.

use crate::elf::{EHDR_SIZE, ELF_MAGIC, EM_RISCV, ET_EXEC, PF_R, PF_W, PF_X, PHDR_SIZE, PT_LOAD};
use crate::instruction::{Instruction, Opcode};

/// Encode `opcode` with the given fields (see [`Instruction`] for their meaning).
pub fn inst(opcode: Opcode, rd: u8, rs1: u8, rs2: u8, imm: i32) -> u32 {
    Instruction::new(opcode, rd, rs1, rs2, imm as u32).encode()
}

/// An R-type instruction (`ADD`, `MUL`, ...): `rd = rs1 op rs2`.
pub fn r(opcode: Opcode, rd: u8, rs1: u8, rs2: u8) -> u32 {
    inst(opcode, rd, rs1, rs2, 0)
}

/// An I-type instruction (`ADDI`, loads, `JALR`, shift-immediates): `rd = rs1 op imm`.
pub fn i(opcode: Opcode, rd: u8, rs1: u8, imm: i32) -> u32 {
    inst(opcode, rd, rs1, 0, imm)
}

/// A store: `mem[rs1 + imm] = rs2`.
pub fn s(opcode: Opcode, rs2: u8, rs1: u8, imm: i32) -> u32 {
    inst(opcode, 0, rs1, rs2, imm)
}

/// A conditional branch to `pc + offset`.
pub fn b(opcode: Opcode, rs1: u8, rs2: u8, offset: i32) -> u32 {
    inst(opcode, 0, rs1, rs2, offset)
}

/// `LUI rd, value` (`value`'s low 12 bits are dropped).
pub fn lui(rd: u8, value: u32) -> u32 {
    inst(Opcode::Lui, rd, 0, 0, value as i32)
}

/// `AUIPC rd, value` (`value`'s low 12 bits are dropped).
pub fn auipc(rd: u8, value: u32) -> u32 {
    inst(Opcode::Auipc, rd, 0, 0, value as i32)
}

/// `JAL rd, offset`.
pub fn jal(rd: u8, offset: i32) -> u32 {
    inst(Opcode::Jal, rd, 0, 0, offset)
}

/// `JALR rd, imm(rs1)`.
pub fn jalr(rd: u8, rs1: u8, imm: i32) -> u32 {
    i(Opcode::Jalr, rd, rs1, imm)
}

/// `ADDI rd, rs1, imm`.
pub fn addi(rd: u8, rs1: u8, imm: i32) -> u32 {
    i(Opcode::Addi, rd, rs1, imm)
}

/// `ECALL`.
pub fn ecall() -> u32 {
    zkvm_abi::isa::ECALL_WORD
}

/// `EBREAK`.
pub fn ebreak() -> u32 {
    zkvm_abi::isa::EBREAK_WORD
}

/// `FENCE` (all predecessor and successor bits).
pub fn fence() -> u32 {
    Instruction::new(Opcode::Fence, 0, 0, 0, 0).encode()
}

/// Load the constant `value` into `rd`: `LUI` + `ADDI` (always two words, so that code
/// layout does not depend on the value).
pub fn li(rd: u8, value: u32) -> [u32; 2] {
    let lo = ((value << 20) as i32) >> 20;
    let hi = value.wrapping_sub(lo as u32);
    [lui(rd, hi), addi(rd, rd, lo)]
}

/// Append the words of `code` as little-endian bytes.
pub fn to_bytes(code: &[u32]) -> Vec<u8> {
    code.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// One segment for [`ElfBuilder`].
#[derive(Debug, Clone)]
struct BuilderSegment {
    vaddr: u32,
    data: Vec<u8>,
    mem_size: u32,
    flags: u32,
}

/// Writes a minimal ELF32 little-endian RISC-V executable: a header, program headers, and
/// page-aligned segment data (loadable by both this emulator and `qemu-riscv32`).
#[derive(Debug, Clone)]
pub struct ElfBuilder {
    entry: u32,
    segments: Vec<BuilderSegment>,
}

impl ElfBuilder {
    /// A builder for a program that starts at `entry`.
    pub fn new(entry: u32) -> Self {
        ElfBuilder { entry, segments: Vec::new() }
    }

    /// Add a read-only, executable segment holding `code` at `vaddr`.
    pub fn code(mut self, vaddr: u32, code: &[u32]) -> Self {
        let data = to_bytes(code);
        let mem_size = data.len() as u32;
        self.segments.push(BuilderSegment { vaddr, data, mem_size, flags: PF_R | PF_X });
        self
    }

    /// Add a read-write segment at `vaddr` with initial bytes `data`, zero-extended to
    /// `mem_size` bytes.
    pub fn data(mut self, vaddr: u32, data: &[u8], mem_size: u32) -> Self {
        let mem_size = mem_size.max(data.len() as u32);
        self.segments.push(BuilderSegment {
            vaddr,
            data: data.to_vec(),
            mem_size,
            flags: PF_R | PF_W,
        });
        self
    }

    /// Add a segment with explicit flags (`PF_*` from [`crate::elf`]).
    pub fn segment(mut self, vaddr: u32, data: &[u8], mem_size: u32, flags: u32) -> Self {
        self.segments.push(BuilderSegment { vaddr, data: data.to_vec(), mem_size, flags });
        self
    }

    /// The file bytes.
    pub fn build(&self) -> Vec<u8> {
        const PAGE: usize = 4096;
        let phoff = EHDR_SIZE;
        let headers_end = phoff + PHDR_SIZE * self.segments.len();
        // Place each segment at a file offset congruent to its address modulo the page.
        let mut offsets = Vec::new();
        let mut cursor = headers_end;
        for seg in &self.segments {
            let want = seg.vaddr as usize % PAGE;
            let mut off = cursor.next_multiple_of(PAGE) + want;
            if off >= cursor + PAGE {
                off -= PAGE;
            }
            offsets.push(off);
            cursor = off + seg.data.len();
        }
        let mut out = vec![0u8; cursor];
        out[0..4].copy_from_slice(&ELF_MAGIC);
        out[4] = 1; // ELFCLASS32
        out[5] = 1; // little-endian
        out[6] = 1; // EV_CURRENT
        let put16 = |out: &mut Vec<u8>, at: usize, v: u16| {
            out[at..at + 2].copy_from_slice(&v.to_le_bytes());
        };
        let put32 = |out: &mut Vec<u8>, at: usize, v: u32| {
            out[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        put16(&mut out, 16, ET_EXEC);
        put16(&mut out, 18, EM_RISCV);
        put32(&mut out, 20, 1); // e_version
        put32(&mut out, 24, self.entry);
        put32(&mut out, 28, phoff as u32);
        put32(&mut out, 32, 0); // e_shoff
        put32(&mut out, 36, 0); // e_flags: no RVC, soft-float ABI
        put16(&mut out, 40, EHDR_SIZE as u16);
        put16(&mut out, 42, PHDR_SIZE as u16);
        put16(&mut out, 44, self.segments.len() as u16);
        put16(&mut out, 46, 40); // e_shentsize
        for (k, (seg, &off)) in self.segments.iter().zip(&offsets).enumerate() {
            let h = phoff + k * PHDR_SIZE;
            put32(&mut out, h, PT_LOAD);
            put32(&mut out, h + 4, off as u32);
            put32(&mut out, h + 8, seg.vaddr);
            put32(&mut out, h + 12, seg.vaddr);
            put32(&mut out, h + 16, seg.data.len() as u32);
            put32(&mut out, h + 20, seg.mem_size);
            put32(&mut out, h + 24, seg.flags);
            put32(&mut out, h + 28, PAGE as u32);
            out[off..off + seg.data.len()].copy_from_slice(&seg.data);
        }
        out
    }
}
