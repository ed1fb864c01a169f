//! Whole-machine tests of the shard memory boundary: `root_out` is the root of the memory
//! the emulator ends with (loads and stores, `KECCAK_PERMUTE`, `READ_INPUT`), shards that
//! start from a carried memory (not the image) prove and chain by their roots, and a
//! program that touches many pages proves (with the boundary's cost printed).

extern crate std;

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_abi::memory::PROGRAM_START;
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{ElfBuilder, addi, b, ecall, li, s};

use super::chip_index::{MERKLE, PAGE, RAM};
use super::programs::{
    Run, io_program, keccak_program, prove_and_verify, prove_and_verify_io, run, run_io,
};
use super::{ExecutionRecord, MemoryOutcome, OutcomeError, image_memory, memory_outcome};
use crate::chips::load_store::tests::{DATA, memory_program};
use crate::chips::program::ProgramRom;
use crate::chips::ram::Ram;
use crate::memory_root::{PAGE_WORDS, PAGE_WORDS_LOG, SparseMemory};
use crate::testing::F;

/// The pages `run`'s boundary holds (those of the words it accessed).
fn touched_pages(run: &Run, initial: &SparseMemory) -> BTreeSet<u32> {
    let record = &run.record;
    let cpu = crate::chips::cpu::generate_trace_with_syscalls::<F>(
        &run.rom,
        &run.record.start,
        initial,
        &record.cpu,
        &record.keccak,
        &record.io,
        &mut crate::chips::byte::ByteRecord::new(),
        0,
    );
    let ram: &Ram<'_> = &cpu.ram;
    ram.pages()
}

/// `initial` with the touched pages replaced by the emulator's final words: what the
/// shard's memory must be afterwards, from the emulator alone.
fn emulator_final_memory(
    elf: &[u8],
    input: &[u8],
    initial: &SparseMemory,
    pages: &BTreeSet<u32>,
) -> SparseMemory {
    let mut emulator = zkvm_emulator::Emulator::new(elf, input.to_vec()).unwrap();
    emulator.execute().unwrap();
    let mut expected = initial.clone();
    for &page in pages {
        for addr in page << PAGE_WORDS_LOG..(page + 1) << PAGE_WORDS_LOG {
            expected.set_word(addr, emulator.memory().load_word(addr << 2)).unwrap();
        }
    }
    expected
}

/// Check a run from the entry: `root_in` is the image's, `root_out` the root of the
/// emulator's final memory.
fn assert_roots_from_entry(elf: &[u8], input: &[u8], run: &Run) -> MemoryOutcome {
    let mut initial = image_memory(&run.rom.memory);
    let outcome = memory_outcome(&run.public_values, &initial.root()).expect("the image root");
    let pages = touched_pages(run, &initial);
    let mut expected = emulator_final_memory(elf, input, &initial, &pages);
    assert_eq!(outcome.root_out, expected.root());
    outcome
}

#[test]
fn root_out_is_the_emulators_final_memory() {
    for elf in [memory_program(5), keccak_program()] {
        let run = run(&elf);
        let outcome = assert_roots_from_entry(&elf, &[], &run);
        assert_ne!(outcome.root_in, outcome.root_out);
    }
    let input = b"twenty bytes, read!!";
    let (run, _) = run_io(&io_program(), input);
    assert_roots_from_entry(&io_program(), input, &run);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn keccak_and_io_boundaries_verify() {
    let elf = keccak_program();
    let run = run(&elf);
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("keccak verifies");
    let (run, _) = run_io(&io_program(), b"twenty bytes, read!!");
    prove_and_verify_io(&run).expect("io verifies");
}

/// The image of [`memory_program`] plus filler pages around and far from the pages it
/// touches (never read by it), so that the Merkle chip's untouched siblings are not
/// empty subtrees.
fn carried_memory(rom: &ProgramRom, seed: u64) -> SparseMemory {
    let mut memory = image_memory(&rom.memory);
    let mut rng = SmallRng::seed_from_u64(seed);
    let data = DATA >> 2 >> PAGE_WORDS_LOG;
    let stack = (zkvm_abi::memory::STACK_TOP - 4) >> 2 >> PAGE_WORDS_LOG;
    for page in [data + 1, data + 2, data + 7, stack - 1, stack + 1, 0x1000, 0x10_0000, 0x1f_0000] {
        for _ in 0..8 {
            let addr = (page << PAGE_WORDS_LOG) + rng.gen_range(0..PAGE_WORDS as u32);
            memory.set_word(addr, rng.r#gen()).unwrap();
        }
    }
    memory.update_pages();
    memory
}

/// The traces of `run`'s record replayed from `memory` (which becomes the final memory).
fn shard(run: &Run, memory: &mut SparseMemory) -> Run {
    let traces = run.record.generate_traces::<F>(&run.rom, memory);
    Run {
        rom: run.rom.clone(),
        record: run.record.clone(),
        exit_code: run.exit_code,
        traces: traces.traces,
        public_values: traces.public_values,
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn shards_from_carried_memory_verify_and_chain() {
    // Shard 1 starts from a memory that is not the image (filler pages around); shard 2
    // replays the same run from shard 1's final memory with the stored-to words changed
    // (the program stores before it loads them), so its pages change back. Each proves,
    // each `root_in` is the root of the memory it started from, each `root_out` the root
    // of the memory it ended with, and shard 2 does not chain onto shard 1.
    let elf = memory_program(2);
    let base = run(&elf);
    let mut memory = carried_memory(&base.rom, 7);
    let root_0 = memory.root();
    let pages = touched_pages(&base, &memory);
    let expected_1 = emulator_final_memory(&elf, &[], &memory, &pages);

    let shard_1 = shard(&base, &mut memory);
    prove_and_verify(&shard_1.rom, &shard_1.traces, &shard_1.public_values).expect("shard 1");
    let outcome_1 = memory_outcome(&shard_1.public_values, &root_0).expect("shard 1 root in");
    assert_eq!(outcome_1.root_out, memory.root());
    assert_eq!(outcome_1.root_out, expected_1.clone().root());
    assert_ne!(outcome_1.root_out, root_0);
    // Untouched siblings are filler subtrees, not empty ones.
    assert!(shard_1.traces[MERKLE].height() >= 64);

    // Shard 2: the stored-to words hold junk when it starts.
    let stored = [(DATA + 64) >> 2, (DATA + 68) >> 2, (zkvm_abi::memory::STACK_TOP - 4) >> 2];
    for (k, &addr) in stored.iter().enumerate() {
        memory.set_word(addr, 0xdead_0000 + k as u32).unwrap();
    }
    let root_1 = memory.root();
    let shard_2 = shard(&base, &mut memory);
    prove_and_verify(&shard_2.rom, &shard_2.traces, &shard_2.public_values).expect("shard 2");
    let outcome_2 = memory_outcome(&shard_2.public_values, &root_1).expect("shard 2 root in");
    assert_eq!(outcome_2.root_out, outcome_1.root_out, "the same final words");
    assert_eq!(
        memory_outcome(&shard_2.public_values, &outcome_1.root_out),
        Err(OutcomeError::MemoryRootIn { expected: outcome_1.root_out, got: root_1 })
    );
}

/// Store one word in each of `pages` consecutive pages from [`DATA`] (and load none),
/// halting with 0.
fn page_walk(pages: i32) -> Vec<u8> {
    const X3: u8 = 3;
    const X4: u8 = 4;
    let mut code = Vec::new();
    code.extend(li(X3, DATA));
    code.extend([
        addi(X4, 0, pages),
        s(Sw, X4, X3, 12),  // loop
        addi(X3, X3, 1024), // the next page
        addi(X4, X4, -1),
        b(Bne, X4, 0, -12),
        addi(zkvm_abi::reg::A0, 0, 0),
        addi(zkvm_abi::reg::SYSCALL_NUMBER, 0, zkvm_abi::syscall::HALT as i32),
        ecall(),
    ]);
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).build()
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn many_touched_pages_verify() {
    // 48 consecutive pages: 256 RAM rows and 128 page rows each; their paths share all
    // but their lowest nodes.
    let pages = 48;
    let elf = page_walk(pages);
    let rom = ProgramRom::from_elf(&elf).unwrap();
    let (record, summary) = ExecutionRecord::from_run(&elf, Vec::new()).unwrap();
    let mut memory = image_memory(&rom.memory);
    let root_in = memory.root();
    let start = std::time::Instant::now();
    let traces = record.generate_traces::<F>(&rom, &mut memory);
    let trace_time = start.elapsed();
    let run = Run {
        rom,
        record,
        exit_code: summary.exit_code,
        traces: traces.traces,
        public_values: traces.public_values,
    };
    assert_eq!(run.traces[RAM].height(), (pages as usize * PAGE_WORDS).next_power_of_two());
    let outcome = assert_roots_from_entry(&elf, &[], &run);
    assert_eq!(outcome.root_in, root_in);
    assert_eq!(outcome.root_out, memory.root());
    let start = std::time::Instant::now();
    prove_and_verify(&run.rom, &run.traces, &run.public_values).expect("verifies");
    let is_real = core::mem::offset_of!(crate::chips::merkle::MerkleCols<u8>, is_real);
    let merkle = &run.traces[MERKLE];
    let merkle_rows = merkle.values.chunks(merkle.width).filter(|r| r[is_real] == F::ONE).count();
    std::eprintln!(
        "{pages} touched pages: RAM {} x {}, page {} x {}, Merkle {} real rows ({} x {}); \
         traces {trace_time:.2?}, prove and verify {:.2?}",
        run.traces[RAM].height(),
        run.traces[RAM].width,
        run.traces[PAGE].height(),
        run.traces[PAGE].width,
        merkle_rows,
        run.traces[MERKLE].height(),
        run.traces[MERKLE].width,
        start.elapsed()
    );
}
