//! Constraints of the memory image table.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    ImageMultCols, ImagePreprocessedCols, NUM_IMAGE_MULT_COLS, NUM_IMAGE_PREPROCESSED_COLS,
};
use super::trace::MemoryImage;
use crate::bus::{Bus, IMAGE_MESSAGE_WIDTH};

/// The memory image table of one program. Its height is the image's padded height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChip {
    image: MemoryImage,
}

impl ImageChip {
    /// The table of `image`.
    pub fn new(image: MemoryImage) -> Self {
        ImageChip { image }
    }
}

impl<F: Field> BaseAir<F> for ImageChip {
    fn width(&self) -> usize {
        NUM_IMAGE_MULT_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        Some(self.image.preprocessed_trace())
    }

    fn preprocessed_width(&self) -> usize {
        NUM_IMAGE_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for ImageChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let mult: &ImageMultCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let row: &ImagePreprocessedCols<AB::Var> = prep.current_slice().borrow();

        // Padding rows are never looked up; the first word of the image is looked up
        // exactly once.
        // SAFETY: the RAM chip looks a word up at most once (its addresses strictly
        // increase), so forcing the first word's count to 1 forces the RAM chip to hold
        // that word as an image row, which anchors its image block (see `chips::ram`).
        builder.assert_zero(mult.multiplicity * (AB::Expr::ONE - row.is_real));
        builder.assert_zero(row.is_first * (mult.multiplicity - AB::Expr::ONE));

        // Provide (addr, initial value) as often as the RAM chip asked for it.
        // SAFETY: every element is a fixed column of the verifying key; the multiplicity
        // is free, which is sound because the RAM chip's lookups are bounded (one per row).
        let message: [AB::Expr; IMAGE_MESSAGE_WIDTH] = [
            row.addr.into(),
            row.value[0].into(),
            row.value[1].into(),
            row.value[2].into(),
            row.value[3].into(),
        ];
        Bus::Image.provide(builder, message, mult.multiplicity);
    }
}
