//! Trace generation of the Merkle chip.

use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_field::PrimeField64;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{MerkleCols, MerklePublicValues, NUM_MERKLE_COLS, NUM_MERKLE_PUBLIC_VALUES};
use crate::chips::height_at_least;
use crate::chips::io_sponge::{NUM_PERMUTATION_COLS, PermutationCols, permutation_output};
use crate::chips::page::permutation_rows;
use crate::memory_root::{DIGEST_ELEMS, Digest, NodeUpdate, WIDTH};

/// The Merkle chip's trace and public values ([`MerklePublicValues`]) for `nodes`, one row
/// each in that order (a shard's are [`crate::memory_root::MemoryUpdate::nodes`]: the root
/// first), then padding rows (both permutations of the all-zero state).
///
/// 1. Every row's two input states, `left ‖ right` before and after.
/// 2. Both permutations' columns, each in one batch.
/// 3. Each real row's flags, level and index; the public values are the first row's
///    outputs (the roots).
///
/// # Panics
///
/// If `nodes` is empty (a shard's update always has its root).
pub fn generate_trace<F: PrimeField64>(nodes: &[NodeUpdate]) -> (RowMajorMatrix<F>, Vec<F>) {
    generate_trace_padded(nodes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: PrimeField64>(
    nodes: &[NodeUpdate],
    min_height: usize,
) -> (RowMajorMatrix<F>, Vec<F>) {
    assert!(!nodes.is_empty(), "the Merkle chip has at least the root row");
    let height = height_at_least(nodes.len(), min_height);
    let state = |left: Digest, right: Digest| -> [F; WIDTH] {
        core::array::from_fn(|k| {
            F::from_u32(if k < DIGEST_ELEMS { left[k] } else { right[k - DIGEST_ELEMS] })
        })
    };
    let mut states_in: Vec<[F; WIDTH]> =
        nodes.iter().map(|n| state(n.left.before, n.right.before)).collect();
    let mut states_out: Vec<[F; WIDTH]> =
        nodes.iter().map(|n| state(n.left.after, n.right.after)).collect();
    states_in.resize(height, [F::ZERO; WIDTH]);
    states_out.resize(height, [F::ZERO; WIDTH]);
    let perm_in = permutation_rows(states_in);
    let perm_out = permutation_rows(states_out);

    let mut values = F::zero_vec(height * NUM_MERKLE_COLS);
    let rows = values
        .chunks_exact_mut(NUM_MERKLE_COLS)
        .zip(perm_in.values.chunks_exact(NUM_PERMUTATION_COLS))
        .zip(perm_out.values.chunks_exact(NUM_PERMUTATION_COLS));
    for (i, ((row, p_in), p_out)) in rows.enumerate() {
        row[..NUM_PERMUTATION_COLS].copy_from_slice(p_in);
        row[NUM_PERMUTATION_COLS..2 * NUM_PERMUTATION_COLS].copy_from_slice(p_out);
        let Some(node) = nodes.get(i) else { continue };
        let cols: &mut MerkleCols<F> = row.borrow_mut();
        cols.is_real = F::ONE;
        cols.is_root = F::from_bool(i == 0);
        cols.level = F::from_usize(node.level);
        cols.index = F::from_u32(node.index);
        cols.left_touched = F::from_bool(node.left.touched);
        cols.right_touched = F::from_bool(node.right.touched);
    }

    let first: &MerkleCols<F> = values[..NUM_MERKLE_COLS].borrow();
    let root = |perm: &PermutationCols<F>| -> [F; DIGEST_ELEMS] {
        core::array::from_fn(|k| permutation_output(perm)[k])
    };
    let mut public_values = F::zero_vec(NUM_MERKLE_PUBLIC_VALUES);
    let pv: &mut MerklePublicValues<F> = public_values.as_mut_slice().borrow_mut();
    pv.root_in = root(&first.perm_in);
    pv.root_out = root(&first.perm_out);
    (RowMajorMatrix::new(values, NUM_MERKLE_COLS), public_values)
}
