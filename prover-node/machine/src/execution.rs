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
use crate::chips::io::{self, Cursors, IoBytesChip, IoCallChip, IoCallEvent, IoCallPublicValues};
use crate::chips::io_sponge::{self, IoSpongeChip, IoSpongePublicValues, Stream};
use crate::chips::keccak::{self, KeccakChip, KeccakPermuteEvent};
use crate::chips::load_store::{self, LoadStoreChip};
use crate::chips::lt::{self, LtChip};
use crate::chips::memory::{
    NUM_REGISTERS, RegistersChip, RegistersPublicValues, initial_registers,
};
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
    /// Number of chips.
    pub const COUNT: usize = 20;
    /// The chips whose trace height is fixed by the key, not by the shard: the program ROM,
    /// the register file's boundary and the byte table (no minimum height, no shape entry,
    /// no row count).
    pub const FIXED_HEIGHT: [usize; 3] = [PROGRAM, REGISTERS, BYTE];
}

/// The chips of the machine running `rom`, in the order of a proof's instances (see
/// [`chip_index`]).
pub fn program_machine(rom: ProgramRom) -> Vec<MachineAir> {
    let code = rom.code_span();
    machine_of(ProgramChip::new(rom), code)
}

/// The chips a verifier of a program whose code is `code_words` words from `base` needs:
/// [`program_machine`]'s, with a program chip that has no ROM (its preprocessed columns
/// are in the verifying key's commitment; the constraints do not read the ROM).
///
/// # Errors
///
/// [`crate::chips::program::RomError::CodeOutOfRange`] if the span is empty, unaligned, or
/// ends past [`crate::chips::program::PC_LIMIT`] − 4 (no ROM loads so).
pub fn verifier_machine(
    base: u32,
    code_words: u32,
) -> Result<Vec<MachineAir>, crate::chips::program::RomError> {
    use crate::chips::program::{PC_LIMIT, RomError};
    let end = u64::from(base) + 4 * u64::from(code_words);
    if code_words == 0 || !base.is_multiple_of(4) || end > u64::from(PC_LIMIT - 4) {
        return Err(RomError::CodeOutOfRange {
            expected: PC_LIMIT - 4,
            got: end.min(u64::from(u32::MAX)) as u32,
        });
    }
    let start = base >> 2;
    let code = crate::chips::memory::CodeSpan::new(start, start + code_words);
    Ok(machine_of(ProgramChip::without_rom(base), code))
}

fn machine_of(program: ProgramChip, code: crate::chips::memory::CodeSpan) -> Vec<MachineAir> {
    let load_store = LoadStoreChip::new(code);
    vec![
        MachineAir::Cpu(CpuChip),
        MachineAir::Program(program),
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

/// Where a shard starts: the machine state a shard's public values carry in, except
/// memory. A shard's end state is the next shard's start ([`ExecutionRecord::shard_end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardStart {
    /// The first instruction's address.
    pub pc: u32,
    /// The registers (`x0..x31`; `x0` is 0).
    pub registers: [u32; NUM_REGISTERS],
    /// The input stream's cursor: the position of the next input byte to read.
    pub input_cursor: u32,
    /// The output stream's cursor: the number of bytes committed so far.
    pub output_cursor: u32,
}

impl ShardStart {
    /// The start of a whole run: the program's entry, the ABI's initial registers
    /// ([`initial_registers`]), both streams at position 0.
    pub const fn initial(entry: u32) -> Self {
        ShardStart { pc: entry, registers: initial_registers(), input_cursor: 0, output_cursor: 0 }
    }

    /// The stream cursors.
    pub const fn cursors(&self) -> Cursors {
        Cursors { input: self.input_cursor, output: self.output_cursor }
    }
}

/// What trace generation needs from one shard of a run: where it starts, the executed
/// instructions in order, the syscalls, and the slices of the IO streams it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRecord {
    /// The state the shard starts from (pc, registers, stream cursors).
    pub start: ShardStart,
    /// The registers after the shard's last cycle.
    pub end_registers: [u32; NUM_REGISTERS],
    /// One event per cycle.
    pub cpu: Vec<CpuEvent>,
    /// The `KECCAK_PERMUTE` calls, in order (`clk` on the shard's timeline).
    pub keccak: Vec<KeccakPermuteEvent>,
    /// The IO syscalls (`INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT`), in order (`clk` on the
    /// shard's timeline).
    pub io: Vec<IoCallEvent>,
    /// The input bytes the shard reads, in order: stream positions
    /// `start.input_cursor..start.input_cursor + input.len()` (what the input sponge hashes).
    pub input: Vec<u8>,
    /// The whole input stream's length (what `INPUT_LEN` counts from).
    pub input_len: u32,
    /// The bytes the shard commits with `COMMIT_OUTPUT`, in order: stream positions
    /// `start.output_cursor..` (what the output sponge hashes).
    pub output: Vec<u8>,
}

impl Default for ExecutionRecord {
    /// An empty shard at pc 0 with the initial registers.
    fn default() -> Self {
        ExecutionRecord {
            start: ShardStart::initial(0),
            end_registers: initial_registers(),
            cpu: Vec::new(),
            keccak: Vec::new(),
            io: Vec::new(),
            input: Vec::new(),
            input_len: 0,
            output: Vec::new(),
        }
    }
}

impl ExecutionRecord {
    /// The record of one recorded chunk of a run on `input` (the whole input stream): the
    /// instructions merged back into execution order, the syscalls on the shard's timeline
    /// (timestamps restart at the chunk's first cycle), and the slices of the streams the
    /// chunk used. The chunk may start at any cycle: its start pc and registers are the
    /// chunk's, the stream cursors `input_cursor` and `output_cursor` the caller's (the
    /// previous shard's [`ExecutionRecord::shard_end`], or 0 for the first).
    ///
    /// # Panics
    ///
    /// If the chunk's IO calls read past `input`.
    #[cfg(any(test, feature = "emulator"))]
    pub fn from_chunk(
        chunk: &zkvm_emulator::ExecutionChunk,
        input: &[u8],
        input_cursor: u32,
        output_cursor: u32,
    ) -> Self {
        use zkvm_emulator::events::InstructionEvent;
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
        let read = io::input_read_len(&io) as usize;
        let from = input_cursor as usize;
        assert!(from + read <= input.len(), "the shard reads past its input");
        ExecutionRecord {
            start: ShardStart {
                pc: chunk.start_pc,
                registers: chunk.start_registers,
                input_cursor,
                output_cursor,
            },
            end_registers: chunk.end_registers,
            cpu,
            keccak: keccak::events_from_chunk(chunk),
            io,
            input: input[from..from + read].to_vec(),
            input_len: u32::try_from(input.len()).expect("input below 2^32 bytes"),
            output,
        }
    }

    /// Run `elf` in the emulator's recording mode as one shard (one chunk from the entry)
    /// and take its record.
    ///
    /// # Errors
    ///
    /// If the emulator faults or runs past its cycle limit.
    #[cfg(any(test, feature = "emulator"))]
    pub fn from_run(
        elf: &[u8],
        input: Vec<u8>,
    ) -> Result<(Self, zkvm_emulator::ExecutionSummary), zkvm_emulator::EmuError> {
        let (mut shards, summary) = Self::from_run_in_shards(elf, input, u64::MAX)?;
        assert_eq!(shards.len(), 1, "one chunk of unbounded length");
        Ok((shards.remove(0), summary))
    }

    /// Run `elf` in the emulator's recording mode, cut into shards of at most
    /// `shard_cycles` cycles, and take each shard's record (each starts where the previous
    /// one ended: [`ExecutionRecord::shard_end`]). Every record is kept in memory: for
    /// tests and short runs (a prover streams chunks through [`ExecutionRecord::from_chunk`]
    /// instead).
    ///
    /// # Errors
    ///
    /// If the emulator faults or runs past its cycle limit.
    #[cfg(any(test, feature = "emulator"))]
    pub fn from_run_in_shards(
        elf: &[u8],
        input: Vec<u8>,
        shard_cycles: u64,
    ) -> Result<(Vec<Self>, zkvm_emulator::ExecutionSummary), zkvm_emulator::EmuError> {
        let mut shards: Vec<ExecutionRecord> = Vec::new();
        let summary =
            zkvm_emulator::Emulator::run_recording(elf, input.clone(), shard_cycles, |chunk| {
                let cursors = shards.last().map_or(Cursors::default(), |s| s.shard_end().cursors());
                shards.push(ExecutionRecord::from_chunk(
                    chunk,
                    &input,
                    cursors.input,
                    cursors.output,
                ));
            })?;
        debug_assert_eq!(
            shards.iter().flat_map(|s| s.output.iter().copied()).collect::<Vec<u8>>(),
            summary.output,
            "the recorded output is the run's"
        );
        Ok((shards, summary))
    }

    /// Number of input bytes the shard reads (the length of [`Self::input`]).
    pub fn input_read_len(&self) -> u32 {
        io::input_read_len(&self.io)
    }

    /// Where the next shard starts: this shard's last `next_pc` (its start pc if it has no
    /// cycle), [`Self::end_registers`], and the stream cursors advanced by its IO calls.
    pub fn shard_end(&self) -> ShardStart {
        let cursors = io::cursors_after(&self.io, self.start.cursors());
        ShardStart {
            pc: self.cpu.last().map_or(self.start.pc, |e| e.next_pc),
            registers: self.end_registers,
            input_cursor: cursors.input,
            output_cursor: cursors.output,
        }
    }

    /// Generate the trace of every chip of [`program_machine`]`(rom)` for this shard, which
    /// starts from `memory` (a run from the entry: [`image_memory`]`(&rom.memory)`); on
    /// return `memory` is the shard's final memory.
    ///
    /// 1. The CPU replays the shard against the ROM, the register file (from
    ///    [`ShardStart::registers`]) and the RAM (from `memory`); it yields the `EXECUTION`
    ///    messages, the ROM's multiplicities, the final registers and RAM, and the syscalls
    ///    with the previous timestamps of their accesses.
    /// 2. Each executing chip gets the messages of its operations; the syscall chips get
    ///    their calls (the IO chips also the input's length, the stream cursors at the
    ///    shard's start and the input slice; the sponges the slices).
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
        self.generate_traces_padded(rom, memory, &[0; chip_index::COUNT])
    }

    /// [`ExecutionRecord::generate_traces`] with each chip's trace at least
    /// `min_heights[chip]` rows (0 or a power of two; a shard padded to a fixed shape). The
    /// fixed-height chips (program, registers, byte table) take 0. Every other chip pads with
    /// its usual padding rows, as it does up to its natural height.
    ///
    /// # Panics
    ///
    /// As [`ExecutionRecord::generate_traces`]; also if a minimum is neither 0 nor a power
    /// of two, or is asked of a fixed-height chip.
    pub fn generate_traces_padded<F: PrimeField64>(
        &self,
        rom: &ProgramRom,
        memory: &mut SparseMemory,
        min_heights: &[usize; chip_index::COUNT],
    ) -> MachineTraces<F> {
        use chip_index as c;
        for fixed in c::FIXED_HEIGHT {
            assert_eq!(min_heights[fixed], 0, "chip {fixed} has a fixed height");
        }
        let mut bytes = ByteRecord::new();
        memory.update_pages();
        let cpu = cpu::generate_trace_with_syscalls::<F>(
            rom,
            &self.start,
            memory,
            &self.cpu,
            &self.keccak,
            &self.io,
            &mut bytes,
            min_heights[c::CPU],
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
        let add_sub_trace =
            add_sub::generate_trace_padded(&add_sub, &mut bytes, min_heights[c::ADD_SUB]);
        let bitwise_trace =
            bitwise::generate_trace_padded(&bitwise, &mut bytes, min_heights[c::BITWISE]);
        let shift_trace = shift::generate_trace_padded(&shift, &mut bytes, min_heights[c::SHIFT]);
        let lt_trace = lt::generate_trace_padded(&lt, &mut bytes, min_heights[c::LT]);
        let mul_trace = mul::generate_trace_padded(&mul, &mut bytes, min_heights[c::MUL]);
        let divrem_trace =
            divrem::generate_trace_padded(&divrem, &mut bytes, min_heights[c::DIVREM]);
        let code = rom.code_span();
        let load_store_trace = load_store::generate_trace_padded(
            &cpu.memory,
            code,
            &mut bytes,
            min_heights[c::LOAD_STORE],
        );
        let ram_trace = cpu.ram.generate_trace_padded(&mut bytes, min_heights[c::RAM]);
        let memory_update = cpu.ram.memory_update();
        let page_trace =
            page::generate_trace_padded(&page::groups(&memory_update), min_heights[c::PAGE]);
        let (merkle_trace, merkle_public_values) =
            merkle::generate_trace_padded(&memory_update.nodes, min_heights[c::MERKLE]);
        let keccak_trace =
            keccak::generate_trace_padded(&cpu.keccak, code, &mut bytes, min_heights[c::KECCAK]);
        let noop_syscall_trace =
            noop_syscall::generate_trace_padded(&cpu.noop_syscalls, min_heights[c::NOOP_SYSCALL]);
        let cursors = self.start.cursors();
        assert_eq!(self.input.len(), self.input_read_len() as usize, "the input slice");
        let (io_call_trace, io_call_public_values) = io::call::generate_trace_padded(
            &cpu.io,
            self.input_len,
            cursors,
            &mut bytes,
            min_heights[c::IO_CALL],
        );
        let io_bytes_trace = io::bytes::generate_trace_padded(
            &cpu.io,
            cursors,
            &self.input,
            code,
            &mut bytes,
            min_heights[c::IO_BYTES],
        );
        let (input_sponge_trace, input_sponge_public_values) = io_sponge::generate_trace_padded(
            cursors.input,
            &self.input,
            &mut bytes,
            min_heights[c::INPUT_SPONGE],
        );
        let (output_sponge_trace, output_sponge_public_values) = io_sponge::generate_trace_padded(
            cursors.output,
            &self.output,
            &mut bytes,
            min_heights[c::OUTPUT_SPONGE],
        );
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
        public_values[chip_index::REGISTERS] = cpu.registers.public_values();
        public_values[chip_index::IO_CALL] = io_call_public_values;
        public_values[chip_index::INPUT_SPONGE] = input_sponge_public_values;
        public_values[chip_index::OUTPUT_SPONGE] = output_sponge_public_values;
        public_values[chip_index::MERKLE] = merkle_public_values;
        memory.apply(memory_update);
        MachineTraces { traces, public_values }
    }
}

/// Why a proof's public values are malformed, or do not describe the run the caller
/// expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
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
    /// The CPU's `halted` is neither 0 nor 1.
    #[error("the CPU's halted flag is {got}, not 0 or 1")]
    HaltedFlag {
        /// Its value.
        got: u64,
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
    /// A register limb of the start or end register file is not a byte.
    #[error("register x{register} ({file}) limb {limb} is {got}, not a byte")]
    RegisterLimb {
        /// `"start"` or `"end"`.
        file: &'static str,
        /// The register.
        register: usize,
        /// Index of the limb.
        limb: usize,
        /// Its value.
        got: u64,
    },
    /// The run did not start at the program's entry point.
    #[error("the run starts at {got:#x}, the program's entry is {expected:#x}")]
    StartPc {
        /// The ROM's entry.
        expected: u64,
        /// The proof's start pc.
        got: u64,
    },
    /// A register did not start with the ABI's initial value.
    #[error("register x{register} starts at {got:#x}, the ABI's initial value is {expected:#x}")]
    StartRegister {
        /// The register.
        register: usize,
        /// [`initial_registers`]' value.
        expected: u32,
        /// The proof's.
        got: u32,
    },
    /// The run did not end with `HALT`.
    #[error("the run did not halt")]
    NotHalted,
    /// A stream's slice does not start where the expected cursor is.
    #[error("the {stream} stream's slice starts at {got}, expected {expected}")]
    StreamStart {
        /// `"input"` or `"output"`.
        stream: &'static str,
        /// The cursor it should start at (the IO call chip's, or 0 for a whole run).
        expected: u32,
        /// The sponge's (or the IO call chip's) start.
        got: u32,
    },
    /// A stream's slice does not end where the IO call chip's cursor ends.
    #[error("the {stream} stream's slice ends at {got}, the IO calls end at {expected}")]
    StreamEnd {
        /// `"input"` or `"output"`.
        stream: &'static str,
        /// The IO call chip's end cursor.
        expected: u64,
        /// The sponge's `start + len`.
        got: u64,
    },
}

/// The slice of a stream a shard used, as its sponge publishes it ([`IoSpongePublicValues`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamSlice {
    /// The stream position of the slice's first byte.
    pub start: u32,
    /// The slice's length in bytes.
    pub len: u32,
    /// [`crate::io_digest::io_digest`] of the slice's bytes.
    pub digest: [u32; 8],
}

/// Every public value of one shard's proof except memory, parsed into plain integers: the
/// state the shard carries in and out (see [`ShardStart`]) and its IO.
///
/// A verifier of a chain of shards checks, besides each shard's STARK proof:
///
/// 1. within a shard, [`ShardPublicValues::check_streams`]: each sponge's slice is the IO
///    call chip's cursors (`input_start == input_slice.start`, `input_end ==
///    input_slice.start + input_slice.len`, the same for the output);
/// 2. the first shard starts at the entry with [`initial_registers`] and both cursors 0;
///    shard `k`'s [`ShardPublicValues::end`] is shard `k + 1`'s
///    [`ShardPublicValues::start`]; every shard has the input's length as `input_len`;
///    only the last shard halted;
/// 3. the output slices' digests against the output bytes it is given, the input slices'
///    against the input (or hands them on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPublicValues {
    /// The first row's pc.
    pub start_pc: u32,
    /// The last real row's `next_pc`.
    pub end_pc: u32,
    /// Whether the shard ended with `HALT`.
    pub halted: bool,
    /// The exit code if it halted, else 0.
    pub exit_code: u32,
    /// The registers when the shard starts.
    pub registers_start: [u32; NUM_REGISTERS],
    /// The registers when the shard ends.
    pub registers_end: [u32; NUM_REGISTERS],
    /// The whole input stream's length, as `INPUT_LEN` counts.
    pub input_len: u32,
    /// The input cursor when the shard starts.
    pub input_start: u32,
    /// The input cursor when the shard ends.
    pub input_end: u32,
    /// The output cursor when the shard starts.
    pub output_start: u32,
    /// The output cursor when the shard ends.
    pub output_end: u32,
    /// The input bytes the shard read (the input sponge).
    pub input_slice: StreamSlice,
    /// The output bytes the shard committed (the output sponge).
    pub output_slice: StreamSlice,
}

impl ShardPublicValues {
    /// Parse the public values of a proof that verified against a [`program_machine`] key
    /// (one list per chip, in its order; chips beyond the output sponge are ignored).
    ///
    /// # Errors
    ///
    /// If a list has the wrong length, `halted` is not boolean, or a limb of the exit code
    /// or a register is not a byte. Nothing else is checked: see the type's docs.
    pub fn from_public_values<F: PrimeField64>(per_chip: &[Vec<F>]) -> Result<Self, OutcomeError> {
        let chip = |index: usize, expected: usize| -> Result<&[F], OutcomeError> {
            let pv = per_chip.get(index).map_or(&[][..], Vec::as_slice);
            if pv.len() != expected {
                return Err(OutcomeError::ChipPublicValuesLength {
                    chip: index,
                    expected,
                    got: pv.len(),
                });
            }
            Ok(pv)
        };
        // Canonical KoalaBear values are below 2^31, so they fit a u32.
        let small = |v: F| -> u32 { v.as_canonical_u64() as u32 };
        let word = |w: &crate::word::Word<F>,
                    bad: &dyn Fn(usize, u64) -> OutcomeError|
         -> Result<u32, OutcomeError> {
            let mut bytes = [0u8; 4];
            for (limb, (b, v)) in bytes.iter_mut().zip(w.iter()).enumerate() {
                let got = v.as_canonical_u64();
                *b = u8::try_from(got).map_err(|_| bad(limb, got))?;
            }
            Ok(u32::from_le_bytes(bytes))
        };

        let cpu: &cpu::CpuPublicValues<F> =
            chip(chip_index::CPU, cpu::NUM_CPU_PUBLIC_VALUES)?.borrow();
        let halted = match cpu.halted.as_canonical_u64() {
            0 => false,
            1 => true,
            got => return Err(OutcomeError::HaltedFlag { got }),
        };
        let exit_code =
            word(&cpu.exit_code, &|limb, got| OutcomeError::ExitCodeLimb { limb, got })?;

        let registers: &RegistersPublicValues<F> =
            chip(chip_index::REGISTERS, crate::chips::memory::NUM_REGISTERS_PUBLIC_VALUES)?
                .borrow();
        let file = |words: &[crate::word::Word<F>; NUM_REGISTERS],
                    file: &'static str|
         -> Result<[u32; NUM_REGISTERS], OutcomeError> {
            let mut values = [0u32; NUM_REGISTERS];
            for (register, (value, w)) in values.iter_mut().zip(words).enumerate() {
                *value =
                    word(w, &|limb, got| OutcomeError::RegisterLimb { file, register, limb, got })?;
            }
            Ok(values)
        };

        let io_call: &IoCallPublicValues<F> =
            chip(chip_index::IO_CALL, io::call::NUM_IO_CALL_PUBLIC_VALUES)?.borrow();
        let sponge = |index: usize| -> Result<StreamSlice, OutcomeError> {
            let pv: &IoSpongePublicValues<F> =
                chip(index, io_sponge::NUM_IO_SPONGE_PUBLIC_VALUES)?.borrow();
            Ok(StreamSlice {
                start: small(pv.start),
                len: small(pv.len),
                digest: pv.digest.map(small),
            })
        };
        Ok(ShardPublicValues {
            start_pc: small(cpu.start_pc),
            end_pc: small(cpu.end_pc),
            halted,
            exit_code,
            registers_start: file(&registers.start, "start")?,
            registers_end: file(&registers.end, "end")?,
            input_len: small(io_call.input_len),
            input_start: small(io_call.input_start),
            input_end: small(io_call.input_end),
            output_start: small(io_call.output_start),
            output_end: small(io_call.output_end),
            input_slice: sponge(chip_index::INPUT_SPONGE)?,
            output_slice: sponge(chip_index::OUTPUT_SPONGE)?,
        })
    }

    /// The state the shard starts from.
    pub fn start(&self) -> ShardStart {
        ShardStart {
            pc: self.start_pc,
            registers: self.registers_start,
            input_cursor: self.input_start,
            output_cursor: self.output_start,
        }
    }

    /// The state the shard ends in: the next shard's [`ShardPublicValues::start`].
    pub fn end(&self) -> ShardStart {
        ShardStart {
            pc: self.end_pc,
            registers: self.registers_end,
            input_cursor: self.input_end,
            output_cursor: self.output_end,
        }
    }

    /// Check that each sponge hashed the slice the IO call chip's cursors moved over:
    /// `slice.start` is the start cursor and `slice.start + slice.len` the end cursor, for
    /// both streams. (The `IO` bus ties them already whenever bytes move; this also pins
    /// the slices of a stream the shard did not use.)
    ///
    /// # Errors
    ///
    /// [`OutcomeError::StreamStart`] or [`OutcomeError::StreamEnd`].
    pub fn check_streams(&self) -> Result<(), OutcomeError> {
        for (stream, start, end, slice) in [
            ("input", self.input_start, self.input_end, &self.input_slice),
            ("output", self.output_start, self.output_end, &self.output_slice),
        ] {
            if slice.start != start {
                return Err(OutcomeError::StreamStart {
                    stream,
                    expected: start,
                    got: slice.start,
                });
            }
            let slice_end = u64::from(slice.start) + u64::from(slice.len);
            if slice_end != u64::from(end) {
                return Err(OutcomeError::StreamEnd {
                    stream,
                    expected: end.into(),
                    got: slice_end,
                });
            }
        }
        Ok(())
    }
}

/// The exit code of a complete run proven as one shard, read from the public values of a
/// proof that verified against `program_machine(rom)`'s key (one list per chip).
///
/// The AIR binds the public values to the trace; what it cannot know is which start and
/// end the caller expects: this checks that the run starts at the ROM's entry with the
/// ABI's initial registers ([`initial_registers`]) and ends with `HALT`.
///
/// # Errors
///
/// If the public values are malformed or do not describe a complete run.
pub fn run_outcome<F: PrimeField64>(
    rom: &ProgramRom,
    public_values: &[Vec<F>],
) -> Result<u32, OutcomeError> {
    let shard = ShardPublicValues::from_public_values(public_values)?;
    if shard.start_pc != rom.entry {
        return Err(OutcomeError::StartPc {
            expected: rom.entry.into(),
            got: shard.start_pc.into(),
        });
    }
    let initial = initial_registers();
    if let Some(register) = (0..NUM_REGISTERS).find(|&r| shard.registers_start[r] != initial[r]) {
        return Err(OutcomeError::StartRegister {
            register,
            expected: initial[register],
            got: shard.registers_start[register],
        });
    }
    if !shard.halted {
        return Err(OutcomeError::NotHalted);
    }
    Ok(shard.exit_code)
}

/// The input and output a complete run (one shard) commits to, read from its public values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoOutcome {
    /// The input stream's length (the IO call chip's public value: what `INPUT_LEN`
    /// answered from); a verifier must check it is the input's.
    pub input_len: u32,
    /// The number of input bytes the run read: `input[..input_read]`.
    pub input_read: u32,
    /// [`crate::io_digest::io_digest`] of the bytes read, `input[..input_read]` (the input
    /// sponge hashes only what the shard reads).
    pub input_digest: [u32; 8],
    /// The output stream's length.
    pub output_len: u32,
    /// [`crate::io_digest::io_digest`] of the output.
    pub output_digest: [u32; 8],
}

/// The IO part of the public values of a complete run proven as one shard, from a proof
/// that verified against a [`program_machine`] key (one list of public values per chip,
/// in its order).
///
/// # Errors
///
/// If a list is malformed, the streams do not start at position 0, or a sponge's slice is
/// not the IO call chip's ([`ShardPublicValues::check_streams`]).
pub fn io_outcome<F: PrimeField64>(public_values: &[Vec<F>]) -> Result<IoOutcome, OutcomeError> {
    let shard = ShardPublicValues::from_public_values(public_values)?;
    for (stream, start) in [("input", shard.input_start), ("output", shard.output_start)] {
        if start != 0 {
            return Err(OutcomeError::StreamStart { stream, expected: 0, got: start });
        }
    }
    shard.check_streams()?;
    Ok(IoOutcome {
        input_len: shard.input_len,
        input_read: shard.input_slice.len,
        input_digest: shard.input_slice.digest,
        output_len: shard.output_slice.len,
        output_digest: shard.output_slice.digest,
    })
}

/// The memory roots a shard's proof commits to (the Merkle chip's public values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryOutcome {
    /// The root of the memory the shard starts from.
    pub root_in: Digest,
    /// The root of the memory it ends with.
    pub root_out: Digest,
}

impl MemoryOutcome {
    /// The shard must start from the memory whose root is `root_in` (the image's for a run
    /// from the entry, the previous shard's `root_out` after that).
    ///
    /// # Errors
    ///
    /// [`OutcomeError::MemoryRootIn`] if it starts from another.
    pub fn check_root_in(&self, root_in: &Digest) -> Result<(), OutcomeError> {
        if self.root_in != *root_in {
            return Err(OutcomeError::MemoryRootIn { expected: *root_in, got: self.root_in });
        }
        Ok(())
    }
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
    let outcome = memory_roots(public_values)?;
    outcome.check_root_in(root_in)?;
    Ok(outcome)
}

/// The memory roots a verified shard's Merkle chip commits to, unchecked: which root it
/// had to start from is [`memory_outcome`]'s check.
///
/// # Errors
///
/// If the Merkle chip's public values have the wrong length.
pub fn memory_roots<F: PrimeField64>(
    public_values: &[Vec<F>],
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
    Ok(MemoryOutcome { root_in: digest(&pv.root_in), root_out: digest(&pv.root_out) })
}

#[cfg(test)]
mod code_span_tests;
#[cfg(test)]
mod memory_tests;
#[cfg(test)]
mod padding_tests;
#[cfg(test)]
pub(crate) mod programs;
#[cfg(any(test, feature = "emulator"))]
pub mod rows;
pub mod shape;
#[cfg(test)]
mod shard_tests;
#[cfg(test)]
mod syscall_tests;
