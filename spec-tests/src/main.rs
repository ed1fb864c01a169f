//! `spec-tests`: runs the Ethereum BlockchainTests suite through the stateless executor.

use clap::{Parser, Subcommand};
use spec_tests::{RunOptions, run_suite};
use std::{path::PathBuf, process::ExitCode};

/// Ethereum conformance runner for the stateless executor.
///
/// Every block of every test is validated statelessly: the runner builds the input a prover
/// would get (parent headers, the parent's state as trie nodes, codes, chain rules), sends
/// it through the wire format, and checks that valid blocks are accepted with the right
/// hash, invalid ones rejected, and that the final state matches the test.
#[derive(Debug, Parser)]
#[command(version, about, long_about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "\
Examples:
  # Unpack the suite, then run all of it (build in release: execution is the cost)
  tar -xzf BlockchainTests-4c87ebbf.tar.gz -C /tmp/bt
  cargo run --release -p spec-tests -- run /tmp/bt/BlockchainTests

  # Only the withdrawal tests, with a JSON report
  spec-tests run /tmp/bt/BlockchainTests --filter 4895 --json report.json

  # One test by name, on one thread
  spec-tests run /tmp/bt/BlockchainTests --filter shanghaiExample_Cancun --jobs 1

The last line printed is `N passed, N failed, N skipped`. Exit code: 0 when no test
failed, 1 when one did, 2 when the folder could not be read.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every test in a folder of BlockchainTests JSON files (searched recursively).
    #[command(after_help = EXAMPLES)]
    Run {
        /// Folder holding the tests, e.g. an unpacked `BlockchainTests/`.
        dir: PathBuf,
        /// Also write a JSON report here (per test: name, file, network, status, error).
        #[arg(long, value_name = "REPORT")]
        json: Option<PathBuf>,
        /// Only run tests whose name or file path contains this text.
        #[arg(long, value_name = "SUBSTR")]
        filter: Option<String>,
        /// Worker threads (default: one per core).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Do not draw the progress bar.
        #[arg(long)]
        quiet: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { dir, json, filter, jobs, quiet } => {
            let opts = RunOptions { filter, jobs, progress: !quiet };
            let report = match run_suite(&dir, &opts) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Some(path) = json
                && let Err(e) = report.write_json(&path)
            {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = report.write_summary(&mut stdout) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            if report.totals().failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}
