//! Shards: a run cut into pieces that are proven independently, each carrying its state in
//! and out in its public values (pc, halted and exit code; the register file; the stream
//! cursors and the slices the sponges hashed; memory comes with the Merkle chips). Every
//! shard here is proven and checked by the real verifier, consecutive shards chain, and
//! forged boundary values are rejected.
//!
//! The programs touch memory so that every RAM word a shard reads still holds its image
//! value (the RAM boundary starts each shard from the image until the memory root lands).

extern crate std;

use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;

use super::chip_index::{CPU, IO_CALL, REGISTERS};
use super::programs::{
    Run, keccak_program, prove_and_verify, run, run_shards, sharded_io_data, sharded_io_program,
    sum_loop,
};
use super::{
    ExecutionRecord, OutcomeError, ShardPublicValues, ShardStart, io_outcome, run_outcome,
};
use crate::chips::byte::ByteRecord;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::chips::cpu::{self, CpuCols, CpuPublicValues, NUM_CPU_COLS};
use crate::chips::io::IoCallPublicValues;
use crate::chips::io::call::{IoCallCols, NUM_IO_CALL_COLS};
use crate::chips::memory::initial_registers;
use crate::io_digest::io_digest;
use crate::testing::{F, assert_rejected};

/// 23 input bytes: [`sharded_io_program`] reads them 5 at a time (5, 5, 5, 5, 3, 0).
fn io_input() -> Vec<u8> {
    (0..23u8).map(|i| i.wrapping_mul(91).wrapping_add(7)).collect()
}

fn shard_pv(run: &Run) -> ShardPublicValues {
    ShardPublicValues::from_public_values(&run.public_values).expect("well-formed")
}

fn prove(run: &Run) -> Result<(), zkvm_stark::VerifyError> {
    prove_and_verify(&run.rom, &run.traces, &run.public_values)
}

/// Prove every shard, and check what a block verifier checks: shard 0 starts at the entry
/// with the initial registers and both cursors 0; each shard's end is the next one's start;
/// each sponge hashed the slice of its stream the IO call chip's cursors moved over, and
/// its digest is `io_digest` of those bytes; every shard has the input's length; only the
/// last shard halted, with the run's exit code. Returns the parsed public values.
fn assert_shards_chain_and_verify(
    shards: &[Run],
    input: &[u8],
    output: &[u8],
) -> Vec<ShardPublicValues> {
    let pvs: Vec<ShardPublicValues> = shards.iter().map(shard_pv).collect();
    assert_eq!(pvs[0].start(), ShardStart::initial(shards[0].rom.entry));
    for (k, (run, pv)) in shards.iter().zip(&pvs).enumerate() {
        prove(run).unwrap_or_else(|e| panic!("shard {k} verifies: {e:?}"));
        assert_eq!(pv.start(), run.record.start, "shard {k}: start");
        assert_eq!(pv.end(), run.record.shard_end(), "shard {k}: end");
        pv.check_streams().unwrap_or_else(|e| panic!("shard {k}: {e}"));
        assert_eq!(pv.input_len as usize, input.len(), "shard {k}: input length");
        for (slice, stream) in [(&pv.input_slice, input), (&pv.output_slice, output)] {
            let bytes = &stream[slice.start as usize..][..slice.len as usize];
            assert_eq!(slice.digest, io_digest(bytes).unwrap(), "shard {k}: slice digest");
        }
        let last = k + 1 == shards.len();
        assert_eq!(pv.halted, last, "shard {k}: halted");
        if last {
            assert_eq!(pv.exit_code, run.exit_code);
        } else {
            assert_eq!(pv.exit_code, 0, "shard {k}: exit code");
            assert_eq!(pv.end(), pvs[k + 1].start(), "shards {k} and {}", k + 1);
        }
    }
    pvs
}

#[test]
fn shard_timestamps_restart_at_each_shard() {
    use crate::event::shard_timestamp;
    // Cycle n owns 4(n + 1) .. 4(n + 1) + 3; a shard from cycle 10 sees cycle 10 as 0.
    assert_eq!(shard_timestamp(0, 0), 0);
    assert_eq!(shard_timestamp(0, 7), 7);
    assert_eq!(shard_timestamp(10, 4 * 11), 4);
    assert_eq!(shard_timestamp(10, 4 * 11 + 3), 7);
    assert_eq!(shard_timestamp(10, 4 * 10 + 3), 0, "the previous shard's last cycle");
    assert_eq!(shard_timestamp(10, 0), 0, "the run's initial state");
}

#[test]
fn shards_of_a_run_make_up_the_whole_run() {
    let input = io_input();
    let (whole, summary) = ExecutionRecord::from_run(&sharded_io_program(), input.clone()).unwrap();
    assert_eq!(whole.start, ShardStart::initial(whole.start.pc));
    let (shards, _) =
        ExecutionRecord::from_run_in_shards(&sharded_io_program(), input.clone(), 24).unwrap();
    assert!(shards.len() > 5);
    let cpu: Vec<_> = shards.iter().flat_map(|s| s.cpu.iter().copied()).collect();
    assert_eq!(cpu, whole.cpu);
    let read: Vec<u8> = shards.iter().flat_map(|s| s.input.iter().copied()).collect();
    assert_eq!(read, input);
    let output: Vec<u8> = shards.iter().flat_map(|s| s.output.iter().copied()).collect();
    assert_eq!((&output, &summary.output), (&whole.output, &whole.output));
    assert_eq!(output, sharded_io_data()[..18]);
    assert_eq!(shards.iter().map(|s| s.io.len()).sum::<usize>(), whole.io.len());
    for pair in shards.windows(2) {
        assert_eq!(pair[0].shard_end(), pair[1].start);
    }
    assert!(shards.iter().all(|s| s.input_len == 23));
    assert_eq!(whole.shard_end().registers, shards.last().unwrap().end_registers);
}

#[test]
fn shard_events_are_on_the_shard_timeline() {
    // Every IO call's clk is its ECALL row's (4·(row + 1) in its shard), and the words'
    // previous timestamps are the CPU replay's (0 for a word last touched by an earlier
    // shard).
    let (shards, _) =
        ExecutionRecord::from_run_in_shards(&sharded_io_program(), io_input(), 24).unwrap();
    let rom = crate::chips::program::ProgramRom::from_elf(&sharded_io_program()).unwrap();
    let mut checked = 0;
    let memory = crate::execution::image_memory(&rom.memory);
    for shard in &shards {
        let replayed = cpu::generate_trace_with_syscalls::<F>(
            &rom,
            &shard.start,
            &memory,
            &shard.cpu,
            &shard.keccak,
            &shard.io,
            &mut ByteRecord::new(),
            0,
        )
        .io;
        for (call, ours) in shard.io.iter().zip(&replayed) {
            let row = (call.clk / 4 - 1) as usize;
            assert!(rom.get(shard.cpu[row].pc).unwrap().is_halt, "an ECALL at row {row}");
            assert_eq!(call.words, ours.words);
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * 6);

    // KECCAK_PERMUTE: the shard that holds only the second call sees it at its own row, and
    // the state words (last written by the first call, in the previous shard) at 0.
    let run = run(&keccak_program());
    let first = run.record.keccak[0].clk / 4 - 1;
    let (shards, _) =
        ExecutionRecord::from_run_in_shards(&keccak_program(), Vec::new(), first + 1).unwrap();
    let second = &shards[1];
    assert_eq!(second.keccak.len(), 1);
    let row = (second.keccak[0].clk / 4 - 1) as usize;
    assert_eq!(second.cpu[row].c, second.keccak[0].ptr, "the ECALL's a0 is the pointer");
    assert_eq!(second.keccak[0].prev_ts, [0; 50]);
    assert_eq!(second.keccak[0].input, run.record.keccak[1].input);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn sum_loop_shards_chain_and_verify() {
    // 909 cycles: cut every 200 (five shards; the CPU traces are padded) and every 256
    // (four shards; the first three fill their CPU traces, so the last row is a real,
    // non-halting row).
    for (cut, count) in [(200, 5), (256, 4)] {
        let shards = run_shards(&sum_loop(300), &[], cut);
        assert_eq!(shards.len(), count);
        if cut == 256 {
            assert_eq!(shards[0].record.cpu.len(), shards[0].traces[CPU].height());
        }
        let pvs = assert_shards_chain_and_verify(&shards, &[], &[]);
        let end = pvs.last().unwrap().registers_end;
        assert_eq!(end[zkvm_abi::reg::A0 as usize], 45_150);
        assert_eq!(end, shards.last().unwrap().record.end_registers);
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn io_shards_chain_and_verify() {
    // Cut every 24 cycles (padded CPU traces) and every 32 (full ones): the input is read
    // across shards, the output committed across shards, and the countdown makes shards
    // with no IO call at all.
    let input = io_input();
    let output = &sharded_io_data()[..18];
    for cut in [24, 32] {
        let shards = run_shards(&sharded_io_program(), &input, cut);
        let pvs = assert_shards_chain_and_verify(&shards, &input, output);
        let last = pvs.last().unwrap();
        assert_eq!((last.input_end, last.output_end), (23, 18));
        let quiet: Vec<&ShardPublicValues> = shards
            .iter()
            .zip(&pvs)
            .filter(|(s, _)| s.record.io.is_empty())
            .map(|(_, p)| p)
            .collect();
        assert!(quiet.len() >= 2, "cut {cut}: shards without IO");
        for pv in quiet {
            assert_eq!((pv.input_start, pv.input_slice.len), (23, 0));
            assert_eq!((pv.output_start, pv.output_slice.len), (18, 0));
        }
        let split = pvs.iter().filter(|p| p.input_slice.len > 0 && p.input_start > 0).count();
        assert!(split >= 2, "cut {cut}: shards that read from the middle of the input");
    }
}

// ---------------------------------------------------------------------------------------
// Forged boundary values.

/// Shard 1 of the sum loop cut every 200 cycles: neither first nor last, padded.
fn middle_shard() -> Run {
    run_shards(&sum_loop(300), &[], 200).swap_remove(1)
}

/// Change the CPU's public values (and, with `rows`, every row of its trace) and prove.
fn prove_with_cpu_change(
    mut run: Run,
    pv: impl FnOnce(&mut CpuPublicValues<F>),
    rows: impl Fn(&mut CpuCols<F>),
) -> Result<(), zkvm_stark::VerifyError> {
    pv(run.public_values[CPU].as_mut_slice().borrow_mut());
    for row in run.traces[CPU].values.chunks_exact_mut(NUM_CPU_COLS) {
        rows(row.borrow_mut());
    }
    prove(&run)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn cpu_forging_baseline_verifies() {
    prove_with_cpu_change(middle_shard(), |_| {}, |_| {}).expect("the untouched shard verifies");
    let full = run_shards(&sum_loop(300), &[], 256).swap_remove(0);
    prove_with_cpu_change(full, |_| {}, |_| {}).expect("the untouched full shard verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn non_halting_shard_claiming_halted_is_rejected() {
    assert_rejected(prove_with_cpu_change(middle_shard(), |pv| pv.halted = F::ONE, |_| {}));
    // The same on a shard whose last row is real.
    let full = run_shards(&sum_loop(300), &[], 256).swap_remove(0);
    assert_rejected(prove_with_cpu_change(full, |pv| pv.halted = F::ONE, |_| {}));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_shard_pcs_are_rejected() {
    let four = F::from_u8(4);
    assert_rejected(prove_with_cpu_change(middle_shard(), |pv| pv.start_pc += four, |_| {}));
    assert_rejected(prove_with_cpu_change(middle_shard(), |pv| pv.end_pc += four, |_| {}));
    let full = run_shards(&sum_loop(300), &[], 256).swap_remove(0);
    assert_rejected(prove_with_cpu_change(full, |pv| pv.end_pc += four, |_| {}));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn exit_code_of_a_non_halting_shard_is_rejected() {
    // Exit code 1 on every row and in the public values: consistent but for the rule that a
    // shard that did not halt has exit code 0.
    assert_rejected(prove_with_cpu_change(
        middle_shard(),
        |pv| pv.exit_code[0] = F::ONE,
        |row| row.exit_code[0] = F::ONE,
    ));
}

/// The first shard of [`sharded_io_program`] cut every 24 cycles that reads from the
/// middle of the input and commits from the middle of the output, and the first with no
/// IO call.
fn io_shards() -> (Run, Run) {
    let shards = run_shards(&sharded_io_program(), &io_input(), 24);
    let pvs: Vec<ShardPublicValues> = shards.iter().map(shard_pv).collect();
    let busy = (0..shards.len())
        .find(|&k| pvs[k].input_start > 0 && pvs[k].input_slice.len > 0 && pvs[k].output_start > 0)
        .expect("a shard in the middle of both streams");
    let quiet = (0..shards.len()).find(|&k| shards[k].record.io.is_empty()).expect("a quiet shard");
    let mut shards = shards;
    let quiet_run = shards.swap_remove(quiet);
    (shards.swap_remove(busy), quiet_run)
}

/// Change the IO call chip's public values (and, with `rows`, every row of its trace) and
/// prove.
fn prove_with_io_call_change(
    mut run: Run,
    pv: impl FnOnce(&mut IoCallPublicValues<F>),
    rows: impl Fn(&mut IoCallCols<F>),
) -> (Run, Result<(), zkvm_stark::VerifyError>) {
    pv(run.public_values[IO_CALL].as_mut_slice().borrow_mut());
    for row in run.traces[IO_CALL].values.chunks_exact_mut(NUM_IO_CALL_COLS) {
        rows(row.borrow_mut());
    }
    let result = prove(&run);
    (run, result)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn io_call_forging_baseline_verifies() {
    let (busy, quiet) = io_shards();
    prove_with_io_call_change(busy, |_| {}, |_| {}).1.expect("the untouched shard verifies");
    prove_with_io_call_change(quiet, |_| {}, |_| {}).1.expect("the untouched shard verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_io_cursor_public_values_are_rejected() {
    let edits: [fn(&mut IoCallPublicValues<F>); 5] = [
        |pv| pv.input_start += F::ONE,
        |pv| pv.input_end += F::ONE,
        |pv| pv.output_start += F::ONE,
        |pv| pv.output_end += F::ONE,
        |pv| pv.input_len += F::ONE,
    ];
    for edit in edits {
        let (busy, _) = io_shards();
        assert_rejected(prove_with_io_call_change(busy, edit, |_| {}).1);
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn moved_cursors_are_rejected_in_a_shard_that_moves_bytes() {
    // Every output cursor of the chip one further, consistently with the chip's own
    // constraints (first row, transitions, last row, each commit's position): the commits
    // now hand the bytes chip other positions than it moved, which only the buses see.
    let (busy, _) = io_shards();
    let (_, result) = prove_with_io_call_change(
        busy,
        |pv| {
            pv.output_start += F::ONE;
            pv.output_end += F::ONE;
        },
        |row| {
            row.out_cursor += F::ONE;
            if row.is_commit == F::ONE {
                row.position += F::ONE;
            }
        },
    );
    assert_unbalanced(result);
    // The input cursors likewise (the remaining-bytes check moves with them too).
    let (busy, _) = io_shards();
    let (_, result) = prove_with_io_call_change(
        busy,
        |pv| {
            pv.input_start += F::ONE;
            pv.input_end += F::ONE;
        },
        |row| {
            row.cursor += F::ONE;
            if row.is_read == F::ONE {
                row.position += F::ONE;
            }
        },
    );
    assert_rejected(result);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn moved_cursors_of_a_shard_without_io_are_caught_by_the_stream_check() {
    // A shard with no IO call moves its cursors one further, consistently: nothing in the
    // shard reads them, so the STARK accepts it; the sponges (empty slices) still say where
    // the shard's streams are, and `check_streams` refuses the mismatch.
    let (_, quiet) = io_shards();
    let (run, result) = prove_with_io_call_change(
        quiet,
        |pv| {
            pv.input_start += F::ONE;
            pv.input_end += F::ONE;
        },
        |row| row.cursor += F::ONE,
    );
    result.expect("the STARK cannot see cursors nothing uses");
    let pv = shard_pv(&run);
    assert_eq!(
        pv.check_streams(),
        Err(OutcomeError::StreamStart { stream: "input", expected: 24, got: 23 })
    );
}

// ---------------------------------------------------------------------------------------
// Parsing the public values.

#[test]
fn public_values_parse_into_the_shard_state() {
    let shards = run_shards(&sharded_io_program(), &io_input(), 24);
    let first = shard_pv(&shards[0]);
    assert_eq!(first.registers_start, initial_registers());
    assert_eq!(first.registers_end, shards[0].record.end_registers);
    assert_eq!(first.end_pc, shards[1].record.start.pc);
    // A whole run's outcome needs the first shard's start and the last shard's halt.
    let last = shards.last().unwrap();
    assert!(matches!(
        run_outcome(&last.rom, &last.public_values),
        Err(OutcomeError::StartPc { .. })
    ));
    let first_run = &shards[0];
    assert_eq!(run_outcome(&first_run.rom, &first_run.public_values), Err(OutcomeError::NotHalted));
    assert!(matches!(io_outcome(&last.public_values), Err(OutcomeError::StreamStart { .. })));
    // The whole run as one shard.
    let whole = run_shards(&sharded_io_program(), &io_input(), u64::MAX).swap_remove(0);
    assert_eq!(run_outcome(&whole.rom, &whole.public_values), Ok(whole.exit_code));
    let io = io_outcome(&whole.public_values).unwrap();
    assert_eq!((io.input_len, io.input_read, io.output_len), (23, 23, 18));
    assert_eq!(io.input_digest, io_digest(&io_input()).unwrap());
    assert_eq!(io.output_digest, io_digest(&sharded_io_data()[..18]).unwrap());
}

#[test]
fn malformed_public_values_are_typed_errors() {
    let whole = run_shards(&sharded_io_program(), &io_input(), u64::MAX).swap_remove(0);
    let parse = |pvs: &[Vec<F>]| ShardPublicValues::from_public_values(pvs);

    let mut pvs = whole.public_values.clone();
    pvs[REGISTERS].pop();
    assert_eq!(
        parse(&pvs),
        Err(OutcomeError::ChipPublicValuesLength { chip: REGISTERS, expected: 256, got: 255 })
    );
    assert!(matches!(parse(&pvs[..IO_CALL]), Err(OutcomeError::ChipPublicValuesLength { .. })));

    let mut pvs = whole.public_values.clone();
    pvs[REGISTERS][4 * 32 + 4 * 7 + 2] = F::from_u16(256);
    assert_eq!(
        parse(&pvs),
        Err(OutcomeError::RegisterLimb { file: "end", register: 7, limb: 2, got: 256 })
    );

    let mut pvs = whole.public_values.clone();
    pvs[CPU][2] = F::TWO;
    assert_eq!(parse(&pvs), Err(OutcomeError::HaltedFlag { got: 2 }));

    let mut pvs = whole.public_values.clone();
    pvs[REGISTERS][4 * 20] = F::ONE;
    assert_eq!(
        run_outcome(&whole.rom, &pvs),
        Err(OutcomeError::StartRegister { register: 20, expected: 0, got: 1 })
    );

    let mut pvs = whole.public_values.clone();
    let input_sponge = super::chip_index::INPUT_SPONGE;
    pvs[input_sponge][1] -= F::ONE;
    assert_eq!(
        io_outcome(&pvs),
        Err(OutcomeError::StreamEnd { stream: "input", expected: 23, got: 22 })
    );
}
