//! Columns of the memory image table.

use crate::columns::impl_columns;
use crate::word::Word;

/// The preprocessed (fixed) columns: row `i` is the word `start + i` of the image.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ImagePreprocessedCols<T> {
    /// The word address (byte address / 4).
    pub addr: T,
    /// Its initial value.
    pub value: Word<T>,
    /// `1` on rows of the image, `0` on padding rows (which provide nothing).
    pub is_real: T,
    /// `1` on the first row: it must be looked up exactly once.
    pub is_first: T,
}

impl_columns!(ImagePreprocessedCols, NUM_IMAGE_PREPROCESSED_COLS);

/// The main columns.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct ImageMultCols<T> {
    /// How many times the RAM boundary chip looked this word up (0 or 1).
    pub multiplicity: T,
}

impl_columns!(ImageMultCols, NUM_IMAGE_MULT_COLS);
