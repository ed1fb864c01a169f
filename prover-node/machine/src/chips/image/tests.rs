//! Tests of the memory image: its span and values, and the fixed columns.

use core::borrow::Borrow;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;

use super::*;
use crate::testing::F;

#[test]
fn image_spans_the_non_zero_words() {
    let code = [0u8, 0, 0, 0, 0x13, 0, 0, 0];
    let data = [0u8, 0, 0, 0, 0, 0xab, 0, 0];
    let image = MemoryImage::from_segments([(0x1_0000, &code[..]), (0x1_0010, &data[..])]);
    assert_eq!(image.start, (0x1_0004 >> 2));
    assert_eq!(image.words, [0x13, 0, 0, 0, 0xab00]);
    assert_eq!(image.end(), (0x1_0014 >> 2) + 1);
    assert_eq!(image.get(0x1_0014 >> 2), 0xab00);
    assert_eq!(image.get(0x1_0000 >> 2), 0);
    assert_eq!(image.get(0x2_0000 >> 2), 0);
    assert_eq!(MemoryImage::from_segments([(0x1_0000, &[0u8; 4][..])]), MemoryImage::default());
}

#[test]
fn fixed_columns_hold_the_image() {
    let image = MemoryImage { start: START_WORD + 3, words: alloc::vec![7, 0, 0x0102_0304] };
    let table = image.preprocessed_trace::<F>();
    assert_eq!(table.height(), 4);
    for i in 0..4 {
        let row = table.row_slice(i).unwrap();
        let cols: &ImagePreprocessedCols<F> = (*row).borrow();
        assert_eq!(cols.is_real, F::from_bool(i < 3));
        assert_eq!(cols.is_first, F::from_bool(i == 0));
        if i < 3 {
            assert_eq!(cols.addr, F::from_u32(START_WORD + 3 + i as u32));
        }
    }
    let row = table.row_slice(2).unwrap();
    let cols: &ImagePreprocessedCols<F> = (*row).borrow();
    assert_eq!(cols.value.0, [4u8, 3, 2, 1].map(F::from_u8));
}
