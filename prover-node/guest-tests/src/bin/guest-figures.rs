//! The guest's figures (a benchmark, not a test): ELF size, program id, and for each
//! recorded mainnet block (default: all six; pass block numbers to choose) the cycles,
//! cycles per gas, memory touched, the split of the cycles across the validation's phases,
//! and the emulator's speed in fast mode and in recording mode. Every run's output is
//! checked against the native executor's commitment.
//!
//! `cargo run --release -p guest-tests --bin guest-figures [-- [--fast-only] BLOCK...]`
//! (`make bench` runs it, then `emu-bench`). A BLOCK is a recorded mainnet block number, a
//! recorded anvil block `31337-N` (`fixtures/anvil-rpc/`), or `anvil` for all three of them.
//!
//! For each block:
//! 1. Build the witness from the recorded RPC answers and validate it natively.
//! 2. Run the guest in fast mode: cycles, phase marks, MHz.
//! 3. Unless `--fast-only`: run it again in recording mode over the whole block, in chunks
//!    of [`CHUNK_CYCLES`] cycles whose events are counted and dropped: MHz.
//!
//! Then print one table of all blocks.

use std::process::ExitCode;

use guest_tests::{
    CHUNK_CYCLES, GuestRun, RecordingRun, STATELESS_GUEST, guest_elf, program_id,
    recorded_input_blocking, run_guest, run_guest_recording,
};
use stateless_executor::Phase;
use witness_builder::{
    ANVIL_EMPTY_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_TRANSFER_BLOCK, RecordedBlock,
};

/// The six recorded mainnet blocks of `fixtures/mainnet-rpc/`.
const BLOCKS: [u64; 6] = [1_150_000, 1_920_000, 2_675_000, 4_370_000, 15_537_394, 19_426_587];

/// The recorded anvil blocks.
const ANVIL_BLOCKS: [RecordedBlock; 3] =
    [ANVIL_TRANSFER_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_EMPTY_BLOCK];

/// A recorded mainnet block.
fn mainnet(number: u64) -> RecordedBlock {
    RecordedBlock { chain_id: 1, number, fork: None, dir: "fixtures/mainnet-rpc" }
}

/// A command-line block: `N` (mainnet), `31337-N` (anvil) or `anvil` (all anvil blocks).
fn parse_blocks(arg: &str) -> Option<Vec<RecordedBlock>> {
    if arg == "anvil" {
        return Some(ANVIL_BLOCKS.to_vec());
    }
    match arg.split_once('-') {
        None => Some(vec![mainnet(arg.parse().ok()?)]),
        Some((chain, n)) => {
            let (chain, n) = (chain.parse::<u64>().ok()?, n.parse::<u64>().ok()?);
            ANVIL_BLOCKS.iter().find(|b| (b.chain_id, b.number) == (chain, n)).map(|b| vec![*b])
        }
    }
}

/// What the table shows of one block.
struct Row {
    number: String,
    txs: usize,
    gas: u64,
    fast: GuestRun,
    recording: Option<RecordingRun>,
}

fn main() -> ExitCode {
    let mut fast_only = false;
    let mut blocks = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--fast-only" => fast_only = true,
            arg => blocks.extend(parse_blocks(arg).unwrap_or_else(|| {
                panic!("arguments: [--fast-only] BLOCK... (N, 31337-N or anvil); got {arg:?}")
            })),
        }
    }
    if blocks.is_empty() {
        blocks = BLOCKS.map(mainnet).to_vec();
    }
    let elf = guest_elf(STATELESS_GUEST);
    println!("guest ELF: {} bytes, program id {}", elf.len(), program_id(&elf));

    let mut rows = Vec::new();
    let mut failed = false;
    for block in blocks {
        let number = match block.chain_id {
            1 => block.number.to_string(),
            chain => format!("{chain}-{}", block.number),
        };
        let case = recorded_input_blocking(block);
        let fast = run_guest(&elf, case.encoded.clone()).expect("the guest runs to HALT");
        let ok = fast.summary.exit_code == 0 && fast.summary.output == case.commitment;
        failed |= !ok;
        println!(
            "block {number}: input {} bytes, {} txs, {} gas, exit {}, output {}, {} cycles, \
             {:.1} cycles/gas, fast {:.2} s ({:.1} MHz), {} MiB touched",
            case.encoded.len(),
            case.input.block.body.transactions.len(),
            case.gas_used,
            fast.summary.exit_code,
            if ok { "matches native" } else { "MISMATCH" },
            fast.summary.cycles,
            fast.summary.cycles as f64 / case.gas_used.max(1) as f64,
            fast.elapsed.as_secs_f64(),
            fast.mhz(),
            fast.touched_mib(),
        );
        print!("{}", fast.phases());
        let recording = (!fast_only).then(|| {
            let rec = run_guest_recording(&elf, case.encoded.clone(), CHUNK_CYCLES)
                .expect("the guest runs to HALT in recording mode");
            assert_eq!(rec.summary, fast.summary, "block {number}: recording differs from fast");
            println!(
                "  recording: {} chunks of 2^{} cycles, {} events, {:.2} s ({:.1} MHz)",
                rec.chunks,
                CHUNK_CYCLES.trailing_zeros(),
                rec.events,
                rec.elapsed.as_secs_f64(),
                rec.mhz(),
            );
            rec
        });
        rows.push(Row {
            number,
            txs: case.input.block.body.transactions.len(),
            gas: case.gas_used,
            fast,
            recording,
        });
    }
    print_table(&rows);
    if failed {
        eprintln!("guest-figures: a guest output differs from the native commitment");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// A markdown table: per block cycles, cycles/gas, each phase's cycles and share, MHz.
fn print_table(rows: &[Row]) {
    println!();
    print!("| block | txs | gas | cycles | cycles/gas |");
    for phase in Phase::ALL {
        print!(" {} |", phase.name());
    }
    println!(" MHz fast | MHz recording |");
    println!("|{}", " --- |".repeat(5 + Phase::ALL.len() + 2));
    for row in rows {
        let split = row.fast.phases();
        print!(
            "| {} | {} | {} | {} | {:.1} |",
            row.number,
            row.txs,
            row.gas,
            row.fast.summary.cycles,
            row.fast.summary.cycles as f64 / row.gas.max(1) as f64
        );
        for phase in Phase::ALL {
            print!(" {:.1} M ({:.1}%) |", split.get(phase) as f64 / 1e6, split.percent(phase));
        }
        let recording = row.recording.as_ref().map_or("-".into(), |r| format!("{:.1}", r.mhz()));
        println!(" {:.1} | {recording} |", row.fast.mhz());
    }
    let cycles: u64 = rows.iter().map(|r| r.fast.summary.cycles).sum();
    let fast_secs: f64 = rows.iter().map(|r| r.fast.elapsed.as_secs_f64()).sum();
    println!();
    println!("all blocks: {cycles} cycles, fast mode {:.1} MHz", cycles as f64 / fast_secs / 1e6);
    if rows.iter().all(|r| r.recording.is_some()) {
        let secs: f64 =
            rows.iter().flat_map(|r| &r.recording).map(|r| r.elapsed.as_secs_f64()).sum();
        println!("            recording mode {:.1} MHz", cycles as f64 / secs / 1e6);
    }
}
