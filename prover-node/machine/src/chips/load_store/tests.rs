//! Tests of loads and stores: a program storing and loading words, half-words and bytes
//! (signed and unsigned) in a loop, with `JAL`/`JALR` calls, recorded by the emulator and
//! proven end to end; and single corrupted cells the real verifier must reject.

extern crate std;

use alloc::vec::Vec;
use core::mem::offset_of;

use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use zkvm_abi::memory::PROGRAM_START;
use zkvm_abi::{reg, syscall};
use zkvm_emulator::Opcode::{self, *};
use zkvm_emulator::asm::{ElfBuilder, addi, b, ecall, i, jal, jalr, li, r, s};

use super::*;
use crate::bus::ByteOp;
use crate::chips::cpu::CpuCols;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::memory::{MemoryAccessCols, OutsideCodeCols};
use crate::execution::chip_index::{CPU, LOAD_STORE, REGISTERS};
use crate::execution::programs::{Run, prove_and_verify, run};
use crate::execution::run_outcome;
use crate::testing::{F, assert_rejected, cell, set_cell};

/// Where the test program's data segment starts (the page after the code).
pub(crate) const DATA: u32 = PROGRAM_START + 0x1000;
/// The data segment's initial bytes (the rest of its 4 KiB page is zero).
pub(crate) const DATA_BYTES: [u8; 16] = [
    0x81, 0x02, 0xf3, 0x44, 0x05, 0x86, 0x07, 0xf8, 0x7f, 0x80, 0xff, 0x00, 0x12, 0x34, 0x56, 0x78,
];

const X1: u8 = 1;
const X3: u8 = 3;
const X4: u8 = 4;
const X6: u8 = 6;
const X7: u8 = 7;
const X8: u8 = 8;
const X9: u8 = 9;
const X11: u8 = 11;
const X12: u8 = 12;

/// A loop of `n` rounds over a data array: every load and store width (signed and
/// unsigned, every byte lane), loads of the initial data image, a load into `x0`, a `JAL`
/// call and a `JALR` call with `JALR` returns (one with bit 0 set), and a stack store.
/// It halts with a checksum of everything it loaded.
pub(crate) fn memory_program(n: i32) -> Vec<u8> {
    assert!((1..2048).contains(&n), "n must fit an ADDI immediate");
    let mut code = Vec::new();
    code.extend(li(X3, DATA)); // 0, 4
    code.extend([
        addi(X4, 0, n),                                     // 8
        addi(X6, 0, 0),                                     // 12
        i(Lw, X7, X3, 0),                                   // 16: a word of the data image
        r(Add, X6, X6, X7),                                 // 20
        s(Sw, X4, X3, 64),                                  // 24: loop
        i(Lw, X8, X3, 64),                                  // 28
        r(Add, X6, X6, X8),                                 // 32
        s(Sh, X7, X3, 66),                                  // 36: upper half
        i(Lh, X8, X3, 66),                                  // 40
        r(Add, X6, X6, X8),                                 // 44
        i(Lhu, X8, X3, 64),                                 // 48
        r(Add, X6, X6, X8),                                 // 52
        s(Sb, X4, X3, 65),                                  // 56: byte 1
        i(Lb, X8, X3, 0),                                   // 60: image byte 0
        r(Add, X6, X6, X8),                                 // 64
        i(Lbu, X9, X3, 65),                                 // 68
        r(Add, X6, X6, X9),                                 // 72
        i(Lb, X8, X3, 2),                                   // 76: image byte 2
        r(Add, X6, X6, X8),                                 // 80
        s(Sb, X6, X3, 67),                                  // 84: byte 3
        s(Sh, X4, X3, 64),                                  // 88: lower half
        i(Lw, X8, X3, 64),                                  // 92: the merged word
        r(Xor, X6, X6, X8),                                 // 96
        i(Lw, 0, X3, 4),                                    // 100: a load into x0
        jal(X1, 44),                                        // 104: call FUNC
        addi(X3, X3, 4),                                    // 108
        addi(X4, X4, -1),                                   // 112
        b(Bne, X4, 0, -92),                                 // 116: to the loop
        zkvm_emulator::asm::auipc(X11, 0),                  // 120
        jalr(X1, X11, 28),                                  // 124: call FUNC through a register
        s(Sw, X6, reg::SP, -4),                             // 128: the stack
        i(Lw, X12, reg::SP, -4),                            // 132
        addi(reg::A0, X12, 0),                              // 136
        addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32), // 140
        ecall(),                                            // 144
        addi(X6, X6, 3),                                    // 148: FUNC
        jalr(0, X1, 1),                                     // 152: return (bit 0 cleared)
    ]);
    ElfBuilder::new(PROGRAM_START)
        .code(PROGRAM_START, &code)
        .data(DATA, &DATA_BYTES, 0x1000)
        .build()
}

const COL_OPS: usize = offset_of!(LoadStoreCols<u8>, ops);
const COL_VALUE: usize = offset_of!(LoadStoreCols<u8>, value);
const COL_ADDR: usize = offset_of!(LoadStoreCols<u8>, addr);
const COL_LANE: usize = offset_of!(LoadStoreCols<u8>, lane);
const COL_NEW: usize = offset_of!(LoadStoreCols<u8>, new);
const COL_CLK: usize = offset_of!(LoadStoreCols<u8>, clk);
const COL_PREV_TS: usize =
    offset_of!(LoadStoreCols<u8>, access) + offset_of!(MemoryAccessCols<u8>, prev_ts);
const COL_GAP_LO: usize =
    offset_of!(LoadStoreCols<u8>, access) + offset_of!(MemoryAccessCols<u8>, gap_lo);

fn u32_at(run: &Run, chip: usize, row: usize, col: usize) -> u32 {
    (0..4)
        .rev()
        .fold(0, |acc, l| acc << 8 | cell(&run.traces, chip, row, col + l).as_canonical_u32())
}

/// The `k`-th load/store row (from `from`) of instruction `op`.
fn row_of(run: &Run, op: u8, from: usize) -> usize {
    let index = opcodes::ALL.iter().position(|&c| c == op).unwrap();
    (from..run.traces[LOAD_STORE].height())
        .find(|&i| cell(&run.traces, LOAD_STORE, i, COL_OPS + index) == F::ONE)
        .unwrap()
}

#[test]
fn memory_opcodes_are_the_emulator_discriminants() {
    let ops = [Lb, Lh, Lw, Lbu, Lhu, Sb, Sh, Sw];
    assert_eq!(opcodes::ALL, ops.map(|op: Opcode| op as u8));
}

#[test]
fn execute_follows_the_emulator() {
    let prev = 0x8899_aabb;
    assert_eq!(LoadStoreEvent::execute(opcodes::LB, 0x1_0003, 0, prev), (0xffff_ff88, prev));
    assert_eq!(LoadStoreEvent::execute(opcodes::LBU, 0x1_0001, 0, prev), (0xaa, prev));
    assert_eq!(LoadStoreEvent::execute(opcodes::LH, 0x1_0002, 0, prev), (0xffff_8899, prev));
    assert_eq!(LoadStoreEvent::execute(opcodes::LHU, 0x1_0000, 0, prev), (0xaabb, prev));
    assert_eq!(LoadStoreEvent::execute(opcodes::SB, 0x1_0002, 0x1234_5677, prev).1, 0x8877_aabb);
    assert_eq!(LoadStoreEvent::execute(opcodes::SH, 0x1_0002, 0x1234_5677, prev).1, 0x5677_aabb);
    assert_eq!(LoadStoreEvent::execute(opcodes::SW, 0x1_0000, 7, prev).1, 7);
}

#[test]
fn replayed_accesses_match_the_emulator() {
    // The CPU's trace generation replays loads and stores on its own RAM; every access
    // (address, previous and new word, previous timestamp) must be the emulator's.
    let elf = memory_program(12);
    let run = run(&elf);
    let mut recorded = Vec::new();
    zkvm_emulator::Emulator::run_recording(&elf, Vec::new(), u64::MAX, |chunk| {
        let mut events: Vec<_> = chunk.load.iter().chain(&chunk.store).copied().collect();
        events.sort_unstable_by_key(|e| e.step.cycle);
        recorded = events;
    })
    .unwrap();
    let rom = &run.rom;
    let memory = crate::execution::image_memory(&rom.memory);
    let cpu = crate::chips::cpu::generate_trace::<F>(
        rom,
        &memory,
        &run.record.cpu,
        &mut crate::chips::byte::ByteRecord::new(),
    );
    assert_eq!(cpu.memory.len(), recorded.len());
    assert!(recorded.len() > 12 * 13);
    for (ours, theirs) in cpu.memory.iter().zip(&recorded) {
        assert_eq!(ours.addr, theirs.addr);
        assert_eq!(ours.addr & !3, theirs.access.addr);
        assert_eq!((ours.prev, ours.new), (theirs.access.prev_value, theirs.access.value));
        assert_eq!(ours.prev_ts, theirs.access.prev_timestamp);
        assert_eq!(ours.clk + TS_MEMORY as u64, theirs.access.timestamp);
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn memory_program_proof_verifies() {
    let run = run(&memory_program(40));
    std::eprintln!(
        "{} cycles, {} loads/stores, {} RAM rows",
        run.record.cpu.len(),
        run.traces[LOAD_STORE].height(),
        run.traces[crate::execution::chip_index::RAM].height()
    );
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(run.exit_code));
}

/// Prove the run with one load/store cell changed; the verifier must reject.
fn reject_with_cell(mut run: Run, row: usize, col: usize, value: F) {
    assert_ne!(cell(&run.traces, LOAD_STORE, row, col), value, "the cell already holds that value");
    set_cell(&mut run.traces, LOAD_STORE, row, col, value);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_loaded_value_is_rejected() {
    // The CPU writes another value to rd on an `LW` (rd write and the message agree): the
    // load/store chip's row no longer matches the message.
    let mut run = run(&memory_program(8));
    let row = (0..run.record.cpu.len())
        .filter(|&i| {
            cell(&run.traces, CPU, i, offset_of!(CpuCols<u8>, instruction)) == F::from_u8(Lw as u8)
        })
        .nth(5)
        .unwrap();
    let col = offset_of!(CpuCols<u8>, a) + 1;
    let old = cell(&run.traces, CPU, row, col);
    set_cell(&mut run.traces, CPU, row, col, old + F::ONE);
    // Keep the zero test's witness consistent, so that only the buses can tell.
    let sum: F = (0..4).map(|l| cell(&run.traces, CPU, row, offset_of!(CpuCols<u8>, a) + l)).sum();
    set_cell(&mut run.traces, CPU, row, offset_of!(CpuCols<u8>, a_is_zero), F::ZERO);
    set_cell(&mut run.traces, CPU, row, offset_of!(CpuCols<u8>, a_sum_inv), sum.inverse());
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_stored_value_is_rejected() {
    let run = run(&memory_program(8));
    let row = row_of(&run, opcodes::SW, 3);
    let old = cell(&run.traces, LOAD_STORE, row, COL_NEW + 1);
    reject_with_cell(run, row, COL_NEW + 1, old + F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_load_address_is_rejected() {
    // The load claims the word 256 bytes further on.
    let run = run(&memory_program(8));
    let row = row_of(&run, opcodes::LW, 5);
    let old = cell(&run.traces, LOAD_STORE, row, COL_ADDR + 1);
    reject_with_cell(run, row, COL_ADDR + 1, old + F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_access_clk_is_rejected() {
    let run = run(&memory_program(8));
    let row = row_of(&run, opcodes::LH, 4);
    let old = cell(&run.traces, LOAD_STORE, row, COL_CLK);
    reject_with_cell(run, row, COL_CLK, old + F::from_u8(4));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn stale_ram_read_is_rejected() {
    // A load claims the word's previous access one timestamp later, with the gap witness
    // kept consistent: only the MEMORY bus can tell.
    let mut run = run(&memory_program(8));
    let row = row_of(&run, opcodes::LW, 6);
    let prev_ts = cell(&run.traces, LOAD_STORE, row, COL_PREV_TS);
    let gap_lo = cell(&run.traces, LOAD_STORE, row, COL_GAP_LO);
    assert_ne!(gap_lo, F::ZERO);
    set_cell(&mut run.traces, LOAD_STORE, row, COL_PREV_TS, prev_ts + F::ONE);
    set_cell(&mut run.traces, LOAD_STORE, row, COL_GAP_LO, gap_lo - F::ONE);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_untouched_byte_is_rejected() {
    // An `SB` to byte 1 also changes byte 2 of the word.
    let run = run(&memory_program(8));
    let row = row_of(&run, opcodes::SB, 2);
    assert_eq!(cell(&run.traces, LOAD_STORE, row, COL_LANE + 1), F::ONE);
    let old = cell(&run.traces, LOAD_STORE, row, COL_NEW + 2);
    reject_with_cell(run, row, COL_NEW + 2, old + F::ONE);
}

/// `x9 = byte 1 of the data image` (through `lbu` or the given load), then halt with 0.
fn single_load(load: Opcode) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X3, DATA));
    code.extend([
        i(load, X9, X3, 1),
        addi(reg::A0, 0, 0),
        addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32),
        ecall(),
    ]);
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).data(DATA, &DATA_BYTES, 16).build()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn misaligned_word_load_is_rejected() {
    // `LW x9, 1(x3)` faults in the emulator. Forge its trace from the run of `LBU x9,
    // 1(x3)`, consistent everywhere but the alignment rule: the forged program's ROM has
    // `LW` there; the CPU row and the load/store row say `LW`; the value is what the `LW`
    // constraints select at lane 1 (bytes 1, 1, 2, 3 of the word), written to x9 and
    // left there (x9 is not read again). Only the alignment constraint can reject it.
    let mut run = run(&single_load(Lbu));
    let forged_rom = crate::chips::program::ProgramRom::from_elf(&single_load(Lw)).unwrap();
    let row = 0;
    assert_eq!(cell(&run.traces, LOAD_STORE, row, COL_LANE + 1), F::ONE);
    let prev = u32_at(&run, LOAD_STORE, row, offset_of!(LoadStoreCols<u8>, prev));
    let value = [prev >> 8, prev >> 8, prev >> 16, prev >> 24].map(|b| F::from_u32(b & 0xff));
    let index = |op: u8| opcodes::ALL.iter().position(|&c| c == op).unwrap();
    set_cell(&mut run.traces, LOAD_STORE, row, COL_OPS + index(opcodes::LBU), F::ZERO);
    set_cell(&mut run.traces, LOAD_STORE, row, COL_OPS + index(opcodes::LW), F::ONE);
    let cpu_row = 2;
    let opcode_col = offset_of!(CpuCols<u8>, instruction);
    assert_eq!(cell(&run.traces, CPU, cpu_row, opcode_col), F::from_u8(Lbu as u8));
    set_cell(&mut run.traces, CPU, cpu_row, opcode_col, F::from_u8(Lw as u8));
    let final_x9 = X9 as usize;
    let final_col = offset_of!(crate::chips::memory::RegisterFinalCols<u8>, value);
    for (l, v) in value.iter().enumerate() {
        set_cell(&mut run.traces, LOAD_STORE, row, COL_VALUE + l, *v);
        set_cell(&mut run.traces, CPU, cpu_row, offset_of!(CpuCols<u8>, a) + l, *v);
        set_cell(&mut run.traces, REGISTERS, final_x9, final_col + l, *v);
    }
    match prove_and_verify(&forged_rom, &run.traces, &run.public_values) {
        Err(zkvm_stark::VerifyError::Stark(reason)) => {
            std::eprintln!("rejected by a constraint as expected: {reason}");
        }
        other => panic!("expected a constraint failure, got {other:?}"),
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_aligned_load_baseline_verifies() {
    // The same forgery machinery on an aligned address proves and verifies, so the
    // rejection above is the alignment rule's.
    let run = run(&single_load(Lbu));
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn long_memory_program_proof_verifies() {
    // 2000 rounds: about 52k cycles (a 2^16-row CPU trace), 26k loads and stores.
    let run = run(&memory_program(2000));
    std::eprintln!(
        "{} cycles, {} load/store rows, {} RAM rows",
        run.record.cpu.len(),
        run.traces[LOAD_STORE].height(),
        run.traces[crate::execution::chip_index::RAM].height()
    );
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(run.exit_code));
}

// Stores and the code span.

/// Where [`around_code_program`] puts its code: a page above `MEMORY_START`, so that the
/// words just below the code are addressable.
const HIGH_CODE: u32 = PROGRAM_START + 0x1000;
const X5: u8 = 5;

const COL_ABOVE: usize =
    offset_of!(LoadStoreCols<u8>, outside_code) + offset_of!(OutsideCodeCols<u8>, above);
const COL_D_LO: usize =
    offset_of!(LoadStoreCols<u8>, outside_code) + offset_of!(OutsideCodeCols<u8>, d_lo);
const COL_D_MID: usize =
    offset_of!(LoadStoreCols<u8>, outside_code) + offset_of!(OutsideCodeCols<u8>, d_mid);
const COL_D_TOP: usize =
    offset_of!(LoadStoreCols<u8>, outside_code) + offset_of!(OutsideCodeCols<u8>, d_top);

/// Stores of every width into the bytes just below the code (`SW` at `base − 4`, `SH` at
/// `base − 2`, `SB` at `base − 1`) and just above it (`SW`, `SH`, `SB` at its end), loads
/// of the code's first and last words (allowed), and a halt with a checksum.
fn around_code_program() -> Vec<u8> {
    // 4 `li`s of two words each, then the body below: its length fixes the code's end.
    const BODY: u32 = 15;
    let end = HIGH_CODE + 4 * (8 + BODY + 2);
    let mut code = Vec::new();
    code.extend(li(X3, HIGH_CODE)); // the code's first byte
    code.extend(li(X4, end)); // one past its last byte
    code.extend(li(X7, 0x8765_4321));
    code.extend(li(X6, 0));
    let body = [
        s(Sw, X7, X3, -4), // the word just below the code
        s(Sh, X7, X3, -2),
        s(Sb, X4, X3, -1),
        s(Sw, X7, X4, 0), // the word just above it
        s(Sh, X4, X4, 2),
        s(Sb, X3, X4, 1),
        i(Lw, X8, X3, 0), // the code's first word
        r(Xor, X6, X6, X8),
        i(Lw, X8, X4, -4), // its last word
        r(Xor, X6, X6, X8),
        i(Lw, X8, X3, -4), // what the stores left
        r(Add, X6, X6, X8),
        i(Lw, X8, X4, 0),
        r(Add, X6, X6, X8),
        addi(reg::A0, X6, 0),
    ];
    assert_eq!(body.len() as u32, BODY);
    code.extend(body);
    code.extend([addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32), ecall()]);
    let elf = ElfBuilder::new(HIGH_CODE).code(HIGH_CODE, &code).build();
    let span = crate::chips::program::ProgramRom::from_elf(&elf).unwrap().code_span();
    assert_eq!((span.start, span.end), (HIGH_CODE >> 2, end >> 2));
    elf
}

/// The row of the `k`-th store (`SB`, `SH` or `SW`).
fn store_row(run: &Run, k: usize) -> usize {
    let stores = [opcodes::SB, opcodes::SH, opcodes::SW];
    (0..run.traces[LOAD_STORE].height())
        .filter(|&row| {
            stores.iter().any(|&op| {
                let index = opcodes::ALL.iter().position(|&c| c == op).unwrap();
                cell(&run.traces, LOAD_STORE, row, COL_OPS + index) == F::ONE
            })
        })
        .nth(k)
        .unwrap()
}

#[test]
fn around_code_program_stores_just_outside_the_code() {
    // The emulator runs it (no `StoreToCode`), and the witnesses are the expected
    // distances: 0 on both sides for the words adjacent to the span.
    let run = run(&around_code_program());
    let span = run.rom.code_span();
    for k in 0..6 {
        let row = store_row(&run, k);
        let addr = u32_at(&run, LOAD_STORE, row, COL_ADDR);
        let above = addr >> 2 >= span.end;
        assert_eq!(above, k >= 3, "store {k} at {addr:#x}");
        assert_eq!(cell(&run.traces, LOAD_STORE, row, COL_ABOVE), F::from_bool(above));
        for col in [COL_D_LO, COL_D_MID, COL_D_TOP] {
            assert_eq!(cell(&run.traces, LOAD_STORE, row, col), F::ZERO);
        }
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn stores_around_the_code_and_loads_of_code_verify() {
    let run = run(&around_code_program());
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(run.exit_code));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn flipped_above_is_rejected() {
    // The `SW` just below the code claims to be above it.
    let run = run(&around_code_program());
    let row = store_row(&run, 0);
    reject_with_cell(run, row, COL_ABOVE, F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_code_distance_limb_is_rejected() {
    // The `SW` just above the code claims a distance of 2^16 instead of 0.
    let run = run(&around_code_program());
    let row = store_row(&run, 3);
    reject_with_cell(run, row, COL_D_MID, F::ONE);
}

/// Where [`indirect_store`] keeps the address it stores to.
const POINTER: u32 = DATA;
/// The honest store target of [`forged_store_run`]'s recorded run.
const HONEST_TARGET: u32 = DATA + 0x40;
/// The pcs of [`indirect_store`]'s instructions that carry the target.
const LOAD_POINTER_PC: u32 = PROGRAM_START + 8;
const STORE_PC: u32 = PROGRAM_START + 20;
const LOAD_BACK_PC: u32 = PROGRAM_START + 24;

/// `x3 = [POINTER]` (the ELF's data word `target`), `[x3] = 0x1234_5678` (`SW`), then a
/// load of it back and a halt with it.
fn indirect_store(target: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X5, POINTER)); // 0, 4
    code.push(i(Lw, X3, X5, 0)); // 8
    code.extend(li(X4, 0x1234_5678)); // 12, 16
    code.push(s(Sw, X4, X3, 0)); // 20
    code.push(i(Lw, X9, X3, 0)); // 24
    code.extend([
        addi(reg::A0, X9, 0),
        addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32),
        ecall(),
    ]);
    ElfBuilder::new(PROGRAM_START)
        .code(PROGRAM_START, &code)
        .data(DATA, &target.to_le_bytes(), 0x1000)
        .build()
}

/// The traces of [`indirect_store`]`(target)` for a `target` the emulator may refuse:
/// the emulator runs `indirect_store(HONEST_TARGET)` and its record is moved to `target`
/// (the loaded pointer and the store's and the reload's `rs1`), then every trace is
/// generated from it against `target`'s ROM and image, so all chips agree (CPU, `ADD`,
/// load/store, RAM boundary, page and Merkle chips, byte table).
fn forged_store_run(target: u32) -> Run {
    let mut run = run(&indirect_store(HONEST_TARGET));
    for event in &mut run.record.cpu {
        match event.pc {
            LOAD_POINTER_PC => event.a = target,
            STORE_PC | LOAD_BACK_PC => event.b = target,
            _ => {}
        }
    }
    run.rom = crate::chips::program::ProgramRom::from_elf(&indirect_store(target)).unwrap();
    let traces = crate::execution::programs::traces_from_entry(&run.rom, &run.record);
    run.traces = traces.traces;
    run.public_values = traces.public_values;
    run
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_store_baseline_verifies() {
    // The forging machinery, moving the store to another data word: it proves, so the
    // rejections below are the code span's.
    let run = forged_store_run(DATA + 0x80);
    let row = store_row(&run, 0);
    assert_eq!(u32_at(&run, LOAD_STORE, row, COL_ADDR), DATA + 0x80);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(0x1234_5678));
}

#[test]
fn the_emulator_refuses_a_store_into_code() {
    let elf = indirect_store(PROGRAM_START + 8);
    let err = zkvm_emulator::Emulator::run(&elf, Vec::new()).unwrap_err();
    assert!(matches!(err, zkvm_emulator::EmuError::StoreToCode { .. }), "{err:?}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_store_into_code_is_rejected() {
    // The store moved onto the code's third word, everything else consistent; trace
    // generation fills the gadget as for a word below the code, with a distance that
    // wraps.
    let target = PROGRAM_START + 8;
    let run = forged_store_run(target);
    let row = store_row(&run, 0);
    assert_eq!(u32_at(&run, LOAD_STORE, row, COL_ADDR), target);
    assert!(run.rom.code_span().contains(target >> 2));
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

/// Move one byte-table request `op(x, y)` of the run to `op(x', y')` (the table's
/// multiplicity column), so that a changed limb leaves the `BYTE` bus balanced.
fn move_byte_request(run: &mut Run, op: ByteOp, from: (u32, u32), to: (u32, u32)) {
    use crate::execution::chip_index::BYTE;
    let col = op as usize;
    let (from, to) = (op.table_row(from.0, from.1), op.table_row(to.0, to.1));
    let count = cell(&run.traces, BYTE, from, col);
    assert_ne!(count, F::ZERO, "no such request");
    set_cell(&mut run.traces, BYTE, from, col, count - F::ONE);
    let count = cell(&run.traces, BYTE, to, col);
    set_cell(&mut run.traces, BYTE, to, col, count + F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_store_into_code_with_in_range_distance_is_rejected() {
    // The strongest forgery: the store into the code claims `above` with a distance of 0
    // (every limb in range, the byte table's counts moved to match), so every bus
    // balances and only the distance constraint can reject it.
    let mut run = forged_store_run(PROGRAM_START + 8);
    let row = store_row(&run, 0);
    let limb =
        |run: &Run, col| cell(run.traces.as_slice(), LOAD_STORE, row, col).as_canonical_u32();
    let (lo, mid, top) = (limb(&run, COL_D_LO), limb(&run, COL_D_MID), limb(&run, COL_D_TOP));
    move_byte_request(&mut run, ByteOp::U16, (lo, 0), (0, 0));
    move_byte_request(&mut run, ByteOp::Range, (mid, 0), (0, 0));
    move_byte_request(&mut run, ByteOp::Ltu, (top, 32), (0, 32));
    set_cell(&mut run.traces, LOAD_STORE, row, COL_ABOVE, F::ONE);
    for col in [COL_D_LO, COL_D_MID, COL_D_TOP] {
        set_cell(&mut run.traces, LOAD_STORE, row, col, F::ZERO);
    }
    match prove_and_verify(&run.rom, &run.traces, &run.public_values) {
        Err(zkvm_stark::VerifyError::Stark(reason)) => {
            std::eprintln!("rejected by a constraint as expected: {reason}");
        }
        other => panic!("expected a constraint failure, got {other:?}"),
    }
}
