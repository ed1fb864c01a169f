//! Running the guest ELF (`executor-guest/guest`) in the zkVM emulator, and the figures of
//! a run: cycles, emulation speed, memory touched, and the split of the cycles across the
//! validation's [`Phase`]s (from the guest's `PHASE_MARK` syscalls).
//!
//! Fast mode ([`run_guest`]) is what `execute-block --emulate` and the tests use;
//! recording mode ([`run_guest_recording`]) emits every event in bounded chunks, as the
//! prover will consume them, and is timed by the benchmark.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use stateless_executor::Phase;
use zkvm_emulator::{EmuError, Emulator, ExecutionChunk, ExecutionSummary};

/// Cycles per chunk of a recording run: 2^22, the size of one proving shard.
pub const CHUNK_CYCLES: u64 = 1 << 22;

/// Where `make guest` (`executor-guest/guest/build.sh`) leaves the block-validator ELF.
pub fn default_guest_elf() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest.parent().unwrap_or(manifest);
    repo.join("executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/stateless-guest")
}

/// One fast-mode guest run: what the machine reported, its wall time and memory footprint.
#[derive(Debug, Clone)]
pub struct GuestRun {
    /// Exit code, output, cycles and phase marks.
    pub summary: ExecutionSummary,
    /// Wall time of the run (loading excluded).
    pub elapsed: Duration,
    /// Memory pages ([`zkvm_abi::memory::PAGE_BYTES`] each) the run touched: image, heap
    /// and stack.
    pub pages: usize,
}

impl GuestRun {
    /// Emulation speed in millions of cycles per second.
    pub fn mhz(&self) -> f64 {
        mhz(self.summary.cycles, self.elapsed)
    }

    /// Memory the run touched, in MiB (whole pages).
    pub fn touched_mib(&self) -> usize {
        (self.pages * zkvm_abi::memory::PAGE_BYTES as usize) >> 20
    }

    /// The run's cycles split by phase.
    pub fn phases(&self) -> PhaseSplit {
        PhaseSplit::from_summary(&self.summary)
    }
}

/// Run `elf` on `input` in fast mode.
pub fn run_guest(elf: &[u8], input: Vec<u8>) -> Result<GuestRun, EmuError> {
    let mut emulator = Emulator::new(elf, input)?;
    let start = Instant::now();
    let summary = emulator.execute()?;
    let elapsed = start.elapsed();
    Ok(GuestRun { summary, elapsed, pages: emulator.memory().allocated_pages() })
}

/// One recording-mode guest run. The events are counted and dropped chunk by chunk.
#[derive(Debug, Clone)]
pub struct RecordingRun {
    /// Exit code, output, cycles and phase marks (the same as in fast mode).
    pub summary: ExecutionSummary,
    /// Wall time of the run (loading excluded).
    pub elapsed: Duration,
    /// Chunks handed out.
    pub chunks: u64,
    /// Events recorded: instructions, memory accesses and register accesses.
    pub events: u64,
}

impl RecordingRun {
    /// Emulation speed in millions of cycles per second.
    pub fn mhz(&self) -> f64 {
        mhz(self.summary.cycles, self.elapsed)
    }
}

/// Run `elf` on `input` in recording mode, in chunks of `chunk_cycles` cycles (see
/// [`CHUNK_CYCLES`]), counting the events of each chunk and then discarding them.
pub fn run_guest_recording(
    elf: &[u8],
    input: Vec<u8>,
    chunk_cycles: u64,
) -> Result<RecordingRun, EmuError> {
    let mut emulator = Emulator::new(elf, input)?;
    let (mut chunks, mut events) = (0u64, 0u64);
    let start = Instant::now();
    let summary = emulator.execute_recording(chunk_cycles, |c: &ExecutionChunk| {
        chunks += 1;
        events += (c.instruction_count() + c.memory.len() + c.registers.len()) as u64;
    })?;
    let elapsed = start.elapsed();
    Ok(RecordingRun { summary, elapsed, chunks, events })
}

fn mhz(cycles: u64, elapsed: Duration) -> f64 {
    cycles as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6
}

/// A run's cycles split across the five [`Phase`]s.
///
/// Cycles before the guest's first mark (`_start` and `main`'s prologue, a handful) count
/// to [`Phase::InputDecode`], so the phases add up to the run's cycles. Marks with ids
/// that are not phases are counted in `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseSplit {
    /// Cycles of each phase, indexed by [`Phase::id`].
    pub cycles: [u64; Phase::ALL.len()],
    /// Cycles after marks that name no [`Phase`].
    pub other: u64,
    /// All cycles of the run.
    pub total: u64,
}

impl PhaseSplit {
    /// Split a run's cycles with its phase marks.
    pub fn from_summary(summary: &ExecutionSummary) -> Self {
        let mut cycles = [0; Phase::ALL.len()];
        let mut other = 0;
        cycles[Phase::InputDecode.id() as usize] = summary.unmarked_cycles();
        for (id, n) in summary.phase_cycles() {
            match Phase::from_id(id) {
                Some(phase) => cycles[phase.id() as usize] += n,
                None => other += n,
            }
        }
        PhaseSplit { cycles, other, total: summary.cycles }
    }

    /// Cycles of `phase`.
    pub fn get(&self, phase: Phase) -> u64 {
        self.cycles[phase.id() as usize]
    }

    /// Share of `phase` in the run, in percent.
    pub fn percent(&self, phase: Phase) -> f64 {
        100.0 * self.get(phase) as f64 / self.total.max(1) as f64
    }

    /// Whether the guest marked every phase (a run that stopped early, or a guest without
    /// marks, did not).
    pub fn is_complete(&self) -> bool {
        self.cycles.iter().skip(1).all(|&c| c > 0)
    }
}

/// One line per phase: name, cycles, percent.
impl fmt::Display for PhaseSplit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for phase in Phase::ALL {
            writeln!(
                f,
                "  {:<22}{:>15} cycles {:>6.1} %",
                phase.name(),
                self.get(phase),
                self.percent(phase)
            )?;
        }
        if self.other > 0 {
            writeln!(f, "  {:<22}{:>15} cycles", "unknown marks", self.other)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts_startup_to_input_decode_and_sums_to_total() {
        let summary = ExecutionSummary {
            exit_code: 0,
            output: Vec::new(),
            cycles: 100,
            phase_marks: vec![(0, 3), (1, 10), (2, 20), (1, 30), (3, 50), (4, 90), (9, 95)],
        };
        let split = PhaseSplit::from_summary(&summary);
        assert_eq!(split.cycles, [10, 10 + 20, 10, 40, 5]);
        assert_eq!(split.other, 5);
        assert_eq!(split.cycles.iter().sum::<u64>() + split.other, split.total);
        assert!(split.is_complete());
        assert!((split.percent(Phase::Execution) - 40.0).abs() < 1e-9);
    }
}
