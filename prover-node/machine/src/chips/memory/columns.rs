//! Columns and public values of the register file's boundary chip.

use super::trace::NUM_REGISTERS;
use crate::columns::impl_columns;
use crate::word::Word;

/// The preprocessed (fixed) columns: row `r` is register `x_r`.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct RegisterPreprocessedCols<T> {
    /// The register index `r`.
    pub reg: T,
    /// One-hot: `is_reg[j] = 1` iff `j = r`. It selects the row's register in the public
    /// values.
    pub is_reg: [T; NUM_REGISTERS],
}

impl_columns!(RegisterPreprocessedCols, NUM_REGISTER_PREPROCESSED_COLS);

/// The main columns: where register `r` ended.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct RegisterFinalCols<T> {
    /// Its value after the shard's last access (the public `end` value).
    pub value: Word<T>,
    /// Timestamp of the last access (0 if never accessed in the shard).
    pub ts: T,
}

impl_columns!(RegisterFinalCols, NUM_REGISTER_FINAL_COLS);

/// The chip's public values: the register file at the shard's start and end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct RegistersPublicValues<T> {
    /// Register `x_r`'s value when the shard starts, as byte limbs (`start[r]`). The
    /// verifier must know them to be bytes: the first shard's are the ABI's
    /// (`initial_registers`), every other shard's are its predecessor's `end`.
    pub start: [Word<T>; NUM_REGISTERS],
    /// Register `x_r`'s value when the shard ends (`end[r]`): the last value the shard
    /// wrote, or `start[r]` if it wrote none.
    pub end: [Word<T>; NUM_REGISTERS],
}

impl_columns!(RegistersPublicValues, NUM_REGISTERS_PUBLIC_VALUES);
