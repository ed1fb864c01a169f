//! The program's initial memory image: a preprocessed table of `(word address, value)`,
//! one row per word from the first to the last word with a non-zero initial byte (every
//! segment of the ELF, code included, as the emulator loads it). It provides the `IMAGE`
//! bus to the RAM boundary chip ([`crate::chips::ram`]), which looks up the initial value
//! of every touched word inside the image's span; every other word starts at 0.
//!
//! The table is part of the verifying key, so the key binds the initial memory as it binds
//! the code. Its first row must be looked up exactly once: that is what forces the RAM
//! boundary chip to list the image's span as one block (see `DESIGN.md`, "RAM").

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::ImageChip;
pub use columns::{
    ImageMultCols, ImagePreprocessedCols, NUM_IMAGE_MULT_COLS, NUM_IMAGE_PREPROCESSED_COLS,
};
pub use trace::{MemoryImage, generate_trace};

/// Word address (byte address / 4) of the first addressable word
/// ([`zkvm_abi::memory::MEMORY_START`]).
pub const START_WORD: u32 = zkvm_abi::memory::MEMORY_START >> 2;
/// One past the last addressable word ([`zkvm_abi::memory::MEMORY_END`] / 4 = 2^29).
pub const END_WORD: u32 = zkvm_abi::memory::MEMORY_END >> 2;
const _: () = assert!(END_WORD == 1 << 29);
