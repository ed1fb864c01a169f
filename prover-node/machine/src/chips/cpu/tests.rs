//! Tests of the CPU: whole programs proven end to end (CPU, program ROM, registers, ALU
//! chips, byte table), and single corrupted cells the real verifier must reject.

extern crate std;

use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{Field, PrimeCharacteristicRing};
use p3_matrix::Matrix;

use super::{CpuCols, CpuPublicValues, NUM_CPU_COLS};
use crate::chips::memory::MemoryAccessCols;
use crate::chips::program::InstructionCols;
use crate::execution::chip_index::{CPU, REGISTERS};
use crate::execution::programs::{Run, mixed, prove_and_verify, run, sum_loop};
use crate::execution::{OutcomeError, run_outcome};
use crate::testing::{F, assert_rejected, cell, set_cell, u32_of};

const COL_PC: usize = offset_of!(CpuCols<u8>, pc);
const COL_A: usize = offset_of!(CpuCols<u8>, a);
const COL_B: usize = offset_of!(CpuCols<u8>, b);
const COL_CLK: usize = offset_of!(CpuCols<u8>, clk);
const COL_INSTRUCTION: usize = offset_of!(CpuCols<u8>, instruction);
const COL_RS1_PREV_TS: usize =
    offset_of!(CpuCols<u8>, rs1_access) + offset_of!(MemoryAccessCols<u8>, prev_ts);
const COL_RS1_GAP_LO: usize =
    offset_of!(CpuCols<u8>, rs1_access) + offset_of!(MemoryAccessCols<u8>, gap_lo);
const COL_RS2_PREV_TS: usize =
    offset_of!(CpuCols<u8>, rs2_access) + offset_of!(MemoryAccessCols<u8>, prev_ts);
const COL_RS2_GAP_LO: usize =
    offset_of!(CpuCols<u8>, rs2_access) + offset_of!(MemoryAccessCols<u8>, gap_lo);
const COL_RS2_GAP_HI: usize =
    offset_of!(CpuCols<u8>, rs2_access) + offset_of!(MemoryAccessCols<u8>, gap_hi);
const COL_A_IS_ZERO: usize = offset_of!(CpuCols<u8>, a_is_zero);
const COL_A_SUM_INV: usize = offset_of!(CpuCols<u8>, a_sum_inv);
const COL_OPCODE: usize = COL_INSTRUCTION + offset_of!(InstructionCols<u8>, opcode);
const COL_IMM_C: usize = COL_INSTRUCTION + offset_of!(InstructionCols<u8>, imm_c);
const COL_WRITES_RD: usize = COL_INSTRUCTION + offset_of!(InstructionCols<u8>, writes_rd);
const COL_BRANCH_TAKEN: usize = offset_of!(CpuCols<u8>, branch_taken);
const COL_EXIT0: usize = offset_of!(CpuPublicValues<u8>, exit_code);

fn row(run: &Run, i: usize) -> CpuCols<F> {
    let r = run.traces[CPU].row_slice(i).unwrap();
    *(*r).borrow()
}

/// Index of the first real row whose ROM instruction has opcode `op`.
fn first_row_with(run: &Run, op: zkvm_emulator::Opcode) -> usize {
    (0..run.record.cpu.len())
        .find(|&i| row(run, i).instruction.opcode == F::from_u8(op as u8))
        .unwrap()
}

#[test]
fn sum_loop_trace_matches_the_emulator() {
    let run = run(&sum_loop(300));
    assert_eq!(run.exit_code, 45_150);
    assert_eq!(run.record.cpu.len(), 3 * 300 + 9);
    let trace = &run.traces[CPU];
    assert_eq!(trace.width(), NUM_CPU_COLS);
    assert_eq!(trace.height(), 1024);
    let pv: &CpuPublicValues<F> = run.public_values[CPU].as_slice().borrow();
    assert_eq!(pv.start_pc, F::from_u32(run.rom.entry));
    assert_eq!(pv.halted, F::ONE);
    assert_eq!(u32_of(pv.exit_code.0), 45_150);
    let last = row(&run, run.record.cpu.len() - 1);
    assert_eq!(last.instruction.is_halt, F::ONE);
    assert_eq!(pv.end_pc, last.pc + F::from_u32(4));
    // Padding rows stay at the end pc and keep counting clk.
    let pad = row(&run, 1000);
    assert_eq!((pad.is_real, pad.pc, pad.next_pc), (F::ZERO, pv.end_pc, pv.end_pc));
    assert_eq!(pad.clk, F::from_u32(4 * 1001));
    // The register file ends as the emulator's: a0 holds the sum, written at the last
    // ADDI's rd timestamp.
    let regs = &run.traces[REGISTERS];
    let a0 = regs.row_slice(zkvm_abi::reg::A0 as usize).unwrap();
    assert_eq!(u32_of([a0[0], a0[1], a0[2], a0[3]]), 45_150);
    // What a verifier reads back.
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(45_150));
    let mut moved = run.public_values.clone();
    moved[CPU][0] += F::from_u32(4);
    assert!(matches!(run_outcome(&run.rom, &moved), Err(OutcomeError::StartPc { .. })));
    let mut unhalted = run.public_values.clone();
    unhalted[CPU][2] = F::ZERO;
    assert_eq!(run_outcome(&run.rom, &unhalted), Err(OutcomeError::NotHalted));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn sum_loop_proof_verifies() {
    let run = run(&sum_loop(300));
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(45_150));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn mixed_program_proof_verifies() {
    let run = run(&mixed(100));
    assert!(run.record.cpu.len() > 800);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn long_sum_loop_proof_verifies() {
    // 3·20_000 + 9 cycles: a 2^16-row CPU trace.
    let run = run(&sum_loop(20_000));
    assert_eq!(run.exit_code, 20_000u32 * 20_001 / 2);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
}

/// Prove the run with one CPU cell changed; the verifier must reject.
fn reject_with_cpu_cell(mut run: Run, row: usize, col: usize, value: F) {
    assert_ne!(cell(&run.traces, CPU, row, col), value, "the cell already holds that value");
    set_cell(&mut run.traces, CPU, row, col, value);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

/// Assert the verifier rejected the proof because a bus does not balance.
pub(crate) fn assert_unbalanced(result: Result<(), zkvm_stark::VerifyError>) {
    match result {
        Err(zkvm_stark::VerifyError::Lookup(reason)) => {
            std::eprintln!("rejected by the bus balance as expected: {reason}");
        }
        other => panic!("expected an unbalanced bus, got {other:?}"),
    }
}

/// Set `a` of a CPU row, with the zero test's witness kept consistent, so that only the
/// buses can tell.
fn set_a(run: &mut Run, row: usize, value: u32) {
    for (l, byte) in value.to_le_bytes().into_iter().enumerate() {
        set_cell(&mut run.traces, CPU, row, COL_A + l, F::from_u8(byte));
    }
    let sum: u32 = value.to_le_bytes().iter().map(|&b| b as u32).sum();
    set_cell(&mut run.traces, CPU, row, COL_A_IS_ZERO, F::from_bool(sum == 0));
    set_cell(
        &mut run.traces,
        CPU,
        row,
        COL_A_SUM_INV,
        F::from_u32(sum).try_inverse().unwrap_or(F::ZERO),
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_register_write_is_rejected() {
    // The malicious prover writes 1 more into rd on an `ADD x2, x2, x1` of the loop.
    let mut run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Add) + 3 * 10;
    let old = u32_of(row(&run, i).a.0);
    set_a(&mut run, i, old + 1);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_register_read_is_rejected() {
    let run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Addi) + 3 * 7;
    let old = cell(&run.traces, CPU, i, COL_B);
    reject_with_cpu_cell(run, i, COL_B, old + F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_read_timestamp_is_rejected() {
    // The read claims its previous access one timestamp later, with the gap witness
    // adjusted so that the range check still holds: the MEMORY bus must catch it.
    let mut run = run(&sum_loop(50));
    let i = 40;
    let prev_ts = cell(&run.traces, CPU, i, COL_RS1_PREV_TS);
    let gap_lo = cell(&run.traces, CPU, i, COL_RS1_GAP_LO);
    assert_ne!(gap_lo, F::ZERO);
    set_cell(&mut run.traces, CPU, i, COL_RS1_PREV_TS, prev_ts + F::ONE);
    set_cell(&mut run.traces, CPU, i, COL_RS1_GAP_LO, gap_lo - F::ONE);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn replayed_register_read_is_rejected() {
    // `BNE x1, x0` reads x0 (always 0) as rs2 on every iteration. One read claims as its
    // previous access the x0 read of the iteration before last: same value, valid gap,
    // same EXECUTION message; only the memory argument can see that message was already
    // taken.
    let mut run = run(&sum_loop(50));
    let first = first_row_with(&run, zkvm_emulator::Opcode::Bne);
    let i = first + 3 * 5;
    let rs2_ts = |row: usize| 4 * (row as u64 + 1) + 1;
    assert_eq!(cell(&run.traces, CPU, i, COL_RS2_PREV_TS), F::from_u64(rs2_ts(i - 3)));
    let older = rs2_ts(i - 6);
    let gap = rs2_ts(i) - older - 1;
    set_cell(&mut run.traces, CPU, i, COL_RS2_PREV_TS, F::from_u64(older));
    set_cell(&mut run.traces, CPU, i, COL_RS2_GAP_LO, F::from_u64(gap & 0xffff));
    set_cell(&mut run.traces, CPU, i, COL_RS2_GAP_HI, F::from_u64(gap >> 16));
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_clk_is_rejected() {
    let run = run(&sum_loop(50));
    let old = cell(&run.traces, CPU, 30, COL_CLK);
    reject_with_cpu_cell(run, 30, COL_CLK, old + F::from_u32(4));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn skipped_instruction_is_rejected() {
    // Row 20 claims the pc after its own: the instruction in between is skipped.
    let run = run(&sum_loop(50));
    let old = cell(&run.traces, CPU, 20, COL_PC);
    reject_with_cpu_cell(run, 20, COL_PC, old + F::from_u32(4));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_selector_is_rejected() {
    // An `ADD` row claims its second operand is the immediate.
    let run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Add);
    reject_with_cpu_cell(run, i, COL_IMM_C, F::ONE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_opcode_is_rejected() {
    // An `ADD` row claims to be a `SUB`: no constraint of the row reads the opcode, only the
    // PROGRAM lookup can tell.
    let mut run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Add);
    set_cell(&mut run.traces, CPU, i, COL_OPCODE, F::from_u8(zkvm_emulator::Opcode::Sub as u8));
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn suppressed_register_write_is_rejected() {
    // The `ADDI x1, x1, -1` of the loop claims not to write x1: the loop would never end.
    let run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Addi) + 3 * 5;
    reject_with_cpu_cell(run, i, COL_WRITES_RD, F::ZERO);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn branch_decision_flip_is_rejected() {
    let run = run(&sum_loop(50));
    let i = first_row_with(&run, zkvm_emulator::Opcode::Bne);
    assert_eq!(cell(&run.traces, CPU, i, COL_BRANCH_TAKEN), F::ONE);
    reject_with_cpu_cell(run, i, COL_BRANCH_TAKEN, F::ZERO);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_exit_code_public_value_is_rejected() {
    let mut run = run(&sum_loop(50));
    run.public_values[CPU][COL_EXIT0] += F::ONE;
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

const COL_JALR_LSB: usize = offset_of!(CpuCols<u8>, jalr_lsb);
const COL_NEXT_PC: usize = offset_of!(CpuCols<u8>, next_pc);

/// Index of the first real row of the memory test program whose ROM instruction is a
/// `JALR` with bit 0 of its jump address set (the function's return).
fn odd_jalr_row(run: &Run) -> usize {
    (0..run.record.cpu.len())
        .find(|&i| {
            row(run, i).instruction.opcode == F::from_u8(zkvm_emulator::Opcode::Jalr as u8)
                && cell(&run.traces, CPU, i, COL_JALR_LSB) == F::ONE
        })
        .unwrap()
}

#[test]
fn jalr_rows_follow_the_emulator() {
    let run = run(&crate::chips::load_store::tests::memory_program(2));
    let i = odd_jalr_row(&run);
    let r = row(&run, i);
    // `jalr x0, x1, 1` returns to ra: the jump address is ra + 1, its bit 0 cleared.
    assert_eq!(u32_of(r.addr.0), run.record.cpu[i].next_pc + 1);
    assert_eq!(r.next_pc, F::from_u32(run.record.cpu[i].next_pc));
    assert_eq!(row(&run, i + 1).pc, r.next_pc);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn jalr_lsb_tampering_is_rejected() {
    // The return claims its jump address was even: the target is off by one.
    let run = run(&crate::chips::load_store::tests::memory_program(2));
    let i = odd_jalr_row(&run);
    reject_with_cpu_cell(run, i, COL_JALR_LSB, F::ZERO);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn jalr_target_tampering_is_rejected() {
    // The return goes to the next instruction of the caller instead, and the rows after
    // it follow that path (pc only: every other cell is the real path's).
    let mut run = run(&crate::chips::load_store::tests::memory_program(2));
    let i = odd_jalr_row(&run);
    let target = cell(&run.traces, CPU, i, COL_NEXT_PC);
    set_cell(&mut run.traces, CPU, i, COL_NEXT_PC, target + F::from_u8(4));
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}
