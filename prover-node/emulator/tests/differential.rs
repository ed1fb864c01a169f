//! Differential tests: the same programs on qemu-riscv32 (the oracle) and on our emulator
//! must leave identical registers and scratch memory. Fails, never skips, without qemu.

mod support;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::*;
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{addi, auipc, b, i, jal, jalr, li, r, s};

/// Number of seeded random programs.
const RANDOM_PROGRAMS: u64 = 250;

#[test]
fn random_programs_match_qemu() {
    for seed in 0..RANDOM_PROGRAMS {
        let mut rng = StdRng::seed_from_u64(seed);
        let items = rng.gen_range(50..400);
        let program = random_program(&mut rng, items);
        assert_same(&program, &format!("random-seed-{seed}"));
    }
}

/// Every R-type operation on every pair of special values; result `k` lands in scratch
/// word `k`.
#[test]
fn r_type_on_special_pairs_match_qemu() {
    for op in R_OPS {
        let mut p = TestProgram::new();
        let mut k = 0;
        for &x in &SPECIAL {
            for &y in &SPECIAL {
                p.body.extend(li(1, x));
                p.body.extend(li(2, y));
                p.body.push(r(op, 3, 1, 2));
                p.body.push(s(Sw, 3, BASE, 4 * k));
                k += 1;
            }
        }
        // Same register as both operands, and as destination.
        p.body.extend(li(4, 0x8000_0000));
        p.body.push(r(op, 4, 4, 4));
        assert_same(&p, &format!("r-type-{op:?}"));
    }
}

/// Immediate ALU operations and shift-immediates on special values.
#[test]
fn i_type_on_special_values_match_qemu() {
    for op in I_OPS {
        let mut p = TestProgram::new();
        let mut k = 0;
        for &x in &SPECIAL {
            for &imm in &SPECIAL_IMM {
                let imm = (imm << 20) >> 20;
                p.body.extend(li(1, x));
                p.body.push(i(op, 3, 1, imm));
                p.body.push(s(Sw, 3, BASE, 4 * k));
                k += 1;
            }
        }
        assert_same(&p, &format!("i-type-{op:?}"));
    }
    for op in SHIFT_OPS {
        let mut p = TestProgram::new();
        let mut k = 0;
        for &x in &SPECIAL {
            for shamt in [0, 1, 7, 16, 30, 31] {
                p.body.extend(li(1, x));
                p.body.push(i(op, 3, 1, shamt));
                p.body.push(s(Sw, 3, BASE, 4 * k));
                k += 1;
            }
        }
        assert_same(&p, &format!("shift-imm-{op:?}"));
    }
}

/// Every load width and sign at every aligned offset of a patterned region, and every
/// store width, so sign extension and byte lanes are checked exhaustively.
#[test]
fn loads_and_stores_of_every_width_match_qemu() {
    let mut p = TestProgram::new();
    let pattern = [0x80, 0xff, 0x7f, 0x00, 0x01, 0xfe, 0x81, 0x7e];
    for (k, byte) in p.scratch.iter_mut().enumerate().take(64) {
        *byte = pattern[k % 8] ^ (k as u8 & 0x10);
    }
    let mut out = 64;
    for (op, width) in LOADS {
        for off in (0..32).step_by(width as usize) {
            p.body.push(i(op, 3, BASE, off));
            p.body.push(s(Sw, 3, BASE, 512 + out));
            out += 4;
        }
    }
    // Stores of each width of a value with every byte distinct, at every lane.
    p.body.extend(li(4, 0x8182_83f4));
    for (op, width) in STORES {
        for off in (0..16).step_by(width as usize) {
            p.body.push(s(op, 4, BASE, 256 + 16 * width as i32 + off));
        }
    }
    assert_same(&p, "loads-and-stores");
}

/// Writes to `x0` are ignored, from every kind of instruction.
#[test]
fn x0_writes_are_ignored_match_qemu() {
    let mut p = TestProgram::new();
    p.regs = [0xdead_beef; 30];
    p.body.extend([
        addi(0, 0, 5),
        r(Add, 0, 1, 2),
        r(Mul, 0, 1, 1),
        i(Lw, 0, BASE, 0),
        jal(0, 4),
        auipc(0, 0x1000),
        i(Slli, 0, 1, 3),
    ]);
    p.body.extend(li(0, 0x1234_5678));
    p.body.push(r(Add, 5, 0, 0));
    assert_same(&p, "x0-writes");
}

/// Link values of `JAL`/`JALR`, backward jumps, `JALR` clearing the low bit and a taken
/// backward branch.
#[test]
fn jumps_and_links_match_qemu() {
    let mut p = TestProgram::new();
    p.body.extend([
        jal(1, 8),       // skip one instruction
        addi(10, 0, 1),  // skipped
        auipc(2, 0),     // x2 = pc
        jalr(3, 2, 13),  // target = (x2 + 13) & !1 = x2 + 12
        addi(10, 0, 2),  // skipped
        jal(4, 12),      // forward over the backward-jump block
        addi(11, 11, 1), // target of the backward jump: runs once
        jal(0, 12),      // leave
        jal(5, -8),      // backward to the addi above
        addi(10, 0, 3),  // skipped
        addi(12, 12, 1), // `jal(0, 12)` lands here
    ]);
    // A loop with a taken backward branch: x7 counts down from 5, x8 accumulates.
    p.body.extend([addi(7, 0, 5), r(Add, 8, 8, 7), addi(7, 7, -1), b(Bne, 7, 0, -8)]);
    // Loops across the signed (blt: -3 up to 0) and unsigned (bltu: up to x20 =
    // 0x8000_0002, crossing 0x8000_0000) boundaries.
    p.regs[19] = 0x8000_0002;
    p.body.extend(li(13, 0xffff_fffd));
    p.body.extend([addi(13, 13, 1), addi(14, 14, 1), b(Blt, 13, 0, -8)]);
    p.body.extend(li(15, 0x7fff_fffe));
    p.body.extend([addi(15, 15, 1), addi(16, 16, 1), b(Bltu, 15, 20, -8)]);
    assert_same(&p, "jumps-and-links");
}
