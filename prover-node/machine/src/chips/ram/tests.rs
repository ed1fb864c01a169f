//! Tests of the RAM boundary: its rows for a real run, and forged boundaries (a wrong
//! initial value, an image word claimed to start at 0, a duplicated row, a skipped row)
//! the real verifier must reject.

extern crate std;

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;

use super::*;
use crate::chips::byte::ByteRecord;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::image::{self, START_WORD};
use crate::chips::load_store::tests::{DATA, memory_program};
use crate::execution::chip_index::{BYTE, IMAGE, RAM};
use crate::execution::programs::{Run, prove_and_verify, run};
use crate::testing::{F, assert_rejected, cell, set_cell};

fn ram_row(run: &Run, i: usize) -> RamCols<F> {
    let r = run.traces[RAM].row_slice(i).unwrap();
    *(*r).borrow()
}

/// The RAM after the run (replayed by the CPU's trace generation).
fn final_ram(run: &Run) -> Ram {
    crate::chips::cpu::generate_trace::<F>(&run.rom, &run.record.cpu, &mut ByteRecord::new()).ram
}

/// Index of the RAM row of word address `word`.
fn row_of_word(run: &Run, word: u32) -> usize {
    (0..run.traces[RAM].height()).find(|&i| ram_row(run, i).addr == F::from_u32(word)).unwrap()
}

/// Replace the RAM boundary by the rows `rows` (word addresses, in that order), with the
/// byte table's and the image table's multiplicities following, so that only the RAM
/// chip's own rules can object.
fn forge_rows(run: &mut Run, rows: &[u32]) {
    let ram = final_ram(run);
    let (mut old, mut new) = (ByteRecord::new(), ByteRecord::new());
    let _ = ram.trace_of_rows::<F>(&ram.rows(), &mut old);
    run.traces[RAM] = ram.trace_of_rows::<F>(rows, &mut new);
    let (old, new) = (old.generate_trace::<F>(), new.generate_trace::<F>());
    for ((m, o), n) in run.traces[BYTE].values.iter_mut().zip(&old.values).zip(&new.values) {
        *m += *n - *o;
    }
    let image = &run.rom.memory;
    run.traces[IMAGE] =
        image::generate_trace(image, rows.iter().copied().filter(|&w| image.contains(w)));
}

#[test]
fn rows_are_the_touched_words_and_the_image_edges() {
    let run = run(&memory_program(3));
    let image = &run.rom.memory;
    assert_eq!(image.start, zkvm_abi::memory::PROGRAM_START >> 2);
    assert_eq!(image.end(), (DATA >> 2) + 4);
    let ram = final_ram(&run);
    let rows = ram.rows();
    assert!(rows.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(rows[0], image.start);
    assert!(rows.contains(&(image.end() - 1)));
    assert!(rows.contains(&((zkvm_abi::memory::STACK_TOP - 4) >> 2)));
    for (i, &word) in rows.iter().enumerate() {
        let r = ram_row(&run, i);
        assert_eq!(r.addr, F::from_u32(word));
        assert_eq!(r.in_image, F::from_bool(image.contains(word)));
        let init = r.init.0.iter().rev().fold(0, |acc, l| acc << 8 | l.as_canonical_u32());
        assert_eq!(init, image.get(word));
    }
    // The data image's first word, as the ELF holds it.
    assert_eq!(image.get(DATA >> 2), 0x44f3_0281);
    assert!(START_WORD <= image.start);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_image_init_is_rejected() {
    // The boundary claims the data image's first word had another byte 1.
    let mut run = run(&memory_program(1));
    let row = row_of_word(&run, DATA >> 2);
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
fn image_word_claimed_as_zero_is_rejected() {
    // The image's last word (never accessed with one round) is claimed to lie outside the
    // image and start at 0: its boundary row is self-consistent on MEMORY (0 in, 0 out),
    // the image table's count follows; only the image block's end anchor can object.
    let mut run = run(&memory_program(1));
    let last = run.rom.memory.end() - 1;
    assert_ne!(run.rom.memory.get(last), 0);
    let row = row_of_word(&run, last);
    assert_eq!(ram_row(&run, row).final_ts, F::ZERO);
    set_cell(&mut run.traces, RAM, row, offset_of!(RamCols<u8>, in_image), F::ZERO);
    for l in 0..4 {
        set_cell(&mut run.traces, RAM, row, offset_of!(RamCols<u8>, init) + l, F::ZERO);
        set_cell(&mut run.traces, RAM, row, offset_of!(RamCols<u8>, final_value) + l, F::ZERO);
    }
    let image_row = (last - run.rom.memory.start) as usize;
    set_cell(&mut run.traces, IMAGE, image_row, 0, F::ZERO);
    match prove_and_verify(&run.rom, &run.traces, &run.public_values) {
        Err(zkvm_stark::VerifyError::Stark(reason)) => {
            std::eprintln!("rejected by a constraint as expected: {reason}");
        }
        other => panic!("expected a constraint failure, got {other:?}"),
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn duplicated_ram_row_is_rejected() {
    // The image's last word (untouched: its row sends and receives the same message)
    // appears twice. Every bus balances (the image table's count is free); only the
    // strictly increasing addresses can object.
    let mut run = run(&memory_program(1));
    let mut rows = final_ram(&run).rows();
    let at = rows.iter().position(|&w| w == run.rom.memory.end() - 1).unwrap();
    rows.insert(at, rows[at]);
    forge_rows(&mut run, &rows);
    match prove_and_verify(&run.rom, &run.traces, &run.public_values) {
        Err(zkvm_stark::VerifyError::Stark(reason)) => {
            std::eprintln!("rejected by a constraint as expected: {reason}");
        }
        other => panic!("expected a constraint failure, got {other:?}"),
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn skipped_ram_row_is_rejected() {
    // A stored-to word has no boundary row: its accesses' messages are left over.
    let mut run = run(&memory_program(1));
    let mut rows: Vec<u32> = final_ram(&run).rows();
    let stored = (DATA + 64) >> 2;
    rows.retain(|&w| w != stored);
    forge_rows(&mut run, &rows);
    assert_unbalanced(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forged_rows_baseline_verifies() {
    // `forge_rows` with the honest rows changes nothing: the rejections above are the
    // forgeries'.
    let mut run = run(&memory_program(1));
    let rows = final_ram(&run).rows();
    forge_rows(&mut run, &rows);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("a valid proof verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_final_ram_value_is_rejected() {
    let mut run = run(&memory_program(2));
    let row = row_of_word(&run, (DATA + 64) >> 2);
    let col = offset_of!(RamCols<u8>, final_value);
    let old = cell(&run.traces, RAM, row, col);
    set_cell(&mut run.traces, RAM, row, col, old + F::ONE);
    assert_rejected(prove_and_verify(&run.rom, &run.traces, &run.public_values));
}
