//! A 32-bit word as four little-endian byte limbs.
//!
//! KoalaBear's modulus (2^31 − 2^24 + 1) cannot hold every 32-bit value, so no constraint
//! ever treats a whole word as one field element: words travel and are computed on limb by
//! limb, and every limb is range-checked as a byte by the byte table.

use core::ops::{Index, IndexMut};

use p3_field::PrimeCharacteristicRing;

/// Number of limbs of a word.
pub const WORD_SIZE: usize = 4;

/// A word as four limbs, least significant first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Word<T>(pub [T; WORD_SIZE]);

impl<T> Word<T> {
    /// Map every limb.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Word<U> {
        Word(self.0.map(f))
    }

    /// The limbs, least significant first.
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<F: PrimeCharacteristicRing> Word<F> {
    /// The limbs of `value` as field elements.
    pub fn from_u32(value: u32) -> Self {
        Word(value.to_le_bytes().map(F::from_u8))
    }
}

impl<T> From<Word<T>> for [T; WORD_SIZE] {
    fn from(w: Word<T>) -> Self {
        w.0
    }
}

impl<T> Index<usize> for Word<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.0[i]
    }
}

impl<T> IndexMut<usize> for Word<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.0[i]
    }
}
