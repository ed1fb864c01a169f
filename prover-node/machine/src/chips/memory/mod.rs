//! Offline memory checking on the `MEMORY` bus: the access gadget every chip that touches
//! registers or memory uses, and the register file's boundary chip.
//!
//! A `MEMORY` message is `(space, addr, v0, v1, v2, v3, ts)`: address space
//! ([`crate::bus::REGISTER_SPACE`] or [`crate::bus::RAM_SPACE`]), address (register index
//! or word address), the value's byte limbs, and a timestamp.
//!
//! * An access at timestamp `ts` ([`eval_access`]) *receives* `(space, addr, prev, prev_ts)`
//!   and *sends* `(space, addr, value, ts)` (a read has `value = prev`), and proves
//!   `prev_ts < ts` by range-checking `ts − prev_ts − 1 < 2^24` (a `U16` and a byte).
//! * The boundary chip ([`RegistersChip`] for the 32 registers) *sends* every address's
//!   initial value at timestamp 0 and *receives* its final value and timestamp. For the
//!   registers both values are public ([`RegistersPublicValues`]: the register file at the
//!   shard's start and end), so shards chain: one's `end` is the next one's `start`.
//!
//! Why that makes every read return the last write is argued in `DESIGN.md` ("Memory
//! consistency").
//!
//! Writers to RAM also prove that the word they write is outside the program's code span
//! ([`OutsideCodeCols`], a gadget over [`CodeSpan`]), as the emulator faults otherwise.

mod access;
mod air;
mod code_span;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use access::{MemoryAccessCols, eval_access};
pub use air::RegistersChip;
pub use code_span::{CodeSpan, DISTANCE_LIMIT, NUM_OUTSIDE_CODE_COLS, OutsideCodeCols, WORD_LIMIT};
pub use columns::{
    NUM_REGISTER_FINAL_COLS, NUM_REGISTER_PREPROCESSED_COLS, NUM_REGISTERS_PUBLIC_VALUES,
    RegisterFinalCols, RegisterPreprocessedCols, RegistersPublicValues,
};
pub use trace::{NUM_REGISTERS, RegisterFile, initial_registers, preprocessed_trace};

/// Largest `ts − prev_ts − 1` an access can prove: 2^24 − 1 (a `U16` limb and a byte).
pub const MAX_TIMESTAMP_GAP: u64 = (1 << 24) - 1;
