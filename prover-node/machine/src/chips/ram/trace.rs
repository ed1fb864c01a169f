//! The RAM as trace generation tracks it, and the boundary chip's trace.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{NUM_RAM_COLS, RamCols};
use super::{END_WORD, START_WORD};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::memory_root::{MemoryUpdate, PAGE_WORDS, PAGE_WORDS_LOG, SparseMemory};
use crate::word::Word;

/// Word-granular RAM during a shard: the shard's initial memory, and every accessed word's
/// value and last timestamp.
#[derive(Debug, Clone)]
pub struct Ram<'m> {
    initial: &'m SparseMemory,
    words: BTreeMap<u32, (u32, u64)>,
}

/// One row of the boundary chip: a word of a touched page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamRow {
    /// The word address.
    pub addr: u32,
    /// Its value when the shard starts.
    pub init: u32,
    /// Its value when the shard ends.
    pub final_value: u32,
    /// The timestamp of its last access (0: never accessed).
    pub final_ts: u64,
}

impl<'m> Ram<'m> {
    /// RAM holding `initial` (the shard's memory when it starts), nothing accessed yet.
    pub fn new(initial: &'m SparseMemory) -> Self {
        Ram { initial, words: BTreeMap::new() }
    }

    /// The value and last-access timestamp (0: initial) of word address `word`.
    pub fn read(&self, word: u32) -> (u32, u64) {
        self.words.get(&word).copied().unwrap_or((self.initial.word(word), 0))
    }

    /// Access word address `word` at `ts`, leaving `value` in it; returns `(prev_value,
    /// prev_ts)`.
    pub fn access(&mut self, word: u32, value: u32, ts: u64) -> (u32, u64) {
        let prev = self.read(word);
        self.words.insert(word, (value, ts));
        prev
    }

    /// The pages the shard touched (those holding an accessed word), increasing.
    pub fn pages(&self) -> BTreeSet<u32> {
        self.words.keys().map(|&w| w >> PAGE_WORDS_LOG).collect()
    }

    /// The boundary chip's rows: every word of every touched page, by increasing address.
    pub fn rows(&self) -> Vec<RamRow> {
        let mut rows = Vec::with_capacity(self.pages().len() * PAGE_WORDS);
        for page in self.pages() {
            for addr in page << PAGE_WORDS_LOG..(page + 1) << PAGE_WORDS_LOG {
                let (final_value, final_ts) = self.read(addr);
                rows.push(RamRow { addr, init: self.initial.word(addr), final_value, final_ts });
            }
        }
        rows
    }

    /// The touched pages' contents when the shard ends.
    pub fn final_pages(&self) -> BTreeMap<u32, Box<[u32; PAGE_WORDS]>> {
        let mut pages = BTreeMap::new();
        for page in self.pages() {
            let mut words = self.initial.page(page);
            for (&addr, &(value, _)) in self.words.range(page << PAGE_WORDS_LOG..) {
                if addr >> PAGE_WORDS_LOG != page {
                    break;
                }
                words[addr as usize % PAGE_WORDS] = value;
            }
            pages.insert(page, words);
        }
        pages
    }

    /// What the shard does to the memory tree (for the page and Merkle chips; apply it to
    /// the initial memory to get the shard's final memory).
    ///
    /// # Panics
    ///
    /// If the initial memory has writes not hashed in, or a word is at or above 2^29 (the
    /// emulator faults there): bugs of the caller.
    pub fn memory_update(&self) -> MemoryUpdate {
        self.initial.update(self.final_pages()).expect("accessed words lie below MEMORY_END")
    }

    /// The boundary chip's trace; records its byte-table requests.
    ///
    /// # Panics
    ///
    /// If a word is outside `START_WORD..END_WORD` (the emulator faults there, so a record
    /// of a run never has one).
    pub fn generate_trace<F: Field>(&self, bytes: &mut ByteRecord) -> RowMajorMatrix<F> {
        generate_trace(&self.rows(), bytes)
    }

    /// [`Ram::generate_trace`] with at least `min_height` rows (0 or a power of two).
    ///
    /// # Panics
    ///
    /// As [`Ram::generate_trace`].
    pub fn generate_trace_padded<F: Field>(
        &self,
        bytes: &mut ByteRecord,
        min_height: usize,
    ) -> RowMajorMatrix<F> {
        generate_trace_padded(&self.rows(), bytes, min_height)
    }
}

/// The boundary chip's trace of `rows` (in that order; a shard's are [`Ram::rows`], tests
/// forge others); records its byte-table requests.
///
/// # Panics
///
/// If a word is outside `START_WORD..END_WORD`.
pub fn generate_trace<F: Field>(rows: &[RamRow], bytes: &mut ByteRecord) -> RowMajorMatrix<F> {
    generate_trace_padded(rows, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual all-zero rows.
///
/// # Panics
///
/// As [`generate_trace`].
pub fn generate_trace_padded<F: Field>(
    rows: &[RamRow],
    bytes: &mut ByteRecord,
    min_height: usize,
) -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(height_at_least(rows.len(), min_height) * NUM_RAM_COLS);
    let mut prev = START_WORD - 1;
    for (row, r) in values.chunks_exact_mut(NUM_RAM_COLS).zip(rows) {
        let word = r.addr;
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
        cols.init = Word::from_u32(r.init);
        cols.final_value = Word::from_u32(r.final_value);
        cols.final_ts = F::from_u64(r.final_ts);
        for value in [r.init, r.final_value] {
            let [b0, b1, b2, b3] = value.to_le_bytes().map(u32::from);
            bytes.add(ByteOp::Range, b0, b1);
            bytes.add(ByteOp::Range, b2, b3);
        }
        prev = word;
    }
    RowMajorMatrix::new(values, NUM_RAM_COLS)
}
