//! The code span against the syscalls that write RAM: `READ_INPUT` (the IO bytes chip, one
//! check per written word) and `KECCAK_PERMUTE` (the Keccak chip, one check per
//! permutation). Writes just outside the code prove; runs the emulator refuses
//! (`StoreToCode`), forged consistently across every chip, are rejected by the real
//! verifier, and so are single witnesses changed on a valid run.

extern crate std;

use alloc::vec::Vec;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use zkvm_abi::memory::PROGRAM_START;
use zkvm_abi::reg;
use zkvm_abi::syscall::{HALT, KECCAK_PERMUTE, READ_INPUT};
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{ElfBuilder, addi, ecall, i, li, r};
use zkvm_stark::VerifyError;

use super::chip_index::{BYTE, IO_BYTES, KECCAK};
use super::programs::{Run, prove_and_verify_io, run_io};
use super::run_outcome;
use crate::bus::ByteOp;
use crate::chips::io::IoWordAccess;
use crate::chips::io::bytes::IoBytesCols;
use crate::chips::io::tests::bytes_rows_of;
use crate::chips::keccak::{
    KeccakPermuteCols, ROWS_PER_PERMUTATION, STATE_WORDS, overlapping_pointers,
};
use crate::chips::memory::OutsideCodeCols;
use crate::chips::program::ProgramRom;
use crate::testing::{F, assert_rejected, cell, set_cell};

/// Where the programs put their code: a page above `MEMORY_START`, so that the words just
/// below it are addressable.
const HIGH_CODE: u32 = PROGRAM_START + 0x1000;
/// Where the forging programs keep the address they write through (the page after the
/// code).
const POINTER: u32 = HIGH_CODE + 0x1000;
/// Bytes of the Keccak state.
const STATE_BYTES: u32 = 4 * STATE_WORDS as u32;
/// Lane 0 of Keccak-f\[1600\] of the all-zero state.
const ZERO_STATE_LANE_0: u64 = 0xF125_8F79_40E1_DDE7;

const X3: u8 = 3;
const X4: u8 = 4;
const X5: u8 = 5;
const X8: u8 = 8;
const X9: u8 = 9;

/// The first column of the code-span witness in each chip's row.
const IO_WITNESS: usize = offset_of!(IoBytesCols<u8>, outside_code);
const KECCAK_WITNESS: usize = offset_of!(KeccakPermuteCols<u8>, outside_code);

/// The end of a program: `a0 = src`, `t0 = HALT`, `ECALL`.
fn halt_with(src: u8) -> [u32; 3] {
    [addi(reg::A0, src, 0), addi(reg::SYSCALL_NUMBER, 0, HALT as i32), ecall()]
}

/// The ELF of `code(end)` at [`HIGH_CODE`], `end` being one past its last byte (the code's
/// length must not depend on `end`).
fn high_code_elf(code: impl Fn(u32) -> Vec<u32>) -> Vec<u8> {
    let end = HIGH_CODE + 4 * code(0).len() as u32;
    let elf = ElfBuilder::new(HIGH_CODE).code(HIGH_CODE, &code(end)).build();
    let span = ProgramRom::from_elf(&elf).unwrap().code_span();
    assert_eq!((span.start, span.end), (HIGH_CODE >> 2, end >> 2));
    elf
}

/// The witness `(above, d)` at `col` (its first column) of `chip`'s row `row`.
fn witness(run: &Run, chip: usize, row: usize, col: usize) -> (bool, u32) {
    let at = |field: usize| cell(&run.traces, chip, row, col + field).as_canonical_u32();
    let above = at(offset_of!(OutsideCodeCols<u8>, above));
    assert!(above <= 1);
    let d = at(offset_of!(OutsideCodeCols<u8>, d_lo))
        | at(offset_of!(OutsideCodeCols<u8>, d_mid)) << 16
        | at(offset_of!(OutsideCodeCols<u8>, d_top)) << 24;
    (above == 1, d)
}

/// Set the witness at `col` of `chip`'s row `row` to `(above, d)` with `d < 2^29`, and move
/// the byte table's counts from the old limbs' requests to the new ones (as a forger
/// would), so that every bus still balances and only the distance constraint can reject.
fn set_witness(run: &mut Run, chip: usize, row: usize, col: usize, above: bool, d: u32) {
    assert!(d < 1 << 29);
    let field = |f: usize| col + f;
    let limbs = [
        (field(offset_of!(OutsideCodeCols<u8>, d_lo)), ByteOp::U16, 0, d & 0xffff),
        (field(offset_of!(OutsideCodeCols<u8>, d_mid)), ByteOp::Range, 0, (d >> 16) & 0xff),
        (field(offset_of!(OutsideCodeCols<u8>, d_top)), ByteOp::Ltu, 32, d >> 24),
    ];
    for (limb, op, y, new) in limbs {
        let old = cell(&run.traces, chip, row, limb).as_canonical_u32();
        let (from, to) = (op.table_row(old, y), op.table_row(new, y));
        let count = cell(&run.traces, BYTE, from, op as usize);
        assert_ne!(count, F::ZERO, "no such request");
        set_cell(&mut run.traces, BYTE, from, op as usize, count - F::ONE);
        let count = cell(&run.traces, BYTE, to, op as usize);
        set_cell(&mut run.traces, BYTE, to, op as usize, count + F::ONE);
        set_cell(&mut run.traces, chip, row, limb, F::from_u32(new));
    }
    let above_col = field(offset_of!(OutsideCodeCols<u8>, above));
    set_cell(&mut run.traces, chip, row, above_col, F::from_bool(above));
}

/// The verifier must reject the run by a constraint (every bus balances).
fn assert_constraint_rejects(run: &Run) {
    match prove_and_verify_io(run) {
        Err(VerifyError::Stark(reason)) => {
            std::eprintln!("rejected by a constraint as expected: {reason}");
        }
        other => panic!("expected a constraint failure, got {other:?}"),
    }
}

// READ_INPUT.

/// The 7 input bytes [`read_around_code`] reads.
const READ_INPUT_BYTES: [u8; 7] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];

/// `READ_INPUT` of 3 bytes into the last 3 bytes below the code (lanes 1..3 of the word
/// just below it), and of 4 bytes into the word just after it; loads of both words, and a
/// halt with their XOR.
fn read_around_code() -> Vec<u8> {
    high_code_elf(|end| {
        let mut code = Vec::new();
        code.extend(li(X3, HIGH_CODE));
        code.extend(li(X4, end));
        code.extend([
            addi(reg::A0, X3, -3),
            addi(reg::A1, 0, 3),
            addi(reg::SYSCALL_NUMBER, 0, READ_INPUT as i32),
            ecall(),
            addi(reg::A0, X4, 0),
            addi(reg::A1, 0, 4),
            ecall(),
            i(Lw, X8, X3, -4),
            i(Lw, X9, X4, 0),
            r(Xor, X9, X9, X8),
        ]);
        code.extend(halt_with(X9));
        code
    })
}

/// The exit code of [`read_around_code`]: the word below the code (byte 0 untouched, zero)
/// XOR the word after it.
fn read_around_code_exit() -> u32 {
    let b = READ_INPUT_BYTES;
    u32::from_le_bytes([0, b[0], b[1], b[2]]) ^ u32::from_le_bytes([b[3], b[4], b[5], b[6]])
}

/// The IO bytes rows of the `n`-th `READ_INPUT` (one word each here).
fn read_row(run: &Run, n: usize) -> usize {
    let call = run.record.io.iter().filter(|c| c.number == READ_INPUT).nth(n).unwrap();
    let rows = bytes_rows_of(run, call.clk);
    assert_eq!(rows.len(), 1);
    rows[0]
}

#[test]
fn reads_around_the_code_have_distance_zero() {
    // The emulator runs it (no `StoreToCode`); the witnesses are distance 0 below and above.
    let (run, summary) = run_io(&read_around_code(), &READ_INPUT_BYTES);
    assert_eq!(summary.exit_code, read_around_code_exit());
    assert_eq!(witness(&run, IO_BYTES, read_row(&run, 0), IO_WITNESS), (false, 0));
    assert_eq!(witness(&run, IO_BYTES, read_row(&run, 1), IO_WITNESS), (true, 0));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn reads_around_the_code_verify() {
    let (run, _) = run_io(&read_around_code(), &READ_INPUT_BYTES);
    prove_and_verify_io(&run).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(read_around_code_exit()));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn read_with_flipped_above_is_rejected() {
    // The read just below the code claims to be above it.
    let (mut run, _) = run_io(&read_around_code(), &READ_INPUT_BYTES);
    let row = read_row(&run, 0);
    set_witness(&mut run, IO_BYTES, row, IO_WITNESS, true, 0);
    assert_constraint_rejects(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn read_with_corrupt_distance_limb_is_rejected() {
    // The read just after the code claims a distance of 2^16 (`d_mid = 1`) instead of 0.
    let (mut run, _) = run_io(&read_around_code(), &READ_INPUT_BYTES);
    let row = read_row(&run, 1);
    set_witness(&mut run, IO_BYTES, row, IO_WITNESS, true, 1 << 16);
    assert_constraint_rejects(&run);
}

/// The honest target of [`forged_read_run`]'s recorded run.
const HONEST_READ: u32 = POINTER + 0x40;
/// The pcs of [`indirect_read`]'s instructions that carry the target.
const READ_LOAD_POINTER_PC: u32 = HIGH_CODE + 8;
const READ_MOVE_PC: u32 = HIGH_CODE + 12;
const READ_ECALL_PC: u32 = HIGH_CODE + 24;
const READ_LOAD_BACK_PC: u32 = HIGH_CODE + 28;
/// The input of [`indirect_read`]: one word.
const INDIRECT_INPUT: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];

/// `x3 = [POINTER]` (the ELF's data word `target`), a `READ_INPUT` of 4 bytes to `x3`, a
/// load of the word back, and a halt with it.
fn indirect_read(target: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X5, POINTER)); // 0, 4
    code.extend([
        i(Lw, X3, X5, 0),                                // 8
        addi(reg::A0, X3, 0),                            // 12
        addi(reg::A1, 0, 4),                             // 16
        addi(reg::SYSCALL_NUMBER, 0, READ_INPUT as i32), // 20
        ecall(),                                         // 24
        i(Lw, X9, X3, 0),                                // 28
    ]);
    code.extend(halt_with(X9));
    ElfBuilder::new(HIGH_CODE)
        .code(HIGH_CODE, &code)
        .data(POINTER, &target.to_le_bytes(), 0x1000)
        .build()
}

/// The traces of [`indirect_read`]`(target)` for a word-aligned `target` the emulator may
/// refuse: the emulator runs `indirect_read(HONEST_READ)` and its record is moved to
/// `target` (the loaded pointer, `a0`, the call's pointer and word with the target word's
/// initial value, the reload's `rs1`), then every trace is generated from it against
/// `target`'s ROM and image, so all chips agree. The reload still sees the input's word
/// (the read replaces the whole word).
fn forged_read_run(target: u32) -> Run {
    assert_eq!(target % 4, 0);
    let (mut run, _) = run_io(&indirect_read(HONEST_READ), &INDIRECT_INPUT);
    for event in &mut run.record.cpu {
        match event.pc {
            READ_LOAD_POINTER_PC => event.a = target,
            READ_MOVE_PC => (event.a, event.b) = (target, target),
            READ_ECALL_PC => event.c = target,
            READ_LOAD_BACK_PC => event.b = target,
            _ => {}
        }
    }
    run.rom = ProgramRom::from_elf(&indirect_read(target)).unwrap();
    let [call] = run.record.io.as_mut_slice() else { panic!("one IO call") };
    assert_eq!(call.a0, HONEST_READ);
    call.a0 = target;
    call.words = alloc::vec![IoWordAccess {
        word: target >> 2,
        prev: run.rom.memory.get(target >> 2),
        new: u32::from_le_bytes(INDIRECT_INPUT),
        prev_ts: 0,
    }];
    let traces = crate::execution::programs::traces_from_entry(&run.rom, &run.record);
    run.traces = traces.traces;
    run.public_values = traces.public_values;
    run
}

#[test]
fn the_emulator_refuses_a_read_into_code() {
    let elf = indirect_read(last_code_word());
    let err = zkvm_emulator::Emulator::run(&elf, INDIRECT_INPUT.to_vec()).unwrap_err();
    assert!(matches!(err, zkvm_emulator::EmuError::StoreToCode { .. }), "{err:?}");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_read_baseline_verifies() {
    // The forging machinery, moving the read to the word just below the code: it proves, so
    // the rejections below are the code span's.
    let run = forged_read_run(HIGH_CODE - 4);
    assert_eq!(witness(&run, IO_BYTES, read_row(&run, 0), IO_WITNESS), (false, 0));
    prove_and_verify_io(&run).expect("a valid proof verifies");
    let exit = u32::from_le_bytes(INDIRECT_INPUT);
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(exit));
}

/// The code's last word: [`indirect_read`]'s forgery target.
fn last_code_word() -> u32 {
    4 * ProgramRom::from_elf(&indirect_read(0)).unwrap().code_span().end - 4
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_read_into_code_is_rejected() {
    // The read moved onto the code's last word, everything else consistent; trace
    // generation fills the witness as for a word below the code, with a distance that
    // wraps (its top limb fails the byte table).
    let target = last_code_word();
    let run = forged_read_run(target);
    assert!(run.rom.code_span().contains(target >> 2));
    assert_rejected(prove_and_verify_io(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_read_into_code_with_in_range_distance_is_rejected() {
    // The strongest forgery: the read into the code claims `above` with a distance of 0
    // (every limb in range, the byte table's counts moved to match), so every bus balances
    // and only the distance constraint can reject it.
    let mut run = forged_read_run(last_code_word());
    let row = read_row(&run, 0);
    set_witness(&mut run, IO_BYTES, row, IO_WITNESS, true, 0);
    assert_constraint_rejects(&run);
}

// KECCAK_PERMUTE.

/// `KECCAK_PERMUTE` on the (zero) state ending just before the code, and on the (zero)
/// state starting just after it; loads of both states' word 0, and a halt with their sum.
fn keccak_around_code() -> Vec<u8> {
    high_code_elf(|end| {
        let mut code = Vec::new();
        code.extend(li(X3, HIGH_CODE - STATE_BYTES));
        code.extend(li(X4, end));
        code.extend([
            addi(reg::A0, X3, 0),
            addi(reg::SYSCALL_NUMBER, 0, KECCAK_PERMUTE as i32),
            ecall(),
            addi(reg::A0, X4, 0),
            ecall(),
            i(Lw, X8, X3, 0),
            i(Lw, X9, X4, 0),
            r(Add, X9, X9, X8),
        ]);
        code.extend(halt_with(X9));
        code
    })
}

/// The Keccak chip's round-0 row of permutation `p`.
fn call_row(p: usize) -> usize {
    p * ROWS_PER_PERMUTATION
}

#[test]
fn states_around_the_code_have_distance_zero() {
    let (run, summary) = run_io(&keccak_around_code(), &[]);
    assert_eq!(summary.exit_code, (ZERO_STATE_LANE_0 as u32).wrapping_mul(2));
    assert_eq!(witness(&run, KECCAK, call_row(0), KECCAK_WITNESS), (false, 0));
    assert_eq!(witness(&run, KECCAK, call_row(1), KECCAK_WITNESS), (true, 0));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn states_around_the_code_verify() {
    let (run, summary) = run_io(&keccak_around_code(), &[]);
    prove_and_verify_io(&run).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(summary.exit_code));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn keccak_with_flipped_above_is_rejected() {
    // The state just after the code claims to be below it.
    let (mut run, _) = run_io(&keccak_around_code(), &[]);
    set_witness(&mut run, KECCAK, call_row(1), KECCAK_WITNESS, false, 0);
    assert_constraint_rejects(&run);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn keccak_with_corrupt_distance_limb_is_rejected() {
    // The state just before the code claims a distance of 2^24 (`d_top = 1`) instead of 0.
    let (mut run, _) = run_io(&keccak_around_code(), &[]);
    set_witness(&mut run, KECCAK, call_row(0), KECCAK_WITNESS, false, 1 << 24);
    assert_constraint_rejects(&run);
}

/// The honest state of [`forged_keccak_run`]'s recorded run.
const HONEST_STATE: u32 = POINTER + 0x100;
/// The pcs of [`indirect_keccak`]'s instructions that carry the state pointer.
const KECCAK_LOAD_POINTER_PC: u32 = HIGH_CODE + 8;
const KECCAK_ECALL_PC: u32 = HIGH_CODE + 16;

/// `a0 = [POINTER]` (the ELF's data word `target`), `KECCAK_PERMUTE`, and a halt with its
/// result (0).
fn indirect_keccak(target: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X5, POINTER)); // 0, 4
    code.extend([
        i(Lw, reg::A0, X5, 0),                               // 8
        addi(reg::SYSCALL_NUMBER, 0, KECCAK_PERMUTE as i32), // 12
        ecall(),                                             // 16
        addi(reg::SYSCALL_NUMBER, 0, HALT as i32),           // 20
        ecall(),                                             // 24
    ]);
    ElfBuilder::new(HIGH_CODE)
        .code(HIGH_CODE, &code)
        .data(POINTER, &target.to_le_bytes(), 0x1000)
        .build()
}

/// The traces of [`indirect_keccak`]`(target)` for a word-aligned `target` the emulator may
/// refuse: the emulator runs `indirect_keccak(HONEST_STATE)` and its record is moved to
/// `target` (the loaded pointer, the call's `a0`, the call's state: the initial words of
/// `target`'s image and their permutation), then every trace is generated from it against
/// `target`'s ROM and image, so all chips agree.
fn forged_keccak_run(target: u32) -> Run {
    assert_eq!(target % 4, 0);
    let (mut run, _) = run_io(&indirect_keccak(HONEST_STATE), &[]);
    for event in &mut run.record.cpu {
        match event.pc {
            KECCAK_LOAD_POINTER_PC => event.a = target,
            KECCAK_ECALL_PC => event.c = target,
            _ => {}
        }
    }
    run.rom = ProgramRom::from_elf(&indirect_keccak(target)).unwrap();
    let [call] = run.record.keccak.as_mut_slice() else { panic!("one Keccak call") };
    assert_eq!(call.ptr, HONEST_STATE);
    call.ptr = target;
    call.input = core::array::from_fn(|w| run.rom.memory.get((target >> 2) + w as u32));
    let mut lanes = call.input_lanes();
    ::keccak::Keccak::new().with_f1600(|f1600| f1600(&mut lanes));
    call.output = core::array::from_fn(|w| (lanes[w / 2] >> (32 * (w % 2))) as u32);
    let traces = crate::execution::programs::traces_from_entry(&run.rom, &run.record);
    run.traces = traces.traces;
    run.public_values = traces.public_values;
    run
}

/// The state pointer whose last word is the code's first: [`indirect_keccak`]'s forgery
/// target, the lowest pointer the emulator refuses.
const STATE_ON_FIRST_CODE_WORD: u32 = HIGH_CODE - STATE_BYTES + 4;

#[test]
fn the_emulator_refuses_a_state_on_the_code() {
    let code = ProgramRom::from_elf(&indirect_keccak(0)).unwrap().code_span();
    assert!(overlapping_pointers(code).contains(STATE_ON_FIRST_CODE_WORD >> 2));
    let elf = indirect_keccak(STATE_ON_FIRST_CODE_WORD);
    let err = zkvm_emulator::Emulator::run(&elf, Vec::new()).unwrap_err();
    assert!(matches!(err, zkvm_emulator::EmuError::StoreToCode { .. }), "{err:?}");
    // One word lower, the state ends just before the code: the emulator runs it.
    let elf = indirect_keccak(STATE_ON_FIRST_CODE_WORD - 4);
    zkvm_emulator::Emulator::run(&elf, Vec::new()).expect("a state just below the code runs");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_keccak_baseline_verifies() {
    // The forging machinery, moving the state to end just before the code: it proves, so
    // the rejections below are the code span's.
    let run = forged_keccak_run(STATE_ON_FIRST_CODE_WORD - 4);
    assert_eq!(witness(&run, KECCAK, call_row(0), KECCAK_WITNESS), (false, 0));
    prove_and_verify_io(&run).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(0));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_keccak_onto_code_is_rejected() {
    // The state moved one word up, so that its last word is the code's first (it reads and
    // rewrites that instruction word), everything else consistent; trace generation fills
    // the witness with a distance that wraps.
    let run = forged_keccak_run(STATE_ON_FIRST_CODE_WORD);
    assert_rejected(prove_and_verify_io(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_keccak_onto_code_with_in_range_distance_is_rejected() {
    // The same, claiming a state below the code at distance 0 (limbs in range, the byte
    // table's counts moved to match): every bus balances, the distance constraint rejects.
    let mut run = forged_keccak_run(STATE_ON_FIRST_CODE_WORD);
    set_witness(&mut run, KECCAK, call_row(0), KECCAK_WITNESS, false, 0);
    assert_constraint_rejects(&run);
}
