//! The Merkle chip: proves that the page digests of a shard (from the page chip) are the
//! leaves of its memory root before the shard (`root_in`) and, rehashed, of its root after
//! (`root_out`) — the tree of [`crate::memory_root`], updated along the touched paths.
//!
//! # Rows
//!
//! One row per internal node (levels `1 ..= 22`) on the union of the touched pages' paths;
//! the first row is the root (level 22, index 0), then padding rows at the end. Each row
//! holds two Poseidon2 permutations ([`MerkleCols::perm_in`], [`MerkleCols::perm_out`], the
//! node compression without feed-forward): the children before (`left_in ‖ right_in`) and
//! after (`left_out ‖ right_out`); the node's digest before and after is the first 8
//! outputs of each. A child is *touched* if a touched page lies under it: its digests come
//! off the `MERKLE` bus. An untouched child's digest is a free witness, the same on both
//! sides (its subtree did not change).
//!
//! # Buses and public values
//!
//! * `MERKLE` `(level, index, dir, digest)`: a real row other than the root *sends* its node
//!   before (`dir` 0) and after (`dir` 1); a row *receives*, for each touched child, the
//!   child's node before and after (`(level − 1, 2·index (+1), dir, digest)`), count the
//!   child's `touched` flag. Level-0 nodes are the page chip's page digests.
//! * Public values ([`MerklePublicValues`]): `root_in[8]`, `root_out[8]`, the first row's
//!   node before and after.
//!
//! Why this proves the update (`DESIGN.md`, "Continuations: the shard memory boundary"):
//! by induction from the root, every row is a distinct node on a touched path, with its
//! level and index integers; every touched page is hashed exactly once per direction; so
//! `root_in` opens to the shard's initial pages (collision resistance) and `root_out` is
//! the root of the same tree with those pages replaced by their final contents.

mod air;
mod columns;
mod trace;

#[cfg(test)]
pub(crate) mod forge;
#[cfg(test)]
mod tests;

pub use air::MerkleChip;
pub use columns::{MerkleCols, MerklePublicValues, NUM_MERKLE_COLS, NUM_MERKLE_PUBLIC_VALUES};
pub use trace::{generate_trace, generate_trace_padded};
