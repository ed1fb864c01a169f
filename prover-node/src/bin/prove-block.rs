//! `prove-block`: build a block's witness, run the zkVM guest on it, prove the run in shards
//! and write a block proof that `verify` (verifier-client) checks.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use prover_node::emulate::default_guest_elf;
use prover_node::recorded_fixtures_dir;
use prover_node::spinner;
use stateless_executor::{StatelessInput, validate_block};
use verifier_client::block_proof::{self, BlockVerifyingKey};
use witness_builder::{
    ANVIL_TRANSFER_BLOCK, ReplayServer, RpcClient, build_witness, builder::chain_config_for,
};
use zkvm::spool::{SpoolDir, SpoolRun};
use zkvm::{DEFAULT_SHARD_CYCLES, DefaultConfig, Program, ProveOptions, Prover, ShardStats};

/// Prove an Ethereum block: build its stateless witness from a JSON-RPC node, run the
/// block-validator guest (executor-guest/guest) on it in the zkVM, prove the run in shards,
/// and write a block proof (format ZKBP v1) that `verify --proof FILE` checks.
///
/// Phases, each with a progress bar: witness (RPC or the built-in replay server), native
/// validation (the commitment the proof must reproduce), keys (commit the guest's ROM),
/// execution (fast emulation: cycles, shards), proving (one shard at a time: its events and
/// traces are dropped before the next is recorded), writing, and a self-check through the
/// verifier. A summary prints cycles, shards, time per phase, peak memory and proof size.
///
/// Each shard's proof is written to <out>.shards/ as soon as it is proven, and the proof
/// file is assembled from there (memory holds one shard). If proving stops (Ctrl-C, a
/// crash, a machine going away), run the same command again: it resumes at the first
/// shard not yet proven. The directory is removed once the proof is written and checked
/// (--keep-shards keeps it); its shards.tsv logs every shard's figures, over all attempts.
///
/// With no flags it proves the built-in default: block 2 of a recorded anvil dev chain
/// (one ether transfer, ~11.8 M guest cycles, 6 shards), served by a replay server on
/// 127.0.0.1 — no network. A recorded mainnet block (1150000, 1920000, 2675000, 4370000,
/// 15537394, 19426587) is served the same way with --number N; those take 88 M–1.2 G
/// cycles (tens of minutes to hours here).
///
/// Examples:
///   prove-block                                     # default block, recorded answers
///   prove-block --number 19426587 --out cancun.proof
///   prove-block --rpc http://127.0.0.1:8545 --number 7 --fork prague
///   prove-block --input block.bin --out block.proof # a witness from build-witness
///   verify --proof block-2.proof --vk block-2.vk     # check it as a light client
#[derive(Debug, Parser)]
#[command(name = "prove-block", version, about, verbatim_doc_comment)]
struct Args {
    /// Block number (default: the recorded anvil block 2, or with --rpc required).
    #[arg(long, short = 'n')]
    number: Option<u64>,
    /// JSON-RPC endpoint of an archive node; without it, recorded answers are served
    /// locally.
    #[arg(long, value_name = "URL")]
    rpc: Option<String>,
    /// For a chain other than mainnet: the newest fork, active from genesis.
    #[arg(long, value_name = "FORK")]
    fork: Option<String>,
    /// Prove an existing witness file (StatelessInput v1) instead of building one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["rpc", "fork", "number"])]
    input: Option<PathBuf>,
    /// Where to write the block proof (default: block-N.proof).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Where to write the guest's verifying-key file, ZKVK v1, for `verify --vk` (default:
    /// the proof's path with the extension .vk).
    #[arg(long, value_name = "FILE")]
    vk_out: Option<PathBuf>,
    /// Cycles per shard (at most 2^22 - 2; smaller shards need less memory).
    #[arg(long, default_value_t = DEFAULT_SHARD_CYCLES)]
    shard_cycles: u64,
    /// The guest ELF (default: the one `make guest` builds).
    #[arg(long, value_name = "FILE")]
    elf: Option<PathBuf>,
    /// Prove every shard in a fixed shape from the catalogue (what recursion needs): the
    /// shard size must be 2^l; shards also end when a chip would outgrow S(l), and every
    /// trace is padded to it (about +10-15% cells on mainnet blocks).
    #[arg(long)]
    fixed_shapes: bool,
    /// Keep the directory of proven shards (<out>.shards/) after the proof is written. It is
    /// always kept when proving stops early: the same command resumes from it.
    #[arg(long)]
    keep_shards: bool,
    /// Plan instead of proving: record every shard and generate its traces, print what
    /// proving would commit (cells per shard, each chip's largest trace, the distinct shard
    /// shapes) and write no proof. A few seconds per shard instead of ~20.
    #[arg(long, conflicts_with_all = ["out", "vk_out", "keep_shards"])]
    plan: bool,
    /// With --plan: also write every shard's cycles, cells and each chip's trace height as
    /// a TSV (for choosing shard shapes).
    #[arg(long, value_name = "FILE", requires = "plan")]
    plan_out: Option<PathBuf>,
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prove-block: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error>;

/// The witness of the block the flags name, and how long building it took.
async fn witness(args: &Args) -> Result<(StatelessInput, Duration), BoxError> {
    if let Some(path) = &args.input {
        let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        return Ok((StatelessInput::decode(&bytes)?, Duration::ZERO));
    }
    let (client, _server, number, fork) = match (&args.rpc, args.number) {
        (Some(url), Some(n)) => (RpcClient::new(url.clone())?, None, n, args.fork.clone()),
        (Some(_), None) => return Err("--rpc needs --number".into()),
        (None, number) => {
            let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let (file, number, fork) = match number {
                None => (
                    ANVIL_TRANSFER_BLOCK.file(&repo),
                    ANVIL_TRANSFER_BLOCK.number,
                    ANVIL_TRANSFER_BLOCK.fork.map(str::to_string),
                ),
                Some(n) => {
                    let anvil = repo.join(format!("fixtures/anvil-rpc/31337-{n}.json.gz"));
                    if anvil.exists() && args.fork.is_none() {
                        (anvil, n, Some("bpo2".to_string()))
                    } else {
                        let f = recorded_fixtures_dir().join(format!("1-{n}.json.gz"));
                        (f, n, args.fork.clone())
                    }
                }
            };
            if !file.exists() {
                return Err(format!(
                    "no recorded answers for block {number} ({} missing); pass --rpc URL or pick a recorded block",
                    file.display()
                )
                .into());
            }
            let (_addr, handle) = ReplayServer::start(&[file]).await?;
            eprintln!("replay server over recorded answers at {}", handle.url());
            (RpcClient::new(handle.url())?, Some(handle), number, fork)
        }
    };
    let chain_id = client.chain_id().await?;
    let chain = chain_config_for(chain_id, fork.as_deref())?;
    let pb = spinner(&format!("witness: building the witness of block {number}"));
    let built = build_witness(&client, number, chain).await;
    pb.finish_and_clear();
    let built = built?;
    Ok((built.input, built.stats.build_time))
}

async fn run(args: Args) -> Result<(), BoxError> {
    let total = Instant::now();
    let (input, witness_time) = witness(&args).await?;
    let encoded = input.encode();

    let pb = spinner("validate: executing the block natively");
    let started = Instant::now();
    let native = StatelessInput::decode(&encoded).and_then(|i| validate_block(&i));
    let native_time = started.elapsed();
    pb.finish_and_clear();
    let (commitment, block_stats) = native?;
    eprintln!(
        "block {} ({} txs, {} gas) accepted natively in {:.2} s",
        commitment.number,
        block_stats.transactions,
        block_stats.gas_used,
        native_time.as_secs_f64()
    );

    let elf_path = args.elf.clone().unwrap_or_else(default_guest_elf);
    let elf = std::fs::read(&elf_path).map_err(|e| {
        format!("reading the guest ELF {}: {e} (build it with `make guest`)", elf_path.display())
    })?;
    let pb = spinner("keys: committing the guest's ROM and hashing its image");
    let started = Instant::now();
    let program = Program::from_elf(&elf)?;
    let prover = Prover::<DefaultConfig>::new(&program)?;
    let keys_time = started.elapsed();
    pb.finish_and_clear();

    let pb = spinner("execute: running the guest in the emulator");
    let summary = prover.execute(&encoded);
    pb.finish_and_clear();
    let summary = summary?;
    if summary.exit_code != 0 {
        return Err(
            format!("the guest rejected the block (exit code {})", summary.exit_code).into()
        );
    }
    if summary.output != commitment.to_bytes() {
        return Err("the guest's commitment differs from the native executor's".into());
    }
    let shards = summary.cycles.div_ceil(args.shard_cycles.max(1));
    eprintln!(
        "guest: {} cycles in {:.2} s; proving in {shards} shard(s) of up to {} cycles",
        summary.cycles, summary.seconds, args.shard_cycles
    );

    if args.plan {
        return plan(&prover, &encoded, &args, summary.cycles, total);
    }

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("block-{}.proof", commitment.number)));
    let spool_dir = PathBuf::from(format!("{}.shards", out.display()));
    let run = SpoolRun::new(
        prover.verifying_key().program_id(),
        &encoded,
        summary.cycles,
        args.shard_cycles,
    )
    .with_fixed_shapes(args.fixed_shapes);
    let (mut spool, kept) = SpoolDir::<DefaultConfig>::open(&spool_dir, &run)?;
    if kept > 0 {
        eprintln!(
            "resuming: {kept} of {shards} shard(s) already proven in {} (their traces are generated again and must match)",
            spool_dir.display()
        );
    }
    let mut log = ShardLog::open(&spool_dir)?;
    let mut bar = CycleProgress::new("prove", summary.cycles, shards);
    let options = ProveOptions { shard_cycles: args.shard_cycles, fixed_shapes: args.fixed_shapes };
    let started = Instant::now();
    let mut log_error = None;
    let proven = prover.prove_into(
        &encoded,
        &summary,
        options,
        &mut spool,
        |s| {
            let what = if s.resumed {
                "resumed (kept proof matched)".to_string()
            } else {
                format!("traces {:.1} s, STARK {:.1} s", s.trace_s, s.prove_s)
            };
            bar.shard(s.index, s.cycles, &what);
            if !s.resumed
                && let Err(e) = log.append(s)
            {
                log_error.get_or_insert(e);
            }
        },
        |_, _| {},
    );
    bar.finish_and_clear();
    let stats = proven?;
    if let Some(e) = log_error {
        eprintln!("warning: {e} (figures of earlier attempts may be incomplete)");
    }
    let prove_time = started.elapsed();

    let shard_count = u32::try_from(stats.shards.len())?;
    let bytes_written = spool.write_proof(
        &out,
        &block_proof::encode_header(&commitment),
        prover.verifying_key().program_id(),
        summary.exit_code,
        &summary.output,
        shard_count,
    )?;
    let key = prover.verifying_key().to_bytes();
    let vk_out = args.vk_out.clone().unwrap_or_else(|| out.with_extension("vk"));
    std::fs::write(&vk_out, &key).map_err(|e| format!("writing {}: {e}", vk_out.display()))?;

    // Self-check: read the files back and verify them as the light client does.
    let started = Instant::now();
    let file = std::fs::File::open(&out).map_err(|e| format!("reading {}: {e}", out.display()))?;
    let file_len = file.metadata().map_err(|e| format!("reading {}: {e}", out.display()))?.len();
    let vk = BlockVerifyingKey::from_bytes(&key)?;
    let proven = block_proof::verify_reader(&vk, std::io::BufReader::new(file))?;
    let verify_time = started.elapsed();
    if proven != commitment {
        return Err("the proven commitment is not the native one".into());
    }
    if file_len != bytes_written {
        return Err(format!(
            "{} holds {file_len} bytes, {bytes_written} were written",
            out.display()
        )
        .into());
    }
    // Figures of every attempt (this one's and those of shards resumed from earlier ones).
    let all_attempts = log.totals(stats.shards.len());
    if args.keep_shards {
        eprintln!("kept the shard proofs in {}", spool_dir.display());
    } else {
        spool.remove()?;
    }

    let max_shard = stats.shards.iter().map(|s| s.trace_s + s.prove_s).fold(0.0, f64::max);
    println!(
        "block {} proven: {} (verifying key {})",
        commitment.number,
        out.display(),
        vk_out.display()
    );
    println!("{commitment}");
    println!("--- figures ---");
    println!("program id        {}", prover.verifying_key().program_id());
    println!(
        "cycles            {} ({:.1} per gas)",
        stats.cycles,
        stats.cycles as f64 / block_stats.gas_used.max(1) as f64
    );
    println!("shards            {} of up to {} cycles", stats.shards.len(), args.shard_cycles);
    println!("witness           {:.2} s ({} bytes)", witness_time.as_secs_f64(), encoded.len());
    println!("native validation {:.2} s", native_time.as_secs_f64());
    println!("keys              {:.2} s", keys_time.as_secs_f64());
    println!("execute (fast)    {:.2} s", summary.seconds);
    println!(
        "prove             {:.1} s (record {:.1} s, traces {:.1} s, STARK {:.1} s; slowest shard {:.1} s; {:.0} cycles/s)",
        prove_time.as_secs_f64(),
        (stats.emulate_s - summary.seconds).max(0.0),
        stats.trace_s,
        stats.prove_s,
        max_shard,
        stats.cycles as f64 / prove_time.as_secs_f64().max(1e-9)
    );
    let resumed = stats.shards.iter().filter(|s| s.resumed).count();
    if resumed > 0 {
        println!(
            "  resumed         {resumed} of {} shards were proven by earlier attempts; all attempts: {}",
            stats.shards.len(),
            all_attempts
        );
    }
    println!(
        "verify            {:.0} ms (key file {} bytes, decoded and checked)",
        verify_time.as_secs_f64() * 1e3,
        key.len()
    );
    if let Some(mib) = peak_rss_mib() {
        println!("peak memory       {:.2} GiB", mib / 1024.0);
    }
    println!(
        "proof             {bytes_written} bytes ({:.2} MiB)",
        bytes_written as f64 / (1 << 20) as f64
    );
    println!("total             {:.1} s", total.elapsed().as_secs_f64());
    Ok(())
}

/// `shards.tsv` in the spool directory: one line per shard proven, by every attempt (a
/// resumed run reports the time of all of them).
struct ShardLog {
    path: PathBuf,
}

/// Figures summed over the latest line of each shard in a [`ShardLog`].
struct AttemptTotals {
    shards: usize,
    trace_s: f64,
    prove_s: f64,
    peak_gib: f64,
}

impl std::fmt::Display for AttemptTotals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} shards logged, traces {:.1} s, STARK {:.1} s, peak memory {:.2} GiB",
            self.shards, self.trace_s, self.prove_s, self.peak_gib
        )
    }
}

impl ShardLog {
    const HEADER: &str = "shard\tcycles\ttrace_s\tprove_s\tcells\tproof_bytes\tpeak_rss_mib\n";

    fn open(dir: &std::path::Path) -> Result<Self, BoxError> {
        let path = dir.join("shards.tsv");
        if !path.exists() {
            std::fs::write(&path, Self::HEADER)
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
        Ok(ShardLog { path })
    }

    fn append(&mut self, s: &ShardStats) -> Result<(), String> {
        use std::io::Write;
        let line = format!(
            "{}\t{}\t{:.3}\t{:.3}\t{}\t{}\t{:.0}\n",
            s.index,
            s.cycles,
            s.trace_s,
            s.prove_s,
            s.cells,
            s.proof_bytes,
            peak_rss_mib().unwrap_or(0.0)
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| format!("appending to {}: {e}", self.path.display()))
    }

    /// The latest line of each of the first `shards` shards, summed.
    fn totals(&self, shards: usize) -> AttemptTotals {
        let mut latest = vec![None; shards];
        for line in std::fs::read_to_string(&self.path).unwrap_or_default().lines().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            let parse = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
            if let (Some(index), Some(trace_s), Some(prove_s), Some(peak)) =
                (parse(0), parse(2), parse(3), parse(6))
                && let Some(slot) = latest.get_mut(index as usize)
            {
                *slot = Some((trace_s, prove_s, peak));
            }
        }
        let found: Vec<(f64, f64, f64)> = latest.into_iter().flatten().collect();
        AttemptTotals {
            shards: found.len(),
            trace_s: found.iter().map(|f| f.0).sum(),
            prove_s: found.iter().map(|f| f.1).sum(),
            peak_gib: found.iter().map(|f| f.2).fold(0.0, f64::max) / 1024.0,
        }
    }
}

/// Progress over the run's cycles for `phase` (proving or planning, shard by shard): a bar
/// on a terminal, and one line per shard otherwise (a log file of a run of hours).
struct CycleProgress {
    bar: ProgressBar,
    phase: &'static str,
    shards: u64,
    done: u64,
    cycles: u64,
    started: Instant,
    lines: bool,
}

impl CycleProgress {
    fn new(phase: &'static str, cycles: u64, shards: u64) -> Self {
        use std::io::IsTerminal;
        let bar = ProgressBar::new(cycles);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{phase} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} cycles, {{msg}} (eta {{eta}})"
            ))
            .expect("a valid template"),
        );
        bar.set_message(format!("shard 0/{shards}"));
        let lines = !std::io::stderr().is_terminal();
        CycleProgress { bar, phase, shards, done: 0, cycles, started: Instant::now(), lines }
    }

    /// Shard `index` of `cycles` cycles is done; `what` says how.
    fn shard(&mut self, index: usize, cycles: u64, what: &str) {
        self.done += cycles;
        self.bar.inc(cycles);
        self.bar.set_message(format!("shard {}/{}", index + 1, self.shards));
        if self.lines {
            let elapsed = self.started.elapsed().as_secs_f64();
            let fraction = self.done as f64 / self.cycles.max(1) as f64;
            let eta = if fraction > 0.0 { elapsed / fraction - elapsed } else { 0.0 };
            eprintln!(
                "{}: shard {}/{} ({cycles} cycles): {what}; {:.1}% of cycles, {:.0} s elapsed, eta {:.0} s",
                self.phase,
                index + 1,
                self.shards,
                100.0 * fraction,
                elapsed,
                eta
            );
        }
    }

    fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// `--plan`: every shard's traces without the STARK, and the figures.
fn plan(
    prover: &Prover<DefaultConfig>,
    input: &[u8],
    args: &Args,
    cycles: u64,
    total: Instant,
) -> Result<(), BoxError> {
    let shards = cycles.div_ceil(args.shard_cycles.max(1));
    let mut bar = CycleProgress::new("plan", cycles, shards);
    let started = Instant::now();
    let plans = prover.plan(
        input,
        ProveOptions { shard_cycles: args.shard_cycles, fixed_shapes: args.fixed_shapes },
        |p| {
            bar.shard(
                p.index,
                p.cycles,
                &format!("traces {:.1} s, {} cells", p.trace_s, p.cells()),
            );
        },
    );
    bar.finish_and_clear();
    let plans = plans?;
    if let Some(path) = &args.plan_out {
        let mut tsv = String::from("shard\tcycles\tcells");
        for &(name, _, _) in plans.first().map_or(&[][..], |p| &p.traces[..]) {
            tsv.push('\t');
            tsv.push_str(name);
        }
        tsv.push('\n');
        for p in &plans {
            tsv.push_str(&format!("{}\t{}\t{}", p.index, p.cycles, p.cells()));
            for &(_, _, rows) in &p.traces {
                tsv.push_str(&format!("\t{rows}"));
            }
            tsv.push('\n');
        }
        std::fs::write(path, tsv).map_err(|e| format!("writing {}: {e}", path.display()))?;
        eprintln!("wrote every shard's chip heights to {}", path.display());
    }
    let cells: Vec<u64> = plans.iter().map(|p| p.cells()).collect();
    let sum: u64 = cells.iter().sum();
    let shapes: std::collections::BTreeSet<Vec<u8>> = plans.iter().map(|p| p.shape()).collect();
    println!("--- plan (nothing proven) ---");
    println!("cycles            {cycles}");
    println!("shards            {} of up to {} cycles", plans.len(), args.shard_cycles);
    println!(
        "traces            {:.1} s to generate (recording included: {:.1} s)",
        plans.iter().map(|p| p.trace_s).sum::<f64>(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "cells             {sum} ({:.1} per cycle); per shard min {} / mean {} / max {}",
        sum as f64 / cycles.max(1) as f64,
        cells.iter().min().unwrap_or(&0),
        sum / cells.len().max(1) as u64,
        cells.iter().max().unwrap_or(&0)
    );
    println!("distinct shapes   {} (each chip's log2 height per shard)", shapes.len());
    println!("chip               width  max rows   share of cells");
    if let Some(first) = plans.first() {
        for (chip, &(name, width, _)) in first.traces.iter().enumerate() {
            let rows = plans.iter().map(|p| p.traces[chip].2).max().unwrap_or(0);
            let chip_cells: u64 = plans.iter().map(|p| (width * p.traces[chip].2) as u64).sum();
            println!(
                "  {name:<16} {width:>5}  {rows:>9}   {:>5.1}%",
                100.0 * chip_cells as f64 / sum.max(1) as f64
            );
        }
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak memory       {:.2} GiB", mib / 1024.0);
    }
    println!("total             {:.1} s", total.elapsed().as_secs_f64());
    Ok(())
}
