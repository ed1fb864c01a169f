//! The byte table: a preprocessed table over every pair `(x, y)` of bytes (2^16 rows)
//! that serves the `BYTE` bus — range checks, `AND`, `OR`, `XOR`, unsigned less-than,
//! u16 range checks and the top bit of a byte (see [`crate::ByteOp`]).
//!
//! The table's values are preprocessed columns, so they are part of the verifying key;
//! the main trace holds only one multiplicity column per operation: how many times each
//! entry was requested.

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::ByteChip;
pub use columns::{
    ByteMultCols, BytePreprocessedCols, NUM_BYTE_MULT_COLS, NUM_BYTE_PREPROCESSED_COLS,
};
pub use trace::{BYTE_TABLE_ROWS, ByteRecord, preprocessed_trace};
