//! Constraints of the page hash chip.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::WORDS_PER_ROW;
use super::columns::{NUM_PAGE_COLS, PageCols};
use crate::bus::{Bus, MERKLE_MESSAGE_WIDTH};
use crate::chips::io_sponge::{
    NUM_PERMUTATION_COLS, PermutationAir, PermutationCols, permutation_output, round_constants,
};
use crate::memory_root::{DIGEST_ELEMS, PAGE_BLOCKS, PAGE_DOMAIN, PAGE_WORDS, WIDTH};
use crate::prefix_builder::PrefixBuilder;

/// The page hash chip (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageChip;

/// Offset of the permutation's input `state[k]` in a row.
fn input_col(k: usize) -> usize {
    offset_of!(PageCols<u8>, perm) + offset_of!(PermutationCols<u8>, inputs) + k
}

impl<F> BaseAir<F> for PageChip {
    fn width(&self) -> usize {
        NUM_PAGE_COLS
    }

    /// The next row's flags, group fields and input capacity.
    fn main_next_row_columns(&self) -> Vec<usize> {
        let mut cols: Vec<usize> = (DIGEST_ELEMS..WIDTH).map(input_col).collect();
        cols.extend([
            offset_of!(PageCols<u8>, is_real),
            offset_of!(PageCols<u8>, is_start),
            offset_of!(PageCols<u8>, page),
            offset_of!(PageCols<u8>, dir),
            offset_of!(PageCols<u8>, block),
        ]);
        cols.sort_unstable();
        cols
    }
}

impl<AB: InteractionBuilder> Air<AB> for PageChip {
    fn eval(&self, builder: &mut AB) {
        // The permutation: `p3-poseidon2-air` on the first columns, with the constants of
        // `default_koalabear_poseidon2_16()`, so `permutation_output` is Poseidon2(inputs).
        PermutationAir::<AB::F>::new(round_constants())
            .eval(&mut PrefixBuilder::new(builder, NUM_PERMUTATION_COLS));

        let main = builder.main();
        let local: &PageCols<AB::Var> = main.current_slice().borrow();
        let next: &PageCols<AB::Var> = main.next_slice().borrow();
        let one = AB::Expr::ONE;
        let inputs = &local.perm.inputs;
        let outputs = permutation_output(&local.perm);

        // Real rows are a prefix; the flags are boolean, `is_last` only on real rows.
        // SAFETY: every bus count below is `is_real` or `is_last`, so padding rows send and
        // receive nothing.
        builder.assert_bool(local.is_real);
        builder.when_transition().assert_zero((one.clone() - local.is_real) * next.is_real);
        builder.assert_bool(local.is_last);
        builder.assert_zero(local.is_last * (one.clone() - local.is_real));
        builder.assert_bool(local.dir);

        // A group starts on the first row (if real) and on every real row after a group's
        // last row; `is_start` is therefore boolean and is 0 on every other row.
        builder.when_first_row().assert_eq(local.is_start, local.is_real);
        builder.when_transition().assert_eq(next.is_start, local.is_last * next.is_real);

        // A group starts at block 0 with the sponge's initial capacity (PAGE_DOMAIN, 0, …).
        builder.assert_zero(local.is_start * local.block);
        builder
            .assert_zero(local.is_start * (inputs[DIGEST_ELEMS] - AB::Expr::from_u32(PAGE_DOMAIN)));
        for &x in &inputs[DIGEST_ELEMS + 1..] {
            builder.assert_zero(local.is_start * x);
        }

        // A real row that does not end its group is followed by the group's next block: the
        // same page and direction, `block + 1`, and the capacity this permutation output.
        // A group ends only at block 63, and the trace's last real row ends a group.
        // SAFETY: within a group `block` counts 0, 1, 2, … from its start; the only row that
        // may end it has `block = 63`, and the count cannot come back to 63 before `p` rows,
        // so every group is exactly blocks 0..=63 of one (page, dir), absorbing the 256
        // words in order, and its last row's output rate is the spec's page digest. Every
        // real row belongs to a group: the real rows are a prefix, the first starts a group,
        // and each real row is either a start or follows a non-final real row.
        builder.assert_zero(local.is_last * (local.block - AB::Expr::from_usize(PAGE_BLOCKS - 1)));
        builder.when_last_row().assert_eq(local.is_last, local.is_real);
        let continues: AB::Expr = local.is_real - local.is_last;
        {
            let mut chained = builder.when_transition();
            chained.assert_zero(continues.clone() * (one.clone() - next.is_real));
            chained.assert_zero(continues.clone() * (next.block - local.block - one.clone()));
            chained.assert_zero(continues.clone() * (next.page - local.page));
            chained.assert_zero(continues.clone() * (next.dir - local.dir));
            for (&carried, &output) in
                next.perm.inputs[DIGEST_ELEMS..].iter().zip(&outputs[DIGEST_ELEMS..WIDTH])
            {
                chained.assert_zero(continues.clone() * (carried - output));
            }
        }

        // Every row absorbs its four words as 16-bit halves (overwrite mode).
        // SAFETY: the limbs are the RAM boundary chip's (`PAGE_WORD` below), which it
        // range-checks as bytes, so each half is below 2^16 and fixes its two bytes; on
        // padding rows nothing is received and the limbs are unconstrained, but no message
        // is sent from a padding row.
        let byte = AB::Expr::from_u32(256);
        for (j, word) in local.words.iter().enumerate() {
            builder.assert_eq(inputs[2 * j], word[0] + word[1] * byte.clone());
            builder.assert_eq(inputs[2 * j + 1], word[2] + word[3] * byte.clone());
        }

        // Receive the four words from the RAM boundary chip.
        // SAFETY: a group receives words `256·page + 4r + j` for every `r < 64`, `j < 4`:
        // all 256 words of the page, once each, in the group's direction. The boundary
        // chip sends each word at most once per direction, so the page's words must all
        // be its rows, and a (page, dir) hashed twice cannot balance.
        let first_word = local.page * AB::Expr::from_usize(PAGE_WORDS)
            + local.block * AB::Expr::from_usize(WORDS_PER_ROW);
        for (j, word) in local.words.iter().enumerate() {
            let message = [
                local.dir.into(),
                first_word.clone() + AB::Expr::from_usize(j),
                word[0].into(),
                word[1].into(),
                word[2].into(),
                word[3].into(),
            ];
            Bus::PageWord.receive(builder, message, local.is_real, 1);
        }

        // The group's last row sends the page digest as the level-0 node `page`.
        // SAFETY: the Merkle chip receives it on the row of the page's parent, only if that
        // row marks the child touched; its node indices are integers below 2^22 (see
        // `chips::merkle`), which also makes `page` an integer and the words' addresses
        // `256·page + k` exact.
        let mut message: [AB::Expr; MERKLE_MESSAGE_WIDTH] =
            core::array::from_fn(|_| AB::Expr::ZERO);
        message[1] = local.page.into();
        message[2] = local.dir.into();
        for k in 0..DIGEST_ELEMS {
            message[3 + k] = outputs[k].into();
        }
        Bus::Merkle.send(builder, message, local.is_last, 1);
    }
}
