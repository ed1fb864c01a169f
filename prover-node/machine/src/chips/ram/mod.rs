//! The RAM boundary of a shard: one row per word of every page the shard touched (all 256
//! words of each page with an accessed word), sorted by strictly increasing address. Each
//! row *sends* the word's initial value at timestamp 0 and *receives* its final value and
//! timestamp on the `MEMORY` bus (RAM space), closing the offline memory check of the
//! shard's accesses; and it sends both values to the page chip on `PAGE_WORD`, which hashes
//! each touched page before and after the shard (see `DESIGN.md`, "Continuations: the
//! shard memory boundary").
//!
//! * Addresses are word addresses (byte address / 4) in `START_WORD..END_WORD`
//!   (`MEMORY_START..MEMORY_END`): each row proves `addr < 2^29`, the first row
//!   `addr ≥ START_WORD`, and every row `addr > previous addr`, so no address has two
//!   initial values, and no access outside the emulator's memory map balances.
//! * Initial values are free witnesses: the page chip hashes them per page, and the Merkle
//!   chip proves those page digests are the leaves of the shard's `root_in`. Every limb of
//!   both values is range-checked here (the page hash takes 16-bit halves `b0 + 256·b1`,
//!   which determine the word only if the limbs are bytes).

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::RamChip;
pub use columns::{NUM_RAM_COLS, RamCols};
pub use trace::{Ram, RamRow, generate_trace, generate_trace_padded};

/// Word address (byte address / 4) of the first addressable word
/// ([`zkvm_abi::memory::MEMORY_START`]).
pub const START_WORD: u32 = zkvm_abi::memory::MEMORY_START >> 2;
/// One past the last addressable word ([`zkvm_abi::memory::MEMORY_END`] / 4 = 2^29).
pub const END_WORD: u32 = zkvm_abi::memory::MEMORY_END >> 2;
const _: () = assert!(END_WORD == 1 << 29);
// Memory starts on a page boundary: a touched page never has a word below `START_WORD`.
const _: () = assert!(START_WORD.is_multiple_of(crate::memory_root::PAGE_WORDS as u32));
