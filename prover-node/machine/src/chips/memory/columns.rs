//! Columns of the register file's boundary chip.

use crate::columns::impl_columns;
use crate::word::Word;

/// The preprocessed (fixed) columns: row `r` is register `x_r` and its initial value.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct RegisterPreprocessedCols<T> {
    /// The register index `r`.
    pub reg: T,
    /// Its value when the program starts (0, except `sp`).
    pub init: Word<T>,
}

impl_columns!(RegisterPreprocessedCols, NUM_REGISTER_PREPROCESSED_COLS);

/// The main columns: where register `r` ended.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct RegisterFinalCols<T> {
    /// Its value after the last access.
    pub value: Word<T>,
    /// Timestamp of the last access (0 if never accessed).
    pub ts: T,
}

impl_columns!(RegisterFinalCols, NUM_REGISTER_FINAL_COLS);
