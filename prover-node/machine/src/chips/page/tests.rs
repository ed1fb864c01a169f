//! Tests of the page hash chip: its digests against the native page hash, and forged
//! groups the real verifier must reject (a changed word, a page hashed twice or not at all,
//! a group in the wrong direction, a skipped block, a wrong domain tag, a changed
//! permutation cell, an unchained capacity, a group that ends early).

extern crate std;

use alloc::vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::bus::{DIR_IN, DIR_OUT};
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::io_sponge::{NUM_PERMUTATION_COLS, PermutationCols, permutation_output};
use crate::chips::load_store::tests::{DATA, memory_program};
use crate::chips::merkle::forge::Boundary;
use crate::execution::chip_index::PAGE;
use crate::execution::programs::{Run, prove_and_verify, run};
use crate::memory_root::{DIGEST_ELEMS, PAGE_BLOCKS, PAGE_DOMAIN, PAGE_WORDS_LOG, hash_page};
use crate::testing::{F, assert_constraint_rejected, cell, set_cell};

fn page_row(run: &Run, i: usize) -> &PageCols<F> {
    run.traces[PAGE].values[i * NUM_PAGE_COLS..(i + 1) * NUM_PAGE_COLS].borrow()
}

fn page_row_mut(run: &mut Run, i: usize) -> &mut PageCols<F> {
    use core::borrow::BorrowMut;
    run.traces[PAGE].values[i * NUM_PAGE_COLS..(i + 1) * NUM_PAGE_COLS].borrow_mut()
}

/// Recompute the permutation of row `from` from its inputs, and of the rows after it up to
/// its group's last row with the capacity carried: a forgery edits some cells, then calls
/// this, so that only what it targets is wrong.
fn rechain(run: &mut Run, from: usize) {
    let mut r = from;
    loop {
        let inputs = page_row(run, r).perm.inputs;
        let perm = permutation_rows(vec![inputs]).values;
        run.traces[PAGE].values[r * NUM_PAGE_COLS..r * NUM_PAGE_COLS + NUM_PERMUTATION_COLS]
            .copy_from_slice(&perm);
        let output = *permutation_output::<F>(perm.as_slice().borrow());
        if page_row(run, r).is_last == F::ONE {
            break;
        }
        page_row_mut(run, r + 1).perm.inputs[DIGEST_ELEMS..]
            .copy_from_slice(&output[DIGEST_ELEMS..]);
        r += 1;
    }
}

fn prove(run: &Run) -> Result<(), zkvm_stark::VerifyError> {
    prove_and_verify(&run.rom, &run.traces, &run.public_values)
}

#[test]
fn page_digests_are_the_page_hash() {
    let run = run(&memory_program(3));
    let boundary = Boundary::of(&run);
    assert_eq!(boundary.groups.len(), 4);
    assert_eq!(run.traces[PAGE].height(), 4 * PAGE_BLOCKS);
    for (g, group) in boundary.groups.iter().enumerate() {
        assert_eq!(group.dir, [DIR_IN, DIR_OUT][g % 2]);
        let first = page_row(&run, g * PAGE_BLOCKS);
        assert_eq!(first.is_start, F::ONE);
        assert_eq!(first.perm.inputs[DIGEST_ELEMS], F::from_u32(PAGE_DOMAIN));
        let last = page_row(&run, (g + 1) * PAGE_BLOCKS - 1);
        assert_eq!((last.is_last, last.block), (F::ONE, F::from_usize(PAGE_BLOCKS - 1)));
        assert_eq!(last.page, F::from_u32(group.page));
        let digest: [u32; DIGEST_ELEMS] =
            core::array::from_fn(|k| permutation_output(&last.perm)[k].as_canonical_u32());
        assert_eq!(digest, hash_page(&group.words));
    }
    // The data page's words after the run differ from its image (the stores).
    let data = DATA >> 2 >> PAGE_WORDS_LOG;
    let (before, after) = (boundary.group_of(data, DIR_IN), boundary.group_of(data, DIR_OUT));
    assert_ne!(boundary.groups[before].words, boundary.groups[after].words);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn rechained_groups_baseline_verifies() {
    // `rechain` on unchanged rows changes nothing: the rejections below are the
    // forgeries'.
    let mut run = run(&memory_program(1));
    rechain(&mut run, 0);
    rechain(&mut run, PAGE_BLOCKS + 10);
    prove(&run).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_word_in_a_group_is_rejected() {
    // The page chip hashes another initial word than the RAM chip sent.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let g = boundary.group_of(DATA >> 2 >> PAGE_WORDS_LOG, DIR_IN);
    boundary.groups[g].words[7] ^= 1;
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn page_hashed_twice_is_rejected() {
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    boundary.groups.insert(1, boundary.groups[0].clone());
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn unhashed_page_is_rejected() {
    // The stack's page is not hashed in either direction.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let stack = (zkvm_abi::memory::STACK_TOP - 4) >> 2 >> PAGE_WORDS_LOG;
    boundary.groups.retain(|g| g.page != stack);
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn group_in_the_wrong_direction_is_rejected() {
    // The data page's final words hashed as its initial ones too.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let data = DATA >> 2 >> PAGE_WORDS_LOG;
    let (before, after) = (boundary.group_of(data, DIR_IN), boundary.group_of(data, DIR_OUT));
    boundary.groups[before].words = boundary.groups[after].words.clone();
    boundary.groups[before].dir = DIR_OUT;
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn skipped_block_is_rejected() {
    // Block 5 of the first group claims to be block 6.
    let mut run = run(&memory_program(1));
    page_row_mut(&mut run, 5).block = F::from_u32(6);
    assert_constraint_rejected(prove(&run), PAGE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_domain_tag_is_rejected() {
    // The second group starts from another capacity; the chain is recomputed.
    let mut run = run(&memory_program(1));
    let start = PAGE_BLOCKS;
    page_row_mut(&mut run, start).perm.inputs[DIGEST_ELEMS] = F::from_u32(PAGE_DOMAIN + 1);
    rechain(&mut run, start);
    assert_constraint_rejected(prove(&run), PAGE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_permutation_cell_is_rejected() {
    let mut run = run(&memory_program(1));
    let col = offset_of!(PageCols<u8>, perm) + offset_of!(PermutationCols<u8>, partial_rounds) + 3;
    let old = cell(&run.traces, PAGE, 17, col);
    set_cell(&mut run.traces, PAGE, 17, col, old + F::ONE);
    assert_constraint_rejected(prove(&run), PAGE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn unchained_capacity_is_rejected() {
    // Row 10 restarts the sponge (the domain capacity) instead of carrying row 9's.
    let mut run = run(&memory_program(1));
    let row = page_row_mut(&mut run, 10);
    row.perm.inputs[DIGEST_ELEMS] = F::from_u32(PAGE_DOMAIN);
    for x in &mut row.perm.inputs[DIGEST_ELEMS + 1..] {
        *x = F::ZERO;
    }
    rechain(&mut run, 10);
    assert_constraint_rejected(prove(&run), PAGE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_digest_is_rejected() {
    // The digest the last row sends is not its permutation's output.
    let mut run = run(&memory_program(1));
    let last = PAGE_BLOCKS - 1;
    permutation_output_mut(&mut run, last)[0] += F::ONE;
    assert_constraint_rejected(prove(&run), PAGE);
}

fn permutation_output_mut(run: &mut Run, row: usize) -> &mut [F; 16] {
    let perm = &mut page_row_mut(run, row).perm;
    &mut perm.ending_full_rounds[crate::chips::io_sponge::HALF_FULL_ROUNDS - 1].post
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn early_group_end_is_rejected() {
    // Block 62 claims to end its group (and the next row to start one).
    let mut run = run(&memory_program(1));
    page_row_mut(&mut run, PAGE_BLOCKS - 2).is_last = F::ONE;
    page_row_mut(&mut run, PAGE_BLOCKS - 1).is_start = F::ONE;
    assert_constraint_rejected(prove(&run), PAGE);
}
