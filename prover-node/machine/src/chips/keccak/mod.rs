//! The `KECCAK_PERMUTE` precompile: Keccak-f\[1600\] in place on the 50 little-endian
//! words at `a0`, one permutation per `ECALL`, built on `p3-keccak-air`.
//!
//! # Rows
//!
//! A permutation takes 24 rows, one per round, exactly as `p3-keccak-air`'s
//! [`KeccakAir`](p3_keccak_air::KeccakAir) lays them out (its columns come first in every
//! row, [`KeccakPermuteCols::keccak`]). Beside them each row carries:
//!
//! * the call: `is_real`, `clk`, the pointer `ptr` (the limbs of `a0`) and `ptr_q =
//!   ptr[0] / 4`, all constant over the permutation's 24 rows;
//! * on the round-0 row of a real permutation (`is_call`): the witness that the 50 state
//!   words miss the program's code span ([`crate::chips::memory::OutsideCodeCols`] on
//!   `ptr / 4` against [`overlapping_pointers`]), as the emulator faults on a
//!   `KECCAK_PERMUTE` whose state overlaps the code (`StoreToCode`);
//! * `output`: the permutation's result (after round 23) as 16-bit limbs, bound to the
//!   keccak-air's final state on the round-23 row and carried back, constant, to every
//!   row of the permutation;
//! * three memory slots: slot `k` of the round-`r` row makes the access to state word
//!   `w = r + 24·k` (slot 2 only on rounds 0 and 1), so the 50 words are spread over the
//!   24 rows, three accesses per row at most.
//!
//! # Buses
//!
//! * `SYSCALL`: the round-0 row of a real permutation receives
//!   `(KECCAK_PERMUTE limbs, ptr limbs, 0 limbs, clk)` (see [`crate::bus::SYSCALL_MESSAGE_WIDTH`]
//!   for the layout the CPU sends).
//! * `MEMORY`: word `w` is one read-modify-write access at `clk + 2` (the emulator's
//!   `SUB_MEMORY`): receive `(RAM, ptr/4 + w, input word, prev_ts)`, send `(RAM, ptr/4 +
//!   w, output word, clk + 2)`, with [`eval_access`](crate::chips::memory::eval_access)'s
//!   gap check. The input word's 16-bit halves are the keccak-air's preimage limbs, the
//!   output word's are its final state.
//! * `BYTE`: the access gaps, the output bytes (two per `RANGE` request) and `ptr_q`.
//!
//! A padding permutation (`is_real = 0`) sends and receives nothing; the permutation cut
//! off by the end of the trace (the height is a power of two, never a multiple of 24) is
//! forced to be padding.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod harness;
#[cfg(test)]
mod tests;

pub use air::KeccakChip;
pub use columns::{KeccakPermuteCols, KeccakSlotCols, NUM_KECCAK_PERMUTE_COLS, NUM_SLOTS};
#[cfg(any(test, feature = "emulator"))]
pub use trace::events_from_chunk;
pub use trace::{KeccakPermuteEvent, generate_trace, generate_trace_padded};

#[cfg(test)]
pub(crate) use harness::{HarnessCols, KeccakHarnessChip, harness_trace};

use crate::chips::memory::CodeSpan;

/// Number of rounds, hence rows, of one permutation.
pub const ROWS_PER_PERMUTATION: usize = p3_keccak_air::NUM_ROUNDS;

/// Number of 32-bit words of the state.
pub const STATE_WORDS: usize = zkvm_abi::syscall::KECCAK_STATE_WORDS;

/// Timestamp offset (from the call's `clk`) of the state's accesses, as the emulator
/// records them (`SUB_MEMORY`: no load or store happens in an `ECALL` cycle).
pub const TS_MEMORY: u32 = 2;

/// The state pointers (word addresses `ptr / 4`) whose 50 words overlap `code`: `[start −
/// 49, end)`, from 0 when the code starts below word 49.
///
/// The words `[p, p + 50)` meet `[start, end)` iff `p < end` and `p + 49 ≥ start`.
pub const fn overlapping_pointers(code: CodeSpan) -> CodeSpan {
    CodeSpan::new(code.start.saturating_sub(STATE_WORDS as u32 - 1), code.end)
}

/// The state word slot `slot` of the round-`round` row accesses, if any: `round + 24·slot`.
pub const fn slot_word(round: usize, slot: usize) -> Option<usize> {
    let w = round + ROWS_PER_PERMUTATION * slot;
    if w < STATE_WORDS { Some(w) } else { None }
}

/// Where the 16-bit limb `half` (0: low) of state word `w` sits in the keccak-air's
/// `[y][x][limb]` arrays: lane `w / 2 = x + 5·y`, limbs `2·(w % 2) + half`.
pub const fn word_limb(w: usize, half: usize) -> (usize, usize, usize) {
    let lane = w / 2;
    (lane / 5, lane % 5, 2 * (w % 2) + half)
}
