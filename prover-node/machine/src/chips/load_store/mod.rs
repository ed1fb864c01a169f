//! Loads and stores (`LB`, `LH`, `LW`, `LBU`, `LHU`, `SB`, `SH`, `SW`): one row per
//! executed memory instruction, receiving the access from the CPU and making it on the
//! `MEMORY` bus (RAM space, word-granular, at `clk + 2`).
//!
//! The CPU computes the byte address `addr = rs1 + offset` through `EXECUTION` `ADD` and
//! sends this chip, on the `EXECUTION` bus with the instruction's own opcode (distinct from
//! every ALU operation):
//!
//! | element | `0` | `1..=4` | `5..=8` | `9` | `10..=12` |
//! | --- | --- | --- | --- | --- | --- |
//! | value | opcode (`LB`..`SW`) | `value` limbs: the loaded value (`rd`) or the stored `rs2` | `addr` limbs | `clk` | 0 |
//!
//! This chip splits `addr[0] = 4·q + offset` (one-hot `lane` for the byte offset, `q` a
//! byte), so the word address `addr / 4 = q + 2^6·addr[1] + 2^14·addr[2] + 2^22·addr[3]`
//! is exact; rejects misaligned offsets per width, as the emulator faults on them; reads
//! the previous word and writes the new one (`eval_access`); selects and sign-extends
//! (byte table `MSB`) the loaded bytes; merges a sub-word store into the previous word;
//! and proves every stored word outside the program's code span
//! ([`crate::chips::memory::OutsideCodeCols`]), as the emulator faults on a store there
//! (`StoreToCode`). Loads may read code.
//! Range bounds of the address (`MEMORY_START..MEMORY_END`) are enforced by the RAM
//! boundary chip, which every accessed word must match.

mod air;
mod columns;
mod trace;

#[cfg(test)]
pub(crate) mod tests;

pub use air::LoadStoreChip;
pub use columns::{LoadStoreCols, NUM_LOAD_STORE_COLS};
pub use trace::{LoadStoreEvent, generate_trace, generate_trace_padded};

/// Timestamp offset (from `clk`) of the RAM access, as the emulator records it.
pub const TS_MEMORY: u32 = 2;

/// Opcode numbers of the memory instructions (discriminants of the emulator's `Opcode`,
/// checked by a test), carried as element 0 of the CPU's message.
pub mod opcodes {
    /// `LB`.
    pub const LB: u8 = 10;
    /// `LH`.
    pub const LH: u8 = 11;
    /// `LW`.
    pub const LW: u8 = 12;
    /// `LBU`.
    pub const LBU: u8 = 13;
    /// `LHU`.
    pub const LHU: u8 = 14;
    /// `SB`.
    pub const SB: u8 = 15;
    /// `SH`.
    pub const SH: u8 = 16;
    /// `SW`.
    pub const SW: u8 = 17;
    /// All of them, in the order of [`super::LoadStoreCols::ops`].
    pub const ALL: [u8; 8] = [LB, LH, LW, LBU, LHU, SB, SH, SW];
}
