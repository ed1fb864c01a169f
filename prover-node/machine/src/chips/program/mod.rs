//! The program ROM: one row per word of the program's code, as preprocessed columns, so the
//! verifying key commits to the program. It provides the `PROGRAM` bus: the CPU looks up
//! `(pc, decoded instruction)` once per executed instruction, and the ROM's multiplicity
//! column counts how many times each row was executed.
//!
//! The ROM holds the instruction *decoded for the CPU* ([`InstructionCols`]): besides
//! `opcode`, `rd`, `rs1`, `rs2` and the immediate, every flag the CPU's constraints select
//! on (which registers are read and written, whether an `EXECUTION` message is sent and with
//! which operation, branch and jump kind) and the static values the CPU would otherwise
//! compute (branch and `JAL` targets, `AUIPC` results, link addresses). The decoding is done
//! once, at key generation, from the ELF ([`ProgramRom::from_elf`]); the CPU only has to
//! prove that it executed *some* row of this table at each `pc`.

mod air;
mod columns;
mod image;
mod rom;
mod trace;

#[cfg(test)]
mod tests;

pub use air::ProgramChip;
pub(crate) use air::program_message;
pub use columns::{
    InstructionCols, NUM_INSTRUCTION_COLS, NUM_PROGRAM_MULT_COLS, NUM_PROGRAM_PREPROCESSED_COLS,
    ProgramMultCols, ProgramPreprocessedCols,
};
pub use image::{MemoryImage, image_memory};
pub use rom::{PC_LIMIT, ProgramRom, RomError, RomInstruction, UNREACHABLE_TARGET};
pub use trace::generate_trace;
