//! The row counts a cut by capacity will use (`zkvm_machine::execution::rows::shard_rows`,
//! from the emulator's events, no trace) against the traces the block-validator guest's
//! shards really generate: the default block (anvil block 2) in 2^21-cycle shards, and in
//! 2^18-cycle shards so the cut falls in other places. Every chip's count pads to its
//! trace's height.

use guest_tests::{STATELESS_GUEST, guest_elf, recorded_input};
use witness_builder::ANVIL_TRANSFER_BLOCK;
use zkvm::{DefaultConfig, Program, ProveOptions, Prover};
use zkvm_machine::chips::height_at_least;
use zkvm_machine::execution::chip_index as c;

#[tokio::test]
async fn counted_rows_pad_to_the_guest_traces() {
    let case = recorded_input(ANVIL_TRANSFER_BLOCK).await;
    let program = Program::from_elf(&guest_elf(STATELESS_GUEST)).expect("the guest loads");
    let prover = Prover::<DefaultConfig>::new(&program).expect("keys");
    let input = case.input.encode();
    for shard_cycles in [1 << 21, 1 << 18] {
        let plans = prover
            .plan(&input, ProveOptions { shard_cycles, ..ProveOptions::default() }, |_| {})
            .expect("plans the run");
        for p in &plans {
            for (chip, (&(name, _, height), &counted)) in
                p.traces.iter().zip(&p.counted_rows).enumerate()
            {
                if c::FIXED_HEIGHT.contains(&chip) {
                    continue;
                }
                assert_eq!(
                    height_at_least(counted, 0),
                    height,
                    "shards of {shard_cycles}: shard {}, {name}: {counted} rows counted",
                    p.index
                );
            }
            assert_eq!(p.counted_rows[c::CPU] as u64, p.cycles);
        }
        // The guest's syscalls are all exercised: IO, phase marks, and Keccak past the one
        // all-zero permutation a shard without a call has.
        let most = |chip: usize| plans.iter().map(|p| p.counted_rows[chip]).max().unwrap_or(0);
        for chip in [c::IO_CALL, c::IO_BYTES, c::NOOP_SYSCALL] {
            assert!(most(chip) > 0, "chip {chip} counted somewhere");
        }
        assert!(most(c::KECCAK) > 24, "Keccak calls counted");
    }
}
