//! The RV32IM emulator of our zkVM. It knows nothing of fields or AIRs: it runs programs
//! and, when asked, emits plain-integer events for a prover.
//!
//! Running a program goes in these steps:
//!
//! 1. [`elf::parse_elf`] checks an ELF32 little-endian RISC-V executable and lists its
//!    segments; untrusted bytes give typed errors, never panics.
//! 2. [`Emulator::new`] copies the segments into sparse [`Memory`] and decodes every word
//!    of the code span once into an [`Instruction`].
//! 3. [`Emulator::execute`] (fast mode) or [`Emulator::execute_recording`] (events in
//!    bounded [`ExecutionChunk`]s) runs until the `HALT` syscall. Both share one
//!    instruction loop, specialised at compile time.
//! 4. The [`ExecutionSummary`] holds the exit code, the committed output, the cycle count
//!    and the `(phase id, cycle)` marks of the debug syscall `PHASE_MARK`
//!    ([`ExecutionSummary::phase_cycles`] splits the cycles by phase).
//!
//! The machine follows the ABI in [`zkvm_abi`]: syscall numbers and calling convention,
//! memory map, instruction encodings. Where RISC-V leaves a choice, this machine is strict:
//! misaligned loads and stores fault, code is read-only and only code is executed, the
//! null guard and addresses above [`zkvm_abi::memory::MEMORY_END`] fault, and `EBREAK`
//! faults.

pub mod asm;
pub mod elf;
mod error;
pub mod events;
mod executor;
pub mod instruction;
mod memory;
mod tracer;

pub use error::EmuError;
pub use events::ExecutionChunk;
pub use executor::{DEFAULT_CYCLE_LIMIT, Emulator, ExecutionSummary};
pub use instruction::{Instruction, InstructionClass, Opcode};
pub use memory::Memory;
