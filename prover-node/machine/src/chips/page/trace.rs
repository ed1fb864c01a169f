//! Trace generation of the page hash chip.

use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::PrimeField64;
use p3_koala_bear::GenericPoseidon2LinearLayersKoalaBear;
use p3_matrix::dense::RowMajorMatrix;
use p3_poseidon2_air::generate_trace_rows;

use super::WORDS_PER_ROW;
use super::columns::{NUM_PAGE_COLS, PageCols};
use crate::bus::{DIR_IN, DIR_OUT};
use crate::chips::height_at_least;
use crate::chips::io_sponge::{
    HALF_FULL_ROUNDS, NUM_PERMUTATION_COLS, PARTIAL_ROUNDS, SBOX_DEGREE, SBOX_REGISTERS,
    round_constants,
};
use crate::memory_root::{MemoryUpdate, PAGE_BLOCKS, PAGE_WORDS, WIDTH, page_sponge_states};
use crate::word::Word;

/// One page hashed in one direction: a group of 64 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageGroup<'a> {
    /// The page (leaf) index.
    pub page: u32,
    /// [`DIR_IN`] or [`DIR_OUT`].
    pub dir: u8,
    /// The page's words in that direction.
    pub words: &'a [u32; PAGE_WORDS],
}

/// The groups of a shard's update: for each touched page (increasing), its words before
/// (`dir` 0) and after (`dir` 1).
pub fn groups(update: &MemoryUpdate) -> Vec<PageGroup<'_>> {
    update
        .pages
        .iter()
        .flat_map(|p| {
            [
                PageGroup { page: p.page, dir: DIR_IN, words: &p.before },
                PageGroup { page: p.page, dir: DIR_OUT, words: &p.after },
            ]
        })
        .collect()
}

/// `p3-poseidon2-air`'s columns of the permutation of each state (a power of two of them),
/// generated in one batch (vectorised and, with `parallel`, multi-threaded).
pub(crate) fn permutation_rows<F: PrimeField64>(states: Vec<[F; WIDTH]>) -> RowMajorMatrix<F> {
    generate_trace_rows::<
        F,
        GenericPoseidon2LinearLayersKoalaBear,
        WIDTH,
        SBOX_DEGREE,
        SBOX_REGISTERS,
        HALF_FULL_ROUNDS,
        PARTIAL_ROUNDS,
    >(states, &round_constants(), 0)
}

/// The page chip's trace: the groups in order, 64 rows each, then padding rows (the
/// permutation of the all-zero state, nothing else set).
///
/// 1. The page sponge's 64 input states of every group, natively
///    ([`page_sponge_states`]).
/// 2. Every row's permutation columns in one batch.
/// 3. Each real row's flags, page, direction, block and the four words' limbs.
pub fn generate_trace<F: PrimeField64>(groups: &[PageGroup<'_>]) -> RowMajorMatrix<F> {
    generate_trace_padded(groups, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: PrimeField64>(
    groups: &[PageGroup<'_>],
    min_height: usize,
) -> RowMajorMatrix<F> {
    let rows = groups.len() * PAGE_BLOCKS;
    let height = height_at_least(rows, min_height);
    let mut states: Vec<[F; WIDTH]> = page_sponge_states(groups.iter().map(|g| g.words))
        .into_iter()
        .map(|s| s.map(F::from_u32))
        .collect();
    states.resize(height, [F::ZERO; WIDTH]);
    let perms = permutation_rows(states);

    let mut values = F::zero_vec(height * NUM_PAGE_COLS);
    for (i, (row, perm)) in values
        .chunks_exact_mut(NUM_PAGE_COLS)
        .zip(perms.values.chunks_exact(NUM_PERMUTATION_COLS))
        .enumerate()
    {
        row[..NUM_PERMUTATION_COLS].copy_from_slice(perm);
        let Some(group) = groups.get(i / PAGE_BLOCKS) else { continue };
        let block = i % PAGE_BLOCKS;
        let cols: &mut PageCols<F> = row.borrow_mut();
        cols.is_real = F::ONE;
        cols.is_start = F::from_bool(block == 0);
        cols.is_last = F::from_bool(block == PAGE_BLOCKS - 1);
        cols.page = F::from_u32(group.page);
        cols.dir = F::from_u8(group.dir);
        cols.block = F::from_usize(block);
        for (j, word) in cols.words.iter_mut().enumerate() {
            *word = Word::from_u32(group.words[WORDS_PER_ROW * block + j]);
        }
    }
    RowMajorMatrix::new(values, NUM_PAGE_COLS)
}
