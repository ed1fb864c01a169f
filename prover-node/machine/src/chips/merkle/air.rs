//! Constraints of the Merkle chip.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{MerkleCols, MerklePublicValues, NUM_MERKLE_COLS, NUM_MERKLE_PUBLIC_VALUES};
use crate::bus::{Bus, DIR_IN, DIR_OUT, MERKLE_MESSAGE_WIDTH};
use crate::chips::io_sponge::{
    NUM_PERMUTATION_COLS, PermutationAir, PermutationCols, permutation_output, round_constants,
};
use crate::memory_root::{DIGEST_ELEMS, TREE_DEPTH};
use crate::prefix_builder::PrefixBuilder;

/// The Merkle chip (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MerkleChip;

impl<F> BaseAir<F> for MerkleChip {
    fn width(&self) -> usize {
        NUM_MERKLE_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_MERKLE_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![offset_of!(MerkleCols<u8>, is_real), offset_of!(MerkleCols<u8>, is_root)]
    }
}

/// `(level, index, dir, digest)`.
fn message<AB: AirBuilder>(
    level: AB::Expr,
    index: AB::Expr,
    dir: u8,
    digest: &[AB::Var],
) -> [AB::Expr; MERKLE_MESSAGE_WIDTH] {
    core::array::from_fn(|k| match k {
        0 => level.clone(),
        1 => index.clone(),
        2 => AB::Expr::from_u8(dir),
        _ => digest[k - 3].into(),
    })
}

impl<AB: InteractionBuilder> Air<AB> for MerkleChip {
    fn eval(&self, builder: &mut AB) {
        // The two compressions: `p3-poseidon2-air` on each permutation's columns, with the
        // constants of `default_koalabear_poseidon2_16()`: the output of each is
        // Poseidon2(input), and its first 8 elements are `compress(left, right)`.
        PermutationAir::<AB::F>::new(round_constants())
            .eval(&mut PrefixBuilder::new(builder, NUM_PERMUTATION_COLS));
        PermutationAir::<AB::F>::new(round_constants()).eval(&mut PrefixBuilder::window(
            builder,
            offset_of!(MerkleCols<u8>, perm_out),
            NUM_PERMUTATION_COLS,
        ));

        let main = builder.main();
        let local: &MerkleCols<AB::Var> = main.current_slice().borrow();
        let next: &MerkleCols<AB::Var> = main.next_slice().borrow();
        let pv: MerklePublicValues<AB::PublicVar> = *builder.public_values().borrow();
        let one = AB::Expr::ONE;
        let input_in = &local.perm_in.inputs;
        let input_out = &local.perm_out.inputs;
        let (left_in, right_in) = input_in.split_at(DIGEST_ELEMS);
        let (left_out, right_out) = input_out.split_at(DIGEST_ELEMS);
        let parent_in = &permutation_output::<AB::Var>(&local.perm_in)[..DIGEST_ELEMS];
        let parent_out = &permutation_output::<AB::Var>(&local.perm_out)[..DIGEST_ELEMS];

        // Real rows are a prefix that starts with the root; the root is the first row only.
        // SAFETY: `is_root` is 1 on row 0 and 0 on every other row, so `is_real − is_root`
        // (the count of the sends) is boolean and 0 on the root.
        builder.assert_bool(local.is_real);
        builder.when_transition().assert_zero((one.clone() - local.is_real) * next.is_real);
        builder.when_first_row().assert_one(local.is_real);
        builder.when_first_row().assert_one(local.is_root);
        builder.when_transition().assert_zero(next.is_root);

        // The root is node 0 of level 22; its digests before and after are the public roots.
        // SAFETY: this anchors the induction of the module docs: every other row's level
        // and index are fixed by the row of its parent, down from here.
        {
            let mut root = builder.when_first_row();
            root.assert_eq(local.level, AB::Expr::from_usize(TREE_DEPTH));
            root.assert_zero(local.index);
            for k in 0..DIGEST_ELEMS {
                root.assert_eq(parent_in[k], pv.root_in[k]);
                root.assert_eq(parent_out[k], pv.root_out[k]);
            }
        }

        // Touched flags are boolean and only set on real rows; a real row other than the
        // root has a touched child (so it lies on a touched page's path).
        // SAFETY: the "touched child" rule makes every non-root row's level a chain of
        // receives down to a page digest (level 0), which the induction needs.
        builder.assert_bool(local.left_touched);
        builder.assert_bool(local.right_touched);
        builder.assert_zero(local.left_touched * (one.clone() - local.is_real));
        builder.assert_zero(local.right_touched * (one.clone() - local.is_real));
        builder.assert_zero(
            (local.is_real - local.is_root)
                * (one.clone() - local.left_touched)
                * (one.clone() - local.right_touched),
        );

        // An untouched child is the same digest before and after.
        // SAFETY: it is a free witness otherwise; the same value on both sides means the
        // `root_in` opening of this sibling (fixed by collision resistance) is what
        // `root_out` is built from.
        for k in 0..DIGEST_ELEMS {
            builder.assert_zero((one.clone() - local.left_touched) * (left_in[k] - left_out[k]));
            builder.assert_zero((one.clone() - local.right_touched) * (right_in[k] - right_out[k]));
        }

        // Every real row but the root sends its node before and after to its parent's row.
        // SAFETY: the parent's row receives it only if it marks this child touched; each
        // node has at most one row (module docs), so a node cannot be sent twice.
        let level: AB::Expr = local.level.into();
        let index: AB::Expr = local.index.into();
        let sends = local.is_real - local.is_root;
        Bus::Merkle.send(
            builder,
            message::<AB>(level.clone(), index.clone(), DIR_IN, parent_in),
            sends.clone(),
            1,
        );
        Bus::Merkle.send(
            builder,
            message::<AB>(level.clone(), index.clone(), DIR_OUT, parent_out),
            sends,
            1,
        );

        // Each touched child's node, before and after, is received from its own row (or,
        // at level 0, from the page chip).
        // SAFETY: the child's index is `2·index` or `2·index + 1` at `level − 1`: from an
        // integer node below `2^(22 − level)` it is an integer below `2^(23 − level)`.
        let child_level = level - one.clone();
        let left_index = index.clone() * AB::Expr::TWO;
        let right_index = left_index.clone() + one;
        for (child_index, touched, before, after) in [
            (left_index, local.left_touched, left_in, left_out),
            (right_index, local.right_touched, right_in, right_out),
        ] {
            Bus::Merkle.receive(
                builder,
                message::<AB>(child_level.clone(), child_index.clone(), DIR_IN, before),
                touched,
                1,
            );
            Bus::Merkle.receive(
                builder,
                message::<AB>(child_level.clone(), child_index, DIR_OUT, after),
                touched,
                1,
            );
        }
    }
}

/// Offset of `perm_out` (checked: it is right after `perm_in`).
const _: () = assert!(offset_of!(MerkleCols<u8>, perm_out) == NUM_PERMUTATION_COLS);
const _: () = assert!(size_of::<PermutationCols<u8>>() == NUM_PERMUTATION_COLS);
