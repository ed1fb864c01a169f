//! `execute-block`: build a block's witness and validate the block statelessly.

use std::{
    path::PathBuf,
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::Parser;
use prover_node::emulate::{default_guest_elf, run_guest};
use prover_node::spinner;
use prover_node::{DEFAULT_BLOCK, recorded_fixtures_dir};
use stateless_executor::{StatelessInput, validate_block};
use witness_builder::{ReplayServer, RpcClient, build_witness, builder::chain_config_for};

/// Build the stateless witness of an Ethereum block and re-execute the block from it, the
/// way the zkVM guest will: every state read is checked against Merkle proofs from the
/// parent's state root, and the block is accepted only if the recomputed state root,
/// receipts root, logs bloom and gas used match its header.
///
/// With no flags it runs the built-in default: mainnet block 19426587 (the first Cancun
/// block) served from recorded RPC answers by a replay server on 127.0.0.1 — no network.
///
/// Examples:
///   execute-block                                   # default block, recorded answers
///   execute-block --number 15537394                 # the Merge block, recorded answers
///   execute-block --rpc http://127.0.0.1:8545 --number 21000000
///   execute-block --rpc http://127.0.0.1:8545 --number 7 --fork prague   # a dev chain (anvil)
///   execute-block --input block.bin                 # a witness written by build-witness
///   execute-block --emulate                         # also run the zkVM guest (make guest)
#[derive(Debug, Parser)]
#[command(name = "execute-block", version, about, verbatim_doc_comment)]
struct Args {
    /// Block number.
    #[arg(long, short = 'n', default_value_t = DEFAULT_BLOCK)]
    number: u64,
    /// JSON-RPC endpoint of an archive node; without it, the recorded mainnet answers in
    /// fixtures/mainnet-rpc/ are served locally (blocks 1150000, 1920000, 2675000, 4370000,
    /// 15537394, 19426587).
    #[arg(long, value_name = "URL")]
    rpc: Option<String>,
    /// For a chain other than mainnet: the newest fork, active from genesis.
    #[arg(long, value_name = "FORK")]
    fork: Option<String>,
    /// Validate an existing witness file instead of building one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["rpc", "fork"])]
    input: Option<PathBuf>,
    /// Also write the built witness here.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Also run the zkVM guest on the same encoded input in the emulator (fast mode): print
    /// its cycles, cycles per gas, emulation speed and cycles per phase, and fail unless it
    /// exits with 0 having committed exactly the native commitment.
    #[arg(long)]
    emulate: bool,
    /// The guest ELF for --emulate (default: the one `make guest` builds,
    /// executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/stateless-guest).
    #[arg(long, value_name = "FILE", requires = "emulate")]
    elf: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("execute-block: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let total = Instant::now();
    let (input, build_time) = if let Some(path) = &args.input {
        let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        (StatelessInput::decode(&bytes)?, Duration::ZERO)
    } else {
        let (client, _server) = match &args.rpc {
            Some(url) => (RpcClient::new(url.clone())?, None),
            None => {
                let file = recorded_fixtures_dir().join(format!("1-{}.json.gz", args.number));
                if !file.exists() {
                    return Err(format!(
                        "no recorded answers for block {} ({} missing); pass --rpc URL or pick a recorded block",
                        args.number,
                        file.display()
                    )
                    .into());
                }
                let (_addr, handle) = ReplayServer::start(&[file]).await?;
                eprintln!("replay server over recorded mainnet answers at {}", handle.url());
                (RpcClient::new(handle.url())?, Some(handle))
            }
        };
        let chain_id = client.chain_id().await?;
        let chain = chain_config_for(chain_id, args.fork.as_deref())?;
        let pb = spinner(&format!("building the witness of block {}", args.number));
        let built = build_witness(&client, args.number, chain).await;
        pb.finish_and_clear();
        let built = built?;
        let s = &built.stats;
        eprintln!(
            "witness built in {:.2} s: {} trie nodes, {} codes, {} ancestors, {} accounts, {} slots ({:?})",
            s.build_time.as_secs_f64(),
            s.nodes,
            s.codes,
            s.ancestors,
            s.accounts,
            s.slots,
            s.source
        );
        (built.input, s.build_time)
    };

    let encoded = input.encode();
    if let Some(path) = &args.save {
        std::fs::write(path, &encoded).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    // Execute from the encoded bytes, as the guest does.
    let pb = spinner("executing statelessly");
    let started = Instant::now();
    let result = StatelessInput::decode(&encoded).and_then(|i| validate_block(&i));
    let exec_time = started.elapsed();
    pb.finish_and_clear();
    let (commitment, stats) = result?;

    println!("block {} accepted", commitment.number);
    println!("{commitment}");
    println!("commitment bytes  0x{}", hex(&commitment.to_bytes()));
    println!("--- figures ---");
    println!("transactions      {}", stats.transactions);
    println!("gas used          {}", stats.gas_used);
    println!("accounts changed  {}", stats.accounts_changed);
    println!(
        "witness           {} bytes ({} trie nodes, {} codes)",
        encoded.len(),
        stats.witness_nodes,
        stats.witness_codes
    );
    println!("witness build     {:.3} s", build_time.as_secs_f64());
    println!(
        "stateless exec    {:.3} s ({:.1} Mgas/s)",
        exec_time.as_secs_f64(),
        stats.gas_used as f64 / exec_time.as_secs_f64().max(1e-9) / 1e6
    );
    if args.emulate {
        let elf_path = args.elf.clone().unwrap_or_else(default_guest_elf);
        emulate(&elf_path, encoded, &commitment.to_bytes(), stats.gas_used)?;
    }
    println!("total             {:.3} s", total.elapsed().as_secs_f64());
    Ok(())
}

/// Run the guest ELF at `elf_path` on `encoded` in the emulator and print its figures.
///
/// 1. Read the ELF (a missing default ELF asks for `make guest`).
/// 2. Run it to `HALT` in fast mode.
/// 3. Print cycles, cycles per gas, MHz and the cycles of each phase.
/// 4. Fail unless the exit code is 0 and the committed bytes equal `native`.
///
/// # Assumptions
/// `native` is the native executor's commitment for the same `encoded` input.
fn emulate(
    elf_path: &std::path::Path,
    encoded: Vec<u8>,
    native: &[u8],
    gas_used: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let elf = std::fs::read(elf_path).map_err(|e| {
        format!("reading the guest ELF {}: {e} (build it with `make guest`)", elf_path.display())
    })?;
    let pb = spinner("running the guest in the emulator");
    let run = run_guest(&elf, encoded);
    pb.finish_and_clear();
    let run = run.map_err(|e| format!("the guest faulted: {e}"))?;
    let cycles = run.summary.cycles;
    println!("--- zkVM guest (emulator, fast mode) ---");
    println!("guest ELF         {} ({} bytes)", elf_path.display(), elf.len());
    println!("cycles            {cycles}");
    println!("cycles per gas    {:.1}", cycles as f64 / gas_used.max(1) as f64);
    println!("emulation         {:.3} s ({:.1} MHz)", run.elapsed.as_secs_f64(), run.mhz());
    println!("memory touched    {} MiB", run.touched_mib());
    print!("{}", run.phases());
    if run.summary.exit_code != 0 {
        return Err(format!("the guest exited with code {}", run.summary.exit_code).into());
    }
    if run.summary.output != native {
        return Err(format!(
            "the guest committed 0x{} but the native commitment is 0x{}",
            hex(&run.summary.output),
            hex(native)
        )
        .into());
    }
    println!("guest commitment  matches the native commitment");
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
