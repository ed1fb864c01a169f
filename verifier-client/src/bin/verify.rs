//! `verify`: checks a block proof and that it proves a block of the chain the user trusts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use verifier_client::{
    BlockCommitment, BlockVerifyingKey, TrustPolicy, TrustedHeader, VerifyError, block_proof,
    check_commitment, check_policy, rpc::TrustedNode,
};
use witness_builder::builder::chain_config_for;

/// Verify a block proof, and that the block it proves is the one a trusted header names.
///
/// Prints one line and exits with 0 (`accepted: block N (0xhash) …`) or with 1
/// (`rejected: <reason>`, the reason naming the failed check with expected and got).
/// Command-line mistakes exit with 2.
///
/// Checks, in order:
///   1. the proof against the block-validator program's key (--vk: a key file, ZKVK v1,
///      as prove-block writes it, decoded in milliseconds; or --elf: derived from the guest
///      ELF, ~1 s; --program-id pins the key's program id, the SHA-256 of the key), giving the
///      proven BlockCommitment (182 bytes: chain id, number, block hash, parent hash, state
///      roots, chain-config hash); with --commitment a bare commitment file is taken instead
///      and no proof is checked (for debugging and tests: the line says so);
///   2. the chain id and the rules: the commitment's chain-config hash must be the one of
///      mainnet (chain 1) or, for another chain, of every fork up to --fork active from
///      genesis (as build-witness --fork builds it);
///   3. with --rpc or --header: block number, block hash, parent hash and post-state root
///      against the trusted header, whose hash is always recomputed here as
///      keccak256(rlp(header)) — a node's or a file's `hash` field is never trusted alone.
///
/// Trusted header sources:
///   --rpc URL      your own node: eth_chainId and eth_getBlockByNumber(N, false), N being
///                  the proven block's number
///   --header FILE  a header you vouch for, as binary RLP, as 0x-hex RLP text, or as JSON
///                  the way eth_getBlockByNumber returns it (the block object, or the whole
///                  {"jsonrpc", "result"} response; a `hash` field must match the fields)
///
/// Examples:
///   verify --proof block.proof --elf stateless-guest --rpc http://127.0.0.1:8545
///   verify --proof block.proof --vk block.vk --header 19426587.rlp
///   verify --proof block-2.proof --vk block-2.vk --program-id 3f2a…   # pin the program
///   curl -s -X POST -H 'content-type: application/json' http://127.0.0.1:8545 \
///     --data '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x2",false]}' \
///     > header.json
///   verify --commitment c.bin --header header.json --chain-id 31337 --fork bpo2
///   rpc-replay --fixtures fixtures/anvil-rpc --port 8546 &
///   verify --commitment c.bin --rpc http://127.0.0.1:8546 --fork bpo2
#[derive(Debug, Parser)]
#[command(name = "verify", version, about, verbatim_doc_comment)]
#[command(group(ArgGroup::new("claim").required(true).args(["proof", "commitment"])))]
struct Args {
    /// The block proof to verify.
    #[arg(long, value_name = "FILE")]
    proof: Option<PathBuf>,
    /// A bare 182-byte BlockCommitment v1 instead of a proof: only the header-trust check
    /// runs (no proof is verified).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["vk", "elf"])]
    commitment: Option<PathBuf>,
    /// The verifying key of the block-validator program.
    #[arg(long, value_name = "FILE", conflicts_with = "elf")]
    vk: Option<PathBuf>,
    /// The program id the key must have (hex, as the accepted line and prove-block print
    /// it): reject a key of any other program.
    #[arg(long, value_name = "HEX", conflicts_with = "commitment")]
    program_id: Option<String>,
    /// The block-validator guest ELF to derive the verifying key from (default: the one
    /// `make guest` builds, executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/
    /// stateless-guest).
    #[arg(long, value_name = "FILE")]
    elf: Option<PathBuf>,
    /// Your node: the trusted header of the proven block and the chain id come from it.
    #[arg(long, value_name = "URL", conflicts_with = "header")]
    rpc: Option<String>,
    /// A trusted header file: binary RLP, 0x-hex RLP, or eth_getBlockByNumber JSON.
    #[arg(long, value_name = "FILE")]
    header: Option<PathBuf>,
    /// The chain you follow when the chain id does not come from --rpc.
    #[arg(long, value_name = "ID", default_value_t = 1, conflicts_with = "rpc")]
    chain_id: u64,
    /// For a chain other than mainnet: its newest fork, every fork active from genesis
    /// (e.g. bpo2 for the recorded anvil blocks); pins the chain-config hash.
    #[arg(long, value_name = "FORK")]
    fork: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            println!("rejected: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(line) => {
            println!("accepted: {line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("rejected: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The steps of the command's doc; the accepted line (after `accepted: `) or the reason.
async fn run(args: &Args) -> Result<String, VerifyError> {
    // 1. The proven commitment (or a bare one), and the program the key is for.
    let (commitment, program) = match (&args.proof, &args.commitment) {
        (Some(proof), _) => proven_commitment(args, proof)?,
        (None, Some(path)) => (
            BlockCommitment::from_bytes(&read(path)?).map_err(VerifyError::Commitment)?,
            String::new(),
        ),
        (None, None) => unreachable!("clap requires --proof or --commitment"),
    };

    // 2. The trusted chain id, the pinned rules, and the checks that need no header.
    let node = args.rpc.as_deref().map(TrustedNode::new).transpose()?;
    let chain_id = match &node {
        Some(node) => node.chain_id().await?,
        None => args.chain_id,
    };
    let config = chain_config_for(chain_id, args.fork.as_deref())
        .map_err(|e| VerifyError::ChainConfig { reason: e.to_string() })?;
    let policy = TrustPolicy::for_chain(&config);
    check_policy(&commitment, &policy)?;

    // 3. The trusted header of the proven block, when a source is given, and the checks.
    let (trusted, source) = match (&node, &args.header) {
        (Some(node), _) => {
            (Some(node.header(commitment.number).await?), format!("the header from {}", node.url()))
        }
        (None, Some(path)) => (
            Some(TrustedHeader::from_file_bytes(&read(path)?)?),
            format!("the header in {}", path.display()),
        ),
        (None, None) => (None, String::new()),
    };
    if let Some(header) = &trusted {
        check_commitment(&commitment, header, &policy)?;
    }

    let mut line = format!(
        "block {} ({}) of chain {}, parent {}, post-state root {}",
        commitment.number,
        commitment.block_hash,
        commitment.chain_id,
        commitment.parent_hash,
        commitment.post_state_root
    );
    line.push_str(&match (&trusted, &args.proof) {
        (Some(_), Some(_)) => format!("; proof of program {program} verified; matches {source}"),
        (Some(_), None) => format!("; matches {source} (commitment only: no proof verified)"),
        (None, Some(_)) => {
            format!(
                "; proof of program {program} verified; header not checked (no --rpc or --header)"
            )
        }
        (None, None) => "; commitment only: no proof verified, header not checked".into(),
    });
    Ok(line)
}

/// Step 1 for --proof: the key (--vk, --elf or the default ELF) and its pinned id, the
/// proof, `block_proof::verify`; the commitment and the key's program id.
fn proven_commitment(args: &Args, proof: &Path) -> Result<(BlockCommitment, String), VerifyError> {
    let vk = match (&args.vk, &args.elf) {
        (Some(vk), _) => BlockVerifyingKey::from_bytes(&read(vk)?)?,
        (None, elf) => {
            let path = elf.clone().unwrap_or_else(default_guest_elf);
            BlockVerifyingKey::from_elf(&read(&path)?)?
        }
    };
    if let Some(expected) = &args.program_id {
        vk.check_program_id(expected)?;
    }
    // Streamed: memory holds a batch of shards, not the proof (~1.2 GB for a mainnet block).
    let file = std::fs::File::open(proof).map_err(|e| VerifyError::Io {
        path: proof.display().to_string(),
        reason: e.to_string(),
    })?;
    let commitment = block_proof::verify_reader(&vk, std::io::BufReader::new(file))?;
    Ok((commitment, vk.program_id()))
}

/// Where `make guest` leaves the block-validator ELF.
fn default_guest_elf() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/stateless-guest")
}

fn read(path: &Path) -> Result<Vec<u8>, VerifyError> {
    std::fs::read(path)
        .map_err(|e| VerifyError::Io { path: path.display().to_string(), reason: e.to_string() })
}
