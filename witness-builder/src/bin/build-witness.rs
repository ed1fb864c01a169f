//! `build-witness`: builds, verifies and writes the stateless witness of one block.

use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use witness_builder::{
    RpcClient, RpcConfig, build_witness, builder::chain_config_for, record::check_fixture_name,
};

/// Build the stateless witness (`StatelessInput` v1) of block N from a JSON-RPC node.
///
/// The builder fetches the block, executes it natively against the node's state at N-1 to
/// find every account and slot it touches, fetches `eth_getProof` at N-1 (pre-state) and at
/// N (siblings that deletions collapse onto) and the touched bytecodes — or takes the node's
/// `debug_executionWitness` where offered — then re-executes the block statelessly and
/// writes the witness only if it reproduces the header's state root, receipts root and hash.
///
/// With --record FILE it also writes every answer the build needed, in the fixture format of
/// fixtures/mainnet-rpc/, so that `rpc-replay` can serve the same build offline. A recording
/// client sends only what the replay server can answer (no debug_executionWitness: the build
/// takes the eth_getProof path). FILE must be named CHAINID-BLOCK.json.gz (31337-2.json.gz).
///
/// Examples:
///   build-witness --rpc http://127.0.0.1:8545 --number 19426587 --out block.bin
///   rpc-replay --fixtures fixtures/mainnet-rpc --port 8545 &   # offline mainnet data
///   build-witness --rpc http://127.0.0.1:8545 --number 5 --fork prague --out anvil5.bin
///   build-witness --rpc http://127.0.0.1:8545 --number 2 --fork bpo2 --out b2.bin \
///       --record fixtures/anvil-rpc/31337-2.json.gz      # record an anvil block
#[derive(Debug, Parser)]
#[command(name = "build-witness", version, about, verbatim_doc_comment)]
struct Args {
    /// JSON-RPC endpoint of an archive node (or `rpc-replay`).
    #[arg(long, value_name = "URL")]
    rpc: String,
    /// Block number to build the witness of.
    #[arg(long, short = 'n', value_name = "N")]
    number: u64,
    /// Where to write the encoded witness.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: PathBuf,
    /// For a chain other than mainnet: the newest fork, active from genesis (e.g. prague).
    #[arg(long, value_name = "FORK")]
    fork: Option<String>,
    /// Also record every RPC answer the build needed into FILE
    /// (`<chain id>-<block>.json.gz`, the fixture format `rpc-replay` serves).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("build-witness: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let client = match &args.record {
        Some(_) => RpcClient::recording(args.rpc.clone(), RpcConfig::default())?,
        None => RpcClient::new(args.rpc.clone())?,
    };
    let chain_id = client.chain_id().await?;
    if let Some(path) = &args.record {
        check_fixture_name(path, chain_id)?;
    }
    let chain = chain_config_for(chain_id, args.fork.as_deref())?;
    eprintln!(
        "building the witness of block {} from {} (chain id {chain_id})",
        args.number, args.rpc
    );
    let built = build_witness(&client, args.number, chain).await?;
    let bytes = built.input.encode();
    std::fs::write(&args.out, &bytes)?;
    let s = &built.stats;
    println!("{}", built.commitment);
    println!(
        "witness: {} bytes, {} trie nodes, {} codes, {} ancestors, {} accounts, {} slots ({:?})",
        bytes.len(),
        s.nodes,
        s.codes,
        s.ancestors,
        s.accounts,
        s.slots,
        s.source
    );
    println!(
        "built in {:.2} s, verified statelessly in {:.3} s ({} txs, {} gas); written to {}",
        s.build_time.as_secs_f64(),
        s.verify_time.as_secs_f64(),
        built.validation.transactions,
        built.validation.gas_used,
        args.out.display()
    );
    if let Some(path) = &args.record {
        let r = client.save_recording(path).await?;
        println!(
            "recorded {} blocks, {} proofs, {} other answers: {} bytes written to {}",
            r.blocks,
            r.proofs,
            r.other,
            r.bytes,
            path.display()
        );
    }
    Ok(())
}
