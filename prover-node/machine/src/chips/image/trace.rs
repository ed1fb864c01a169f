//! The memory image as plain integers, its fixed columns, and the multiplicities.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::START_WORD;
use super::columns::{
    ImageMultCols, ImagePreprocessedCols, NUM_IMAGE_MULT_COLS, NUM_IMAGE_PREPROCESSED_COLS,
};
use crate::word::Word;

/// The initial RAM of a program: the words `start..start + words.len()` (word addresses,
/// i.e. byte address / 4); every other word starts at 0.
///
/// The span runs from the first to the last word holding a non-zero initial byte, so that
/// zero-filled tails (`.bss`) cost nothing. A program with no non-zero byte gets the
/// one-word image `[START_WORD] = 0`, which states the same initial memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryImage {
    /// Word address of the first word.
    pub start: u32,
    /// The initial values, one per word.
    pub words: Vec<u32>,
}

impl Default for MemoryImage {
    fn default() -> Self {
        MemoryImage { start: START_WORD, words: vec![0] }
    }
}

impl MemoryImage {
    /// The image of segments given as `(byte address, initial bytes)` (bytes past the data
    /// are zero), the way the emulator loads them.
    pub fn from_segments<'a>(segments: impl IntoIterator<Item = (u32, &'a [u8])>) -> Self {
        let mut words: BTreeMap<u32, u32> = BTreeMap::new();
        for (vaddr, data) in segments {
            for (i, &byte) in data.iter().enumerate() {
                if byte != 0 {
                    let addr = vaddr + i as u32;
                    *words.entry(addr >> 2).or_default() |= (byte as u32) << (8 * (addr & 3));
                }
            }
        }
        let (Some((&first, _)), Some((&last, _))) =
            (words.first_key_value(), words.last_key_value())
        else {
            return MemoryImage::default();
        };
        let values = (first..=last).map(|w| words.get(&w).copied().unwrap_or(0)).collect();
        MemoryImage { start: first, words: values }
    }

    /// One past the last word address of the image.
    pub fn end(&self) -> u32 {
        self.start + self.words.len() as u32
    }

    /// Whether word address `word` lies in the image's span.
    pub fn contains(&self, word: u32) -> bool {
        (self.start..self.end()).contains(&word)
    }

    /// The initial value of word address `word` (0 outside the image).
    pub fn get(&self, word: u32) -> u32 {
        if self.contains(word) { self.words[(word - self.start) as usize] } else { 0 }
    }

    /// Height of the image table.
    pub fn height(&self) -> usize {
        crate::chips::padded_height(self.words.len())
    }

    /// The fixed columns (part of the verifying key): one row per word, then padding rows
    /// with `is_real = 0`.
    pub fn preprocessed_trace<F: Field>(&self) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(self.height() * NUM_IMAGE_PREPROCESSED_COLS);
        for (i, (row, &word)) in
            values.chunks_exact_mut(NUM_IMAGE_PREPROCESSED_COLS).zip(&self.words).enumerate()
        {
            let cols: &mut ImagePreprocessedCols<F> = row.borrow_mut();
            cols.addr = F::from_u32(self.start + i as u32);
            cols.value = Word::from_u32(word);
            cols.is_real = F::ONE;
            cols.is_first = F::from_bool(i == 0);
        }
        RowMajorMatrix::new(values, NUM_IMAGE_PREPROCESSED_COLS)
    }
}

/// The main trace: multiplicity 1 for each image word the RAM chip holds (`touched`, word
/// addresses in any order), 0 elsewhere.
///
/// # Panics
///
/// If a word is outside the image (a bug of the caller).
pub fn generate_trace<F: Field>(
    image: &MemoryImage,
    touched: impl IntoIterator<Item = u32>,
) -> RowMajorMatrix<F> {
    let mut values = F::zero_vec(image.height() * NUM_IMAGE_MULT_COLS);
    for word in touched {
        assert!(image.contains(word), "word {word:#x} is not in the image");
        let row = (word - image.start) as usize;
        let cols: &mut ImageMultCols<F> =
            values[row * NUM_IMAGE_MULT_COLS..(row + 1) * NUM_IMAGE_MULT_COLS].borrow_mut();
        cols.multiplicity += F::ONE;
    }
    RowMajorMatrix::new(values, NUM_IMAGE_MULT_COLS)
}
