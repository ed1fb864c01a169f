//! The RAM as trace generation tracks it, and the boundary chip's trace.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{NUM_RAM_COLS, RamCols};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::image::{END_WORD, MemoryImage, START_WORD};
use crate::chips::padded_height;
use crate::word::Word;

/// Word-granular RAM: the image, and every accessed word's value and last timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ram {
    image: MemoryImage,
    words: BTreeMap<u32, (u32, u64)>,
}

impl Ram {
    /// RAM holding `image` (0 elsewhere), nothing accessed yet.
    pub fn new(image: &MemoryImage) -> Self {
        Ram { image: image.clone(), words: BTreeMap::new() }
    }

    /// The value and last-access timestamp (0: initial) of word address `word`.
    pub fn read(&self, word: u32) -> (u32, u64) {
        self.words.get(&word).copied().unwrap_or((self.image.get(word), 0))
    }

    /// Access word address `word` at `ts`, leaving `value` in it; returns `(prev_value,
    /// prev_ts)`.
    pub fn access(&mut self, word: u32, value: u32, ts: u64) -> (u32, u64) {
        let prev = self.read(word);
        self.words.insert(word, (value, ts));
        prev
    }

    /// The boundary chip's rows: every accessed word and the image's first and last word,
    /// by increasing address.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.words.keys().copied().collect();
        rows.push(self.image.start);
        rows.push(self.image.end() - 1);
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// The words of the image the boundary chip looks up (for the image table's
    /// multiplicities).
    pub fn image_rows(&self) -> Vec<u32> {
        self.rows().into_iter().filter(|&w| self.image.contains(w)).collect()
    }

    /// The boundary chip's trace; records its byte-table requests.
    ///
    /// # Panics
    ///
    /// If a word is outside `START_WORD..END_WORD` (the emulator faults there, so a record
    /// of a run never has one).
    pub fn generate_trace<F: Field>(&self, bytes: &mut ByteRecord) -> RowMajorMatrix<F> {
        self.trace_of_rows(&self.rows(), bytes)
    }

    /// The trace of the given rows (tests forge other row lists with it).
    pub(crate) fn trace_of_rows<F: Field>(
        &self,
        rows: &[u32],
        bytes: &mut ByteRecord,
    ) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(padded_height(rows.len()) * NUM_RAM_COLS);
        let mut prev = START_WORD - 1;
        for (row, &word) in values.chunks_exact_mut(NUM_RAM_COLS).zip(rows) {
            assert!((START_WORD..END_WORD).contains(&word), "word {word:#x} outside memory");
            let cols: &mut RamCols<F> = row.borrow_mut();
            cols.is_real = F::ONE;
            cols.addr = F::from_u32(word);
            let split = |v: u32| (v & 0xffff, (v >> 16) & 0xff, v >> 24);
            let (lo, mid, top) = split(word);
            let (d_lo, d_mid, d_top) = split(word.wrapping_sub(prev).wrapping_sub(1));
            cols.addr_lo = F::from_u32(lo);
            cols.addr_mid = F::from_u32(mid);
            cols.addr_top = F::from_u32(top);
            cols.diff_lo = F::from_u32(d_lo);
            cols.diff_mid = F::from_u32(d_mid);
            cols.diff_top = F::from_u32(d_top);
            bytes.add(ByteOp::U16, lo, 0);
            bytes.add(ByteOp::U16, d_lo, 0);
            bytes.add(ByteOp::Range, mid, d_mid);
            bytes.add(ByteOp::Ltu, top, 32);
            bytes.add(ByteOp::Ltu, d_top, 32);
            let in_image = self.image.contains(word);
            cols.in_image = F::from_bool(in_image);
            cols.init = Word::from_u32(self.image.get(word));
            let (value, ts) = self.read(word);
            cols.final_value = Word::from_u32(value);
            cols.final_ts = F::from_u64(ts);
            prev = word;
        }
        RowMajorMatrix::new(values, NUM_RAM_COLS)
    }
}
