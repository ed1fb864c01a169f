//! Helpers to run the RISC-V guest (`executor-guest/guest`) in the zkVM emulator.
//!
//! The guest is not a member of this workspace (it needs a pinned nightly and
//! `-Zbuild-std`); [`guest_elf`] builds it with `executor-guest/guest/build.sh` (a no-op
//! when it is fresh) and reads the ELF from `executor-guest/guest/target/
//! riscv32im-risc0-zkvm-elf/release/`. Set `GUEST_ELF_DIR` to use ELFs from another folder
//! without building.
//!
//! The small programs for end-to-end proving tests ([`SMALL_PROGRAMS`]: [`KECCAK_IO`],
//! [`FIB`], from `executor-guest/guest/programs/`) come from the same build and folder;
//! [`small_program_elf`] returns one as a `Result` and checks it against the program id
//! recorded in `executor-guest/guest/PROGRAM_IDS`.
//!
//! Inputs come from the recorded RPC answers in `fixtures/mainnet-rpc/` and
//! `fixtures/anvil-rpc/`, through the witness builder and its replay server
//! ([`mainnet_input`], [`recorded_input`]). Runs and their figures
//! ([`run_guest`], [`run_guest_recording`], [`PhaseSplit`]) come from
//! `prover_node::emulate`, which `execute-block --emulate` uses too.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use stateless_executor::{StatelessInput, validate_block};
use witness_builder::{
    RecordedBlock, ReplayServer, RpcClient, build_witness, builder::chain_config_for,
};

pub use prover_node::emulate::{
    CHUNK_CYCLES, GuestRun, PhaseSplit, RecordingRun, run_guest, run_guest_recording,
};

/// The block-validator guest binary.
pub const STATELESS_GUEST: &str = "stateless-guest";
/// The test guest that commits Keccak-256 hashes of its input (see `src/bin/keccak.rs`
/// of the guest crate).
pub const KECCAK_GUEST: &str = "keccak-guest";
/// Small program: commits the Keccak-256 (32 bytes) of its whole input, computed with the
/// `KECCAK_PERMUTE` syscall; exit code 0 (`programs/src/bin/keccak-io.rs` of the guest).
pub const KECCAK_IO: &str = "keccak-io";
/// Small program: input `n` (exactly 4 bytes, little-endian), commits `fib(n) mod 2^32`
/// (4 bytes, little-endian) computed in a loop over a heap vector, exit code `n % 256`;
/// other input lengths give exit code 1 and no output (`programs/src/bin/fib.rs`).
pub const FIB: &str = "fib";
/// The small guest programs, in the order of `executor-guest/guest/PROGRAM_IDS`.
pub const SMALL_PROGRAMS: [&str; 2] = [KECCAK_IO, FIB];

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

/// Why a guest ELF could not be had.
#[derive(Debug, thiserror::Error)]
pub enum GuestElfError {
    /// `build.sh` did not run or failed.
    #[error(
        "the guest build (executor-guest/guest/build.sh) failed: {reason}; run `make setup` \
         and `make guest` (or set GUEST_ELF_DIR to a folder holding the built ELFs)"
    )]
    Build {
        /// The exit status or the error starting it.
        reason: String,
    },
    /// The ELF is not in the folder.
    #[error(
        "guest ELF {} cannot be read ({source}): run `make guest` first (or set GUEST_ELF_DIR \
         to a folder holding the built ELFs)",
        path.display()
    )]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// The read error.
        source: std::io::Error,
    },
    /// `PROGRAM_IDS` cannot be read.
    #[error("cannot read the recorded program ids {} ({source})", path.display())]
    Record {
        /// `executor-guest/guest/PROGRAM_IDS`.
        path: PathBuf,
        /// The read error.
        source: std::io::Error,
    },
    /// `PROGRAM_IDS` names no such program.
    #[error("no program id recorded for `{name}` in {}", path.display())]
    NotRecorded {
        /// The program asked for.
        name: String,
        /// The record file.
        path: PathBuf,
    },
    /// The ELF is not the recorded program.
    #[error(
        "`{name}` is not the recorded program: PROGRAM_IDS says {expected}, the ELF hashes to \
         {got}; run `make guest`, or `executor-guest/guest/build.sh --record` if the program \
         changed on purpose"
    )]
    ProgramId {
        /// The program.
        name: String,
        /// The id recorded in `PROGRAM_IDS`.
        expected: String,
        /// The SHA-256 of the ELF found.
        got: String,
    },
}

/// Build the guest (once per process) unless `GUEST_ELF_DIR` is set; return the ELF folder.
///
/// # Panics
/// If the build fails (for example when the pinned nightly is missing: run `make setup`).
pub fn elf_dir() -> PathBuf {
    try_elf_dir().unwrap_or_else(|e| panic!("{e}"))
}

/// [`elf_dir`] without panicking: `GUEST_ELF_DIR` if set, else the folder `build.sh` (run
/// once per process, a no-op when fresh) leaves the ELFs in.
pub fn try_elf_dir() -> Result<PathBuf, GuestElfError> {
    static BUILD: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            if let Some(dir) = std::env::var_os("GUEST_ELF_DIR") {
                return Ok(PathBuf::from(dir));
            }
            match Command::new(guest_dir().join("build.sh")).status() {
                Ok(status) if status.success() => Ok(default_elf_dir()),
                Ok(status) => Err(status.to_string()),
                Err(e) => Err(format!("cannot start it: {e}")),
            }
        })
        .clone()
        .map_err(|reason| GuestElfError::Build { reason })
}

/// The bytes of guest binary `name` (building it first, see [`elf_dir`]).
pub fn guest_elf(name: &str) -> Vec<u8> {
    let path = elf_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The ELF of small program `name` (one of [`SMALL_PROGRAMS`]), for the prover's tests.
///
/// 1. Find the ELF folder with [`try_elf_dir`]: `GUEST_ELF_DIR`, or build the guest
///    workspace with `build.sh` (once per process; a no-op when fresh).
/// 2. Read `<folder>/<name>`.
/// 3. Check that its SHA-256 is the id recorded for `name` in
///    `executor-guest/guest/PROGRAM_IDS`, so a test proves exactly the recorded program.
///
/// Every failure is a [`GuestElfError`] whose message says what to run (`make guest`).
pub fn small_program_elf(name: &str) -> Result<Vec<u8>, GuestElfError> {
    let path = try_elf_dir()?.join(name);
    let elf = std::fs::read(&path).map_err(|source| GuestElfError::Missing { path, source })?;
    let expected = recorded_small_program_id(name)?;
    let got = program_id(&elf);
    if got != expected {
        return Err(GuestElfError::ProgramId { name: name.to_owned(), expected, got });
    }
    Ok(elf)
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

/// The program id of small program `name` recorded in `executor-guest/guest/PROGRAM_IDS`
/// (`sha256sum` lines: `<hex>  <name>`).
pub fn recorded_small_program_id(name: &str) -> Result<String, GuestElfError> {
    let path = guest_dir().join("PROGRAM_IDS");
    let text = std::fs::read_to_string(&path)
        .map_err(|source| GuestElfError::Record { path: path.clone(), source })?;
    text.lines()
        .filter_map(|line| line.split_once("  "))
        .find(|(_, program)| program.trim() == name)
        .map(|(id, _)| id.trim().to_owned())
        .ok_or(GuestElfError::NotRecorded { name: name.to_owned(), path })
}

/// A recorded block ready for the guest: its encoded input and what the native executor
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
    let block = RecordedBlock { chain_id: 1, number, fork: None, dir: "fixtures/mainnet-rpc" };
    recorded_input(block).await
}

/// Build the witness of a recorded block (e.g. [`witness_builder::ANVIL_TRANSFER_BLOCK`]):
///
/// 1. serve its folder of recordings with the replay server on 127.0.0.1,
/// 2. build the witness with the witness builder under the block's chain rules,
/// 3. encode it, decode it again and validate it natively.
///
/// # Panics
/// If the fixture is missing, or the witness does not build or validate natively.
pub async fn recorded_input(block: RecordedBlock) -> BlockCase {
    let number = block.number;
    let (_addr, handle) =
        ReplayServer::start(&[block.file(&repo_root())]).await.expect("replay server");
    let client = RpcClient::new(handle.url()).expect("rpc client");
    let chain = chain_config_for(block.chain_id, block.fork).expect("the block's chain rules");
    let built = build_witness(&client, number, chain)
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
    recorded_input_blocking(RecordedBlock {
        chain_id: 1,
        number,
        fork: None,
        dir: "fixtures/mainnet-rpc",
    })
}

/// [`recorded_input`] on a fresh tokio runtime, for synchronous callers.
pub fn recorded_input_blocking(block: RecordedBlock) -> BlockCase {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(recorded_input(block))
}
