//! Trace generation of the register file's boundary chip, and the register file the CPU's
//! trace generation keeps.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;
use zkvm_abi::{memory::STACK_TOP, reg};

use super::columns::{
    NUM_REGISTER_FINAL_COLS, NUM_REGISTER_PREPROCESSED_COLS, NUM_REGISTERS_PUBLIC_VALUES,
    RegisterFinalCols, RegisterPreprocessedCols, RegistersPublicValues,
};
use crate::word::Word;

/// Number of registers.
pub const NUM_REGISTERS: usize = 32;

/// The registers when a program starts: all 0 except `sp`, which the ABI sets to
/// [`STACK_TOP`].
pub const fn initial_registers() -> [u32; NUM_REGISTERS] {
    let mut regs = [0; NUM_REGISTERS];
    regs[reg::SP as usize] = STACK_TOP;
    regs
}

/// The fixed columns: register indices and their one-hot selectors.
pub fn preprocessed_trace<F: Field>() -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(NUM_REGISTERS * NUM_REGISTER_PREPROCESSED_COLS);
    for (r, row) in values.chunks_exact_mut(NUM_REGISTER_PREPROCESSED_COLS).enumerate() {
        let cols: &mut RegisterPreprocessedCols<F> = row.borrow_mut();
        cols.reg = F::from_usize(r);
        cols.is_reg[r] = F::ONE;
    }
    RowMajorMatrix::new(values, NUM_REGISTER_PREPROCESSED_COLS)
}

/// The register file as trace generation tracks it over one shard: the values it started
/// with, the current values and last-access timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterFile {
    /// The values when the shard started (at timestamp 0).
    pub start: [u32; NUM_REGISTERS],
    /// Current values.
    pub values: [u32; NUM_REGISTERS],
    /// Timestamp of each register's last access (0: the start value).
    pub last_ts: [u64; NUM_REGISTERS],
}

/// The registers a program starts with ([`initial_registers`]).
impl Default for RegisterFile {
    fn default() -> Self {
        RegisterFile::new(initial_registers())
    }
}

impl RegisterFile {
    /// A shard's register file, starting from `start` at timestamp 0.
    ///
    /// # Panics
    ///
    /// If `start[0]` (x0) is not 0.
    pub fn new(start: [u32; NUM_REGISTERS]) -> Self {
        assert_eq!(start[0], 0, "x0 is always 0");
        RegisterFile { start, values: start, last_ts: [0; NUM_REGISTERS] }
    }

    /// Access register `r` at `ts`, leaving `value` in it; returns `(prev_value,
    /// prev_ts)`.
    pub fn access(&mut self, r: u8, value: u32, ts: u64) -> (u32, u64) {
        let r = r as usize;
        let prev = (self.values[r], self.last_ts[r]);
        self.values[r] = value;
        self.last_ts[r] = ts;
        prev
    }

    /// The boundary chip's main trace: final values and timestamps.
    pub fn generate_trace<F: Field>(&self) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(NUM_REGISTERS * NUM_REGISTER_FINAL_COLS);
        for (r, row) in values.chunks_exact_mut(NUM_REGISTER_FINAL_COLS).enumerate() {
            let cols: &mut RegisterFinalCols<F> = row.borrow_mut();
            cols.value = Word::from_u32(self.values[r]);
            cols.ts = F::from_u64(self.last_ts[r]);
        }
        RowMajorMatrix::new(values, NUM_REGISTER_FINAL_COLS)
    }

    /// The boundary chip's public values ([`RegistersPublicValues`]): the start values and
    /// the current (final) values.
    pub fn public_values<F: Field>(&self) -> alloc::vec::Vec<F> {
        let mut public_values = F::zero_vec(NUM_REGISTERS_PUBLIC_VALUES);
        let pv: &mut RegistersPublicValues<F> = public_values.as_mut_slice().borrow_mut();
        pv.start = self.start.map(Word::from_u32);
        pv.end = self.values.map(Word::from_u32);
        public_values
    }
}
