//! Trace generation of the byte table: the fixed table and the multiplicities.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    ByteMultCols, BytePreprocessedCols, NUM_BYTE_MULT_COLS, NUM_BYTE_PREPROCESSED_COLS,
};
use crate::bus::{ByteOp, NUM_BYTE_OPS};

/// Height of the byte table: one row per pair of bytes.
pub const BYTE_TABLE_ROWS: usize = 1 << 16;

/// The fixed columns of the byte table (part of the verifying key).
pub fn preprocessed_trace<F: Field>() -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(BYTE_TABLE_ROWS * NUM_BYTE_PREPROCESSED_COLS);
    for (row_index, row) in values.chunks_exact_mut(NUM_BYTE_PREPROCESSED_COLS).enumerate() {
        let (x, y) = ((row_index & 0xff) as u8, (row_index >> 8) as u8);
        let cols: &mut BytePreprocessedCols<F> = row.borrow_mut();
        cols.x = F::from_u8(x);
        cols.y = F::from_u8(y);
        cols.and = F::from_u32(ByteOp::And.eval(x, y));
        cols.or = F::from_u32(ByteOp::Or.eval(x, y));
        cols.xor = F::from_u32(ByteOp::Xor.eval(x, y));
        cols.ltu = F::from_u32(ByteOp::Ltu.eval(x, y));
        cols.msb = F::from_u32(ByteOp::Msb.eval(x, y));
    }
    RowMajorMatrix::new(values, NUM_BYTE_PREPROCESSED_COLS)
}

/// The byte-table requests of a shard: how many times each entry was asked for.
///
/// Chips record a request here in their trace generation exactly when their constraints
/// send the matching `BYTE` message.
#[derive(Debug, Clone)]
pub struct ByteRecord {
    /// `counts[row * NUM_BYTE_OPS + op]`.
    counts: Vec<u32>,
}

impl Default for ByteRecord {
    fn default() -> Self {
        ByteRecord { counts: vec![0; BYTE_TABLE_ROWS * NUM_BYTE_OPS] }
    }
}

impl ByteRecord {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Record one request `(op, x, y, _)` (for `U16`, `x` is the value and `y` is 0).
    ///
    /// # Panics
    ///
    /// If the request is not in the table (a bug in the calling chip's trace generation).
    pub fn add(&mut self, op: ByteOp, x: u32, y: u32) {
        let in_table = match op {
            ByteOp::U16 => x < 1 << 16 && y == 0,
            ByteOp::Msb => x < 256 && y == 0,
            _ => x < 256 && y < 256,
        };
        assert!(in_table, "byte request {op:?}({x}, {y}) is outside the table");
        self.counts[op.table_row(x, y) * NUM_BYTE_OPS + op as usize] += 1;
    }

    /// Record range checks of `bytes`, two per request (a lone last byte pairs with 0).
    pub fn add_range_checks(&mut self, bytes: &[u8]) {
        for pair in bytes.chunks(2) {
            let y = pair.get(1).copied().unwrap_or(0);
            self.add(ByteOp::Range, pair[0] as u32, y as u32);
        }
    }

    /// Add another record's requests to this one.
    pub fn merge(&mut self, other: &ByteRecord) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Number of requests of `op` recorded.
    pub fn total(&self, op: ByteOp) -> u64 {
        self.counts.iter().skip(op as usize).step_by(NUM_BYTE_OPS).map(|&c| c as u64).sum()
    }

    /// The main trace: the multiplicity columns.
    pub fn generate_trace<F: Field>(&self) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(BYTE_TABLE_ROWS * NUM_BYTE_MULT_COLS);
        for (row, counts) in
            values.chunks_exact_mut(NUM_BYTE_MULT_COLS).zip(self.counts.chunks_exact(NUM_BYTE_OPS))
        {
            let cols: &mut ByteMultCols<F> = row.borrow_mut();
            for (m, &c) in cols.multiplicities.iter_mut().zip(counts) {
                *m = F::from_u32(c);
            }
        }
        RowMajorMatrix::new(values, NUM_BYTE_MULT_COLS)
    }
}
