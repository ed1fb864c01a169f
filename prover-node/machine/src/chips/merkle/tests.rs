//! Tests of the Merkle chip: its rows and roots for real runs (against `memory_root`),
//! a shard that touches no memory, and forged trees the real verifier must reject (a
//! changed untouched sibling, a cleared or invented touched flag, a duplicated row, the
//! root row moved or repeated, changed public roots, changed levels and indices, a row
//! with no touched child).

extern crate std;

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField64};
use p3_matrix::Matrix;

use super::forge::{Boundary, digest_of};
use super::*;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::io_sponge::{NUM_PERMUTATION_COLS, permutation_output};
use crate::chips::load_store::tests::memory_program;
use crate::chips::page::permutation_rows;
use crate::execution::chip_index::{MERKLE, PAGE, RAM};
use crate::execution::programs::{Run, prove_and_verify, run, sum_loop};
use crate::execution::{OutcomeError, image_memory, memory_outcome};
use crate::memory_root::{
    ChildUpdate, DIGEST_ELEMS, NodeUpdate, PAGE_WORDS_LOG, TREE_DEPTH, default_digests,
};
use crate::testing::{F, assert_constraint_rejected, cell, set_cell};

fn merkle_row(run: &Run, i: usize) -> &MerkleCols<F> {
    run.traces[MERKLE].values[i * NUM_MERKLE_COLS..(i + 1) * NUM_MERKLE_COLS].borrow()
}

fn merkle_row_mut(run: &mut Run, i: usize) -> &mut MerkleCols<F> {
    run.traces[MERKLE].values[i * NUM_MERKLE_COLS..(i + 1) * NUM_MERKLE_COLS].borrow_mut()
}

/// Recompute both permutations of row `row` from their inputs (nothing else changes).
fn repermute(run: &mut Run, row: usize) {
    for offset in [0, NUM_PERMUTATION_COLS] {
        let start = row * NUM_MERKLE_COLS + offset;
        let inputs: [F; 16] = core::array::from_fn(|k| run.traces[MERKLE].values[start + k]);
        let perm = permutation_rows(vec![inputs]).values;
        run.traces[MERKLE].values[start..start + NUM_PERMUTATION_COLS].copy_from_slice(&perm);
    }
}

fn prove(run: &Run) -> Result<(), zkvm_stark::VerifyError> {
    prove_and_verify(&run.rom, &run.traces, &run.public_values)
}

/// The stack's page and the data page of [`memory_program`] sit under different children
/// of node `(21, 0)`, so their paths share only the root and that node.
const SHARED: (usize, u32) = (TREE_DEPTH - 1, 0);

#[test]
fn rows_are_the_touched_paths_and_the_roots_are_memory_roots() {
    let elf = memory_program(3);
    let run = run(&elf);
    let boundary = Boundary::of(&run);
    let pages: Vec<u32> = boundary.groups.iter().map(|g| g.page).collect();
    // The root, node (21, 0), then one path of 20 nodes per page.
    assert_eq!(boundary.nodes.len(), 2 + 2 * (TREE_DEPTH - 2));
    for (i, n) in boundary.nodes.iter().enumerate() {
        let row = merkle_row(&run, i);
        assert_eq!(row.is_real, F::ONE);
        assert_eq!(row.is_root, F::from_bool(i == 0));
        assert_eq!(row.level, F::from_usize(n.level));
        assert_eq!(row.index, F::from_u32(n.index));
        assert!(pages.iter().any(|&p| p >> n.level == n.index));
        let touched = |i: u32| pages.iter().any(|&p| p >> (n.level - 1) == i);
        assert_eq!(row.left_touched, F::from_bool(touched(2 * n.index)));
        assert_eq!(row.right_touched, F::from_bool(touched(2 * n.index + 1)));
    }
    for i in boundary.nodes.len()..run.traces[MERKLE].height() {
        assert_eq!(merkle_row(&run, i).is_real, F::ZERO);
    }
    // The public roots: the image's, and the root of the emulator's final memory.
    let mut initial = image_memory(&run.rom.memory);
    let pv: &MerklePublicValues<F> = run.public_values[MERKLE].as_slice().borrow();
    assert_eq!(digest_of(&pv.root_in), initial.root());
    let mut emulator = zkvm_emulator::Emulator::new(&elf, Vec::new()).unwrap();
    emulator.execute().unwrap();
    let mut expected = initial.clone();
    for &page in &pages {
        for addr in page << PAGE_WORDS_LOG..(page + 1) << PAGE_WORDS_LOG {
            expected.set_word(addr, emulator.memory().load_word(addr << 2)).unwrap();
        }
    }
    assert_eq!(digest_of(&pv.root_out), expected.root());
    assert_ne!(pv.root_out, pv.root_in);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn shard_without_memory_is_the_root_row_alone() {
    // No load or store: no RAM row, no page group, the root row with both children
    // untouched, `root_out = root_in` (the image's root).
    let mut run = run(&sum_loop(10));
    for chip in [RAM, PAGE] {
        assert!(run.traces[chip].values.iter().all(|&v| v == F::ZERO || chip == PAGE));
    }
    assert_eq!(merkle_row(&run, 0).is_real, F::ONE);
    assert_eq!(
        (merkle_row(&run, 0).left_touched, merkle_row(&run, 0).right_touched),
        (F::ZERO, F::ZERO)
    );
    assert_eq!(merkle_row(&run, 1).is_real, F::ZERO);
    let image_root = image_memory(&run.rom.memory).root();
    let outcome = memory_outcome(&run.public_values, &image_root).unwrap();
    assert_eq!(outcome.root_out, image_root);
    prove(&run).expect("a shard without memory verifies");
    // The same with the root's public values changed: its row is bound to them.
    run.public_values[MERKLE][DIGEST_ELEMS] += F::ONE;
    assert_constraint_rejected(prove(&run), MERKLE);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn rechained_nodes_baseline_verifies() {
    // The forging helpers on the honest nodes change nothing: `rechain_nodes` and
    // `repermute` recompute what is there.
    let mut run = run(&memory_program(1));
    let honest = run.public_values[MERKLE].clone();
    let mut boundary = Boundary::of(&run);
    boundary.rechain_nodes();
    boundary.install(&mut run);
    repermute(&mut run, 3);
    assert_eq!(run.public_values[MERKLE], honest);
    prove(&run).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_untouched_sibling_on_one_side_is_rejected() {
    // The root's right child (the reserved half of the tree, untouched) is another digest
    // before than after.
    let mut run = run(&memory_program(1));
    assert_eq!(merkle_row(&run, 0).right_touched, F::ZERO);
    merkle_row_mut(&mut run, 0).perm_in.inputs[DIGEST_ELEMS] += F::ONE;
    repermute(&mut run, 0);
    set_roots_from_row_0(&mut run);
    assert_constraint_rejected(prove(&run), MERKLE);
}

/// Set the public roots to the first row's outputs (so the root row's binding holds).
fn set_roots_from_row_0(run: &mut Run) {
    let row = merkle_row(run, 0);
    let root_in: [F; DIGEST_ELEMS] = core::array::from_fn(|k| permutation_output(&row.perm_in)[k]);
    let root_out: [F; DIGEST_ELEMS] =
        core::array::from_fn(|k| permutation_output(&row.perm_out)[k]);
    let pv: &mut MerklePublicValues<F> = run.public_values[MERKLE].as_mut_slice().borrow_mut();
    pv.root_in = root_in;
    pv.root_out = root_out;
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn changed_untouched_sibling_on_both_sides_is_caught_by_root_in() {
    // The sibling changed on both sides, every node above rehashed: a valid proof of a
    // shard from another memory. The STARK accepts it; the check of `root_in` does not.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let root = &mut boundary.nodes[0];
    assert!(!root.right.touched);
    root.right.before[0] ^= 1;
    root.right.after = root.right.before;
    boundary.rechain_nodes();
    boundary.install(&mut run);
    prove(&run).expect("a consistent shard");
    let image_root = image_memory(&run.rom.memory).root();
    let error = memory_outcome(&run.public_values, &image_root).unwrap_err();
    assert!(matches!(error, OutcomeError::MemoryRootIn { .. }), "{error}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn cleared_touched_flag_is_rejected() {
    // Node (21, 0) drops its left child's changes (the data page's path): the child is
    // claimed untouched (the same digest after as before) and the root rehashed, so
    // `root_out` would not have the stores. The child's row still sends its node.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let at = boundary.node_of(SHARED.0, SHARED.1);
    let node = &mut boundary.nodes[at];
    assert!(node.left.touched && node.left.before != node.left.after);
    node.left.touched = false;
    node.left.after = node.left.before;
    boundary.rechain_nodes();
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn invented_touched_child_is_rejected() {
    // The root claims its right child (the reserved half) touched: nothing sends it.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    boundary.nodes[0].right.touched = true;
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn row_without_touched_child_is_rejected() {
    // A row for the root's right child (the reserved half: both of its children empty,
    // untouched), which the root now receives as touched: every bus balances and the
    // digests are the true ones; only the rule that a non-root row has a touched child
    // objects.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let defaults = default_digests();
    let empty = |level: usize| ChildUpdate {
        touched: false,
        before: defaults[level],
        after: defaults[level],
    };
    boundary.nodes.push(NodeUpdate {
        level: TREE_DEPTH - 1,
        index: 1,
        left: empty(TREE_DEPTH - 2),
        right: empty(TREE_DEPTH - 2),
        before: defaults[TREE_DEPTH - 1],
        after: defaults[TREE_DEPTH - 1],
    });
    boundary.nodes[0].right.touched = true;
    boundary.install(&mut run);
    assert_constraint_rejected(prove(&run), MERKLE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn duplicated_merkle_row_is_rejected() {
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let at = boundary.node_of(SHARED.0, SHARED.1);
    boundary.nodes.insert(at + 1, boundary.nodes[at]);
    boundary.install(&mut run);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn root_row_not_first_is_rejected() {
    // The rows in another order: node (21, 0) first, the root second.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    boundary.nodes.swap(0, 1);
    boundary.install(&mut run);
    assert_constraint_rejected(prove(&run), MERKLE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn second_root_row_is_rejected() {
    // Row 1 claims to be a root too (it would send nothing).
    let mut run = run(&memory_program(1));
    merkle_row_mut(&mut run, 1).is_root = F::ONE;
    assert_constraint_rejected(prove(&run), MERKLE);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_public_roots_are_rejected() {
    for k in [0, DIGEST_ELEMS + 5] {
        let mut run = run(&memory_program(1));
        run.public_values[MERKLE][k] += F::ONE;
        assert_constraint_rejected(prove(&run), MERKLE);
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_level_is_rejected() {
    let mut run = run(&memory_program(1));
    let col = offset_of!(MerkleCols<u8>, level);
    let old = cell(&run.traces, MERKLE, 3, col);
    set_cell(&mut run.traces, MERKLE, 3, col, old + F::ONE);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_index_is_rejected() {
    // Row 3 claims to be its sibling node.
    let mut run = run(&memory_program(1));
    let col = offset_of!(MerkleCols<u8>, index);
    let old = cell(&run.traces, MERKLE, 3, col);
    let sibling =
        if old.as_canonical_u64().is_multiple_of(2) { old + F::ONE } else { old - F::ONE };
    set_cell(&mut run.traces, MERKLE, 3, col, sibling);
    assert_unbalanced(prove(&run));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_permutation_cell_is_rejected() {
    // A cell of the "after" permutation of row 2.
    let mut run = run(&memory_program(1));
    let col = NUM_PERMUTATION_COLS + 40;
    let old = cell(&run.traces, MERKLE, 2, col);
    set_cell(&mut run.traces, MERKLE, 2, col, old + F::ONE);
    assert_constraint_rejected(prove(&run), MERKLE);
}
