//! Recorded mainnet blocks through the RISC-V guest in the emulator: the guest must commit
//! exactly the native executor's `BlockCommitment` bytes and exit with 0, and a tampered
//! witness must make it exit non-zero with nothing committed.
//!
//! Run with `--nocapture` (or `--no-capture` under nextest) to see cycles, cycles per
//! gas and emulation speed.

use guest_tests::{
    BlockCase, CHUNK_CYCLES, STATELESS_GUEST, exit, guest_elf, mainnet_input, run_guest,
    run_guest_recording,
};
use stateless_executor::deps::alloy_primitives::keccak256;
use stateless_executor::validate_block;

/// Run the guest on `case` and check it commits the native commitment.
fn check_block(case: &BlockCase) {
    let elf = guest_elf(STATELESS_GUEST);
    let run = run_guest(&elf, case.encoded.clone()).expect("the guest runs to HALT");
    let cycles = run.summary.cycles;
    eprintln!(
        "block {}: input {} bytes, exit {}, {cycles} cycles, {} gas, {:.1} cycles/gas, \
         {:.1} MHz, {} MiB touched\n{}",
        case.number,
        case.encoded.len(),
        run.summary.exit_code,
        case.gas_used,
        cycles as f64 / case.gas_used.max(1) as f64,
        run.mhz(),
        run.touched_mib(),
        run.phases(),
    );
    assert_eq!(run.summary.exit_code, exit::SUCCESS, "block {}", case.number);
    assert_eq!(run.summary.output, case.commitment, "block {}: committed output", case.number);
    assert!(run.phases().is_complete(), "block {}: every phase is marked", case.number);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_homestead_1150000() {
    check_block(&mainnet_input(1_150_000).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_dao_fork_1920000() {
    check_block(&mainnet_input(1_920_000).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_spurious_dragon_2675000() {
    check_block(&mainnet_input(2_675_000).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_byzantium_4370000() {
    check_block(&mainnet_input(4_370_000).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_paris_15537394() {
    check_block(&mainnet_input(15_537_394).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_cancun_19426587() {
    check_block(&mainnet_input(19_426_587).await);
}

/// Recording mode over a whole block (2^22-cycle chunks, events dropped) reports what fast
/// mode reports: exit code, output, cycles and phase marks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_records_like_fast_mode_1150000() {
    let case = mainnet_input(1_150_000).await;
    let elf = guest_elf(STATELESS_GUEST);
    let fast = run_guest(&elf, case.encoded.clone()).expect("fast run");
    let rec = run_guest_recording(&elf, case.encoded, CHUNK_CYCLES).expect("recording run");
    assert_eq!(rec.summary, fast.summary);
    assert_eq!(rec.chunks, fast.summary.cycles.div_ceil(CHUNK_CYCLES));
    assert!(rec.events > fast.summary.cycles, "at least one event per cycle");
    assert!(fast.phases().is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_rejects_tampered_trie_node() {
    let mut case = mainnet_input(1_150_000).await;
    // Flip one byte in the middle of the account trie's root node: its hash no longer
    // matches the parent's state root, so the state cannot be opened.
    let root = case.input.ancestors[0].state_root;
    let index = case
        .input
        .state
        .iter()
        .position(|node| keccak256(node) == root)
        .expect("the witness holds the state root node");
    let mut node = case.input.state[index].to_vec();
    let middle = node.len() / 2;
    node[middle] ^= 0x01;
    case.input.state[index] = node.into();
    assert!(validate_block(&case.input).is_err(), "the native executor rejects it");

    let run = run_guest(&guest_elf(STATELESS_GUEST), case.input.encode()).expect("runs");
    assert_eq!(run.summary.exit_code, exit::INVALID_BLOCK);
    assert!(run.summary.output.is_empty(), "nothing is committed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_rejects_garbage_input() {
    let run = run_guest(&guest_elf(STATELESS_GUEST), b"not an input".to_vec()).expect("runs");
    assert_eq!(run.summary.exit_code, exit::DECODE);
    assert!(run.summary.output.is_empty());
}
