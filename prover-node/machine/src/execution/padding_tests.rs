//! Padding to a fixed shape (`ExecutionRecord::generate_traces_padded`): every chip but the
//! fixed-height ones (program, registers, byte table) can be made taller with its own
//! padding rows, and the padded shard proves, verifies and has the same public values. A
//! recursion verifier then sees one shape per shard size, whatever the code ran.

use p3_matrix::Matrix;

use super::chip_index::{self as c, COUNT};
use super::programs::{keccak_program, prove_and_verify, sharded_io_program};
use super::{ExecutionRecord, image_memory};
use crate::chips::keccak::ROWS_PER_PERMUTATION;
use crate::chips::program::ProgramRom;
use crate::testing::F;

/// Every chip that can be padded: all but the fixed-height ones.
fn paddable_chips() -> impl Iterator<Item = usize> {
    (0..COUNT).filter(|chip| !c::FIXED_HEIGHT.contains(chip))
}

/// Run `elf` on `input` in shards of `cut` cycles; for every shard, its natural traces and
/// the traces with each chip's minimum height `min(chip, natural height)`: check the heights,
/// the public values, and that the padded shard proves and verifies.
fn check_padded(elf: &[u8], input: &[u8], cut: u64, min: impl Fn(usize, usize) -> usize) {
    let rom = ProgramRom::from_elf(elf).expect("rom");
    let (records, _) = ExecutionRecord::from_run_in_shards(elf, input.to_vec(), cut).expect("runs");
    let mut natural_memory = image_memory(&rom.memory);
    let mut padded_memory = image_memory(&rom.memory);
    for (k, record) in records.iter().enumerate() {
        let natural = record.generate_traces::<F>(&rom, &mut natural_memory);
        let mut min_heights = [0; COUNT];
        for chip in paddable_chips() {
            min_heights[chip] = min(chip, natural.traces[chip].height());
        }
        let padded = record.generate_traces_padded::<F>(&rom, &mut padded_memory, &min_heights);
        for (chip, (n, p)) in natural.traces.iter().zip(&padded.traces).enumerate() {
            let expected = n.height().max(min_heights[chip]);
            assert_eq!(p.height(), expected, "shard {k}, chip {chip}: padded height");
            assert_eq!(p.width(), n.width());
            // The natural rows are unchanged: padding only appends. (Keccak: up to the
            // permutation the natural trace cut off, whose output columns are zero there and
            // its real output once the padded trace holds it whole.)
            let rows = if chip == c::KECCAK {
                n.height() / ROWS_PER_PERMUTATION * ROWS_PER_PERMUTATION
            } else {
                n.height()
            };
            let prefix = rows * n.width();
            if let Some(at) = n.values[..prefix].iter().zip(&p.values).position(|(a, b)| a != b) {
                panic!("shard {k}, chip {chip}: natural row {} changed by padding", at / n.width());
            }
        }
        assert_eq!(padded.public_values, natural.public_values, "shard {k}: public values");
        prove_and_verify(&rom, &padded.traces, &padded.public_values)
            .unwrap_or_else(|e| panic!("shard {k} padded verifies: {e:?}"));
    }
}

#[test]
fn every_chip_padded_to_four_times_its_height_verifies() {
    // Streams in and out across shards, shards with and without IO calls.
    check_padded(&sharded_io_program(), &io_input(), 24, |_, h| 4 * h);
    // The Keccak chip (24-row permutations) and the memory boundary of its state.
    check_padded(&keccak_program(), &[], 1 << 12, |_, h| 4 * h);
}

#[test]
fn each_chip_padded_alone_verifies() {
    // One chip at a time, to a height no natural trace of this run has: a chip whose padding
    // broke a constraint or a bus would be named here.
    for chip in paddable_chips() {
        check_padded(&keccak_program(), &[], 1 << 12, |c, h| if c == chip { 8 * h } else { 0 });
    }
}

#[test]
#[should_panic(expected = "has a fixed height")]
fn a_fixed_height_chip_cannot_be_padded() {
    let elf = keccak_program();
    let rom = ProgramRom::from_elf(&elf).expect("rom");
    let (records, _) =
        ExecutionRecord::from_run_in_shards(&elf, alloc::vec::Vec::new(), 1 << 12).unwrap();
    let mut min_heights = [0; COUNT];
    min_heights[c::BYTE] = 1 << 20;
    let _ =
        records[0].generate_traces_padded::<F>(&rom, &mut image_memory(&rom.memory), &min_heights);
}

/// The input `sharded_io_program` reads across shards (as in the shard tests).
fn io_input() -> alloc::vec::Vec<u8> {
    (0..23u8).map(|i| i.wrapping_mul(91).wrapping_add(7)).collect()
}

/// `keccak_program`'s one shard with every paddable chip at 4× its height.
fn padded_keccak_shard() -> (ProgramRom, super::MachineTraces<F>) {
    let elf = keccak_program();
    let rom = ProgramRom::from_elf(&elf).expect("rom");
    let (records, _) =
        ExecutionRecord::from_run_in_shards(&elf, alloc::vec::Vec::new(), 1 << 12).unwrap();
    let natural = records[0].generate_traces::<F>(&rom, &mut image_memory(&rom.memory));
    let mut min_heights = [0; COUNT];
    for chip in paddable_chips() {
        min_heights[chip] = 4 * natural.traces[chip].height();
    }
    let padded =
        records[0].generate_traces_padded::<F>(&rom, &mut image_memory(&rom.memory), &min_heights);
    (rom, padded)
}

#[test]
fn a_padding_row_made_real_is_rejected() {
    // The extra rows are padding like any other: one turned into a real row (a CPU step,
    // a RAM boundary word, an ADD) sends on a bus nothing receives, or breaks a
    // constraint, and the shard is rejected.
    use core::mem::offset_of;
    use p3_field::PrimeCharacteristicRing;

    use crate::chips::add_sub::AddSubCols;
    use crate::chips::cpu::CpuCols;
    use crate::chips::ram::RamCols;
    use crate::testing::assert_rejected;

    let (rom, honest) = padded_keccak_shard();
    prove_and_verify(&rom, &honest.traces, &honest.public_values).expect("the padded shard");
    for (chip, col) in [
        (c::CPU, offset_of!(CpuCols<u8>, is_real)),
        (c::RAM, offset_of!(RamCols<u8>, is_real)),
        (c::ADD_SUB, offset_of!(AddSubCols<u8>, is_add)),
    ] {
        let mut forged = honest.traces.clone();
        let trace = &mut forged[chip];
        let last = trace.height() - 1;
        let width = trace.width();
        trace.values[last * width + col] = F::ONE;
        extern crate std;
        std::eprintln!("chip {chip}: last padding row made real");
        assert_rejected(prove_and_verify(&rom, &forged, &honest.public_values));
    }
}
