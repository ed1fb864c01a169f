//! The RV32IM machine of one program: its chips, and trace generation from an emulator
//! run.
//!
//! Proving a program goes in these steps:
//!
//! 1. [`ProgramRom::from_elf`] decodes the ELF's code; [`program_machine`] lists the chips
//!    (the ROM is the program chip's preprocessed columns, so the verifying key from
//!    `zkvm_stark::setup(config, program_machine(rom))` binds the program).
//! 2. The emulator runs the program in recording mode; [`ExecutionRecord::from_chunk`]
//!    takes the executed instructions in order.
//! 3. [`ExecutionRecord::generate_traces`] fills every chip's trace and public values
//!    from the shard's initial memory ([`image_memory`] for a run from the entry), which
//!    `zkvm_stark::prove_machine` proves; the memory becomes the shard's final memory.

use alloc::vec;
use alloc::vec::Vec;

use core::borrow::Borrow;

use p3_field::PrimeField64;

use crate::chips::add_sub::{self, AddSubChip};
use crate::chips::bitwise::{self, BitwiseChip};
use crate::chips::byte::{ByteChip, ByteRecord};
use crate::chips::cpu::{self, CpuChip, CpuEvent};
use crate::chips::divrem::{self, DivRemChip};
use crate::chips::io::{self, IoBytesChip, IoCallChip, IoCallEvent};
use crate::chips::io_sponge::{self, IoSpongeChip, IoSpongePublicValues, Stream};
use crate::chips::keccak::{self, KeccakChip, KeccakPermuteEvent};
use crate::chips::load_store::{self, LoadStoreChip};
use crate::chips::lt::{self, LtChip};
use crate::chips::memory::RegistersChip;
use crate::chips::merkle::{self, MerkleChip};
use crate::chips::mul::{self, MulChip};
use crate::chips::noop_syscall::{self, NoopSyscallChip};
use crate::chips::page::{self, PageChip};
use crate::chips::program::{self, ProgramChip, ProgramRom};
use crate::chips::ram::RamChip;
use crate::chips::shift::{self, ShiftChip};
use crate::event::AluEvent;
use crate::machine::{MachineAir, MachineTraces};
use crate::memory_root::{Digest, SparseMemory};
use crate::opcode;

pub use crate::chips::program::image_memory;

/// Index of each chip in [`program_machine`]'s list.
pub mod chip_index {
    /// The CPU.
    pub const CPU: usize = 0;
    /// The program ROM.
    pub const PROGRAM: usize = 1;
    /// The register file's boundary.
    pub const REGISTERS: usize = 2;
    /// `ADD`/`SUB`.
    pub const ADD_SUB: usize = 3;
    /// `AND`/`OR`/`XOR`.
    pub const BITWISE: usize = 4;
    /// Shifts.
    pub const SHIFT: usize = 5;
    /// `SLT`/`SLTU`.
    pub const LT: usize = 6;
    /// The byte table.
    pub const BYTE: usize = 7;
    /// `MUL*`.
    pub const MUL: usize = 8;
    /// `DIV*`/`REM*`.
    pub const DIVREM: usize = 9;
    /// Loads and stores.
    pub const LOAD_STORE: usize = 10;
    /// The RAM boundary: every word of the shard's touched pages.
    pub const RAM: usize = 11;
    /// The page hash of the touched pages, before and after the shard.
    pub const PAGE: usize = 12;
    /// The `KECCAK_PERMUTE` precompile.
    pub const KECCAK: usize = 13;
    /// Debug syscalls (`PHASE_MARK`) as no-ops.
    pub const NOOP_SYSCALL: usize = 14;
    /// The IO syscalls (`INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT`), one row per call.
    pub const IO_CALL: usize = 15;
    /// The bytes the IO syscalls move, one row per RAM word.
    pub const IO_BYTES: usize = 16;
    /// The input stream's sponge (its public values: length and digest).
    pub const INPUT_SPONGE: usize = 17;
    /// The output stream's sponge (its public values: length and digest).
    pub const OUTPUT_SPONGE: usize = 18;
    /// The memory tree's touched paths (its public values: `root_in`, `root_out`).
    pub const MERKLE: usize = 19;
}

/// The chips of the machine running `rom`, in the order of a proof's instances (see
/// [`chip_index`]).
pub fn program_machine(rom: ProgramRom) -> Vec<MachineAir> {
    let code = rom.code_span();
    let load_store = LoadStoreChip::new(code);
    vec![
        MachineAir::Cpu(CpuChip),
        MachineAir::Program(ProgramChip::new(rom)),
        MachineAir::Registers(RegistersChip),
        MachineAir::AddSub(AddSubChip),
        MachineAir::Bitwise(BitwiseChip),
        MachineAir::Shift(ShiftChip),
        MachineAir::Lt(LtChip),
        MachineAir::Byte(ByteChip),
        MachineAir::Mul(MulChip),
        MachineAir::DivRem(DivRemChip),
        MachineAir::LoadStore(load_store),
        MachineAir::Ram(RamChip),
        MachineAir::Page(PageChip),
        MachineAir::Keccak(KeccakChip::new(code)),
        MachineAir::NoopSyscall(NoopSyscallChip),
        MachineAir::IoCall(IoCallChip),
        MachineAir::IoBytes(IoBytesChip::new(code)),
        MachineAir::IoSponge(IoSpongeChip { stream: Stream::Input }),
        MachineAir::IoSponge(IoSpongeChip { stream: Stream::Output }),
        MachineAir::Merkle(MerkleChip),
    ]
}

/// What trace generation needs from a run: the executed instructions, in order, from the
/// program's entry with the initial registers; the syscalls; the input and output streams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionRecord {
    /// One event per cycle.
    pub cpu: Vec<CpuEvent>,
    /// The `KECCAK_PERMUTE` calls, in order.
    pub keccak: Vec<KeccakPermuteEvent>,
    /// The IO syscalls (`INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT`), in order.
    pub io: Vec<IoCallEvent>,
    /// The whole input stream (what the input sponge hashes).
    pub input: Vec<u8>,
    /// The output stream: the bytes `COMMIT_OUTPUT` appended, in order (what the output
    /// sponge hashes).
    pub output: Vec<u8>,
}

impl ExecutionRecord {
    /// The instructions of a recorded chunk that starts at cycle 0, merged back into
    /// execution order, its syscalls, and the IO streams of a run on `input`.
    ///
    /// # Panics
    ///
    /// If the chunk does not start at cycle 0 (one shard is the whole run for now), or its
    /// IO calls read past `input`.
    #[cfg(any(test, feature = "emulator"))]
    pub fn from_chunk(chunk: &zkvm_emulator::ExecutionChunk, input: &[u8]) -> Self {
        use zkvm_emulator::events::InstructionEvent;
        assert_eq!(chunk.start_cycle, 0, "continuations are not supported yet");
        let mut steps: Vec<&InstructionEvent> = chunk
            .alu
            .iter()
            .chain(&chunk.mul_div)
            .chain(&chunk.upper)
            .chain(&chunk.branch)
            .chain(&chunk.jump)
            .chain(chunk.load.iter().map(|e| &e.step))
            .chain(chunk.store.iter().map(|e| &e.step))
            .chain(&chunk.system)
            .collect();
        steps.sort_unstable_by_key(|e| e.cycle);
        let cpu = steps
            .into_iter()
            .map(|e| CpuEvent { pc: e.pc, next_pc: e.next_pc, a: e.a, b: e.b, c: e.c })
            .collect();
        let io = io::events_from_chunk(chunk);
        let output = io::output_bytes(&io);
        assert!(io::input_read_len(&io) as usize <= input.len(), "the run read past its input");
        ExecutionRecord {
            cpu,
            keccak: keccak::events_from_chunk(chunk),
            io,
            input: input.to_vec(),
            output,
        }
    }

    /// Run `elf` in the emulator's recording mode (one chunk) and take its record.
    ///
    /// # Errors
    ///
    /// If the emulator faults or runs past its cycle limit.
    #[cfg(any(test, feature = "emulator"))]
    pub fn from_run(
        elf: &[u8],
        input: Vec<u8>,
    ) -> Result<(Self, zkvm_emulator::ExecutionSummary), zkvm_emulator::EmuError> {
        let mut record = ExecutionRecord::default();
        let summary =
            zkvm_emulator::Emulator::run_recording(elf, input.clone(), u64::MAX, |chunk| {
                record = ExecutionRecord::from_chunk(chunk, &input);
            })?;
        debug_assert_eq!(record.output, summary.output, "the recorded output is the run's");
        Ok((record, summary))
    }

    /// Number of input bytes the run read: the input sponge must provide positions
    /// `0..input_read_len()` (a prefix of [`Self::input`]) to the IO chips.
    pub fn input_read_len(&self) -> u32 {
        io::input_read_len(&self.io)
    }

    /// Generate the trace of every chip of [`program_machine`]`(rom)`, for a shard that
    /// starts from `memory` (a run from the entry: [`image_memory`]`(&rom.memory)`); on
    /// return `memory` is the shard's final memory.
    ///
    /// 1. The CPU replays the run against the ROM, the register file and the RAM (from
    ///    `memory`); it yields the `EXECUTION` messages, the ROM's multiplicities, the
    ///    final registers and RAM, and the syscalls with the previous timestamps of their
    ///    accesses.
    /// 2. Each executing chip gets the messages of its operations; the syscall chips get
    ///    their calls (the IO call chip also the input's length, its public value; the IO
    ///    bytes chip the input).
    /// 3. The memory boundary: the RAM chip gets every word of the touched pages, the page
    ///    chip their hashes before and after, the Merkle chip the touched paths (its public
    ///    values: `root_in`, `root_out`).
    /// 4. The byte table's multiplicities are filled last, from every chip's requests.
    /// 5. `memory` takes the touched pages' final contents.
    ///
    /// # Panics
    ///
    /// If the record is not a run of `rom` from `memory`, or an operation has no chip (bugs
    /// of the caller).
    pub fn generate_traces<F: PrimeField64>(
        &self,
        rom: &ProgramRom,
        memory: &mut SparseMemory,
    ) -> MachineTraces<F> {
        let mut bytes = ByteRecord::new();
        memory.update_pages();
        let cpu = cpu::generate_trace_with_syscalls::<F>(
            rom,
            memory,
            &self.cpu,
            &self.keccak,
            &self.io,
            &mut bytes,
        );
        let events_of = |opcodes: &[u8]| -> Vec<AluEvent> {
            cpu.alu.iter().filter(|e| opcodes.contains(&e.opcode)).copied().collect()
        };
        let add_sub = events_of(&[opcode::ADD, opcode::SUB]);
        let bitwise = events_of(&[opcode::AND, opcode::OR, opcode::XOR]);
        let shift = events_of(&[opcode::SLL, opcode::SRL, opcode::SRA]);
        let lt = events_of(&[opcode::SLT, opcode::SLTU]);
        let mul = events_of(&[opcode::MUL, opcode::MULH, opcode::MULHSU, opcode::MULHU]);
        let divrem = events_of(&[opcode::DIV, opcode::DIVU, opcode::REM, opcode::REMU]);
        assert_eq!(
            add_sub.len() + bitwise.len() + shift.len() + lt.len() + mul.len() + divrem.len(),
            cpu.alu.len(),
            "an EXECUTION operation has no chip yet"
        );
        let add_sub_trace = add_sub::generate_trace(&add_sub, &mut bytes);
        let bitwise_trace = bitwise::generate_trace(&bitwise, &mut bytes);
        let shift_trace = shift::generate_trace(&shift, &mut bytes);
        let lt_trace = lt::generate_trace(&lt, &mut bytes);
        let mul_trace = mul::generate_trace(&mul, &mut bytes);
        let divrem_trace = divrem::generate_trace(&divrem, &mut bytes);
        let code = rom.code_span();
        let load_store_trace = load_store::generate_trace(&cpu.memory, code, &mut bytes);
        let ram_trace = cpu.ram.generate_trace(&mut bytes);
        let memory_update = cpu.ram.memory_update();
        let page_trace = page::generate_trace(&page::groups(&memory_update));
        let (merkle_trace, merkle_public_values) = merkle::generate_trace(&memory_update.nodes);
        let keccak_trace = keccak::generate_trace(&cpu.keccak, code, &mut bytes);
        let noop_syscall_trace = noop_syscall::generate_trace(&cpu.noop_syscalls);
        let input_len = u32::try_from(self.input.len()).expect("input below 2^32 bytes");
        let (io_call_trace, io_call_public_values) =
            io::call::generate_trace(&cpu.io, input_len, &mut bytes);
        let io_bytes_trace = io::bytes::generate_trace(&cpu.io, &self.input, code, &mut bytes);
        let read_len = self.input_read_len() as usize;
        let reads: Vec<bool> = (0..self.input.len()).map(|q| q < read_len).collect();
        let (input_sponge_trace, input_sponge_public_values) =
            io_sponge::generate_trace(Stream::Input, &self.input, &reads, &mut bytes);
        let (output_sponge_trace, output_sponge_public_values) =
            io_sponge::generate_trace(Stream::Output, &self.output, &[], &mut bytes);
        let traces = vec![
            cpu.trace,
            program::generate_trace(rom, &cpu.rom_counts),
            cpu.registers.generate_trace(),
            add_sub_trace,
            bitwise_trace,
            shift_trace,
            lt_trace,
            bytes.generate_trace(),
            mul_trace,
            divrem_trace,
            load_store_trace,
            ram_trace,
            page_trace,
            keccak_trace,
            noop_syscall_trace,
            io_call_trace,
            io_bytes_trace,
            input_sponge_trace,
            output_sponge_trace,
            merkle_trace,
        ];
        let mut public_values = vec![Vec::new(); traces.len()];
        public_values[chip_index::CPU] = cpu.public_values;
        public_values[chip_index::IO_CALL] = io_call_public_values;
        public_values[chip_index::INPUT_SPONGE] = input_sponge_public_values;
        public_values[chip_index::OUTPUT_SPONGE] = output_sponge_public_values;
        public_values[chip_index::MERKLE] = merkle_public_values;
        memory.apply(memory_update);
        MachineTraces { traces, public_values }
    }
}

/// Why a proof's CPU public values do not describe a complete run of the program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// The CPU's public values have the wrong length.
    #[error("expected {expected} CPU public values, got {got}")]
    PublicValuesLength {
        /// [`cpu::NUM_CPU_PUBLIC_VALUES`].
        expected: usize,
        /// What the proof carries.
        got: usize,
    },
    /// The run did not start at the program's entry point.
    #[error("the run starts at {got:#x}, the program's entry is {expected:#x}")]
    StartPc {
        /// The ROM's entry.
        expected: u64,
        /// The proof's start pc.
        got: u64,
    },
    /// The run did not end with `HALT`.
    #[error("the run did not halt")]
    NotHalted,
    /// A chip's public values have the wrong length.
    #[error("chip {chip}: expected {expected} public values, got {got}")]
    ChipPublicValuesLength {
        /// Index of the chip.
        chip: usize,
        /// What the chip declares.
        expected: usize,
        /// What the proof carries.
        got: usize,
    },
    /// The IO call chip's input length is not the input sponge's.
    #[error("the input stream has {expected} bytes, the IO call chip says {got}")]
    InputLength {
        /// The input sponge's length.
        expected: u32,
        /// The IO call chip's.
        got: u32,
    },
    /// The shard does not start from the expected memory.
    #[error("the shard's memory root in is {got:?}, expected {expected:?}")]
    MemoryRootIn {
        /// The expected root (the program image's for a run from the entry).
        expected: Digest,
        /// The Merkle chip's `root_in`.
        got: Digest,
    },
    /// An exit-code limb is not a byte.
    #[error("exit code limb {limb} is {got}, not a byte")]
    ExitCodeLimb {
        /// Index of the limb.
        limb: usize,
        /// Its value.
        got: u64,
    },
}

/// The exit code of a complete run, read from the CPU's public values of a proof that
/// verified against `program_machine(rom)`'s key.
///
/// The AIR binds the public values to the trace (first row, last row); what it cannot know
/// is which start and end the caller expects: this checks that the run starts at the
/// ROM's entry point and ends with `HALT`.
///
/// # Errors
///
/// If the public values are malformed or do not describe a complete run.
pub fn run_outcome<F: PrimeField64>(
    rom: &ProgramRom,
    cpu_public_values: &[F],
) -> Result<u32, OutcomeError> {
    if cpu_public_values.len() != cpu::NUM_CPU_PUBLIC_VALUES {
        return Err(OutcomeError::PublicValuesLength {
            expected: cpu::NUM_CPU_PUBLIC_VALUES,
            got: cpu_public_values.len(),
        });
    }
    let pv: &cpu::CpuPublicValues<F> = cpu_public_values.borrow();
    let start = pv.start_pc.as_canonical_u64();
    if start != rom.entry as u64 {
        return Err(OutcomeError::StartPc { expected: rom.entry as u64, got: start });
    }
    if pv.halted != F::ONE {
        return Err(OutcomeError::NotHalted);
    }
    let mut bytes = [0u8; 4];
    for (limb, (b, v)) in bytes.iter_mut().zip(pv.exit_code.iter()).enumerate() {
        let got = v.as_canonical_u64();
        *b = u8::try_from(got).map_err(|_| OutcomeError::ExitCodeLimb { limb, got })?;
    }
    Ok(u32::from_le_bytes(bytes))
}

/// The input and output streams a proof commits to, read from its public values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoOutcome {
    /// The input stream's length (the input sponge's public value).
    pub input_len: u32,
    /// The input's length as the IO call chip knows it (its public value); a verifier
    /// must check it equals [`IoOutcome::input_len`].
    pub io_call_input_len: u32,
    /// [`crate::io_digest::io_digest`] of the input.
    pub input_digest: [u32; 8],
    /// The output stream's length.
    pub output_len: u32,
    /// [`crate::io_digest::io_digest`] of the output.
    pub output_digest: [u32; 8],
}

/// The IO part of the public values of a proof that verified against a
/// [`program_machine`] key (one list of public values per chip, in its order).
///
/// # Errors
///
/// If a list has the wrong length, or the two chips disagree on the input's length.
pub fn io_outcome<F: PrimeField64>(public_values: &[Vec<F>]) -> Result<IoOutcome, OutcomeError> {
    let chip = |index: usize, expected: usize| -> Result<&[F], OutcomeError> {
        let pv = public_values.get(index).map_or(&[][..], Vec::as_slice);
        if pv.len() != expected {
            return Err(OutcomeError::ChipPublicValuesLength {
                chip: index,
                expected,
                got: pv.len(),
            });
        }
        Ok(pv)
    };
    let small = |v: F| -> u32 { v.as_canonical_u64() as u32 };
    let sponge = |index: usize| -> Result<(u32, [u32; 8]), OutcomeError> {
        let pv: &IoSpongePublicValues<F> =
            chip(index, io_sponge::NUM_IO_SPONGE_PUBLIC_VALUES)?.borrow();
        Ok((small(pv.len), pv.digest.map(small)))
    };
    let (input_len, input_digest) = sponge(chip_index::INPUT_SPONGE)?;
    let (output_len, output_digest) = sponge(chip_index::OUTPUT_SPONGE)?;
    let io_call_input_len = small(chip(chip_index::IO_CALL, 1)?[0]);
    if io_call_input_len != input_len {
        return Err(OutcomeError::InputLength { expected: input_len, got: io_call_input_len });
    }
    Ok(IoOutcome { input_len, io_call_input_len, input_digest, output_len, output_digest })
}

/// The memory roots a shard's proof commits to (the Merkle chip's public values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryOutcome {
    /// The root of the memory the shard starts from.
    pub root_in: Digest,
    /// The root of the memory it ends with.
    pub root_out: Digest,
}

/// The memory roots of a proof that verified against a [`program_machine`] key, checking
/// that the shard starts from the memory whose root is `root_in`: for a run from the entry
/// the image's ([`image_memory`]`(&rom.memory).root()`), for a later shard the previous
/// shard's `root_out`. The AIR binds the roots to the memory the shard read and wrote;
/// which memory it had to start from only the caller knows.
///
/// # Errors
///
/// If the Merkle chip's public values have the wrong length, or its `root_in` is not
/// `root_in`.
pub fn memory_outcome<F: PrimeField64>(
    public_values: &[Vec<F>],
    root_in: &Digest,
) -> Result<MemoryOutcome, OutcomeError> {
    let pv = public_values.get(chip_index::MERKLE).map_or(&[][..], Vec::as_slice);
    if pv.len() != merkle::NUM_MERKLE_PUBLIC_VALUES {
        return Err(OutcomeError::ChipPublicValuesLength {
            chip: chip_index::MERKLE,
            expected: merkle::NUM_MERKLE_PUBLIC_VALUES,
            got: pv.len(),
        });
    }
    let pv: &merkle::MerklePublicValues<F> = pv.borrow();
    let digest = |d: &[F; 8]| -> Digest { d.map(|v| v.as_canonical_u64() as u32) };
    let outcome = MemoryOutcome { root_in: digest(&pv.root_in), root_out: digest(&pv.root_out) };
    if outcome.root_in != *root_in {
        return Err(OutcomeError::MemoryRootIn { expected: *root_in, got: outcome.root_in });
    }
    Ok(outcome)
}

#[cfg(test)]
mod code_span_tests;
#[cfg(test)]
mod memory_tests;
#[cfg(test)]
pub(crate) mod programs;
#[cfg(test)]
mod syscall_tests;
