//! Conformance runner: the Ethereum `BlockchainTests` suite through the stateless executor.
//!
//! Every block of every test is validated exactly as a prover would: the runner keeps the
//! full state of each accepted block itself, hands the executor a [`StatelessInput`]
//! holding the parent's whole state as trie nodes (through the wire format), and applies
//! the state diff the executor returns.
//!
//! # Steps per test ([`run_test`])
//! 1. Chain config from `network` ([`network::network`]); unknown networks are skipped.
//! 2. Genesis state from `pre`; its root and the genesis hash are checked.
//! 3. Blocks in order: `expectException` blocks must be rejected, the others accepted with
//!    the test's block hash. Side chains are followed by parent hash.
//! 4. The state at `lastblockhash` must equal `postState` (or hash to `postStateHash`).
//!
//! # Known gaps (suite at ethereum/tests 4c87ebbf)
//! - `Constantinople` (without Petersburg) is skipped: revm has no EIP-1283 rules and the
//!   executor refuses that configuration.
//! - EIP-7610 (a CREATE onto an address with storage but no code and nonce zero collides)
//!   is not implemented by revm: the `*Paris` collision tests of `stCreate2`, `stSStoreTest`
//!   and `stExtCodeHash` fail (9 tests; the executor rejects those valid blocks on gas used).
//!
//! [`StatelessInput`]: stateless_executor::StatelessInput

pub mod error;
pub mod fixture;
pub mod network;
pub mod report;
pub mod runner;
pub mod state;

pub use error::{BlockError, TestError};
pub use report::{Counts, SuiteReport, TestOutcome};
pub use runner::{Outcome, run_test};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::{
    path::{Path, PathBuf},
    time::Instant,
};

/// How to run a suite.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only tests whose name or file path contains this.
    pub filter: Option<String>,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// Why a suite could not be run at all (a test's own problems are [`TestError`]s).
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// The folder (or a file in it) cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// the path
        path: PathBuf,
        /// the cause
        source: std::io::Error,
    },
    /// The worker pool cannot be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Every `*.json` file under `dir`, sorted.
pub fn find_test_files(dir: &Path) -> Result<Vec<PathBuf>, SuiteError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let io = |source| SuiteError::Io { path: d.clone(), source };
        for entry in std::fs::read_dir(&d).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Runs every test under `dir` (a folder of BlockchainTests JSON files, searched
/// recursively), in parallel over files and tests.
///
/// 1. Find the files; count the tests that pass the filter (names only, cheap).
/// 2. Per file, in parallel: parse, then run each selected test ([`run_test`]).
/// 3. Collect the outcomes in file order.
///
/// # Assumptions
/// Files are small enough to hold in memory one per worker (the largest is a few MB).
pub fn run_suite(dir: &Path, opts: &RunOptions) -> Result<SuiteReport, SuiteError> {
    let start = Instant::now();
    let files = find_test_files(dir)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()
        .map_err(|e| SuiteError::Threads(e.to_string()))?;
    let outcomes = pool.install(|| -> Result<Vec<TestOutcome>, SuiteError> {
        let texts: Vec<(PathBuf, String)> = files
            .par_iter()
            .map(|p| {
                let text = std::fs::read_to_string(p)
                    .map_err(|source| SuiteError::Io { path: p.clone(), source })?;
                Ok((p.clone(), text))
            })
            .collect::<Result<_, SuiteError>>()?;
        let total: u64 = texts
            .par_iter()
            .map(|(p, text)| {
                let rel = relative(dir, p);
                fixture::test_names(text)
                    .map_or(1, |names| names.iter().filter(|n| selected(opts, &rel, n)).count())
                    as u64
            })
            .sum();
        let bar = progress_bar(opts.progress, total);
        let per_file: Vec<Vec<TestOutcome>> = texts
            .par_iter()
            .map(|(p, text)| run_file_text(&relative(dir, p), text, opts, &bar))
            .collect();
        bar.finish_and_clear();
        Ok(per_file.into_iter().flatten().collect())
    })?;
    Ok(SuiteReport { outcomes, elapsed: start.elapsed() })
}

/// Runs the selected tests of one file's text; `file` names it in the outcomes.
pub fn run_file_text(
    file: &str,
    text: &str,
    opts: &RunOptions,
    bar: &ProgressBar,
) -> Vec<TestOutcome> {
    let tests = match fixture::parse_file(text) {
        Ok(tests) => tests,
        Err(e) => {
            bar.inc(1);
            return vec![TestOutcome {
                name: file.to_string(),
                file: file.to_string(),
                network: "(unparsed)".into(),
                outcome: Outcome::Failed(TestError::Json(e.to_string())),
            }];
        }
    };
    let selected: Vec<_> = tests.iter().filter(|(name, _)| selected(opts, file, name)).collect();
    selected
        .par_iter()
        .map(|(name, test)| {
            let outcome = run_test(test);
            bar.inc(1);
            TestOutcome {
                name: (*name).clone(),
                file: file.to_string(),
                network: test.network.clone(),
                outcome,
            }
        })
        .collect()
}

fn selected(opts: &RunOptions, file: &str, name: &str) -> bool {
    opts.filter.as_deref().is_none_or(|f| name.contains(f) || file.contains(f))
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

fn progress_bar(show: bool, total: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {pos}/{len} tests ({per_sec}, eta {eta})",
    )
    .expect("valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}
