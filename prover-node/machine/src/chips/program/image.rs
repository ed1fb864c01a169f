//! The program's initial memory: the ELF's bytes as words, and the memory state (with its
//! Merkle root) the first shard starts from.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use crate::chips::ram::START_WORD;
use crate::memory_root::SparseMemory;

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
}

/// The memory state a run of the program starts from: the image's words, 0 elsewhere,
/// with its tree hashed (so [`SparseMemory::root`] is the first shard's `root_in`, which a
/// verifier computes from the ELF).
///
/// # Panics
///
/// If an image word lies at or above 2^29 (the ELF loader refuses segments outside
/// `MEMORY_START..MEMORY_END`, so an image from [`crate::chips::program::ProgramRom::from_elf`]
/// never has one).
pub fn image_memory(image: &MemoryImage) -> SparseMemory {
    let words = image.words.iter().enumerate().filter(|&(_, &w)| w != 0);
    SparseMemory::from_words(words.map(|(i, &w)| (image.start + i as u32, w)))
        .expect("image words lie below MEMORY_END")
}
