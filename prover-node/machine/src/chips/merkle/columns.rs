//! Columns and public values of the Merkle chip.

use crate::chips::io_sponge::PermutationCols;
use crate::columns::impl_columns;
use crate::memory_root::DIGEST_ELEMS;

/// One internal node of the memory tree on a touched path, or a padding row.
#[repr(C)]
pub struct MerkleCols<T> {
    /// The node before: `p3-poseidon2-air`'s columns (first), input `left_in ‖ right_in`
    /// (the children's digests before), output `[0..8]` the node's digest before.
    pub perm_in: PermutationCols<T>,
    /// The node after: the same with `left_out ‖ right_out`, right after `perm_in`.
    pub perm_out: PermutationCols<T>,
    /// `1` on the rows of nodes (a prefix of the trace, at least the root), `0` on padding.
    pub is_real: T,
    /// `1` on the first row only: the root.
    pub is_root: T,
    /// The node's level: 22 for the root, `1 ..= 21` for the others.
    pub level: T,
    /// The node's index at its level (below `2^(22 − level)`).
    pub index: T,
    /// `1` if a touched page lies under the left child (node `2·index` at `level − 1`).
    pub left_touched: T,
    /// `1` if a touched page lies under the right child (node `2·index + 1`).
    pub right_touched: T,
}

impl_columns!(MerkleCols, NUM_MERKLE_COLS);

/// The chip's public values: the shard's memory root before and after.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct MerklePublicValues<T> {
    /// The root when the shard starts (the previous shard's `root_out`, or the program
    /// image's root for the first shard).
    pub root_in: [T; DIGEST_ELEMS],
    /// The root when the shard ends.
    pub root_out: [T; DIGEST_ELEMS],
}

impl_columns!(MerklePublicValues, NUM_MERKLE_PUBLIC_VALUES);
