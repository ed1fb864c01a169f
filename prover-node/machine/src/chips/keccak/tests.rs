//! Tests of the `KECCAK_PERMUTE` chip: events from the emulator against the `keccak`
//! crate's Keccak-f\[1600\], a batch proof with the test harness and the byte table, and
//! corrupted cells the real verifier must reject.

extern crate std;

use alloc::vec;
use alloc::vec::Vec;
use core::mem::{offset_of, size_of};

use p3_field::PrimeCharacteristicRing;
use p3_keccak_air::{KeccakCols, NUM_KECCAK_COLS};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_abi::{memory::PROGRAM_START, reg, syscall};
use zkvm_emulator::asm::{ElfBuilder, addi, ecall, li};
use zkvm_stark::{
    DefaultConfig, MachineConfig, MachineProof, VerifyError, prove_machine, setup, verify_machine,
};

use super::*;
use crate::MachineAir;
use crate::chips::byte::{ByteChip, ByteRecord};
use crate::chips::memory::{CodeSpan, MemoryAccessCols, OutsideCodeCols};
use crate::testing::{F, assert_rejected, cell, set_cell};

/// Index of each chip in [`machine`].
const HARNESS: usize = 0;
const KECCAK: usize = 1;

/// Where the test programs keep their states.
const DATA: u32 = 0x0010_0000;

/// Lane 0 of Keccak-f\[1600\] of the all-zero state.
const ZERO_STATE_LANE_0: u64 = 0xF125_8F79_40E1_DDE7;

fn machine() -> Vec<MachineAir> {
    vec![
        MachineAir::KeccakHarness(KeccakHarnessChip),
        MachineAir::Keccak(KeccakChip::without_code()),
        MachineAir::Byte(ByteChip),
    ]
}

/// The all-zero state, then `random` seeded random states.
fn states(random: usize, seed: u64) -> Vec<[u64; 25]> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut states = vec![[0u64; 25]];
    states.extend((0..random).map(|_| core::array::from_fn(|_| rng.r#gen::<u64>())));
    states
}

/// A program that permutes each of `states` (stored from [`DATA`], 200 bytes apart), then
/// state 0 a second time (its words' previous accesses are then the first call's), and
/// halts.
fn keccak_program(states: &[[u64; 25]]) -> Vec<u8> {
    let data: Vec<u8> = states.iter().flatten().flat_map(|lane| lane.to_le_bytes()).collect();
    let mut code = Vec::new();
    let pointers = (0..states.len()).map(|j| DATA + 200 * j as u32).chain([DATA]);
    for ptr in pointers {
        code.extend(li(reg::A0, ptr));
        code.push(addi(reg::SYSCALL_NUMBER, 0, syscall::KECCAK_PERMUTE as i32));
        code.push(ecall());
    }
    code.push(addi(reg::A0, 0, 0));
    code.push(addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32));
    code.push(ecall());
    ElfBuilder::new(PROGRAM_START)
        .code(PROGRAM_START, &code)
        .data(DATA, &data, data.len() as u32)
        .build()
}

/// The `KECCAK_PERMUTE` events of [`keccak_program`]`(states)`'s run.
fn recorded_events(states: &[[u64; 25]]) -> Vec<KeccakPermuteEvent> {
    let elf = keccak_program(states);
    let mut events = Vec::new();
    zkvm_emulator::Emulator::run_recording(&elf, Vec::new(), u64::MAX, |chunk| {
        events.extend(events_from_chunk(chunk));
    })
    .expect("the program runs");
    events
}

/// The traces of [`machine`] for `events`.
fn machine_traces(events: &[KeccakPermuteEvent]) -> Vec<RowMajorMatrix<F>> {
    let mut bytes = ByteRecord::new();
    let keccak = generate_trace::<F>(events, KeccakChip::without_code().code_span(), &mut bytes);
    vec![harness_trace(events), keccak, bytes.generate_trace()]
}

/// Prove the traces and verify the proof (through its byte encoding).
fn prove_and_verify(traces: &[RowMajorMatrix<F>]) -> Result<(), VerifyError> {
    let config = DefaultConfig::build();
    let (pk, vk) = setup(&config, machine()).expect("setup");
    let public_values = vec![Vec::new(); traces.len()];
    let start = std::time::Instant::now();
    let proof = prove_machine(&config, &pk, traces, &public_values).expect("prove");
    let elapsed = start.elapsed();
    let bytes = proof.to_bytes();
    let permutations = traces[KECCAK].height() / ROWS_PER_PERMUTATION;
    std::eprintln!(
        "proved {} keccak rows (room for {permutations} permutations) in {elapsed:.2?}, {} proof bytes",
        traces[KECCAK].height(),
        bytes.len()
    );
    let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes)?;
    verify_machine(&config, &vk, &decoded)
}

/// Column of `field` of slot `slot`.
fn slot_col(slot: usize, field: usize) -> usize {
    offset_of!(KeccakPermuteCols<u8>, slots) + slot * size_of::<KeccakSlotCols<u8>>() + field
}

/// First column of the code-span witness.
const OUTSIDE_CODE: usize = offset_of!(KeccakPermuteCols<u8>, outside_code);

/// Column of a field of the keccak-air's columns.
fn keccak_col(field: usize) -> usize {
    offset_of!(KeccakPermuteCols<u8>, keccak) + field
}

/// The row of round `round` of permutation `p`.
fn row(p: usize, round: usize) -> usize {
    p * ROWS_PER_PERMUTATION + round
}

/// Add one to a cell.
fn bump(traces: &mut [RowMajorMatrix<F>], chip: usize, row: usize, col: usize) {
    let old = cell(traces, chip, row, col);
    set_cell(traces, chip, row, col, old + F::ONE);
}

#[test]
fn columns_are_keccak_air_then_the_call() {
    assert_eq!(offset_of!(KeccakPermuteCols<u8>, keccak), 0);
    assert_eq!(size_of::<KeccakCols<u8>>(), NUM_KECCAK_COLS);
    std::eprintln!(
        "keccak chip: {NUM_KECCAK_PERMUTE_COLS} columns ({NUM_KECCAK_COLS} from p3-keccak-air), \
         {} main cells per permutation",
        NUM_KECCAK_PERMUTE_COLS * ROWS_PER_PERMUTATION
    );
    // Every state word has exactly one (round, slot).
    let mut seen = [0; STATE_WORDS];
    for round in 0..ROWS_PER_PERMUTATION {
        for slot in 0..NUM_SLOTS {
            if let Some(w) = slot_word(round, slot) {
                seen[w] += 1;
            }
        }
    }
    assert_eq!(seen, [1; STATE_WORDS]);
}

#[test]
fn overlapping_pointers_are_the_states_that_meet_the_code() {
    // The SAFETY argument of the chip's code-span check, exhaustively on small spans
    // (empty, at 0, below and at word 49, and away from 0).
    for (start, end) in [(0, 0), (0, 3), (10, 12), (48, 49), (49, 60), (100, 101), (200, 230)] {
        let code = CodeSpan::new(start, end);
        let pointers = overlapping_pointers(code);
        for p in 0..300 {
            let meets = (p..p + STATE_WORDS as u32).any(|w| code.contains(w));
            assert_eq!(pointers.contains(p), meets, "state at word {p}, code {code:?}");
        }
    }
}

#[test]
fn emulator_permutations_match_f1600() {
    let states = states(4, 1);
    let events = recorded_events(&states);
    assert_eq!(events.len(), states.len() + 1);
    for (event, state) in events.iter().zip(&states) {
        assert_eq!(&event.input_lanes(), state);
        let mut expected = *state;
        keccak::Keccak::new().with_f1600(|f1600| f1600(&mut expected));
        let output: [u64; 25] = core::array::from_fn(|j| {
            u64::from(event.output[2 * j]) | (u64::from(event.output[2 * j + 1]) << 32)
        });
        assert_eq!(output, expected);
        assert_eq!(event.prev_ts, [0; STATE_WORDS]);
    }
    assert_eq!(events[0].output[0], ZERO_STATE_LANE_0 as u32);
    assert_eq!(events[0].output[1], (ZERO_STATE_LANE_0 >> 32) as u32);
    // The second call on state 0 reads what the first one wrote.
    let (first, again) = (&events[0], events.last().unwrap());
    assert_eq!(again.input, first.output);
    assert_eq!(again.prev_ts, [first.clk + u64::from(TS_MEMORY); STATE_WORDS]);

    // The trace's slots carry the same words (generation asserts it), and its `output`
    // columns hold the final state on every row of a permutation.
    let traces = machine_traces(&events);
    let lane_0 = |r: usize| {
        (0..4).fold(0u64, |acc, l| {
            let col = offset_of!(KeccakPermuteCols<u8>, output) + l;
            let limb = p3_field::PrimeField64::as_canonical_u64(&cell(&traces, KECCAK, r, col));
            acc | limb << (16 * l)
        })
    };
    assert!((0..ROWS_PER_PERMUTATION).all(|r| lane_0(row(0, r)) == ZERO_STATE_LANE_0));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release: proving is slow in debug builds")]
fn keccak_proof_verifies() {
    let events = recorded_events(&states(4, 2));
    prove_and_verify(&machine_traces(&events)).expect("a valid batch verifies");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release: proving is slow in debug builds")]
fn empty_keccak_chip_verifies() {
    prove_and_verify(&machine_traces(&[])).expect("no calls verifies");
}

/// 6 calls: 144 real rows of 256, so permutations 6..=9 are complete padding.
fn valid_traces() -> (Vec<KeccakPermuteEvent>, Vec<RowMajorMatrix<F>>) {
    let events = recorded_events(&states(4, 3));
    assert_eq!(events.len(), 6);
    let traces = machine_traces(&events);
    assert_eq!(traces[KECCAK].height(), 256);
    (events, traces)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_output_word_is_rejected() {
    let (_, mut traces) = valid_traces();
    // Word 7 of call 1 is written back one bit off.
    let col = slot_col(0, offset_of!(KeccakSlotCols<u8>, output));
    bump(&mut traces, KECCAK, row(1, 7), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_input_word_is_rejected() {
    let (_, mut traces) = valid_traces();
    // Word 49 (slot 2 of round 1) of call 2 is read as another value.
    let col = slot_col(2, offset_of!(KeccakSlotCols<u8>, input)) + 3;
    bump(&mut traces, KECCAK, row(2, 1), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_intermediate_bit_is_rejected() {
    let (_, mut traces) = valid_traces();
    // One bit of A' (theta's output) in round 11 of call 3.
    let col = keccak_col(offset_of!(KeccakCols<u8>, a_prime)) + (5 + 2) * 64 + 13;
    let old = cell(&traces, KECCAK, row(3, 11), col);
    set_cell(&mut traces, KECCAK, row(3, 11), col, F::ONE - old);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_round_constant_bit_is_rejected() {
    let (_, mut traces) = valid_traces();
    // Iota: one bit of A''[0, 0] before the round constant, in round 23 of call 0.
    let col = keccak_col(offset_of!(KeccakCols<u8>, a_prime_prime_0_0_bits)) + 63;
    let old = cell(&traces, KECCAK, row(0, 23), col);
    set_cell(&mut traces, KECCAK, row(0, 23), col, F::ONE - old);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_round_flag_is_rejected() {
    let (_, mut traces) = valid_traces();
    // Round 5 of call 1 claims to be no round at all.
    let col = keccak_col(offset_of!(KeccakCols<u8>, step_flags)) + 5;
    set_cell(&mut traces, KECCAK, row(1, 5), col, F::ZERO);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_preimage_is_rejected() {
    let (_, mut traces) = valid_traces();
    // The preimage must stay the one the slots read: change it in round 12 only.
    let col = keccak_col(offset_of!(KeccakCols<u8>, preimage)) + 17;
    bump(&mut traces, KECCAK, row(4, 12), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_pointer_is_rejected() {
    let (_, mut traces) = valid_traces();
    // The round-0 row of call 1 (the one that receives the call) names another pointer.
    let col = offset_of!(KeccakPermuteCols<u8>, ptr) + 1;
    bump(&mut traces, KECCAK, row(1, 0), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn moved_state_is_rejected() {
    // The whole permutation consistently claims the state one word further on: every
    // constraint holds, but the call and the memory accesses no longer match.
    let (_, mut traces) = valid_traces();
    let col = offset_of!(KeccakPermuteCols<u8>, ptr_q);
    let ptr0 = offset_of!(KeccakPermuteCols<u8>, ptr);
    for r in 0..ROWS_PER_PERMUTATION {
        bump(&mut traces, KECCAK, row(1, r), col);
        let old = cell(&traces, KECCAK, row(1, r), ptr0);
        set_cell(&mut traces, KECCAK, row(1, r), ptr0, old + F::from_u8(4));
    }
    // The distance to the (empty) code span grows with the pointer.
    bump(&mut traces, KECCAK, row(1, 0), OUTSIDE_CODE + offset_of!(OutsideCodeCols<u8>, d_lo));
    let result = prove_and_verify(&traces);
    assert!(matches!(result, Err(VerifyError::Lookup(_))), "got {result:?}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_clk_is_rejected() {
    let (_, mut traces) = valid_traces();
    // The last round of call 2 claims another call's timestamp.
    let col = offset_of!(KeccakPermuteCols<u8>, clk);
    bump(&mut traces, KECCAK, row(2, 23), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_access_timestamp_is_rejected() {
    let (_, mut traces) = valid_traces();
    // Word 30 (slot 1, round 6) of the repeated call claims an older previous access.
    let col = slot_col(1, offset_of!(KeccakSlotCols<u8>, access))
        + offset_of!(MemoryAccessCols<u8>, prev_ts);
    bump(&mut traces, KECCAK, row(5, 6), col);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn stale_access_timestamp_is_rejected() {
    // The repeated call on state 0 claims word 3's previous access was the initial value's
    // (timestamp 0), with a consistent gap: only the MEMORY bus can tell.
    let (events, mut traces) = valid_traces();
    let again = &events[5];
    let r = row(5, 3);
    let access = slot_col(0, offset_of!(KeccakSlotCols<u8>, access));
    let gap = again.clk + u64::from(TS_MEMORY) - 1;
    let mut set = |field: usize, value: u64| {
        set_cell(&mut traces, KECCAK, r, access + field, F::from_u64(value));
    };
    set(offset_of!(MemoryAccessCols<u8>, prev_ts), 0);
    set(offset_of!(MemoryAccessCols<u8>, gap_lo), gap & 0xffff);
    set(offset_of!(MemoryAccessCols<u8>, gap_hi), gap >> 16);
    let result = prove_and_verify(&traces);
    assert!(matches!(result, Err(VerifyError::Lookup(_))), "got {result:?}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn permutation_without_syscall_is_rejected() {
    // Padding permutation 7 turns real, with its call row and accesses filled in
    // consistently (state at address 0, above the empty code span at distance 0; clk 0;
    // every word's previous access at 0): every constraint holds, but no call was sent and
    // no such memory exists.
    let (_, mut traces) = valid_traces();
    let is_real = offset_of!(KeccakPermuteCols<u8>, is_real);
    let is_call = offset_of!(KeccakPermuteCols<u8>, is_call);
    let above = OUTSIDE_CODE + offset_of!(OutsideCodeCols<u8>, above);
    set_cell(&mut traces, KECCAK, row(7, 0), is_call, F::ONE);
    set_cell(&mut traces, KECCAK, row(7, 0), above, F::ONE);
    for round in 0..ROWS_PER_PERMUTATION {
        let r = row(7, round);
        set_cell(&mut traces, KECCAK, r, is_real, F::ONE);
        for slot in 0..NUM_SLOTS {
            if slot_word(round, slot).is_some() {
                let gap_lo = slot_col(slot, offset_of!(KeccakSlotCols<u8>, access))
                    + offset_of!(MemoryAccessCols<u8>, gap_lo);
                set_cell(&mut traces, KECCAK, r, gap_lo, F::from_u32(TS_MEMORY - 1));
            }
        }
    }
    let result = prove_and_verify(&traces);
    assert!(matches!(result, Err(VerifyError::Lookup(_))), "got {result:?}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn stray_real_row_is_rejected() {
    let (_, mut traces) = valid_traces();
    // One row of padding permutation 8 claims to be real.
    let is_real = offset_of!(KeccakPermuteCols<u8>, is_real);
    set_cell(&mut traces, KECCAK, row(8, 0), is_real, F::ONE);
    assert_rejected(prove_and_verify(&traces));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn unanswered_call_is_rejected() {
    // The harness sends a seventh call that no permutation answers.
    let (_, mut traces) = valid_traces();
    let is_call = offset_of!(HarnessCols<u8>, is_call);
    assert_eq!(cell(&traces, HARNESS, 6, is_call), F::ZERO);
    set_cell(&mut traces, HARNESS, 6, is_call, F::ONE);
    let result = prove_and_verify(&traces);
    assert!(matches!(result, Err(VerifyError::Lookup(_))), "got {result:?}");
}

/// Proving throughput: `KECCAK_BENCH_PERMUTATIONS` calls (default 168, i.e. 4032 of 4096
/// rows).
#[test]
#[ignore = "benchmark: cargo test --release -- --ignored keccak_proving_throughput --nocapture"]
fn keccak_proving_throughput() {
    let n: usize =
        std::env::var("KECCAK_BENCH_PERMUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(168);
    let events = recorded_events(&states(n - 2, 4));
    assert_eq!(events.len(), n);
    let start = std::time::Instant::now();
    let traces = machine_traces(&events);
    let generation = start.elapsed();
    let config = DefaultConfig::build();
    let (pk, vk) = setup(&config, machine()).expect("setup");
    let public_values = vec![Vec::new(); traces.len()];
    let start = std::time::Instant::now();
    let proof = prove_machine(&config, &pk, &traces, &public_values).expect("prove");
    let proving = start.elapsed();
    let start = std::time::Instant::now();
    verify_machine(&config, &vk, &proof).expect("verifies");
    let verifying = start.elapsed();
    std::eprintln!(
        "{n} permutations ({} rows x {NUM_KECCAK_PERMUTE_COLS} columns): trace {generation:.2?}, \
         prove {proving:.2?} ({:.1} permutations/s), verify {verifying:.2?}, {} proof bytes",
        traces[KECCAK].height(),
        n as f64 / proving.as_secs_f64(),
        proof.to_bytes().len()
    );
}
