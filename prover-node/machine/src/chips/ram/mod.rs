//! The RAM boundary: one row per word address the run touched (plus the first and last
//! word of the memory image), sorted by strictly increasing address. Each row *sends* the
//! word's initial value at timestamp 0 and *receives* its final value and timestamp on the
//! `MEMORY` bus (RAM space), closing the offline memory check of the load/store chip's
//! accesses (see `DESIGN.md`, "RAM").
//!
//! * Addresses are word addresses (byte address / 4) in `START_WORD..END_WORD`
//!   (`MEMORY_START..MEMORY_END`): each row proves `addr < 2^29`, the first row
//!   `addr ≥ START_WORD`, and every row `addr > previous addr`, so no address has two
//!   initial values, and no access outside the emulator's memory map balances.
//! * Initial values: rows flagged `in_image` look `(addr, init)` up in the image table
//!   ([`crate::chips::image`]); every other row has `init = 0`. The image rows form one
//!   block that starts at the image's first word and ends at its last, and the image table
//!   forces its first word to be looked up: so every row outside the block lies outside the
//!   image's span, where memory does start at 0.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::RamChip;
pub use columns::{NUM_RAM_COLS, RamCols};
pub use trace::Ram;
