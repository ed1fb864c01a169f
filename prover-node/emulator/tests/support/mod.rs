//! Test support: build RV32IM test programs in Rust and run them on qemu-riscv32 (the
//! oracle) and on our emulator, observing the same bytes from both.
//!
//! Layout of a test program:
//!
//! * prologue: `x31` = [`DATA`] (the base of every load and store; the body never writes
//!   it), `x1..x30` = chosen values;
//! * body: the instructions under test;
//! * dump: `sw xN, SCRATCH + 4N(x31)` for every register;
//! * tail, per target: qemu writes `[DATA, DATA + REGION)` to stdout with Linux `write`
//!   (a7 = 64) and exits (a7 = 93); our emulator halts with the zkVM `HALT` syscall and
//!   the harness reads the same bytes from its memory.
//!
//! The tails come after everything else, so every pc the body can observe is the same on
//! both targets.

#![allow(dead_code)]

use rand::Rng;
use rand::rngs::StdRng;
use std::process::Command;
use zkvm_abi::syscall;
use zkvm_emulator::Opcode::{self, *};
use zkvm_emulator::asm::{self, ElfBuilder, addi, auipc, b, i, jal, jalr, li, lui, r, s};
use zkvm_emulator::{EmuError, Emulator};

/// Code address.
pub const CODE: u32 = 0x0001_0000;
/// Data segment address; `x31` points here.
pub const DATA: u32 = 0x0010_0000;
/// Bytes of scratch memory the body loads from and stores to.
pub const SCRATCH: u32 = 1024;
/// Bytes observed: scratch, then the 32 registers.
pub const REGION: u32 = SCRATCH + 128;
/// The base register of loads and stores, never written by a body.
pub const BASE: u8 = 31;

/// Values that exercise edge cases of arithmetic, shifts and compares.
pub const SPECIAL: [u32; 15] = [
    0,
    1,
    2,
    31,
    32,
    0x7fff_ffff,
    0x8000_0000,
    0x8000_0001,
    0xffff_ffff,
    0xffff_fffe,
    0xffff_ffe1,
    0x0000_8000,
    0xffff_7fff,
    0x0001_0000,
    0x1234_5678,
];

/// Immediates at the edges of the 12-bit range.
pub const SPECIAL_IMM: [i32; 10] = [0, 1, -1, 31, 32, 2047, -2048, -2047, 0x7ff0, 1024];

/// R-type opcodes (base and M extension).
pub const R_OPS: [Opcode; 18] = [
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And, Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem,
    Remu,
];
/// I-type ALU opcodes except shifts.
pub const I_OPS: [Opcode; 6] = [Addi, Slti, Sltiu, Xori, Ori, Andi];
/// Shift-immediate opcodes.
pub const SHIFT_OPS: [Opcode; 3] = [Slli, Srli, Srai];
/// Branch opcodes.
pub const BRANCH_OPS: [Opcode; 6] = [Beq, Bne, Blt, Bge, Bltu, Bgeu];
/// Loads with their widths.
pub const LOADS: [(Opcode, u32); 5] = [(Lb, 1), (Lh, 2), (Lw, 4), (Lbu, 1), (Lhu, 2)];
/// Stores with their widths.
pub const STORES: [(Opcode, u32); 3] = [(Sb, 1), (Sh, 2), (Sw, 4)];

/// A test program before its target-specific tail.
#[derive(Debug, Clone)]
pub struct TestProgram {
    /// Initial values of `x1..=x30` (index 0 is `x1`).
    pub regs: [u32; 30],
    /// Initial scratch bytes.
    pub scratch: Vec<u8>,
    /// The instructions under test.
    pub body: Vec<u32>,
}

/// Which machine a program is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// qemu-riscv32 (Linux user mode).
    Qemu,
    /// Our emulator (zkVM ABI).
    Zkvm,
}

impl TestProgram {
    /// A program with all registers and scratch zero and an empty body.
    pub fn new() -> Self {
        TestProgram { regs: [0; 30], scratch: vec![0; SCRATCH as usize], body: Vec::new() }
    }

    /// The ELF for `target`.
    pub fn elf(&self, target: Target) -> Vec<u8> {
        let mut code = Vec::new();
        code.extend(li(BASE, DATA));
        for (k, &v) in self.regs.iter().enumerate() {
            code.extend(li(k as u8 + 1, v));
        }
        code.extend(&self.body);
        for reg in 0..32u8 {
            code.push(s(Sw, reg, BASE, (SCRATCH + 4 * reg as u32) as i32));
        }
        match target {
            Target::Qemu => {
                code.extend(li(17, 64)); // a7 = write
                code.extend(li(10, 1)); // a0 = stdout
                code.push(addi(11, BASE, 0));
                code.extend(li(12, REGION));
                code.push(asm::ecall());
                code.extend(li(17, 93)); // a7 = exit
                code.extend(li(10, 0));
                code.push(asm::ecall());
            }
            Target::Zkvm => {
                code.extend(li(5, syscall::HALT));
                code.extend(li(10, 0));
                code.push(asm::ecall());
            }
        }
        ElfBuilder::new(CODE).code(CODE, &code).data(DATA, &self.scratch, REGION).build()
    }
}

impl Default for TestProgram {
    fn default() -> Self {
        Self::new()
    }
}

/// Run on qemu-riscv32 and return the observed region. Panics with instructions when qemu
/// is missing: a differential test must never pass without its oracle.
pub fn run_qemu(elf: &[u8], name: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("zkvm-emu-{}-{name}.elf", std::process::id()));
    std::fs::write(&path, elf).expect("write temp ELF");
    // qemu-user refuses files without an execute bit.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod temp ELF");
    let out = Command::new("qemu-riscv32").arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "qemu-riscv32 not found: the differential tests need it as their oracle. \
             Install it with `apt-get update && apt-get install -y qemu-user` \
             (see prover-node/emulator/SETUP.md)"
        ),
        Err(e) => panic!("cannot run qemu-riscv32: {e}"),
    };
    assert!(
        out.status.success(),
        "qemu-riscv32 failed on {name}: {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.len(), REGION as usize, "qemu output size for {name}");
    out.stdout
}

/// Run on our emulator and return the observed region.
pub fn run_zkvm(elf: &[u8], name: &str) -> Result<Vec<u8>, EmuError> {
    let mut emu = Emulator::new(elf, Vec::new())?.with_cycle_limit(10_000_000);
    let summary = emu.execute()?;
    assert_eq!(summary.exit_code, 0, "{name}");
    Ok(emu.memory().read_bytes(DATA, REGION as usize))
}

/// Run `program` on both machines and panic with a readable report on any difference.
pub fn assert_same(program: &TestProgram, name: &str) {
    let expected = run_qemu(&program.elf(Target::Qemu), name);
    let got = run_zkvm(&program.elf(Target::Zkvm), name)
        .unwrap_or_else(|e| panic!("{name}: our emulator faulted: {e}"));
    if expected != got {
        let mut report = String::new();
        for k in 0..(REGION as usize / 4) {
            let e = u32::from_le_bytes(expected[4 * k..4 * k + 4].try_into().unwrap());
            let g = u32::from_le_bytes(got[4 * k..4 * k + 4].try_into().unwrap());
            if e != g {
                let what = if (k as u32) < SCRATCH / 4 {
                    format!("scratch+{:#x}", 4 * k)
                } else {
                    format!("x{}", k as u32 - SCRATCH / 4)
                };
                report += &format!("  {what}: qemu {e:#010x}, ours {g:#010x}\n");
            }
        }
        panic!("{name}: divergence from qemu\n{report}");
    }
}

/// A value biased towards [`SPECIAL`].
pub fn value(rng: &mut StdRng) -> u32 {
    if rng.gen_bool(0.5) { SPECIAL[rng.gen_range(0..SPECIAL.len())] } else { rng.r#gen() }
}

/// A 12-bit immediate biased towards [`SPECIAL_IMM`].
pub fn imm12(rng: &mut StdRng) -> i32 {
    if rng.gen_bool(0.3) {
        let v = SPECIAL_IMM[rng.gen_range(0..SPECIAL_IMM.len())];
        (v << 20) >> 20
    } else {
        rng.gen_range(-2048..2048)
    }
}

/// A destination register: never `x31`, `x0` one time in ten.
pub fn dest(rng: &mut StdRng, avoid: Option<u8>) -> u8 {
    loop {
        let rd = if rng.gen_bool(0.1) { 0 } else { rng.gen_range(1..=30) };
        if Some(rd) != avoid || rd == 0 {
            return rd;
        }
    }
}

/// A source register (any, `x31` included).
pub fn src(rng: &mut StdRng) -> u8 {
    rng.gen_range(0..=31)
}

/// One single-word ALU instruction (R-type, I-type or shift-immediate) not writing `avoid`.
pub fn alu_word(rng: &mut StdRng, avoid: Option<u8>) -> u32 {
    let rd = dest(rng, avoid);
    match rng.gen_range(0..10) {
        0..=4 => r(R_OPS[rng.gen_range(0..R_OPS.len())], rd, src(rng), src(rng)),
        5..=7 => i(I_OPS[rng.gen_range(0..I_OPS.len())], rd, src(rng), imm12(rng)),
        _ => {
            let shamt = [0, 1, 31, rng.gen_range(0..32)][rng.gen_range(0..4)];
            i(SHIFT_OPS[rng.gen_range(0..3)], rd, src(rng), shamt)
        }
    }
}

/// A random program of about `items` constructs covering every RV32IM instruction.
pub fn random_program(rng: &mut StdRng, items: usize) -> TestProgram {
    let mut p = TestProgram::new();
    for v in p.regs.iter_mut() {
        *v = value(rng);
    }
    for k in 0..p.scratch.len() {
        p.scratch[k] =
            if rng.gen_bool(0.3) { [0x80, 0xff, 0x7f, 0x00][k % 4] } else { rng.r#gen() };
    }
    let body = &mut p.body;
    for _ in 0..items {
        match rng.gen_range(0..100) {
            0..=39 => body.push(alu_word(rng, None)),
            40..=44 => body.extend(li(dest(rng, None), value(rng))),
            45..=47 => body.push(lui(dest(rng, None), rng.r#gen())),
            48..=49 => body.push(auipc(dest(rng, None), rng.r#gen())),
            50..=59 => {
                let (op, width) = LOADS[rng.gen_range(0..LOADS.len())];
                let off = rng.gen_range(0..SCRATCH / width) * width;
                body.push(i(op, dest(rng, None), BASE, off as i32));
            }
            60..=69 => {
                let (op, width) = STORES[rng.gen_range(0..STORES.len())];
                let off = rng.gen_range(0..SCRATCH / width) * width;
                body.push(s(op, src(rng), BASE, off as i32));
            }
            70..=79 => {
                // Forward branch over k instructions; sometimes compare a register with itself.
                let k = rng.gen_range(0..=3);
                let rs1 = src(rng);
                let rs2 = if rng.gen_bool(0.2) { rs1 } else { src(rng) };
                body.push(b(BRANCH_OPS[rng.gen_range(0..6)], rs1, rs2, (k + 1) * 4));
                for _ in 0..k {
                    body.push(alu_word(rng, None));
                }
            }
            80..=83 => {
                let k = rng.gen_range(0..=2);
                body.push(jal(dest(rng, None), (k + 1) * 4));
                for _ in 0..k {
                    body.push(alu_word(rng, None));
                }
            }
            84..=87 => {
                // auipc rx, 0 ; jalr rd, rx, 4(k+2) [+1: the low bit is cleared]
                let k = rng.gen_range(0..=2);
                let rx = rng.gen_range(1..=30);
                body.push(auipc(rx, 0));
                let lsb = rng.gen_range(0..=1);
                body.push(jalr(dest(rng, None), rx, (k + 2) * 4 + lsb));
                for _ in 0..k {
                    body.push(alu_word(rng, None));
                }
            }
            88..=95 => {
                // A counted loop: a backward branch taken n - 1 times.
                let c = rng.gen_range(1..=30);
                let n = rng.gen_range(1..=4);
                let m = rng.gen_range(1..=5);
                body.push(addi(c, 0, n));
                for _ in 0..m {
                    body.push(alu_word(rng, Some(c)));
                }
                body.push(addi(c, c, -1));
                body.push(b(Bne, c, 0, -(m + 1) * 4));
            }
            _ => body.push(asm::fence()),
        }
    }
    p
}

/// A run of the zkVM-target ELF with its exit on our machine only (no qemu).
pub fn zkvm_elf(body: &[u32]) -> Vec<u8> {
    let mut p = TestProgram::new();
    p.body = body.to_vec();
    p.elf(Target::Zkvm)
}
