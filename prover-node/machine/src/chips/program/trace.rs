//! Trace generation of the program ROM: the fixed columns and the multiplicities.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    NUM_PROGRAM_MULT_COLS, NUM_PROGRAM_PREPROCESSED_COLS, ProgramMultCols, ProgramPreprocessedCols,
};
use super::rom::ProgramRom;

/// The fixed columns: one row per word of the code, then all-zero padding rows (not
/// executable).
pub fn preprocessed_trace<F: Field>(rom: &ProgramRom) -> RowMajorMatrix<F> {
    let height = rom.height();
    let mut values = F::zero_vec(height * NUM_PROGRAM_PREPROCESSED_COLS);
    for (i, (row, inst)) in
        values.chunks_exact_mut(NUM_PROGRAM_PREPROCESSED_COLS).zip(&rom.instructions).enumerate()
    {
        let cols: &mut ProgramPreprocessedCols<F> = row.borrow_mut();
        cols.pc = F::from_u32(rom.base + 4 * i as u32);
        if inst.executable {
            cols.instruction = inst.to_cols();
            cols.executable = F::ONE;
        }
    }
    RowMajorMatrix::new(values, NUM_PROGRAM_PREPROCESSED_COLS)
}

/// The main trace: `counts[i]` executions of row `i`.
///
/// # Panics
///
/// If `counts` is longer than the ROM (a bug of the caller).
pub fn generate_trace<F: Field>(rom: &ProgramRom, counts: &[u32]) -> RowMajorMatrix<F> {
    assert!(counts.len() <= rom.instructions.len(), "more counts than ROM rows");
    let mut values = F::zero_vec(rom.height() * NUM_PROGRAM_MULT_COLS);
    for (row, &count) in values.chunks_exact_mut(NUM_PROGRAM_MULT_COLS).zip(counts) {
        let cols: &mut ProgramMultCols<F> = row.borrow_mut();
        cols.multiplicity = F::from_u32(count);
    }
    RowMajorMatrix::new(values, NUM_PROGRAM_MULT_COLS)
}
