//! The page hash chip: the digest of every page a shard touched, before and after the
//! shard, computed in-circuit exactly as [`crate::memory_root`] specifies the page hash.
//!
//! # Rows
//!
//! One *group* of 64 rows per (page, direction): `dir` 0 hashes the page's words when the
//! shard starts, `dir` 1 when it ends. Row `block = r` of a group absorbs words
//! `4r .. 4r + 3` of the page: its Poseidon2 input ([`PageCols::perm`], `p3-poseidon2-air`'s
//! columns first) is the words' 16-bit halves `lo = b0 + 256·b1`, `hi = b2 + 256·b3` in
//! `state[0..8]` (overwrite) and the capacity `state[8..16]`: `(PAGE_DOMAIN, 0, …, 0)` on
//! the group's first row, the previous row's output capacity on the others. The last row's
//! output rate is the page digest. Groups follow each other (a shard's trace: for each
//! touched page by increasing index, `dir` 0 then 1); real rows come first, then padding.
//!
//! # Buses
//!
//! * `PAGE_WORD` `(dir, 256·page + 4r + j, word j's limbs)`, received for `j = 0..4` on every
//!   real row: each group takes all 256 words of its page from the RAM boundary chip, which
//!   range-checks the limbs (so the halves are below 2^16 and determine the bytes).
//! * `MERKLE` `(0, page, dir, digest)`, sent on the group's last row to the Merkle chip's row
//!   of the page's parent, which proves the digest is the page's leaf under `root_in`
//!   (`dir` 0) or `root_out` (`dir` 1).

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::PageChip;
pub use columns::{NUM_PAGE_COLS, PageCols};
pub(crate) use trace::permutation_rows;
pub use trace::{PageGroup, generate_trace, generate_trace_padded, groups};

/// Words absorbed per row (one permutation): 4 words, 8 halves.
pub const WORDS_PER_ROW: usize = 4;
