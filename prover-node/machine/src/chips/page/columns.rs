//! Columns of the page hash chip.

use super::WORDS_PER_ROW;
use crate::chips::io_sponge::PermutationCols;
use crate::columns::impl_columns;
use crate::word::Word;

/// One block (4 words) of one page's hash, or a padding row.
#[repr(C)]
pub struct PageCols<T> {
    /// `p3-poseidon2-air`'s columns (first, so the upstream AIR runs on this prefix): the
    /// input state is the block's halves and the carried capacity; the output is the last
    /// ending full round's `post`.
    pub perm: PermutationCols<T>,
    /// `1` on the rows of the groups (a prefix of the trace), `0` on padding.
    pub is_real: T,
    /// `1` on a group's first row: the first row if real, and each real row after a
    /// group's last row.
    pub is_start: T,
    /// `1` on a group's last row (block 63): it sends the page digest.
    pub is_last: T,
    /// The page (leaf) index: words `256·page .. 256·page + 255`.
    pub page: T,
    /// `0`: the page when the shard starts; `1`: when it ends.
    pub dir: T,
    /// The block index `r` in `0 .. 64`: this row absorbs words `4r .. 4r + 3`.
    pub block: T,
    /// The four words' byte limbs (received from the RAM boundary chip, which range-checks
    /// them; zero on padding rows).
    pub words: [Word<T>; WORDS_PER_ROW],
}

impl_columns!(PageCols, NUM_PAGE_COLS);
