//! Tests of the RAM boundary: its rows for a real run (every word of the touched pages),
//! and forged boundaries the real verifier must reject: a wrong initial or final value, a
//! word whose initial value is not the one `root_in` commits to, a duplicated, dropped or
//! extra row, limbs that are not bytes.

extern crate std;

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::load_store::tests::{DATA, memory_program};
use crate::chips::merkle::forge::Boundary;
use crate::chips::page::PageCols;
use crate::execution::chip_index::{BYTE, PAGE, RAM};
use crate::execution::programs::{Run, prove_and_verify, run};
use crate::execution::{image_memory, memory_outcome};
use crate::memory_root::{PAGE_WORDS, PAGE_WORDS_LOG};
use crate::testing::{F, assert_constraint_rejected, cell, set_cell, u32_of};

fn ram_row(run: &Run, i: usize) -> RamCols<F> {
    let r = run.traces[RAM].row_slice(i).unwrap();
    *(*r).borrow()
}

/// Index of the RAM row of word address `word`.
fn row_of_word(run: &Run, word: u32) -> usize {
    (0..run.traces[RAM].height()).find(|&i| ram_row(run, i).addr == F::from_u32(word)).unwrap()
}

/// The stored-to word of [`memory_program`] (accessed in every round).
const STORED: u32 = (DATA + 64) >> 2;
/// A word of the data page that [`memory_program`]`(1)` never accesses.
const UNTOUCHED: u32 = (DATA + 200) >> 2;

#[test]
fn rows_are_every_word_of_the_touched_pages() {
    let run = run(&memory_program(3));
    let boundary = Boundary::of(&run);
    let rows = &boundary.rows;
    assert!(rows.windows(2).all(|w| w[0].addr < w[1].addr));
    assert_eq!(rows.len() % PAGE_WORDS, 0);
    // Every page appears whole, from its first word.
    for page in rows.chunks(PAGE_WORDS) {
        assert_eq!(page[0].addr % PAGE_WORDS as u32, 0);
        assert!(page.iter().all(|r| r.addr >> PAGE_WORDS_LOG == page[0].addr >> PAGE_WORDS_LOG));
    }
    // The data page and the stack's page, nothing else.
    let pages: Vec<u32> =
        rows.iter().step_by(PAGE_WORDS).map(|r| r.addr >> PAGE_WORDS_LOG).collect();
    let stack = (zkvm_abi::memory::STACK_TOP - 4) >> 2;
    assert_eq!(pages, [STORED >> PAGE_WORDS_LOG, stack >> PAGE_WORDS_LOG]);
    // Initial values from the image, final values the emulator's.
    let image = &run.rom.memory;
    let mut emulator = zkvm_emulator::Emulator::new(&memory_program(3), Vec::new()).unwrap();
    emulator.execute().unwrap();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.init, image.get(r.addr));
        assert_eq!(r.final_value, emulator.memory().load_word(r.addr << 2));
        let cols = ram_row(&run, i);
        assert_eq!(cols.addr, F::from_u32(r.addr));
        assert_eq!(u32_of(cols.init), r.init);
        assert_eq!(u32_of(cols.final_value), r.final_value);
        assert_eq!(cols.final_ts.as_canonical_u32() as u64, r.final_ts);
    }
    assert!(rows[boundary.row_of(UNTOUCHED)].final_ts == 0);
    assert!(rows[boundary.row_of(STORED)].final_ts > 0);
    assert_eq!(image.get(DATA >> 2), 0x44f3_0281);
    assert!(START_WORD <= rows[0].addr);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_boundary_baseline_verifies() {
    // The forging helpers with the honest boundary change nothing: the rejections below
    // are the forgeries'. The proof starts from the image's root.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    boundary.rehash_tree();
    boundary.install(&mut run);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
    let image_root = image_memory(&run.rom.memory).root();
    memory_outcome(&run.public_values, &image_root).expect("starts from the image");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_init_limb_is_rejected() {
    // The boundary claims the stored-to word started with another byte 1: its first
    // access received the true value, and the page chip hashed the true value.
    let mut run = run(&memory_program(1));
    let row = row_of_word(&run, STORED);
    let col = offset_of!(RamCols<u8>, init) + 1;
    let old = cell(&run.traces, RAM, row, col);
    set_cell(&mut run.traces, RAM, row, col, old + F::ONE);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_final_limb_is_rejected() {
    let mut run = run(&memory_program(2));
    let row = row_of_word(&run, STORED);
    let col = offset_of!(RamCols<u8>, final_value);
    let old = cell(&run.traces, RAM, row, col);
    set_cell(&mut run.traces, RAM, row, col, old + F::ONE);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_untouched_word_is_rejected_by_the_page_hash() {
    // A word no access touches claims another value, in and out: `MEMORY` balances (its
    // row sends and receives its own message) and the page chip hashes the claim
    // (`PAGE_WORD` balances), but the page digests are not the leaves of the tree.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    assert_eq!(boundary.rows[boundary.row_of(UNTOUCHED)].final_ts, 0);
    boundary.set_word(UNTOUCHED, 0x1234_5678, 0x1234_5678);
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn image_word_claimed_as_zero_is_rejected() {
    // The image word at `DATA + 8` (never accessed with one round) claimed to be 0 in and
    // out, consistently on `MEMORY` and `PAGE_WORD`: the data page's digest is no longer
    // the leaf of `root_in`.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let word = (DATA + 8) >> 2;
    assert_ne!(run.rom.memory.get(word), 0);
    assert_eq!(boundary.rows[boundary.row_of(word)].final_ts, 0);
    boundary.set_word(word, 0, 0);
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_untouched_word_with_its_tree_is_caught_by_root_in() {
    // The same forgery with the whole tree rehashed over it: the proof is a valid proof of
    // a shard that starts from another memory, so the STARK accepts it, and only the
    // verifier's check of `root_in` against the image's root rejects it.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    boundary.set_word(UNTOUCHED, 0x1234_5678, 0x1234_5678);
    boundary.rehash_tree();
    boundary.install(&mut run);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a consistent shard");
    let image_root = image_memory(&run.rom.memory).root();
    let error = memory_outcome(&run.public_values, &image_root).unwrap_err();
    assert!(matches!(error, crate::execution::OutcomeError::MemoryRootIn { .. }), "{error}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forged_final_value_with_its_tree_is_rejected() {
    // The stored-to word ends with another value, hashed into a consistent `root_out`:
    // only `MEMORY` (the last store's message) objects.
    let mut run = run(&memory_program(2));
    let mut boundary = Boundary::of(&run);
    let r = boundary.rows[boundary.row_of(STORED)];
    boundary.set_word(STORED, r.init, r.final_value ^ 0x100);
    boundary.rehash_tree();
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn duplicated_ram_row_is_rejected() {
    // An untouched word appears twice (its rows balance `MEMORY` on their own); the
    // strictly increasing addresses object.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let at = boundary.row_of(UNTOUCHED);
    boundary.rows.insert(at, boundary.rows[at]);
    boundary.install(&mut run);
    assert_constraint_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values), RAM);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn dropped_ram_row_is_rejected() {
    // An untouched word of a touched page has no row (nothing on `MEMORY` misses it): the
    // page chip's receive of it is left over.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let at = boundary.row_of(UNTOUCHED);
    boundary.rows.remove(at);
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn skipped_accessed_word_is_rejected() {
    // The stored-to word has no row: its accesses' messages are left over.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let at = boundary.row_of(STORED);
    boundary.rows.remove(at);
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn extra_ram_row_is_rejected() {
    // A row for a word of a page nobody touched or hashed (0 in, 0 out, balanced on
    // `MEMORY` by itself): its `PAGE_WORD` messages find no page group.
    let mut run = run(&memory_program(1));
    let mut boundary = Boundary::of(&run);
    let extra = (DATA + 0x2000) >> 2;
    let at = boundary.rows.iter().position(|r| r.addr > extra).unwrap();
    boundary.rows.insert(at, RamRow { addr: extra, init: 0, final_value: 0, final_ts: 0 });
    boundary.install(&mut run);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_byte_limbs_with_the_same_halves_are_rejected() {
    // The image word at `DATA + 8` (`0x00ff_807f`, never accessed with one round) claimed
    // as limbs `(0x17f, 0x7f, 0xff, 0)`: the same low half `0x17f + 256·0x7f = 0x807f`, so
    // the page hash and the tree do not change, and `MEMORY` and `PAGE_WORD` carry the
    // forged limbs on both sides. Only the byte range check of the limbs objects (the byte
    // table's counts of the honest limbs are moved out).
    let mut run = run(&memory_program(1));
    let boundary = Boundary::of(&run);
    let word = (DATA + 8) >> 2;
    assert_eq!(run.rom.memory.get(word), 0x00ff_807f);
    assert_eq!(boundary.rows[boundary.row_of(word)].final_ts, 0);
    let row = row_of_word(&run, word);
    let forged = [F::from_u32(0x17f), F::from_u32(0x7f)];
    for field in [offset_of!(RamCols<u8>, init), offset_of!(RamCols<u8>, final_value)] {
        set_cell(&mut run.traces, RAM, row, field, forged[0]);
        set_cell(&mut run.traces, RAM, row, field + 1, forged[1]);
    }
    // The page chip's copies of the limbs, in both groups.
    let offset = (word as usize % PAGE_WORDS) % 4;
    let block = (word as usize % PAGE_WORDS) / 4;
    let col = offset_of!(PageCols<u8>, words) + 4 * offset;
    for dir in 0..2 {
        let g = boundary.group_of(word >> PAGE_WORDS_LOG, dir);
        let page_row = 64 * g + block;
        set_cell(&mut run.traces, PAGE, page_row, col, forged[0]);
        set_cell(&mut run.traces, PAGE, page_row, col + 1, forged[1]);
    }
    // The table no longer serves the two honest `(RANGE, 0x7f, 0x80)` requests.
    let range = crate::bus::ByteOp::Range;
    let (table_row, count_col) = (range.table_row(0x7f, 0x80), range as usize);
    let m = cell(&run.traces, BYTE, table_row, count_col);
    set_cell(&mut run.traces, BYTE, table_row, count_col, m - F::TWO);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}
