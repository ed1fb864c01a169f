#![no_std]
//! The AIR chips of the zkVM: one folder per chip, the buses they talk over, and the
//! [`MachineAir`] enum that `p3-batch-stark` proves in one batch.
//!
//! The architecture (which chip sends what on which bus, and why each value is
//! constrained) is fixed in `prover-node/machine/DESIGN.md`; this crate implements it.
//!
//! # Layout
//!
//! * [`bus`]: the bus ids ([`Bus`]), the byte-table operations ([`ByteOp`]) and the only
//!   functions chips use to send and receive messages (signs and count bounds in one place).
//! * [`word`]: 32-bit words as four byte limbs.
//! * [`opcode`]: the opcode numbers carried on the `EXECUTION` bus.
//! * [`event`]: plain-integer events trace generation reads (shaped like the emulator's).
//! * [`chips`]: `byte` (preprocessed byte table), `add_sub` (ADD/SUB), `bitwise`
//!   (AND/OR/XOR), `shift` (SLL/SRL/SRA), `lt` (SLT/SLTU, and the less-than gadget the
//!   branch chip reuses), `driver` (a test stand-in for the CPU that sends `EXECUTION`
//!   messages).
//! * [`io_digest`]: the digest of the input and output streams (Poseidon2 sponge), which
//!   the stream sponge chips (`chips::io_sponge`) compute in-circuit.
//! * [`memory_root`]: the Poseidon2 Merkle root of a memory state (the RAM in pages of 256
//!   words), natively: the specification the continuation boundary chips (`chips::page`,
//!   `chips::merkle`) match, and a shard's incremental update of it.
//! * [`machine`]: the [`MachineAir`] enum and whole-machine trace generation.
//! * [`execution`]: the machine of one program (CPU, program ROM, registers, ALU chips,
//!   byte table) and its trace generation from an emulator run.
//!
//! Everything here is `no_std` + `alloc`: the verifier evaluates these constraints too.

extern crate alloc;

pub mod bus;
pub mod chips;
mod columns;
pub mod event;
pub mod execution;
pub mod io_digest;
pub mod machine;
pub mod memory_root;
pub mod opcode;
mod prefix_builder;
pub mod word;

#[cfg(test)]
mod testing;

pub use bus::{Bus, ByteOp};
pub use event::AluEvent;
pub use machine::{MachineAir, MachineRecord, MachineTraces};
pub use word::Word;
