//! Outcomes of a suite run: the per-network table, the failure list, the JSON report.

use crate::runner::Outcome;
use serde::Serialize;
use std::{collections::BTreeMap, io, path::Path, time::Duration};

/// One test's outcome, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// Test name (the key in its file).
    pub name: String,
    /// File, relative to the suite folder.
    pub file: String,
    /// The test's `network`.
    pub network: String,
    /// What happened.
    pub outcome: Outcome,
}

/// Pass / fail / skip counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests that were skipped.
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Skipped(_) => self.skipped += 1,
        }
    }
}

/// Everything a suite run produced.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    /// Outcomes in file order, then test-name order.
    pub outcomes: Vec<TestOutcome>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    name: &'a str,
    file: &'a str,
    network: &'a str,
    status: &'static str,
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    totals: Counts,
    by_network: BTreeMap<&'a str, Counts>,
    elapsed_seconds: f64,
    tests: Vec<JsonEntry<'a>>,
}

impl SuiteReport {
    /// Totals over all tests.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        self.outcomes.iter().for_each(|o| c.add(&o.outcome));
        c
    }

    /// Counts per `network`.
    pub fn by_network(&self) -> BTreeMap<&str, Counts> {
        let mut m: BTreeMap<&str, Counts> = BTreeMap::new();
        for o in &self.outcomes {
            m.entry(o.network.as_str()).or_default().add(&o.outcome);
        }
        m
    }

    /// The failed tests.
    pub fn failures(&self) -> impl Iterator<Item = &TestOutcome> {
        self.outcomes.iter().filter(|o| matches!(o.outcome, Outcome::Failed(_)))
    }

    /// Writes the human summary: failures, skip reasons, the per-network table, the time,
    /// and last the line `N passed, N failed, N skipped`.
    pub fn write_summary(&self, out: &mut dyn io::Write) -> io::Result<()> {
        for o in self.failures() {
            if let Outcome::Failed(e) = &o.outcome {
                writeln!(out, "FAIL {} ({}) [{}]: {e}", o.name, o.file, o.network)?;
            }
        }
        let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &self.outcomes {
            if let Outcome::Skipped(reason) = &o.outcome {
                *skips.entry(reason.as_str()).or_default() += 1;
            }
        }
        for (reason, n) in skips {
            writeln!(out, "SKIP {n} test(s): {reason}")?;
        }
        let by_network = self.by_network();
        let width = by_network.keys().map(|k| k.len()).max().unwrap_or(0).max(7);
        writeln!(out)?;
        writeln!(out, "{:<width$} {:>8} {:>8} {:>8}", "network", "passed", "failed", "skipped")?;
        for (network, c) in &by_network {
            writeln!(out, "{network:<width$} {:>8} {:>8} {:>8}", c.passed, c.failed, c.skipped)?;
        }
        let t = self.totals();
        writeln!(out, "{:<width$} {:>8} {:>8} {:>8}", "total", t.passed, t.failed, t.skipped)?;
        writeln!(out)?;
        writeln!(out, "{} tests in {:.1} s", self.outcomes.len(), self.elapsed.as_secs_f64())?;
        writeln!(out, "{} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped)
    }

    /// Writes the JSON report: totals, counts per network, then one entry per test
    /// (`name`, `file`, `network`, `status`, `error`).
    pub fn write_json(&self, path: &Path) -> io::Result<()> {
        let tests = self
            .outcomes
            .iter()
            .map(|o| {
                let (status, error) = match &o.outcome {
                    Outcome::Passed => ("passed", None),
                    Outcome::Failed(e) => ("failed", Some(e.to_string())),
                    Outcome::Skipped(r) => ("skipped", Some(r.clone())),
                };
                JsonEntry { name: &o.name, file: &o.file, network: &o.network, status, error }
            })
            .collect();
        let report = JsonReport {
            totals: self.totals(),
            by_network: self.by_network(),
            elapsed_seconds: self.elapsed.as_secs_f64(),
            tests,
        };
        let file = std::fs::File::create(path)?;
        serde_json::to_writer_pretty(io::BufWriter::new(file), &report).map_err(io::Error::other)
    }
}
