//! `rpc-replay`: serves recorded mainnet JSON-RPC answers on 127.0.0.1.

use std::path::PathBuf;

use clap::Parser;
use witness_builder::ReplayServer;

/// Serve recorded Ethereum JSON-RPC answers (fixtures/mainnet-rpc/*.json.gz) over HTTP on
/// 127.0.0.1, so that an RPC-based witness builder can run against real mainnet data offline.
///
/// Answers eth_chainId, eth_blockNumber, eth_getBlockByNumber/ByHash, eth_getProof (any subset
/// of a recorded request's slots), eth_getBalance, eth_getTransactionCount, eth_getCode and
/// eth_getStorageAt, single or batched. A request with no recording gets JSON-RPC error -32001
/// (`not recorded: METHOD PARAMS`); an unknown method gets -32601.
#[derive(Debug, Parser)]
#[command(name = "rpc-replay", version, about, long_about)]
struct Args {
    /// A directory of `<chain>-<block>.json.gz` recordings, or one such file. Repeatable.
    #[arg(long = "fixtures", short = 'f', required = true, value_name = "DIR|FILE")]
    fixtures: Vec<PathBuf>,
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, short = 'p', default_value_t = 8545)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let (addr, mut handle) = match ReplayServer::start_on_port(&args.fixtures, args.port).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("rpc-replay: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rec = handle.recordings();
    eprintln!(
        "rpc-replay: serving blocks {:?} ({} proofs) from {} source(s)",
        rec.block_numbers(),
        rec.proof_count(),
        args.fixtures.len()
    );
    println!("http://{addr}");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => eprintln!("rpc-replay: shutting down"),
        _ = handle.wait() => {}
    }
    handle.shutdown().await;
    std::process::ExitCode::SUCCESS
}
