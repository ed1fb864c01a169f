//! Columns of the `KECCAK_PERMUTE` chip.

use p3_keccak_air::{KeccakCols, U64_LIMBS};

use crate::chips::memory::{MemoryAccessCols, OutsideCodeCols};
use crate::columns::impl_columns;
use crate::word::Word;

/// Number of memory slots per row (`⌈50 / 24⌉`).
pub const NUM_SLOTS: usize = 3;

/// One row: a round of one permutation, with the call and up to three state-word accesses.
#[derive(Debug)]
#[repr(C)]
pub struct KeccakPermuteCols<T> {
    /// `p3-keccak-air`'s columns: round flags, preimage, round state and the round's
    /// intermediate bits. They must come first: [`p3_keccak_air::KeccakAir`] is evaluated
    /// on this prefix.
    pub keccak: KeccakCols<T>,
    /// `1` on the 24 rows of a permutation some `ECALL` asked for, `0` on padding.
    pub is_real: T,
    /// The `ECALL`'s `clk` (timestamp of its cycle's sub-step 0).
    pub clk: T,
    /// The state pointer `a0`, as four byte limbs.
    pub ptr: Word<T>,
    /// `ptr[0] / 4`: the low limb of the state's word address (a byte).
    pub ptr_q: T,
    /// `is_real · step_flags[0]`: `1` on the round-0 row of a real permutation, the row
    /// that answers the call and checks the pointer against the code span.
    pub is_call: T,
    /// On `is_call` rows: the witness that the state's 50 words miss the code, i.e. that
    /// `ptr / 4` is outside [`super::overlapping_pointers`] of the code span (all zero on
    /// other rows).
    pub outside_code: OutsideCodeCols<T>,
    /// The permutation's output (the state after round 23), `[y][x][limb]` with 16-bit
    /// limbs as the keccak-air orders lanes; constant over the permutation's rows.
    pub output: [[[T; U64_LIMBS]; 5]; 5],
    /// The row's state-word accesses (see [`super::slot_word`]).
    pub slots: [KeccakSlotCols<T>; NUM_SLOTS],
}

/// One state word's access: its value before and after the call.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct KeccakSlotCols<T> {
    /// The word before the call (received from `MEMORY`).
    pub input: Word<T>,
    /// The word after the call (sent on `MEMORY`; range-checked here).
    pub output: Word<T>,
    /// Previous timestamp and gap of the access.
    pub access: MemoryAccessCols<T>,
}

impl_columns!(KeccakPermuteCols, NUM_KECCAK_PERMUTE_COLS);
