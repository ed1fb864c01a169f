//! Tests of the stream sponges: the native digest, the chip's public values against it,
//! batch proofs with the test harness and the byte table, and forged traces the real
//! verifier must reject.

extern crate std;

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};
use core::mem::offset_of;

use p3_field::{PrimeCharacteristicRing, PrimeField64};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_stark::{
    DefaultConfig, MachineConfig, MachineProof, VerifyError, prove_machine, setup, verify_machine,
};

use super::air::{NUM_PERMUTATION_COLS, permutation_output};
use super::trace::permutation_row;
use super::*;
use crate::MachineAir;
use crate::bus::{ByteOp, IO_MAX_STREAM_LEN};
use crate::chips::byte::{ByteChip, ByteRecord};
use crate::io_digest::{
    IO_BLOCK_BYTES, IO_SPONGE_RATE, IO_SPONGE_WIDTH, IoDigestError, io_digest, num_blocks,
};
use crate::testing::{F, assert_rejected, cell, set_cell};

/// Index of each chip in [`machine`].
const HARNESS: usize = 0;
const INPUT: usize = 1;
const OUTPUT: usize = 2;
const BYTE: usize = 3;

fn machine() -> Vec<MachineAir> {
    vec![
        MachineAir::SpongeHarness(IoHarnessChip),
        MachineAir::IoSponge(IoSpongeChip { stream: Stream::Input }),
        MachineAir::IoSponge(IoSpongeChip { stream: Stream::Output }),
        MachineAir::Byte(ByteChip),
    ]
}

/// `len` seeded random bytes.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..len).map(|_| rng.r#gen::<u8>()).collect()
}

/// The traces and public values of [`machine`]: the sponges hash the input slice `input`
/// at stream positions `input_start..` and the output slice `output` at `output_start..`;
/// the harness reads every byte of the first and commits every byte of the second.
struct Run {
    traces: Vec<RowMajorMatrix<F>>,
    public_values: Vec<Vec<F>>,
}

impl Run {
    fn new(input_start: u32, input: &[u8], output_start: u32, output: &[u8]) -> Self {
        let mut bytes = ByteRecord::new();
        let (input_trace, input_pv) = generate_trace::<F>(input_start, input, &mut bytes);
        let (output_trace, output_pv) = generate_trace::<F>(output_start, output, &mut bytes);
        Run {
            traces: vec![
                harness_trace(input_start, input, output_start, output),
                input_trace,
                output_trace,
                bytes.generate_trace(),
            ],
            public_values: vec![Vec::new(), input_pv, output_pv, Vec::new()],
        }
    }

    /// Prove and verify (through the proof's byte encoding).
    fn prove_and_verify(&self) -> Result<(), VerifyError> {
        let config = DefaultConfig::build();
        let (pk, vk) = setup(&config, machine()).expect("setup");
        let start = std::time::Instant::now();
        let proof = prove_machine(&config, &pk, &self.traces, &self.public_values).expect("prove");
        let elapsed = start.elapsed();
        let bytes = proof.to_bytes();
        std::eprintln!(
            "proved sponges of {} and {} rows in {elapsed:.2?}, {} proof bytes",
            self.traces[INPUT].height(),
            self.traces[OUTPUT].height(),
            bytes.len()
        );
        let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes)?;
        verify_machine(&config, &vk, &decoded)
    }

    fn row(&mut self, chip: usize, row: usize) -> &mut IoSpongeCols<F> {
        let trace = &mut self.traces[chip];
        trace.values[row * NUM_IO_SPONGE_COLS..(row + 1) * NUM_IO_SPONGE_COLS].borrow_mut()
    }

    fn pv(&mut self, chip: usize) -> &mut IoSpongePublicValues<F> {
        self.public_values[chip].as_mut_slice().borrow_mut()
    }

    /// Recompute the permutation of row `from` from its `inputs`, and of every real row
    /// after it with the capacity carried; the last real row's output becomes the digest.
    /// A forgery edits some cells, then calls this so that only what it targets is wrong.
    fn rechain(&mut self, chip: usize, from: usize) {
        let constants = round_constants::<F>();
        let height = self.traces[chip].height();
        let mut r = from;
        loop {
            let perm = permutation_row(self.row(chip, r).perm.inputs, &constants);
            let start = r * NUM_IO_SPONGE_COLS;
            self.traces[chip].values[start..start + NUM_PERMUTATION_COLS].copy_from_slice(&perm);
            let output = *permutation_output::<F>(perm.as_slice().borrow());
            if self.row(chip, r).is_last == F::ONE {
                self.pv(chip).digest.copy_from_slice(&output[..IO_SPONGE_RATE]);
            }
            if r + 1 == height || self.row(chip, r + 1).is_real == F::ZERO {
                break;
            }
            self.row(chip, r + 1).perm.inputs[IO_SPONGE_RATE..]
                .copy_from_slice(&output[IO_SPONGE_RATE..]);
            r += 1;
        }
    }

    /// Rebuild the byte table's multiplicities from the sponges' cells as they stand (so a
    /// forgery that changes bytes or real rows does not also unbalance `BYTE`).
    fn fix_byte_table(&mut self) {
        let mut bytes = ByteRecord::new();
        let u = |x: F| x.as_canonical_u64() as u32;
        for chip in [INPUT, OUTPUT] {
            for r in 0..self.traces[chip].height() {
                let cols = self.row(chip, r);
                if cols.is_real == F::ONE {
                    for k in 0..IO_SPONGE_RATE {
                        bytes.add(ByteOp::Range, u(cols.bytes[2 * k]), u(cols.bytes[2 * k + 1]));
                    }
                }
                if cols.is_first == F::ONE {
                    bytes.add(ByteOp::U16, u(cols.len_lo), 0);
                    bytes.add(ByteOp::U16, u(cols.start_lo), 0);
                    bytes.add(ByteOp::Range, u(cols.len_hi), u(cols.start_hi));
                }
            }
        }
        self.traces[BYTE] = bytes.generate_trace();
    }
}

#[test]
fn columns_are_the_permutation_then_the_block() {
    assert_eq!(offset_of!(IoSpongeCols<u8>, perm), 0);
    assert_eq!(NUM_PERMUTATION_COLS, 164);
    std::eprintln!(
        "io sponge: {NUM_IO_SPONGE_COLS} columns ({NUM_PERMUTATION_COLS} from p3-poseidon2-air), \
         {NUM_IO_SPONGE_PUBLIC_VALUES} public values"
    );
}

#[test]
fn io_digest_known_answers() {
    // Pinned values (recorded from this implementation, which `chip_digest_matches_io_digest`
    // checks against `p3-poseidon2-air`'s permutation): a change of constants, padding,
    // length separation or byte packing shows here.
    assert_eq!(
        io_digest(&[]),
        Ok([
            1467453764, 68262570, 2085334433, 1711169726, 869537427, 698494029, 1998923102,
            727938840
        ])
    );
    assert_eq!(
        io_digest(b"abc"),
        Ok([
            390876631, 712401864, 92224216, 578288244, 1482839077, 49784627, 2052525043, 410439682
        ])
    );
    // By hand: one permutation of (97 + 256·98, 99, 0, …, 0 | 3, 0, …, 0).
    let mut state = [p3_koala_bear::KoalaBear::ZERO; 16];
    state[0] = p3_koala_bear::KoalaBear::from_u32(97 + 256 * 98);
    state[1] = p3_koala_bear::KoalaBear::from_u32(99);
    state[8] = p3_koala_bear::KoalaBear::from_u32(3);
    p3_symmetric::Permutation::permute_mut(
        &p3_koala_bear::default_koalabear_poseidon2_16(),
        &mut state,
    );
    let by_hand: [u32; 8] =
        core::array::from_fn(|k| p3_field::PrimeField32::as_canonical_u32(&state[k]));
    assert_eq!(io_digest(b"abc"), Ok(by_hand));
}

#[test]
fn io_digest_rejects_long_streams() {
    let long = vec![0u8; IO_MAX_STREAM_LEN as usize];
    assert_eq!(
        io_digest(&long),
        Err(IoDigestError::StreamTooLong { max: IO_MAX_STREAM_LEN, got: long.len() })
    );
    assert!(io_digest(&long[1..]).is_ok());
}

#[test]
fn zero_streams_of_different_lengths_have_different_digests() {
    let digests: Vec<_> = (0..=64).map(|n| io_digest(&vec![0u8; n]).unwrap()).collect();
    for i in 0..digests.len() {
        for j in 0..i {
            assert_ne!(digests[i], digests[j], "{i} and {j} zero bytes collide");
        }
    }
}

#[test]
fn chip_digest_matches_io_digest() {
    // The digest of a slice is `io_digest` of its bytes, wherever the slice starts.
    for len in [0, 1, 15, 16, 17, 100, 1000] {
        let bytes = random_bytes(len, len as u64);
        let expected = io_digest(&bytes).unwrap();
        for start in [0, 1, 17, 70_000] {
            let (trace, pv) = generate_trace::<F>(start, &bytes, &mut ByteRecord::new());
            assert_eq!(trace.height(), padded_height_of(len));
            let pv: &IoSpongePublicValues<F> = pv.as_slice().borrow();
            assert_eq!((pv.start, pv.len), (F::from_u32(start), F::from_usize(len)));
            assert_eq!(pv.digest.map(|x| x.as_canonical_u64() as u32), expected, "len {len}");
        }
    }
}

fn padded_height_of(len: usize) -> usize {
    crate::chips::padded_height(num_blocks(len))
}

// ---------------------------------------------------------------------------------------
// Proofs that verify.

#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release: proving is slow in debug builds")]
fn empty_streams_verify() {
    Run::new(0, &[], 0, &[]).prove_and_verify().expect("empty streams verify");
    // A shard that uses neither stream, after earlier shards used both.
    Run::new(300, &[], 70_000, &[]).prove_and_verify().expect("empty slices verify");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release: proving is slow in debug builds")]
fn slices_in_the_middle_of_the_streams_verify() {
    // A shard that read input bytes 700..1000 and committed output bytes 50..150.
    let input = random_bytes(300, 1);
    let output = random_bytes(100, 2);
    Run::new(700, &input, 50, &output).prove_and_verify().expect("slices verify");
}

#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release: proving is slow in debug builds")]
fn short_and_block_edge_streams_verify() {
    // Every length around a block boundary on one side or the other, at and off position 0.
    for (input_len, output_len, start) in [(1, 15, 0), (16, 17, 13), (17, 1000, 0), (1000, 16, 5)] {
        let input = random_bytes(input_len, 3);
        let output = random_bytes(output_len, 4);
        Run::new(start, &input, 2 * start, &output)
            .prove_and_verify()
            .unwrap_or_else(|e| panic!("lengths ({input_len}, {output_len}): {e:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// Forgeries the verifier rejects.

/// Where [`valid_run`]'s input slice starts in the input stream.
const INPUT_START: u32 = 40;
/// Where [`valid_run`]'s output slice starts in the output stream.
const OUTPUT_START: u32 = 7;

/// Input: 100 bytes at positions 40..140; output: 100 bytes at 7..107 (7 blocks each, 8
/// rows). The harness reads and commits on rows 0..100 of 128.
fn valid_run() -> (Vec<u8>, Vec<u8>, Run) {
    let input = random_bytes(100, 5);
    let output = random_bytes(100, 6);
    let run = Run::new(INPUT_START, &input, OUTPUT_START, &output);
    assert_eq!(run.traces[INPUT].height(), 8);
    assert_eq!(run.traces[OUTPUT].height(), 8);
    assert_eq!(run.traces[HARNESS].height(), 128);
    (input, output, run)
}

/// Make harness row `row` (free of reads) read `(INPUT, pos, byte)`.
fn harness_read(run: &mut Run, row: usize, pos: u32, byte: u8) {
    let is_read = offset_of!(IoHarnessCols<u8>, is_read);
    assert_eq!(cell(&run.traces, HARNESS, row, is_read), F::ZERO);
    set_cell(&mut run.traces, HARNESS, row, is_read, F::ONE);
    set_cell(
        &mut run.traces,
        HARNESS,
        row,
        offset_of!(IoHarnessCols<u8>, read_pos),
        F::from_u32(pos),
    );
    set_cell(
        &mut run.traces,
        HARNESS,
        row,
        offset_of!(IoHarnessCols<u8>, read_byte),
        F::from_u8(byte),
    );
}

fn assert_unbalanced(result: Result<(), VerifyError>) {
    assert!(matches!(result, Err(VerifyError::Lookup(_))), "got {result:?}");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn forgery_baseline_verifies() {
    // The forging helpers with nothing forged: the rejections below are the forgeries'.
    let (_, _, mut run) = valid_run();
    run.rechain(INPUT, 0);
    run.rechain(OUTPUT, 3);
    run.fix_byte_table();
    run.prove_and_verify().expect("an untouched run verifies");
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_output_byte_is_rejected() {
    // The sponge hashes another output (byte 37 changed), consistently: only the IO bus,
    // where the program committed the original byte, can tell.
    let (input, mut output, mut run) = valid_run();
    output[37] ^= 0x5a;
    let forged = Run::new(INPUT_START, &input, OUTPUT_START, &output);
    run.traces[OUTPUT] = forged.traces[OUTPUT].clone();
    run.public_values[OUTPUT] = forged.public_values[OUTPUT].clone();
    run.fix_byte_table();
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_read_input_byte_is_rejected() {
    // The sponge hashes another input (byte 20 of the slice), consistently: only the IO
    // bus, where the program read the original byte, can tell.
    let (mut input, output, mut run) = valid_run();
    input[20] ^= 0x01;
    let forged = Run::new(INPUT_START, &input, OUTPUT_START, &output);
    run.traces[INPUT] = forged.traces[INPUT].clone();
    run.public_values[INPUT] = forged.public_values[INPUT].clone();
    run.fix_byte_table();
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_input_byte_cell_is_rejected() {
    // One byte cell of the input (slice byte 82) no longer matches the absorbed rate
    // element; the harness reads the changed byte, so the IO bus balances and only the
    // absorption constraint can tell.
    let (input, _, mut run) = valid_run();
    let forged = F::from_u8(input[82].wrapping_add(1));
    run.row(INPUT, 5).bytes[2] = forged;
    let read_byte = offset_of!(IoHarnessCols<u8>, read_byte);
    assert_eq!(cell(&run.traces, HARNESS, 82, read_byte), F::from_u8(input[82]));
    set_cell(&mut run.traces, HARNESS, 82, read_byte, forged);
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_digest_public_value_is_rejected() {
    let (_, _, mut run) = valid_run();
    run.pv(OUTPUT).digest[3] += F::ONE;
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_start_public_value_is_rejected() {
    let (_, _, mut run) = valid_run();
    run.pv(INPUT).start += F::ONE;
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn moved_slice_is_rejected() {
    // The input sponge claims the slice one position later (start, every row's position
    // and the start's limbs moved together, so the chip's constraints hold): the harness
    // read the bytes at their real positions, so only the IO bus can tell.
    let (_, _, mut run) = valid_run();
    run.pv(INPUT).start += F::ONE;
    for r in 0..run.traces[INPUT].height() {
        run.row(INPUT, r).pos += F::ONE;
    }
    run.row(INPUT, 0).start_lo += F::ONE;
    run.fix_byte_table();
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_len_public_value_is_rejected() {
    let (_, _, mut run) = valid_run();
    run.pv(INPUT).len += F::ONE;
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn truncated_output_is_rejected() {
    // The sponge hashes the output without its last byte, consistently: the program
    // committed 100 bytes, the sponge received 99.
    let (input, output, mut run) = valid_run();
    let forged = Run::new(INPUT_START, &input, OUTPUT_START, &output[..99]);
    run.traces[OUTPUT] = forged.traces[OUTPUT].clone();
    run.public_values[OUTPUT] = forged.public_values[OUTPUT].clone();
    run.fix_byte_table();
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn nonzero_padding_byte_is_rejected() {
    // Output byte slot 10 of the last block (position 106, past the end) is 7, absorbed and
    // hashed consistently: only the zero-padding rule is broken.
    let (_, _, mut run) = valid_run();
    let cols = run.row(OUTPUT, 6);
    assert_eq!(cols.in_range[10], F::ZERO);
    cols.bytes[10] = F::from_u8(7);
    cols.perm.inputs[5] = cols.bytes[10] + cols.bytes[11] * F::from_u32(256);
    run.rechain(OUTPUT, 6);
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn extra_real_row_is_rejected() {
    // A zero block appended after the last one (row 7 made real, the chain and digest
    // carried through it): the stream would be 112 bytes with a full block before the end.
    let (_, _, mut run) = valid_run();
    run.row(OUTPUT, 6).is_last = F::ZERO;
    let cols = run.row(OUTPUT, 7);
    cols.is_real = F::ONE;
    cols.is_last = F::ONE;
    cols.pos = F::from_usize(OUTPUT_START as usize + 7 * IO_BLOCK_BYTES);
    run.rechain(OUTPUT, 6);
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn dropped_last_row_is_rejected() {
    // A 32-byte output hashed as two full blocks, without the empty last block: the
    // digest is the second permutation's, and every output byte is still received.
    let input = random_bytes(5, 7);
    let output = random_bytes(32, 8);
    let mut run = Run::new(0, &input, 0, &output);
    assert_eq!(run.traces[OUTPUT].height(), 4);
    run.row(OUTPUT, 1).is_last = F::ONE;
    let cols = run.row(OUTPUT, 2);
    cols.is_real = F::ZERO;
    cols.is_last = F::ZERO;
    cols.pos = F::ZERO;
    cols.perm.inputs = [F::ZERO; IO_SPONGE_WIDTH];
    run.rechain(OUTPUT, 2);
    run.rechain(OUTPUT, 1);
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn flipped_in_range_flag_is_rejected() {
    // The last output byte (position 99, slot 3 of the last block) claimed past the end.
    let (_, _, mut run) = valid_run();
    let cols = run.row(OUTPUT, 6);
    assert_eq!(cols.in_range[3], F::ONE);
    cols.in_range[3] = F::ZERO;
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn unread_input_byte_is_rejected() {
    // The harness does not read slice byte 70, which the sponge offers: every byte of the
    // slice must be read (exactly once).
    let (_, _, mut run) = valid_run();
    let is_read = offset_of!(IoHarnessCols<u8>, is_read);
    assert_eq!(cell(&run.traces, HARNESS, 70, is_read), F::ONE);
    set_cell(&mut run.traces, HARNESS, 70, is_read, F::ZERO);
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn byte_read_twice_is_rejected() {
    // The harness reads slice byte 10 a second time (on a free row).
    let (input, _, mut run) = valid_run();
    harness_read(&mut run, 100, INPUT_START + 10, input[10]);
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn reads_outside_the_slice_are_rejected() {
    // The harness reads the position just past the slice (value 0, as the sponge's padding
    // byte there), or the one just before it.
    for pos in [INPUT_START + 100, INPUT_START - 1] {
        let (_, _, mut run) = valid_run();
        harness_read(&mut run, 100, pos, 0);
        assert_unbalanced(run.prove_and_verify());
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn uncommitted_output_byte_is_rejected() {
    // The harness does not commit output byte 99, which the sponge receives.
    let (_, _, mut run) = valid_run();
    let is_commit = offset_of!(IoHarnessCols<u8>, is_commit);
    assert_eq!(cell(&run.traces, HARNESS, 99, is_commit), F::ONE);
    set_cell(&mut run.traces, HARNESS, 99, is_commit, F::ZERO);
    assert_unbalanced(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_poseidon2_intermediate_is_rejected() {
    // One partial round's S-box output in the second permutation.
    let (_, _, mut run) = valid_run();
    run.row(INPUT, 1).perm.partial_rounds[7].post_sbox += F::ONE;
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn changed_capacity_carry_is_rejected() {
    // Row 2 starts from another capacity, and the sponge goes on consistently from there.
    let (_, _, mut run) = valid_run();
    run.row(INPUT, 2).perm.inputs[10] += F::ONE;
    run.rechain(INPUT, 2);
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_first_row_capacity_is_rejected() {
    // The sponge starts from `(len, 1, 0, …)` instead of `(len, 0, …)`, consistently after.
    let (_, _, mut run) = valid_run();
    run.row(OUTPUT, 0).perm.inputs[IO_SPONGE_RATE + 1] = F::ONE;
    run.rechain(OUTPUT, 0);
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_length_limbs_are_rejected() {
    // The first row's range-checked length parts no longer add up to `len`.
    let (_, _, mut run) = valid_run();
    run.row(INPUT, 0).len_lo += F::ONE;
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn wrong_start_limbs_are_rejected() {
    // The first row's range-checked start parts no longer add up to `start`.
    let (_, _, mut run) = valid_run();
    run.row(OUTPUT, 0).start_hi += F::ONE;
    run.fix_byte_table();
    assert_rejected(run.prove_and_verify());
}

/// Proving time of two 1000-byte streams (`cargo test --release -- --ignored
/// io_sponge_proving_time --nocapture`).
#[test]
#[ignore = "benchmark"]
fn io_sponge_proving_time() {
    let input = random_bytes(1000, 9);
    let output = random_bytes(1000, 10);
    let run = Run::new(0, &input, 0, &output);
    run.prove_and_verify().expect("verifies");
}
