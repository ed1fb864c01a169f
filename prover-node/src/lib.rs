//! The prover node: orchestration of witness building, execution and (next) proving.
//!
//! Today it runs the execution half of `prove-block`: build the witness of a block from an
//! RPC node (or the built-in replay server over recorded mainnet answers), then validate
//! the block statelessly and print its commitment, and optionally run the zkVM guest on the
//! same input in the emulator ([`emulate`]). The zkVM crates live beside it: `abi/` (guest
//! ABI) and `emulator/` (RV32IM emulator).

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub mod emulate;

/// The default block of `make run`: the first Cancun block on mainnet.
pub const DEFAULT_BLOCK: u64 = 19_426_587;

/// The folder of recorded mainnet RPC answers shipped with the repository.
pub fn recorded_fixtures_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ZKEC_FIXTURES") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mainnet-rpc")
}

/// A spinner with `msg` and the elapsed time, for a phase of unknown length (the CLIs'
/// progress display; hidden when stderr is not a terminal).
pub fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("static template"),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}
