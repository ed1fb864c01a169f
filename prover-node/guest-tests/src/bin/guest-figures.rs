//! Prints the guest's figures: ELF size, program id, and for each recorded mainnet block
//! (default 1150000 and 19426587; pass block numbers to choose) the cycles, cycles per gas,
//! emulation speed and memory touched, checking the output against the native executor.
//!
//! `cargo run --release -p guest-tests --bin guest-figures [-- BLOCK...]`

use guest_tests::{STATELESS_GUEST, guest_elf, mainnet_input_blocking, program_id, run_guest};

fn main() {
    let blocks: Vec<u64> =
        std::env::args().skip(1).map(|a| a.parse().expect("block numbers")).collect();
    let blocks = if blocks.is_empty() { vec![1_150_000, 19_426_587] } else { blocks };
    let elf = guest_elf(STATELESS_GUEST);
    println!("guest ELF: {} bytes, program id {}", elf.len(), program_id(&elf));
    for number in blocks {
        let case = mainnet_input_blocking(number);
        let run = run_guest(&elf, case.encoded.clone()).expect("the guest runs to HALT");
        let ok = run.summary.exit_code == 0 && run.summary.output == case.commitment;
        println!(
            "block {number}: input {} bytes, {} txs, {} gas, exit {}, output {}, {} cycles, \
             {:.1} cycles/gas, {:.2} s, {:.1} MHz, {} MiB touched",
            case.encoded.len(),
            case.input.block.body.transactions.len(),
            case.gas_used,
            run.summary.exit_code,
            if ok { "matches native" } else { "MISMATCH" },
            run.summary.cycles,
            run.summary.cycles as f64 / case.gas_used.max(1) as f64,
            run.elapsed.as_secs_f64(),
            run.mhz(),
            run.touched_mib(),
        );
    }
}
