//! `zkvm`: prove that an RV32IM program ran on an input, and verify such a proof.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use zkvm::{DefaultConfig, Program, ProgramVerifyingKey, Proof, Prover, ZkvmError, verify};

#[derive(Parser)]
#[command(
    name = "zkvm",
    about = "Prove that an RV32IM program ran to HALT on an input, and verify such a proof",
    long_about = "Prove that an RV32IM program (an ELF built for the zkVM's ABI: syscalls in t0, \
                  INPUT_LEN / READ_INPUT / COMMIT_OUTPUT / KECCAK_PERMUTE / HALT) ran to HALT on an \
                  input, and verify such a proof.\n\n\
                  A verified proof establishes: the program id (code, initial memory, entry point \
                  under the STARK configuration), the input's length and Poseidon2 digest, the \
                  committed output bytes and the exit code. The run is proven in shards (--shard-cycles, \
                  at most 2^22 - 2 cycles each) whose public values chain: each shard starts in \
                  the state (pc, registers, Merkle root of memory, stream cursors) the previous \
                  one ended in.",
    after_help = "Examples:\n  \
        make guest    # builds the small programs keccak-io and fib\n  \
        zkvm prove --elf executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/keccak-io \\\n      \
          --input msg.bin --out keccak.proof\n  \
        zkvm verify --elf executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/keccak-io \\\n      \
          --proof keccak.proof --input msg.bin"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the program on the input and prove the run; writes the proof file.
    Prove {
        /// The program (RV32IM ELF).
        #[arg(long)]
        elf: PathBuf,
        /// The input bytes (default: empty).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Where to write the proof.
        #[arg(long)]
        out: PathBuf,
        /// Cycles per shard (1 to 2^22 - 2).
        #[arg(long, default_value_t = zkvm::DEFAULT_SHARD_CYCLES)]
        shard_cycles: u64,
    },
    /// Write the program's verifying-key file (ZKVK v1) and print its program id.
    Key {
        /// The program (RV32IM ELF).
        #[arg(long)]
        elf: PathBuf,
        /// Where to write the key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a proof against the program; prints what it proves.
    #[command(group(clap::ArgGroup::new("key").required(true).args(["elf", "vk"])))]
    Verify {
        /// The program (RV32IM ELF) the proof must be for (the key is derived from it).
        #[arg(long)]
        elf: Option<PathBuf>,
        /// The program's verifying-key file (from `zkvm key`), instead of the ELF.
        #[arg(long, conflicts_with = "elf")]
        vk: Option<PathBuf>,
        /// The proof file.
        #[arg(long)]
        proof: PathBuf,
        /// If given, also check that the proof is for exactly this input.
        #[arg(long)]
        input: Option<PathBuf>,
    },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Zkvm(#[from] ZkvmError),
}

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io { path: path.clone(), source })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Prove { elf, input, out, shard_cycles } => {
            let program = Program::from_elf(&read(&elf)?)?;
            let input = input.as_ref().map(read).transpose()?.unwrap_or_default();
            let started = Instant::now();
            let prover = Prover::<DefaultConfig>::new(&program)?;
            let setup_s = started.elapsed().as_secs_f64();
            let options = zkvm::ProveOptions { shard_cycles, ..zkvm::ProveOptions::default() };
            let (proof, stats) = prover.prove_with(&input, options, |s| {
                eprintln!(
                    "shard {:>4}: {} cycles, traces {:.2} s, prove {:.2} s",
                    s.index, s.cycles, s.trace_s, s.prove_s
                );
            })?;
            let bytes = proof.to_bytes();
            std::fs::write(&out, &bytes)
                .map_err(|source| CliError::Io { path: out.clone(), source })?;
            let cells = stats.cells();
            println!("program   {}", prover.verifying_key().program_id());
            println!("cycles    {} in {} shard(s)", stats.cycles, stats.shards.len());
            println!(
                "time      setup {setup_s:.2} s, emulate {:.2} s, traces {:.2} s, prove {:.2} s",
                stats.emulate_s, stats.trace_s, stats.prove_s
            );
            println!(
                "speed     {:.0} cycles/s (traces + prove), {:.2e} cells/s, {:.0} cells/cycle",
                stats.cycles as f64 / (stats.trace_s + stats.prove_s),
                cells as f64 / stats.prove_s,
                cells as f64 / stats.cycles.max(1) as f64
            );
            let log_rows =
                stats.traces.iter().map(|&(_, _, h)| h).max().unwrap_or(1).trailing_zeros()
                    as usize;
            println!("security  {}", prover.verifying_key().security(log_rows));
            println!("output    {} bytes: {}", proof.output.len(), hex(&proof.output));
            println!("exit code {}", proof.exit_code);
            println!("proof     {} bytes -> {}", bytes.len(), out.display());
            Ok(())
        }
        Command::Key { elf, out } => {
            let program = Program::from_elf(&read(&elf)?)?;
            let vk = ProgramVerifyingKey::<DefaultConfig>::new(&program)?;
            let bytes = vk.to_bytes();
            std::fs::write(&out, &bytes)
                .map_err(|source| CliError::Io { path: out.clone(), source })?;
            println!("program   {}", vk.program_id());
            println!("key       {} bytes -> {}", bytes.len(), out.display());
            Ok(())
        }
        Command::Verify { elf, vk, proof, input } => {
            let vk = match (vk, elf) {
                (Some(vk), _) => ProgramVerifyingKey::<DefaultConfig>::from_bytes(&read(&vk)?)?,
                (None, Some(elf)) => {
                    ProgramVerifyingKey::<DefaultConfig>::new(&Program::from_elf(&read(&elf)?)?)?
                }
                (None, None) => unreachable!("clap requires --elf or --vk"),
            };
            let proof = Proof::<DefaultConfig>::from_bytes(&read(&proof)?)?;
            let started = Instant::now();
            let public = verify(&vk, &proof)?;
            let verify_ms = started.elapsed().as_secs_f64() * 1e3;
            if let Some(input) = input {
                public.check_input(&read(&input)?)?;
            }
            println!("accepted: program {}", public.program_id);
            println!(
                "input     {} bytes, {} read ({} shard slice digests)",
                public.input_len,
                public.input_read,
                public.input_slices.len()
            );
            println!("shards    {}", public.shards);
            println!("output    {} bytes: {}", public.output.len(), hex(&public.output));
            println!("exit code {}", public.exit_code);
            println!("verified  in {verify_ms:.1} ms");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rejected: {e}");
            ExitCode::FAILURE
        }
    }
}
