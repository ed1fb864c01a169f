//! The whole machine: the [`MachineAir`] enum over every chip (the one AIR type
//! `p3-batch-stark` proves), and trace generation for all chips at once.

use alloc::vec;
use alloc::vec::Vec;

use p3_air::{Air, BaseAir};
use p3_field::Field;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::chips::add_sub::{self, AddSubChip};
use crate::chips::bitwise::{self, BitwiseChip};
use crate::chips::byte::{ByteChip, ByteRecord};
use crate::chips::divrem::{self, DivRemChip};
use crate::chips::driver::{self, DriverChip};
use crate::chips::lt::{self, LtChip};
use crate::chips::mul::{self, MulChip};
use crate::chips::shift::{self, ShiftChip};
use crate::event::AluEvent;
use crate::opcode;

/// Every chip of the machine. `p3-batch-stark` needs one AIR type for all instances of a
/// batch; this enum delegates `BaseAir` and `Air` to the chip it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineAir {
    /// Test stand-in for the CPU (see [`crate::chips::driver`]).
    Driver(DriverChip),
    /// `ADD` and `SUB`.
    AddSub(AddSubChip),
    /// The preprocessed byte table.
    Byte(ByteChip),
    /// `AND`, `OR`, `XOR`.
    Bitwise(BitwiseChip),
    /// `SLL`, `SRL`, `SRA`.
    Shift(ShiftChip),
    /// `SLT`, `SLTU`.
    Lt(LtChip),
    /// The CPU: one row per executed instruction (see [`crate::chips::cpu`]).
    Cpu(crate::chips::cpu::CpuChip),
    /// The program ROM (preprocessed; see [`crate::chips::program`]).
    Program(crate::chips::program::ProgramChip),
    /// The register file's initial and final values (see [`crate::chips::memory`]).
    Registers(crate::chips::memory::RegistersChip),
    /// `MUL`, `MULH`, `MULHSU`, `MULHU`.
    Mul(MulChip),
    /// `DIV`, `DIVU`, `REM`, `REMU`.
    DivRem(DivRemChip),
    /// Loads and stores (see [`crate::chips::load_store`]).
    LoadStore(crate::chips::load_store::LoadStoreChip),
    /// The RAM boundary (see [`crate::chips::ram`]).
    Ram(crate::chips::ram::RamChip),
    /// The page hash of a shard's touched pages (see [`crate::chips::page`]).
    Page(crate::chips::page::PageChip),
    /// The memory tree's touched paths, `root_in` to `root_out` (see
    /// [`crate::chips::merkle`]).
    Merkle(crate::chips::merkle::MerkleChip),
    /// The `KECCAK_PERMUTE` precompile (see [`crate::chips::keccak`]).
    Keccak(crate::chips::keccak::KeccakChip),
    /// Debug syscalls proven as no-ops (see [`crate::chips::noop_syscall`]).
    NoopSyscall(crate::chips::noop_syscall::NoopSyscallChip),
    /// The input or output stream's sponge (see [`crate::chips::io_sponge`]).
    IoSponge(crate::chips::io_sponge::IoSpongeChip),
    /// Test stand-in for the CPU and RAM boundary around the Keccak chip.
    #[cfg(test)]
    KeccakHarness(crate::chips::keccak::KeccakHarnessChip),
    /// The IO syscalls, one row per call (see [`crate::chips::io`]).
    IoCall(crate::chips::io::IoCallChip),
    /// The bytes the IO syscalls move, one row per RAM word (see [`crate::chips::io`]).
    IoBytes(crate::chips::io::IoBytesChip),
    /// Test stand-in for the IO chips around the stream sponges.
    #[cfg(test)]
    SpongeHarness(crate::chips::io_sponge::IoHarnessChip),
}

/// Call `$body` with `$chip` bound to the chip inside `$air`.
macro_rules! dispatch {
    ($air:expr, $chip:ident => $body:expr) => {
        match $air {
            MachineAir::Driver($chip) => $body,
            MachineAir::AddSub($chip) => $body,
            MachineAir::Byte($chip) => $body,
            MachineAir::Bitwise($chip) => $body,
            MachineAir::Shift($chip) => $body,
            MachineAir::Lt($chip) => $body,
            MachineAir::Cpu($chip) => $body,
            MachineAir::Program($chip) => $body,
            MachineAir::Registers($chip) => $body,
            MachineAir::Mul($chip) => $body,
            MachineAir::DivRem($chip) => $body,
            MachineAir::LoadStore($chip) => $body,
            MachineAir::Ram($chip) => $body,
            MachineAir::Page($chip) => $body,
            MachineAir::Merkle($chip) => $body,
            MachineAir::Keccak($chip) => $body,
            MachineAir::NoopSyscall($chip) => $body,
            MachineAir::IoSponge($chip) => $body,
            #[cfg(test)]
            MachineAir::KeccakHarness($chip) => $body,
            MachineAir::IoCall($chip) => $body,
            MachineAir::IoBytes($chip) => $body,
            #[cfg(test)]
            MachineAir::SpongeHarness($chip) => $body,
        }
    };
}

impl MachineAir {
    /// The chips of the machine, in the order of a proof's instances.
    pub fn all() -> Vec<MachineAir> {
        vec![
            MachineAir::Driver(DriverChip),
            MachineAir::AddSub(AddSubChip),
            MachineAir::Byte(ByteChip),
            MachineAir::Bitwise(BitwiseChip),
            MachineAir::Shift(ShiftChip),
            MachineAir::Lt(LtChip),
            MachineAir::Mul(MulChip),
            MachineAir::DivRem(DivRemChip),
        ]
    }

    /// The chip's name, for reports and errors.
    pub const fn name(&self) -> &'static str {
        match self {
            MachineAir::Driver(_) => "driver",
            MachineAir::AddSub(_) => "add_sub",
            MachineAir::Byte(_) => "byte",
            MachineAir::Bitwise(_) => "bitwise",
            MachineAir::Shift(_) => "shift",
            MachineAir::Lt(_) => "lt",
            MachineAir::Cpu(_) => "cpu",
            MachineAir::Program(_) => "program",
            MachineAir::Registers(_) => "registers",
            MachineAir::Mul(_) => "mul",
            MachineAir::DivRem(_) => "divrem",
            MachineAir::LoadStore(_) => "load_store",
            MachineAir::Ram(_) => "ram",
            MachineAir::Page(_) => "page",
            MachineAir::Merkle(_) => "merkle",
            MachineAir::Keccak(_) => "keccak",
            MachineAir::NoopSyscall(_) => "noop_syscall",
            MachineAir::IoSponge(chip) => match chip.stream {
                crate::chips::io_sponge::Stream::Input => "io_sponge_input",
                crate::chips::io_sponge::Stream::Output => "io_sponge_output",
            },
            #[cfg(test)]
            MachineAir::KeccakHarness(_) => "keccak_harness",
            MachineAir::IoCall(_) => "io_call",
            MachineAir::IoBytes(_) => "io_bytes",
            #[cfg(test)]
            MachineAir::SpongeHarness(_) => "sponge_harness",
        }
    }
}

impl<F: Field> BaseAir<F> for MachineAir {
    fn width(&self) -> usize {
        dispatch!(self, chip => <_ as BaseAir<F>>::width(chip))
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        dispatch!(self, chip => <_ as BaseAir<F>>::preprocessed_trace(chip))
    }

    fn preprocessed_width(&self) -> usize {
        dispatch!(self, chip => <_ as BaseAir<F>>::preprocessed_width(chip))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        dispatch!(self, chip => <_ as BaseAir<F>>::main_next_row_columns(chip))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        dispatch!(self, chip => <_ as BaseAir<F>>::preprocessed_next_row_columns(chip))
    }

    fn num_public_values(&self) -> usize {
        dispatch!(self, chip => <_ as BaseAir<F>>::num_public_values(chip))
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for MachineAir {
    fn eval(&self, builder: &mut AB) {
        dispatch!(self, chip => chip.eval(builder))
    }
}

/// What trace generation needs from one shard's execution.
#[derive(Debug, Clone, Default)]
pub struct MachineRecord {
    /// ALU operations, in execution order.
    pub alu: Vec<AluEvent>,
}

/// The traces and public values of every chip, in the order of [`MachineAir::all`].
#[derive(Debug, Clone)]
pub struct MachineTraces<F> {
    /// One main trace per chip.
    pub traces: Vec<RowMajorMatrix<F>>,
    /// One list of public values per chip.
    pub public_values: Vec<Vec<F>>,
}

impl MachineRecord {
    /// Generate the trace of every chip.
    ///
    /// 1. The driver gets one row per event.
    /// 2. Each executing chip gets its events and records its byte-table requests.
    /// 3. The byte table's multiplicities are filled last, from all requests.
    ///
    /// # Panics
    ///
    /// If an event's opcode has no chip, or an event's result is wrong: both are bugs of
    /// whoever built the record.
    pub fn generate_traces<F: Field>(&self) -> MachineTraces<F> {
        let mut bytes = ByteRecord::new();
        let events_of = |opcodes: &[u8]| -> Vec<AluEvent> {
            self.alu.iter().filter(|e| opcodes.contains(&e.opcode)).copied().collect()
        };
        let add_sub = events_of(&[opcode::ADD, opcode::SUB]);
        let bitwise = events_of(&[opcode::AND, opcode::OR, opcode::XOR]);
        let shift = events_of(&[opcode::SLL, opcode::SRL, opcode::SRA]);
        let lt = events_of(&[opcode::SLT, opcode::SLTU]);
        let mul = events_of(&[opcode::MUL, opcode::MULH, opcode::MULHSU, opcode::MULHU]);
        let divrem = events_of(&[opcode::DIV, opcode::DIVU, opcode::REM, opcode::REMU]);
        assert_eq!(
            add_sub.len() + bitwise.len() + shift.len() + lt.len() + mul.len() + divrem.len(),
            self.alu.len(),
            "an ALU event has no chip yet"
        );

        let driver_trace = driver::generate_trace(&self.alu);
        let add_sub_trace = add_sub::generate_trace(&add_sub, &mut bytes);
        let bitwise_trace = bitwise::generate_trace(&bitwise, &mut bytes);
        let shift_trace = shift::generate_trace(&shift, &mut bytes);
        let lt_trace = lt::generate_trace(&lt, &mut bytes);
        let mul_trace = mul::generate_trace(&mul, &mut bytes);
        let divrem_trace = divrem::generate_trace(&divrem, &mut bytes);
        let traces = vec![
            driver_trace,
            add_sub_trace,
            bytes.generate_trace(),
            bitwise_trace,
            shift_trace,
            lt_trace,
            mul_trace,
            divrem_trace,
        ];
        let public_values = vec![Vec::new(); traces.len()];
        MachineTraces { traces, public_values }
    }
}
