//! The IO syscalls end to end (programs built with the emulator's assembler, proven with
//! the whole machine, stream sponges included), the replayed accesses against the
//! emulator's, and the forging helpers the chips' negative tests share.

extern crate std;

use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::bytes::{IoBytesCols, NUM_IO_BYTES_COLS};
use super::call::{IoCallCols, NUM_IO_CALL_COLS};
use super::{IoCallEvent, TS_IO};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::cpu;
use crate::execution::chip_index::{BYTE, IO_BYTES, IO_CALL};
use crate::execution::programs::{
    Run, echo_program, io_program, io_program_expected, prove_and_verify_io, run_io,
};
use crate::execution::run_outcome;
use crate::testing::{F, assert_rejected};

/// The 20 input bytes [`io_program`] reads (seeded).
pub(crate) fn io_input() -> Vec<u8> {
    let mut rng = SmallRng::seed_from_u64(0x10);
    (0..20).map(|_| rng.r#gen::<u8>()).collect()
}

/// A recorded, traced run of [`io_program`] on [`io_input`].
pub(crate) fn io_run() -> Run {
    run_io(&io_program(), &io_input()).0
}

/// Prove the (tampered) run; the real verifier must reject.
pub(crate) fn reject(run: &Run) {
    assert_rejected(prove_and_verify_io(run));
}

/// The run's IO calls as the CPU's trace generation replays them (with `a1`'s and the
/// words' previous timestamps).
pub(crate) fn replayed_io(run: &Run) -> Vec<IoCallEvent> {
    let record = &run.record;
    let memory = crate::execution::image_memory(&run.rom.memory);
    cpu::generate_trace_with_syscalls::<F>(
        &run.rom,
        &record.start,
        &memory,
        &record.cpu,
        &record.keccak,
        &record.io,
        &mut ByteRecord::new(),
        0,
    )
    .io
}

/// A byte-table request `(op, x, y)` as a chip sends it.
type Request = (ByteOp, u32, u32);

fn u(x: F) -> u32 {
    x.as_canonical_u32()
}

/// The byte-table requests of an IO call row (none on padding rows).
fn call_requests(c: &IoCallCols<F>) -> Vec<Request> {
    if c.is_input_len + c.is_read + c.is_commit == F::ZERO {
        return Vec::new();
    }
    let lt = &c.a1_lt_remaining;
    let (a, r) = (c.a1.0.map(u), c.remaining.0.map(u));
    alloc::vec![
        (ByteOp::U16, u(c.clk_gap_lo), 0),
        (ByteOp::Ltu, u(c.clk_gap_top), 64),
        (ByteOp::Range, u(c.ptr_q), u(c.clk_gap_mid)),
        (ByteOp::Ltu, u(c.lane), 4),
        (ByteOp::U16, u(c.a1_access.gap_lo), 0),
        (ByteOp::Range, u(c.a1_access.gap_hi), 0),
        (ByteOp::Range, a[0], a[1]),
        (ByteOp::Range, a[2], r[0]),
        (ByteOp::Range, r[1], r[2]),
        (ByteOp::Msb, a[3], 0),
        (ByteOp::Msb, r[3], 0),
        (ByteOp::Ltu, u(lt.b_byte), u(lt.c_byte)),
    ]
}

/// The byte-table requests of an IO bytes row (none on padding rows; an input row's
/// include the code-span witness's).
fn bytes_requests(c: &IoBytesCols<F>) -> Vec<Request> {
    if c.is_real == F::ZERO {
        return Vec::new();
    }
    let n = c.new.0.map(u);
    let mut requests = alloc::vec![
        (ByteOp::Range, n[0], n[1]),
        (ByteOp::Range, n[2], n[3]),
        (ByteOp::U16, u(c.access.gap_lo), 0),
        (ByteOp::Range, u(c.access.gap_hi), 0),
    ];
    if c.stream == F::ZERO {
        let d = &c.outside_code;
        requests.extend([
            (ByteOp::U16, u(d.d_lo), 0),
            (ByteOp::Range, u(d.d_mid), 0),
            (ByteOp::Ltu, u(d.d_top), 32),
        ]);
    }
    requests
}

/// Add `delta` to the byte table's multiplicity of each request.
fn patch_byte_table(run: &mut Run, requests: &[Request], delta: F) {
    let width = run.traces[BYTE].width;
    for &(op, x, y) in requests {
        let row = op.table_row(x, y);
        run.traces[BYTE].values[row * width + op as usize] += delta;
    }
}

/// Change row `row` of the IO call chip with `edit`, and the byte table's multiplicities
/// with it (as a forger would), so that the `BYTE` bus still balances.
pub(crate) fn edit_call_row(run: &mut Run, row: usize, edit: impl FnOnce(&mut IoCallCols<F>)) {
    let range = row * NUM_IO_CALL_COLS..(row + 1) * NUM_IO_CALL_COLS;
    let before = call_requests(run.traces[IO_CALL].values[range.clone()].borrow());
    edit(run.traces[IO_CALL].values[range.clone()].borrow_mut());
    let after = call_requests(run.traces[IO_CALL].values[range].borrow());
    patch_byte_table(run, &before, -F::ONE);
    patch_byte_table(run, &after, F::ONE);
}

/// Change row `row` of the IO bytes chip with `edit`, and the byte table's multiplicities
/// with it.
pub(crate) fn edit_bytes_row(run: &mut Run, row: usize, edit: impl FnOnce(&mut IoBytesCols<F>)) {
    let range = row * NUM_IO_BYTES_COLS..(row + 1) * NUM_IO_BYTES_COLS;
    let before = bytes_requests(run.traces[IO_BYTES].values[range.clone()].borrow());
    edit(run.traces[IO_BYTES].values[range.clone()].borrow_mut());
    let after = bytes_requests(run.traces[IO_BYTES].values[range].borrow());
    patch_byte_table(run, &before, -F::ONE);
    patch_byte_table(run, &after, F::ONE);
}

/// A copy of row `row` of the IO call chip.
pub(crate) fn call_row(run: &Run, row: usize) -> IoCallCols<F> {
    *run.traces[IO_CALL].values[row * NUM_IO_CALL_COLS..(row + 1) * NUM_IO_CALL_COLS].borrow()
}

/// A copy of row `row` of the IO bytes chip.
pub(crate) fn bytes_row(run: &Run, row: usize) -> IoBytesCols<F> {
    *run.traces[IO_BYTES].values[row * NUM_IO_BYTES_COLS..(row + 1) * NUM_IO_BYTES_COLS].borrow()
}

/// The IO call chip's row of the `n`-th call of syscall `number`.
pub(crate) fn call_row_of(run: &Run, number: u32, n: usize) -> usize {
    let calls = &run.record.io;
    (0..calls.len()).filter(|&i| calls[i].number == number).nth(n).expect("no such call")
}

/// The IO bytes chip's rows of the call at `clk`.
pub(crate) fn bytes_rows_of(run: &Run, clk: u64) -> Vec<usize> {
    let height = run.traces[IO_BYTES].values.len() / NUM_IO_BYTES_COLS;
    (0..height)
        .filter(|&r| {
            let c = bytes_row(run, r);
            c.is_real == F::ONE && c.clk == F::from_u64(clk)
        })
        .collect()
}

#[test]
fn io_program_records_the_emulators_io() {
    let input = io_input();
    let (run, summary) = run_io(&io_program(), &input);
    let (results, output, exit_code) = io_program_expected(&input);
    let recorded: Vec<u32> = run.record.io.iter().map(|c| c.result).collect();
    assert_eq!(recorded, results);
    assert_eq!(summary.output, output);
    assert_eq!(run.record.output, output);
    assert_eq!(summary.exit_code, exit_code);
    assert_eq!(run.record.input, input);
    assert_eq!((run.record.input_read_len(), run.record.input_len), (20, 20));
    // A read of 0, a read of 1 byte at the end that returns 0, a commit of 0 bytes: no
    // word touched; the others touch one word per aligned word.
    let words: Vec<usize> = run.record.io.iter().map(|c| c.words.len()).collect();
    assert_eq!(words, [0, 0, 1, 2, 2, 3, 1, 0, 0, 0, 2, 0]);
}

#[test]
fn replayed_io_accesses_match_the_emulator() {
    // The CPU's trace generation replays the a1 reads on its register file and the words
    // on its RAM; the words' previous timestamps must be the emulator's, and each a1 read
    // must see the emulator's last access to x11 (the emulator reads syscall arguments at
    // the cycle's first sub-step, the machine reads a1 at clk + 2 and only for IO calls).
    let run = io_run();
    let replayed = replayed_io(&run);
    assert_eq!(replayed.len(), run.record.io.len());
    for (ours, theirs) in replayed.iter().zip(&run.record.io) {
        assert_eq!(ours.words, theirs.words, "call at clk {}", theirs.clk);
    }
    let mut emulator_registers = Vec::new();
    zkvm_emulator::Emulator::run_recording(&io_program(), io_input(), u64::MAX, |chunk| {
        emulator_registers = chunk.registers.clone();
    })
    .unwrap();
    let io_clks: Vec<u64> = run.record.io.iter().map(|c| c.clk).collect();
    let ecall_clks: Vec<u64> = run
        .record
        .cpu
        .iter()
        .enumerate()
        .filter(|(_, e)| run.rom.get(e.pc).is_some_and(|i| i.is_halt))
        .map(|(row, _)| 4 * (row as u64 + 1))
        .collect();
    // x11's accesses on the machine's timeline: IO calls' argument reads move to clk + 2,
    // other syscalls' argument reads are not made.
    let a1 = zkvm_abi::reg::A1;
    let machine: Vec<(u64, u32)> = emulator_registers
        .iter()
        .filter(|a| a.reg == a1)
        .filter_map(|a| {
            if io_clks.contains(&a.timestamp) {
                Some((a.timestamp + u64::from(TS_IO), a.value))
            } else if ecall_clks.contains(&a.timestamp) {
                None
            } else {
                Some((a.timestamp, a.value))
            }
        })
        .collect();
    let mut checked = 0;
    for call in &replayed {
        let ts = call.clk + u64::from(TS_IO);
        let last = machine.iter().filter(|&&(t, _)| t < ts).max_by_key(|&&(t, _)| t);
        let (prev_ts, value) = last.copied().unwrap_or((0, 0));
        assert_eq!(call.a1_prev_ts, prev_ts, "a1 read at clk {}", call.clk);
        assert_eq!(call.a1, value, "a1 at clk {}", call.clk);
        checked += usize::from(prev_ts != 0);
    }
    assert!(checked >= 10);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn io_program_proof_verifies() {
    let run = io_run();
    prove_and_verify_io(&run).expect("a valid proof verifies");
    let (_, _, exit_code) = io_program_expected(&io_input());
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(exit_code));
    // The input's length, then the cursors: all 20 input bytes read, 7 output bytes.
    let io_call = [20, 0, 20, 0, 7].map(F::from_u8);
    assert_eq!(run.public_values[IO_CALL], io_call);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn echo_program_proof_verifies() {
    let mut rng = SmallRng::seed_from_u64(0xec40);
    let input: Vec<u8> = (0..37).map(|_| rng.r#gen::<u8>()).collect();
    let (run, summary) = run_io(&echo_program(), &input);
    assert_eq!(summary.output, input);
    assert_eq!(run.record.output, input);
    assert_eq!(summary.exit_code, 37);
    // Six reads of 7 bytes (the last returns 2), one that returns 0, one commit.
    assert_eq!(run.record.io.len(), 8);
    prove_and_verify_io(&run).expect("a valid proof verifies");
    assert_eq!(run_outcome(&run.rom, &run.public_values), Ok(37));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn forging_helpers_baseline_verifies() {
    // The edit helpers with edits that change nothing (but go through the byte-table
    // patching) leave a valid proof: the negative tests' rejections are their forgeries'.
    let mut run = io_run();
    for row in 0..4 {
        edit_call_row(&mut run, row, |_| {});
        edit_bytes_row(&mut run, row, |_| {});
    }
    // A byte-table request moved there and back.
    let row = bytes_rows_of(&run, run.record.io[3].clk)[0];
    let original = bytes_row(&run, row).new[0];
    edit_bytes_row(&mut run, row, |c| c.new[0] = F::from_u8(7));
    edit_bytes_row(&mut run, row, |c| c.new[0] = original);
    prove_and_verify_io(&run).expect("a valid proof verifies");
}

#[test]
fn widths_are_the_documented_ones() {
    // DESIGN.md ("As built (IO syscalls)") gives these widths.
    assert_eq!(super::call::NUM_IO_CALL_COLS, 45);
    assert_eq!(NUM_IO_BYTES_COLS, 27);
    assert_eq!(crate::bus::Bus::IoTransfer.message_width(), Some(6));
}
