//! Helpers to run the RISC-V guest (`executor-guest/guest`) in the zkVM emulator.
//!
//! The guest is not a member of this workspace (it needs a pinned nightly and
//! `-Zbuild-std`); [`guest_elf`] builds it with `executor-guest/guest/build.sh` (a no-op
//! when it is fresh) and reads the ELF from `executor-guest/guest/target/
//! riscv32im-risc0-zkvm-elf/release/`. Set `GUEST_ELF_DIR` to use ELFs from another folder
//! without building.
//!
//! Inputs come from the recorded mainnet RPC answers in `fixtures/mainnet-rpc/`, through
//! the witness builder and its replay server ([`mainnet_input`]). Runs and their figures
//! ([`run_guest`], [`run_guest_recording`], [`PhaseSplit`]) come from
//! `prover_node::emulate`, which `execute-block --emulate` uses too.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use stateless_executor::{ChainConfig, StatelessInput, validate_block};
use witness_builder::{ReplayServer, RpcClient, build_witness};

pub use prover_node::emulate::{
    CHUNK_CYCLES, GuestRun, PhaseSplit, RecordingRun, run_guest, run_guest_recording,
};

/// The block-validator guest binary.
pub const STATELESS_GUEST: &str = "stateless-guest";
/// The test guest that commits Keccak-256 hashes of its input (see `src/bin/keccak.rs`
/// of the guest crate).
pub const KECCAK_GUEST: &str = "keccak-guest";
/// Exit codes of the guest, mirrored from `stateless_guest::exit` (the guest crate is
/// built for RISC-V only, so it cannot be a dependency here).
pub mod exit {
    /// Success: the commitment is in the output.
    pub const SUCCESS: u32 = 0;
    /// The input stream did not deliver the bytes it announced.
    pub const INPUT_READ: u32 = 1;
    /// The input does not decode.
    pub const DECODE: u32 = 2;
    /// The block is invalid.
    pub const INVALID_BLOCK: u32 = 3;
    /// The guest panicked.
    pub const PANIC: u32 = 101;
    /// The guest's heap ran out.
    pub const OUT_OF_MEMORY: u32 = 102;
}

/// Root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The guest crate's folder.
pub fn guest_dir() -> PathBuf {
    repo_root().join("executor-guest/guest")
}

/// Where `build.sh` leaves the guest ELFs.
pub fn default_elf_dir() -> PathBuf {
    guest_dir().join("target/riscv32im-risc0-zkvm-elf/release")
}

/// Build the guest (once per process) unless `GUEST_ELF_DIR` is set; return the ELF folder.
///
/// # Panics
/// If the build fails (for example when the pinned nightly is missing: run `make setup`).
pub fn elf_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("GUEST_ELF_DIR") {
            return PathBuf::from(dir);
        }
        let status = Command::new(guest_dir().join("build.sh"))
            .status()
            .expect("run executor-guest/guest/build.sh");
        assert!(status.success(), "guest build failed ({status}); did `make setup` run?");
        default_elf_dir()
    })
    .clone()
}

/// The bytes of guest binary `name` (building it first, see [`elf_dir`]).
pub fn guest_elf(name: &str) -> Vec<u8> {
    let path = elf_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The program id of an ELF: its SHA-256, lower-case hex.
pub fn program_id(elf: &[u8]) -> String {
    Sha256::digest(elf).iter().map(|b| format!("{b:02x}")).collect()
}

/// The program id recorded in `executor-guest/guest/PROGRAM_ID`.
pub fn recorded_program_id() -> String {
    let path = guest_dir().join("PROGRAM_ID");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .trim()
        .to_owned()
}

/// A mainnet block ready for the guest: its encoded input and what the native executor
/// says about it.
#[derive(Debug, Clone)]
pub struct BlockCase {
    /// Block number.
    pub number: u64,
    /// The decoded input (for tampering).
    pub input: StatelessInput,
    /// `input.encode()`: the guest's private input.
    pub encoded: Vec<u8>,
    /// The native `validate_block` commitment, as the guest must commit it.
    pub commitment: Vec<u8>,
    /// Gas used by the block (from its header).
    pub gas_used: u64,
}

/// Build the witness of recorded mainnet block `number` (from
/// `fixtures/mainnet-rpc/1-<number>.json.gz`, through the replay server and the witness
/// builder) and validate it natively.
///
/// # Panics
/// If the fixture is missing, or the witness does not build or validate natively.
pub async fn mainnet_input(number: u64) -> BlockCase {
    let file = repo_root().join(format!("fixtures/mainnet-rpc/1-{number}.json.gz"));
    let (_addr, handle) = ReplayServer::start(&[file]).await.expect("replay server");
    let client = RpcClient::new(handle.url()).expect("rpc client");
    let built = build_witness(&client, number, ChainConfig::mainnet())
        .await
        .unwrap_or_else(|e| panic!("block {number}: {e}"));
    handle.shutdown().await;
    let encoded = built.input.encode();
    let decoded = StatelessInput::decode(&encoded).expect("the encoded input decodes");
    let (commitment, _) = validate_block(&decoded).expect("the block validates natively");
    BlockCase {
        number,
        gas_used: decoded.block.header.gas_used,
        input: decoded,
        encoded,
        commitment: commitment.to_bytes().to_vec(),
    }
}

/// [`mainnet_input`] on a fresh tokio runtime, for synchronous callers.
pub fn mainnet_input_blocking(number: u64) -> BlockCase {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(mainnet_input(number))
}
