//! Syscalls proven end to end: the CPU's `SYSCALL` messages answered by the Keccak chip
//! (with the state's words in the RAM boundary), and corrupted cells the real verifier
//! must reject.

extern crate std;

use core::mem::{offset_of, size_of};

use p3_field::{PrimeCharacteristicRing, PrimeField32};

use super::chip_index::{CPU, KECCAK};
use super::programs::{
    KECCAK_EXIT_WORD, Run, keccak_program, keccak_program_input, prove_and_verify, run,
};
use super::run_outcome;
use crate::chips::cpu::CpuCols;
use crate::chips::keccak::{
    KeccakPermuteCols, KeccakSlotCols, NUM_SLOTS, ROWS_PER_PERMUTATION, slot_word,
};
use crate::chips::memory::MemoryAccessCols;
use crate::testing::{F, assert_rejected, cell, set_cell};

const COL_IS_SYSCALL: usize = offset_of!(CpuCols<u8>, is_syscall);
const COL_T0_SUM_INV: usize = offset_of!(CpuCols<u8>, t0_sum_inv);
const COL_KECCAK_CLK: usize = offset_of!(KeccakPermuteCols<u8>, clk);
const COL_SLOTS: usize = offset_of!(KeccakPermuteCols<u8>, slots);
const COL_SLOT0_OUTPUT: usize = COL_SLOTS + offset_of!(KeccakSlotCols<u8>, output);
const COL_SLOT_GAP_LO: usize =
    offset_of!(KeccakSlotCols<u8>, access) + offset_of!(MemoryAccessCols<u8>, gap_lo);

/// The exit code `keccak_program` must end with, from the `keccak` crate.
fn expected_exit_code() -> u32 {
    let words = keccak_program_input();
    let mut state: [u64; 25] =
        core::array::from_fn(|j| u64::from(words[2 * j]) | (u64::from(words[2 * j + 1]) << 32));
    ::keccak::Keccak::new().with_f1600(|f1600| {
        f1600(&mut state);
        f1600(&mut state);
    });
    let lane = state[KECCAK_EXIT_WORD / 2];
    (lane >> (32 * (KECCAK_EXIT_WORD % 2))) as u32
}

/// The CPU rows of the run's `ECALL`s that are syscalls (not `HALT`).
fn syscall_rows(run: &Run) -> std::vec::Vec<usize> {
    (0..run.record.cpu.len())
        .filter(|&row| cell(&run.traces, CPU, row, COL_IS_SYSCALL) == F::ONE)
        .collect()
}

#[test]
fn keccak_program_records_two_calls() {
    let run = run(&keccak_program());
    assert_eq!(run.exit_code, expected_exit_code());
    assert_eq!(run.record.keccak.len(), 2);
    assert_eq!(syscall_rows(&run).len(), 2);
    // The second call reads the first call's output.
    assert_eq!(run.record.keccak[1].input, run.record.keccak[0].output);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn keccak_program_proof_verifies() {
    let run = run(&keccak_program());
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(expected_exit_code()));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn dropped_syscall_send_is_rejected() {
    // The first KECCAK_PERMUTE row claims to send nothing (and so to be a HALT).
    let mut run = run(&keccak_program());
    let row = syscall_rows(&run)[0];
    set_cell(&mut run.traces, CPU, row, COL_IS_SYSCALL, F::ZERO);
    set_cell(&mut run.traces, CPU, row, COL_T0_SUM_INV, F::ZERO);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn halt_claimed_as_syscall_is_rejected() {
    // The HALT row claims to be a syscall: t0 = 0 has no inverse of its limb sum.
    let mut run = run(&keccak_program());
    let row = run.record.cpu.len() - 1;
    set_cell(&mut run.traces, CPU, row, COL_IS_SYSCALL, F::ONE);
    set_cell(&mut run.traces, CPU, row, COL_T0_SUM_INV, F::ONE);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn moved_keccak_call_clk_is_rejected() {
    // The first permutation claims the next cycle's clk on all its rows, its access gaps
    // adjusted (consistent in the chip: only the buses can catch it).
    let mut run = run(&keccak_program());
    let clk = cell(&run.traces, KECCAK, 0, COL_KECCAK_CLK);
    for row in 0..ROWS_PER_PERMUTATION {
        set_cell(&mut run.traces, KECCAK, row, COL_KECCAK_CLK, clk + F::from_u8(4));
        // Keep each access's gap `clk + 2 − prev_ts − 1` consistent (no carry out of
        // `gap_lo` for these small gaps).
        for k in 0..NUM_SLOTS {
            if slot_word(row, k).is_none() {
                continue;
            }
            let col = COL_SLOTS + k * size_of::<KeccakSlotCols<u8>>() + COL_SLOT_GAP_LO;
            let gap_lo = cell(&run.traces, KECCAK, row, col);
            assert!(gap_lo.as_canonical_u32() + 4 < 1 << 16, "gap_lo would carry");
            set_cell(&mut run.traces, KECCAK, row, col, gap_lo + F::from_u8(4));
        }
    }
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn corrupt_keccak_result_word_is_rejected() {
    // A byte of the second permutation's output word 7 (the exit code's word), slot 0 of
    // its round-7 row.
    let mut run = run(&keccak_program());
    let row = ROWS_PER_PERMUTATION + KECCAK_EXIT_WORD;
    let value = cell(&run.traces, KECCAK, row, COL_SLOT0_OUTPUT);
    set_cell(&mut run.traces, KECCAK, row, COL_SLOT0_OUTPUT, value + F::ONE);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}
