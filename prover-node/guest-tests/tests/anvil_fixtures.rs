//! The recorded anvil blocks of `fixtures/anvil-rpc/` through the RISC-V guest in the
//! emulator, offline: replay server → witness builder → native validation → guest.
//!
//! [`ANVIL_TRANSFER_BLOCK`] (one ether transfer) is the built-in small default block: the
//! recorded mainnet blocks are 88M–1.2G guest cycles, this one is a few tens of millions
//! at most, so it can be proven in minutes. The guest must exit with 0, commit exactly the
//! native commitment and mark every phase. Run with `--nocapture` (`--no-capture` under
//! nextest) for cycles and the phase split.

use guest_tests::{BlockCase, STATELESS_GUEST, exit, guest_elf, recorded_input, run_guest};
use witness_builder::{ANVIL_EMPTY_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_TRANSFER_BLOCK};

/// Upper bound of the default block's guest cycles: it must stay a block that proves in
/// minutes (it is ~11.6M today; software sender recovery is most of it).
const DEFAULT_BLOCK_MAX_CYCLES: u64 = 20_000_000;

/// Runs the guest on `case`; checks exit code, output and phase marks; returns the cycles.
fn check(case: &BlockCase, txs: usize) -> u64 {
    assert_eq!(case.input.block.body.transactions.len(), txs, "block {}", case.number);
    let run = run_guest(&guest_elf(STATELESS_GUEST), case.encoded.clone()).expect("runs to HALT");
    let cycles = run.summary.cycles;
    eprintln!(
        "anvil block {}: {txs} txs, input {} bytes, {cycles} cycles, {} gas, {:.1} cycles/gas, \
         {:.1} MHz\n{}",
        case.number,
        case.encoded.len(),
        case.gas_used,
        cycles as f64 / case.gas_used.max(1) as f64,
        run.mhz(),
        run.phases()
    );
    assert_eq!(run.summary.exit_code, exit::SUCCESS, "block {}", case.number);
    assert_eq!(run.summary.output, case.commitment, "block {}: committed bytes", case.number);
    assert!(run.phases().is_complete(), "every phase is marked: {:?}", run.summary.phase_marks);
    cycles
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_the_default_transfer_block() {
    let case = recorded_input(ANVIL_TRANSFER_BLOCK).await;
    let cycles = check(&case, 1);
    assert!(
        cycles < DEFAULT_BLOCK_MAX_CYCLES,
        "the default block takes {cycles} cycles (bound {DEFAULT_BLOCK_MAX_CYCLES})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_the_transfer_and_storage_write_block() {
    check(&recorded_input(ANVIL_STORAGE_BLOCK).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_the_empty_block() {
    check(&recorded_input(ANVIL_EMPTY_BLOCK).await, 0);
}
