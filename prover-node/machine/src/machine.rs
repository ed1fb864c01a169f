//! The whole machine: the [`MachineAir`] enum over every chip (the one AIR type
//! `p3-batch-stark` proves), and trace generation for all chips at once.

use alloc::vec;
use alloc::vec::Vec;

use p3_air::{Air, BaseAir};
use p3_field::Field;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::chips::add_sub::{self, AddSubChip};
use crate::chips::byte::{ByteChip, ByteRecord};
use crate::chips::driver::{self, DriverChip};
use crate::event::AluEvent;
use crate::opcode;

/// Every chip of the machine. `p3-batch-stark` needs one AIR type for all instances of a
/// batch; this enum delegates `BaseAir` and `Air` to the chip it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineAir {
    /// Test stand-in for the CPU (see [`crate::chips::driver`]).
    Driver(DriverChip),
    /// `ADD` and `SUB`.
    AddSub(AddSubChip),
    /// The preprocessed byte table.
    Byte(ByteChip),
}

/// Call `$body` with `$chip` bound to the chip inside `$air`.
macro_rules! dispatch {
    ($air:expr, $chip:ident => $body:expr) => {
        match $air {
            MachineAir::Driver($chip) => $body,
            MachineAir::AddSub($chip) => $body,
            MachineAir::Byte($chip) => $body,
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
        ]
    }

    /// The chip's name, for reports and errors.
    pub const fn name(&self) -> &'static str {
        match self {
            MachineAir::Driver(_) => "driver",
            MachineAir::AddSub(_) => "add_sub",
            MachineAir::Byte(_) => "byte",
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
        let add_sub: Vec<AluEvent> = self
            .alu
            .iter()
            .filter(|e| matches!(e.opcode, opcode::ADD | opcode::SUB))
            .copied()
            .collect();
        assert_eq!(add_sub.len(), self.alu.len(), "an ALU event has no chip yet");

        let traces = vec![
            driver::generate_trace(&self.alu),
            add_sub::generate_trace(&add_sub, &mut bytes),
            bytes.generate_trace(),
        ];
        let public_values = vec![Vec::new(); traces.len()];
        MachineTraces { traces, public_values }
    }
}
