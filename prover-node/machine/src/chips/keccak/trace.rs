//! Trace generation of the `KECCAK_PERMUTE` chip, and its events from an emulator run.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use crate::chips::height_at_least;
use p3_field::PrimeField64;
use p3_keccak_air::{KeccakCols, NUM_KECCAK_COLS, U64_LIMBS, generate_trace_rows};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{KeccakPermuteCols, NUM_KECCAK_PERMUTE_COLS, NUM_SLOTS};
use super::{
    ROWS_PER_PERMUTATION, STATE_WORDS, TS_MEMORY, overlapping_pointers, slot_word, word_limb,
};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::memory::CodeSpan;
use crate::word::Word;

/// One `KECCAK_PERMUTE` call, in plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeccakPermuteEvent {
    /// Timestamp of the `ECALL`'s cycle (sub-step 0, the CPU's `clk`).
    pub clk: u64,
    /// The state pointer `a0` (a multiple of 4).
    pub ptr: u32,
    /// The state's words before the call (lane `j` is words `2j`, `2j + 1`, low first).
    pub input: [u32; STATE_WORDS],
    /// The state's words after the call.
    pub output: [u32; STATE_WORDS],
    /// Timestamp of each word's previous access (0: never accessed).
    pub prev_ts: [u64; STATE_WORDS],
}

impl KeccakPermuteEvent {
    /// The 25 lanes of the input state.
    pub fn input_lanes(&self) -> [u64; 25] {
        core::array::from_fn(|j| {
            u64::from(self.input[2 * j]) | (u64::from(self.input[2 * j + 1]) << 32)
        })
    }
}

/// The `KECCAK_PERMUTE` calls of a recorded chunk, with their memory accesses, on the
/// shard's timeline (timestamps restart at the chunk's first cycle, see
/// [`crate::event::shard_timestamp`]).
///
/// # Panics
///
/// If a call's accesses are not the 50 state words in order at the cycle's memory
/// sub-step (the emulator's contract).
#[cfg(any(test, feature = "emulator"))]
pub fn events_from_chunk(chunk: &zkvm_emulator::ExecutionChunk) -> Vec<KeccakPermuteEvent> {
    use zkvm_emulator::events::{SUB_MEMORY, SUB_RS1, timestamp};
    let local = |ts: u64| crate::event::shard_timestamp(chunk.start_cycle, ts);
    chunk
        .syscalls
        .iter()
        .filter(|call| call.number == zkvm_abi::syscall::KECCAK_PERMUTE)
        .map(|call| {
            let accesses = &chunk.memory[call.memory_start..call.memory_start + call.memory_len];
            assert_eq!(accesses.len(), STATE_WORDS, "KECCAK_PERMUTE accesses 50 words");
            let ptr = call.args[0];
            let ts = timestamp(call.cycle, SUB_MEMORY);
            let mut event = KeccakPermuteEvent {
                clk: local(timestamp(call.cycle, SUB_RS1)),
                ptr,
                input: [0; STATE_WORDS],
                output: [0; STATE_WORDS],
                prev_ts: [0; STATE_WORDS],
            };
            for (i, access) in accesses.iter().enumerate() {
                assert_eq!(access.addr, ptr + 4 * i as u32, "state word {i} out of order");
                assert_eq!(access.timestamp, ts, "state word {i} not at SUB_MEMORY");
                event.input[i] = access.prev_value;
                event.output[i] = access.value;
                event.prev_ts[i] = local(access.prev_timestamp);
            }
            event
        })
        .collect()
}

/// The trace of the chip `KeccakChip::new(code)`: 24 rows per event, in order, then
/// padding permutations (all-zero state, `is_real = 0`) up to a power of two; records the
/// byte-table requests.
///
/// # Panics
///
/// If an event's output is not Keccak-f\[1600\] of its input, its pointer is misaligned, or
/// a word's previous access is not before the call (bugs of whoever built the events). A
/// state overlapping `code` does not panic (the emulator never records one): its trace does
/// not prove.
pub fn generate_trace<F: PrimeField64>(
    events: &[KeccakPermuteEvent],
    code: CodeSpan,
    bytes: &mut ByteRecord,
) -> RowMajorMatrix<F> {
    generate_trace_padded(events, code, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): more all-zero
/// padding permutations, as below it.
///
/// # Panics
///
/// As [`generate_trace`]; also if `min_height` is neither 0 nor a power of two.
pub fn generate_trace_padded<F: PrimeField64>(
    events: &[KeccakPermuteEvent],
    code: CodeSpan,
    bytes: &mut ByteRecord,
    min_height: usize,
) -> RowMajorMatrix<F> {
    // 1. The keccak-air's rows (one all-zero padding permutation when there is no call, so
    //    the trace is never a single row). To reach `min_height`, as many whole padding
    //    permutations as fit in it: `n · 24 ∈ (min_height / 2, min_height]` for
    //    `min_height ≥ 32`, so the keccak-air pads them to exactly `min_height` rows.
    let mut inputs: Vec<[u64; 25]> = if events.is_empty() {
        vec![[0u64; 25]]
    } else {
        events.iter().map(KeccakPermuteEvent::input_lanes).collect()
    };
    let wanted = height_at_least(inputs.len() * ROWS_PER_PERMUTATION, min_height);
    let permutations = (wanted / ROWS_PER_PERMUTATION).max(inputs.len());
    inputs.resize(permutations, [0u64; 25]);
    let keccak = generate_trace_rows::<F>(inputs, 0);
    let height = keccak.height();
    assert_eq!(height, wanted, "keccak padding reaches the asked height");

    // 2. Each permutation's output, read off its round-23 row (zero for the permutation
    //    the end of the trace cuts off: nothing binds it, and it is padding).
    let num_permutations = height.div_ceil(ROWS_PER_PERMUTATION);
    let outputs: Vec<[[[F; U64_LIMBS]; 5]; 5]> = (0..num_permutations)
        .map(|p| {
            let row = p * ROWS_PER_PERMUTATION + ROWS_PER_PERMUTATION - 1;
            if row >= height {
                return [[[F::ZERO; U64_LIMBS]; 5]; 5];
            }
            let cols: &KeccakCols<F> =
                keccak.values[row * NUM_KECCAK_COLS..(row + 1) * NUM_KECCAK_COLS].borrow();
            core::array::from_fn(|y| {
                core::array::from_fn(|x| {
                    core::array::from_fn(|l| cols.a_prime_prime_prime(y, x, l))
                })
            })
        })
        .collect();

    // 3. Every row: the keccak-air's columns, the call, the output and the slots.
    let mut values = F::zero_vec(height * NUM_KECCAK_PERMUTE_COLS);
    for (row_index, row) in values.chunks_exact_mut(NUM_KECCAK_PERMUTE_COLS).enumerate() {
        row[..NUM_KECCAK_COLS].copy_from_slice(
            &keccak.values[row_index * NUM_KECCAK_COLS..(row_index + 1) * NUM_KECCAK_COLS],
        );
        let cols: &mut KeccakPermuteCols<F> = row.borrow_mut();
        let (p, round) = (row_index / ROWS_PER_PERMUTATION, row_index % ROWS_PER_PERMUTATION);
        cols.output = outputs[p];
        let event = events.get(p);
        if let Some(event) = event {
            assert_eq!(event.ptr % 4, 0, "misaligned Keccak state at {:#x}", event.ptr);
            cols.is_real = F::ONE;
            cols.clk = F::from_u64(event.clk);
            cols.ptr = Word::from_u32(event.ptr);
            cols.ptr_q = F::from_u32((event.ptr & 0xff) >> 2);
            if round == 0 {
                cols.is_call = F::ONE;
                bytes.add(ByteOp::Range, (event.ptr & 0xff) >> 2, 0);
                cols.outside_code.populate(event.ptr >> 2, overlapping_pointers(code), bytes);
            }
        }
        let word_of = |state: &[[[F; U64_LIMBS]; 5]; 5], w: usize| -> u32 {
            let limb = |half| {
                let (y, x, l) = word_limb(w, half);
                state[y][x][l].as_canonical_u64() as u32
            };
            limb(0) | (limb(1) << 16)
        };
        let preimage = cols.keccak.preimage;
        for k in 0..NUM_SLOTS {
            let Some(w) = slot_word(round, k) else { continue };
            let input = word_of(&preimage, w);
            let output = word_of(&outputs[p], w);
            let slot = &mut cols.slots[k];
            slot.input = Word::from_u32(input);
            slot.output = Word::from_u32(output);
            if let Some(event) = event {
                assert_eq!(input, event.input[w], "keccak-air preimage of word {w}");
                assert_eq!(output, event.output[w], "Keccak-f[1600] output of word {w}");
                slot.access.populate(event.clk + u64::from(TS_MEMORY), event.prev_ts[w], bytes);
                let [b0, b1, b2, b3] = output.to_le_bytes();
                bytes.add(ByteOp::Range, b0.into(), b1.into());
                bytes.add(ByteOp::Range, b2.into(), b3.into());
            }
        }
    }
    RowMajorMatrix::new(values, NUM_KECCAK_PERMUTE_COLS)
}
