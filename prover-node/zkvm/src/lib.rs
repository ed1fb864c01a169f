//! The zkVM's prover and verifier: prove that an RV32IM program ran to `HALT` on an input,
//! and check such a proof.
//!
//! ```text
//! let program = Program::from_elf(&elf)?;
//! let prover = Prover::<DefaultConfig>::new(&program)?;        // keys: commits the ROM and image
//! let proof = prover.prove(&input)?;                            // emulate, trace, STARK
//! let vk = ProgramVerifyingKey::<DefaultConfig>::new(&program)?; // or prover.verifying_key()
//! let public = verify(&vk, &proof)?;                            // PublicValues
//! public.check_input(&input)?;                                  // the bytes read are `input`'s
//! ```
//!
//! # What a verified proof says
//!
//! [`verify`] returns [`PublicValues`]: the [`ProgramId`] (the verifying key's, which binds
//! the program's code, initial memory and entry point), the input's length, the number of
//! input bytes the program read and their digest ([`input_digest`] of `input[..read]`, a
//! Poseidon2 sponge computed inside the proof over exactly the bytes the program read), the
//! output bytes (committed with `COMMIT_OUTPUT`; the proof
//! carries a digest of them and the bytes beside it), and the exit code. The run starts at
//! the ELF's entry with the machine's initial registers and ends with `HALT`.
//!
//! A run is proven in shards of at most [`MAX_CYCLES`] cycles ([`ProveOptions`]); each
//! shard's public values carry its state in and out (pc, registers, the Merkle root of the
//! RAM, the stream cursors), and [`verify`] chains them.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod chain;
mod error;
mod key;
mod proof;
#[cfg(feature = "prover")]
pub mod spool;

#[cfg(feature = "prover")]
use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

#[cfg(feature = "prover")]
use zkvm_machine::chips::program::ProgramRom;
#[cfg(feature = "prover")]
use zkvm_machine::execution;
pub use zkvm_machine::execution::StreamSlice;
#[cfg(feature = "prover")]
use zkvm_machine::execution::{ExecutionRecord, program_machine};
use zkvm_machine::memory_root::Digest;
use zkvm_machine::{MachineAir, MachineTraces};
use zkvm_stark::{Keys, MachineProof, ProvingKey, Val, VerifyingKey};

pub use error::ZkvmError;
pub use key::{VERIFYING_KEY_HEADER_LEN, VERIFYING_KEY_MAGIC, VERIFYING_KEY_VERSION};
pub use zkvm_stark::{DefaultConfig, HighSecurityConfig, MachineConfig};

/// A STARK configuration the zkVM proves with: [`DefaultConfig`] (≥ 100 conjectured bits)
/// or [`HighSecurityConfig`] (≥ 128). Implemented for those two only, so the backend's
/// trait bounds are met by concrete types.
pub trait ZkvmConfig: MachineConfig + Sized {
    /// `zkvm_stark::setup` for this configuration.
    ///
    /// # Errors
    ///
    /// As `zkvm_stark::setup`.
    fn setup_machine(
        &self,
        airs: Vec<MachineAir>,
    ) -> Result<Keys<Self, MachineAir>, zkvm_stark::ProveError>;
    /// `zkvm_stark::prove_machine` for this configuration.
    ///
    /// # Errors
    ///
    /// As `zkvm_stark::prove_machine`.
    fn prove_machine(
        &self,
        pk: &ProvingKey<Self, MachineAir>,
        traces: &MachineTraces<Val>,
    ) -> Result<MachineProof<Self>, zkvm_stark::ProveError>;
    /// `zkvm_stark::verify_machine` for this configuration.
    ///
    /// # Errors
    ///
    /// As `zkvm_stark::verify_machine`.
    fn verify_machine(
        &self,
        vk: &VerifyingKey<Self, MachineAir>,
        proof: &MachineProof<Self>,
    ) -> Result<(), zkvm_stark::VerifyError>;
    /// `zkvm_stark::verifying_key_from_bytes` for this configuration.
    ///
    /// # Errors
    ///
    /// As `zkvm_stark::verifying_key_from_bytes`.
    fn key_from_bytes(
        &self,
        airs: Vec<MachineAir>,
        bytes: &[u8],
    ) -> Result<VerifyingKey<Self, MachineAir>, zkvm_stark::DecodeError>;
    /// `zkvm_stark::MachineShape::of` for this configuration.
    fn machine_shape(
        vk: &VerifyingKey<Self, MachineAir>,
        log_rows: usize,
    ) -> zkvm_stark::MachineShape;
}

macro_rules! impl_zkvm_config {
    ($config:ty) => {
        impl ZkvmConfig for $config {
            fn setup_machine(
                &self,
                airs: Vec<MachineAir>,
            ) -> Result<Keys<Self, MachineAir>, zkvm_stark::ProveError> {
                zkvm_stark::setup(self, airs)
            }

            fn prove_machine(
                &self,
                pk: &ProvingKey<Self, MachineAir>,
                traces: &MachineTraces<Val>,
            ) -> Result<MachineProof<Self>, zkvm_stark::ProveError> {
                zkvm_stark::prove_machine(self, pk, &traces.traces, &traces.public_values)
            }

            fn verify_machine(
                &self,
                vk: &VerifyingKey<Self, MachineAir>,
                proof: &MachineProof<Self>,
            ) -> Result<(), zkvm_stark::VerifyError> {
                zkvm_stark::verify_machine(self, vk, proof)
            }

            fn key_from_bytes(
                &self,
                airs: Vec<MachineAir>,
                bytes: &[u8],
            ) -> Result<VerifyingKey<Self, MachineAir>, zkvm_stark::DecodeError> {
                zkvm_stark::verifying_key_from_bytes(self, airs, bytes)
            }

            fn machine_shape(
                vk: &VerifyingKey<Self, MachineAir>,
                log_rows: usize,
            ) -> zkvm_stark::MachineShape {
                zkvm_stark::MachineShape::of(vk, log_rows)
            }
        }
    };
}

impl_zkvm_config!(DefaultConfig);
impl_zkvm_config!(HighSecurityConfig);
#[cfg(feature = "std")]
pub use proof::ProofReader;
pub use proof::{
    PROGRAM_PROOF_HEADER_LEN, PROGRAM_PROOF_MAGIC, PROGRAM_PROOF_VERSION, Proof, encode_header,
    encode_shard,
};

/// Most cycles one proof holds: the CPU's timestamps (`4·(cycle + 1) + 3`) must stay
/// within the memory gadget's 2^24 gap for a register untouched since the start.
pub const MAX_CYCLES: u64 = (1 << 22) - 2;

/// The identity of a program under a configuration: the SHA-256 of its verifying key
/// (configuration id, entry point, code and image spans, the image's Merkle root, the STARK
/// commitment to the preprocessed columns and their layout; see
/// [`ProgramVerifyingKey::to_bytes`]). Two keys with the same id verify the same proofs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramId(pub [u8; 32]);

impl fmt::Display for ProgramId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ProgramId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProgramId({self})")
    }
}

/// A program of the machine: its ELF, decoded.
#[cfg(feature = "prover")]
#[derive(Debug, Clone)]
pub struct Program {
    elf: Vec<u8>,
    rom: ProgramRom,
}

#[cfg(feature = "prover")]
impl Program {
    /// Decode `elf` (RV32IM, code below 2^30).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Program`] if it does not load.
    pub fn from_elf(elf: &[u8]) -> Result<Self, ZkvmError> {
        let rom = ProgramRom::from_elf(elf).map_err(|e| ZkvmError::Program(e.to_string()))?;
        Ok(Program { elf: elf.to_vec(), rom })
    }

    /// The ELF bytes.
    pub fn elf(&self) -> &[u8] {
        &self.elf
    }

    /// The decoded code and initial memory.
    pub fn rom(&self) -> &ProgramRom {
        &self.rom
    }
}

/// What a verifier needs to check proofs of one program: the chips' key and the program's
/// shape. Built from the program ([`ProgramVerifyingKey::new`], prover feature) or decoded
/// from a key file ([`ProgramVerifyingKey::from_bytes`], no_std).
pub struct ProgramVerifyingKey<SC: ZkvmConfig> {
    config: SC,
    vk: VerifyingKey<SC, MachineAir>,
    shape: key::ProgramShape,
    program_id: ProgramId,
}

impl<SC: ZkvmConfig> ProgramVerifyingKey<SC> {
    /// The program's identity.
    pub fn program_id(&self) -> ProgramId {
        self.program_id
    }

    /// The Merkle root of the program's initial memory (its image): the first shard's
    /// memory root.
    pub fn initial_root(&self) -> Digest {
        self.shape.initial_root
    }

    /// The address of the program's first instruction.
    pub fn entry(&self) -> u32 {
        self.shape.entry
    }

    /// The STARK verifying key.
    pub fn stark_key(&self) -> &VerifyingKey<SC, MachineAir> {
        &self.vk
    }

    /// Conjectured and provable security of proofs under this key whose tallest trace has
    /// `2^log_rows` rows (the DEEP, LogUp and batching terms weaken as traces grow).
    pub fn security(&self, log_rows: usize) -> zkvm_stark::SecurityReport {
        zkvm_stark::security_report(&SC::PARAMS, &SC::machine_shape(&self.vk, log_rows))
    }
}

/// The STARK keys of `program`'s machine, and its verifying key with the program id.
#[cfg(feature = "prover")]
fn setup_program<SC: ZkvmConfig>(
    program: &Program,
) -> Result<(ProvingKey<SC, MachineAir>, ProgramVerifyingKey<SC>), ZkvmError> {
    let config = SC::build();
    let (pk, vk) = config.setup_machine(program_machine(program.rom.clone()))?;
    let rom = &program.rom;
    let shape = key::ProgramShape {
        entry: rom.entry,
        code_base: rom.base,
        code_words: rom.instructions.len() as u32,
        memory_start: rom.memory.start,
        memory_words: rom.memory.words.len() as u32,
        initial_root: execution::image_memory(&rom.memory).root(),
    };
    let program_id = key::program_id(&key::encode::<SC>(&shape, &vk));
    Ok((pk, ProgramVerifyingKey { config, vk, shape, program_id }))
}

/// How a run is cut into shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProveOptions {
    /// Cycles per shard (the last one may be shorter): 1 ..= [`MAX_CYCLES`].
    pub shard_cycles: u64,
    /// Prove every shard in a catalogue shape
    /// (`zkvm_machine::execution::shape::shard_shape`): `shard_cycles` must then be `2^l`
    /// with `l` in the catalogue; a shard also ends early when a chip would outgrow `S(l)`
    /// (a cut by capacity), every trace is padded to `S(l)`, and the last shard takes the
    /// smallest shape that holds it. The shapes a recursive verifier needs; costs the
    /// padding (+9.7% cells per shard on the guest's mainnet mix at `l = 21`).
    pub fixed_shapes: bool,
}

/// Cycles per shard by default: 2^21 keeps one shard's proving under ~6 GiB for ALU code
/// and under ~12 GiB for Keccak-heavy stretches on this machine (see the README's figures).
pub const DEFAULT_SHARD_CYCLES: u64 = 1 << 21;

impl Default for ProveOptions {
    fn default() -> Self {
        ProveOptions { shard_cycles: DEFAULT_SHARD_CYCLES, fixed_shapes: false }
    }
}

/// Figures of one proven shard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShardStats {
    /// Index of the shard, from 0.
    pub index: usize,
    /// Cycles in the shard.
    pub cycles: u64,
    /// Seconds generating its traces.
    pub trace_s: f64,
    /// Seconds in the STARK prover.
    pub prove_s: f64,
    /// Committed main-trace cells (Σ width × height).
    pub cells: u64,
    /// Encoded size of its proof in bytes.
    pub proof_bytes: usize,
    /// The proof was kept from an earlier attempt ([`spool::ShardStore::get`]): its traces
    /// were generated again and matched, the STARK was not run (`prove_s` is 0).
    pub resumed: bool,
}

/// Figures of one proof.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProveStats {
    /// Cycles of the run.
    pub cycles: u64,
    /// Seconds in the emulator (the fast run, and the recording run's own time).
    pub emulate_s: f64,
    /// Seconds generating traces (all shards).
    pub trace_s: f64,
    /// Seconds in the STARK prover (all shards).
    pub prove_s: f64,
    /// `(chip name, width, height)` of every chip's main trace of the first shard.
    pub traces: Vec<(&'static str, usize, usize)>,
    /// Figures of each shard.
    pub shards: Vec<ShardStats>,
}

impl ProveStats {
    /// Committed main-trace cells (Σ width × height over all shards).
    pub fn cells(&self) -> u64 {
        self.shards.iter().map(|s| s.cells).sum()
    }
}

/// What a fast run of the program says before proving: the prover needs the cycle count
/// (how many shards) and the output (the proof's header) first.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Cycles to `HALT`.
    pub cycles: u64,
    /// The exit code.
    pub exit_code: u32,
    /// The committed output.
    pub output: Vec<u8>,
    /// Seconds of the fast run.
    pub seconds: f64,
}

/// Proves runs of one program (holds its proving key).
#[cfg(feature = "prover")]
pub struct Prover<SC: ZkvmConfig = DefaultConfig> {
    config: SC,
    program: Program,
    pk: ProvingKey<SC, MachineAir>,
    vk: ProgramVerifyingKey<SC>,
}

#[cfg(feature = "prover")]
impl<SC: ZkvmConfig> Prover<SC> {
    /// The keys of `program`: commits its ROM and the fixed tables, and hashes its initial
    /// memory into a Merkle root.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Prove`] if the key cannot be built (a machine bug).
    pub fn new(program: &Program) -> Result<Self, ZkvmError> {
        let (pk, vk) = setup_program(program)?;
        Ok(Prover { config: SC::build(), program: program.clone(), pk, vk })
    }

    /// The verifying key of the program.
    pub fn verifying_key(&self) -> &ProgramVerifyingKey<SC> {
        &self.vk
    }

    /// Run the program on `input` in the emulator's fast mode (no recording).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::InputTooLong`], [`ZkvmError::Fault`], [`ZkvmError::OutputTooLong`].
    pub fn execute(&self, input: &[u8]) -> Result<RunSummary, ZkvmError> {
        let max_stream = u64::from(zkvm_machine::bus::IO_MAX_STREAM_LEN) - 1;
        if input.len() as u64 > max_stream {
            return Err(ZkvmError::InputTooLong { max: max_stream, got: input.len() as u64 });
        }
        let started = std::time::Instant::now();
        let summary = zkvm_emulator::Emulator::new(&self.program.elf, input.to_vec())
            .and_then(|mut emu| emu.execute())
            .map_err(|e| ZkvmError::Fault(e.to_string()))?;
        if summary.output.len() as u64 > max_stream {
            return Err(ZkvmError::OutputTooLong {
                max: max_stream,
                got: summary.output.len() as u64,
            });
        }
        Ok(RunSummary {
            cycles: summary.cycles,
            exit_code: summary.exit_code,
            output: summary.output,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Prove one run on `input`, in shards of [`DEFAULT_SHARD_CYCLES`].
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Fault`] if the program faults, [`ZkvmError::InputTooLong`] /
    /// [`ZkvmError::OutputTooLong`] past the stream limit.
    pub fn prove(&self, input: &[u8]) -> Result<Proof<SC>, ZkvmError> {
        self.prove_with(input, ProveOptions::default(), |_| {}).map(|(proof, _)| proof)
    }

    /// [`Prover::prove`], with figures.
    ///
    /// # Errors
    ///
    /// As [`Prover::prove`].
    pub fn prove_with_stats(&self, input: &[u8]) -> Result<(Proof<SC>, ProveStats), ZkvmError> {
        self.prove_with(input, ProveOptions::default(), |_| {})
    }

    /// Prove one run on `input` cut into shards of `options.shard_cycles` cycles, calling
    /// `on_shard` after each shard is proven (progress). One shard's events and traces are
    /// in memory at a time: the emulator records a shard, its traces are generated and
    /// proven, then dropped before the next one is recorded.
    ///
    /// # Errors
    ///
    /// As [`Prover::prove`]; [`ZkvmError::ShardCycles`] for a shard size outside
    /// `1..=MAX_CYCLES`.
    pub fn prove_with(
        &self,
        input: &[u8],
        options: ProveOptions,
        on_shard: impl FnMut(&ShardStats),
    ) -> Result<(Proof<SC>, ProveStats), ZkvmError> {
        let summary = self.execute(input)?;
        self.prove_run(input, &summary, options, on_shard, |_, _| {})
    }

    /// Prove with each shard's traces changed by `hook(shard index, traces)` first: a
    /// *malicious prover*, for negative tests only (the proof of a changed trace must be
    /// rejected by [`verify`]). In debug builds Plonky3's constraint checker panics on a
    /// trace that breaks a constraint.
    ///
    /// # Errors
    ///
    /// As [`Prover::prove_with`].
    #[doc(hidden)]
    pub fn prove_with_trace_hook(
        &self,
        input: &[u8],
        options: ProveOptions,
        hook: impl FnMut(usize, &mut MachineTraces<Val>),
    ) -> Result<Proof<SC>, ZkvmError> {
        let summary = self.execute(input)?;
        self.prove_run(input, &summary, options, |_| {}, hook).map(|(proof, _)| proof)
    }

    /// Prove the run `summary` describes (from [`Prover::execute`] on the same `input`).
    ///
    /// # Errors
    ///
    /// As [`Prover::prove_with`].
    pub fn prove_run(
        &self,
        input: &[u8],
        summary: &RunSummary,
        options: ProveOptions,
        on_shard: impl FnMut(&ShardStats),
        hook: impl FnMut(usize, &mut MachineTraces<Val>),
    ) -> Result<(Proof<SC>, ProveStats), ZkvmError> {
        let mut store = spool::MemoryStore::default();
        let stats = self.prove_into(input, summary, options, &mut store, on_shard, hook)?;
        let proof = Proof {
            program_id: self.vk.program_id,
            exit_code: summary.exit_code,
            output: summary.output.clone(),
            shards: store.shards,
        };
        Ok((proof, stats))
    }

    /// Prove the run `summary` describes, putting each shard's proof in `store` as soon as
    /// it is proven (the proof's header is `summary`'s program id, exit code and output).
    /// A shard the store already holds is not proven again if its public values are the
    /// ones this run produces (its traces are generated to know them) and its STARK
    /// verifies under this prover's key: that resumes an interrupted proof
    /// ([`spool::SpoolDir`]).
    ///
    /// # Errors
    ///
    /// As [`Prover::prove_with`]; [`ZkvmError::Spool`] from the store, or if a kept shard's
    /// public values are not this run's or its STARK does not verify; [`ZkvmError::Fault`] if the recording run ends
    /// otherwise than `summary` says.
    pub fn prove_into(
        &self,
        input: &[u8],
        summary: &RunSummary,
        options: ProveOptions,
        store: &mut impl spool::ShardStore<SC>,
        mut on_shard: impl FnMut(&ShardStats),
        mut hook: impl FnMut(usize, &mut MachineTraces<Val>),
    ) -> Result<ProveStats, ZkvmError> {
        let mut stats = ProveStats { cycles: summary.cycles, ..ProveStats::default() };
        stats.emulate_s = summary.seconds;
        let started = std::time::Instant::now();
        let recorded =
            self.for_each_shard(input, options, false, |index, cycles, mut traces, trace_s, _| {
                hook(index, &mut traces);
                let shapes = self.shapes(&traces);
                let kept = store.get(index)?;
                let resumed = kept.is_some();
                let t = std::time::Instant::now();
                let machine = match kept {
                    Some(kept) if same_values(&kept.public_values, &traces.public_values) => {
                        // A kept proof made by another build of the prover (other chips)
                        // would only fail at the end: check it now (milliseconds).
                        if let Err(e) = self.config.verify_machine(&self.vk.vk, &kept) {
                            return Err(ZkvmError::Spool(alloc::format!(
                                "the kept proof of shard {index} does not verify under this prover's key ({e}); delete it to prove the shard again"
                            )));
                        }
                        kept
                    }
                    Some(_) => {
                        return Err(ZkvmError::Spool(alloc::format!(
                            "the kept proof of shard {index} has other public values than this run's shard; delete it to prove the shard again"
                        )));
                    }
                    None => {
                        let proven = self.config.prove_machine(&self.pk, &traces);
                        drop(traces);
                        proven?
                    }
                };
                let prove_s = t.elapsed().as_secs_f64();
                let shard = ShardStats {
                    index,
                    cycles,
                    trace_s,
                    prove_s: if resumed { 0.0 } else { prove_s },
                    cells: cells(&shapes),
                    proof_bytes: proof::encode_shard(&machine).len(),
                    resumed,
                };
                if index == 0 {
                    stats.traces = shapes;
                }
                stats.trace_s += trace_s;
                stats.prove_s += shard.prove_s;
                store.put(index, machine)?;
                on_shard(&shard);
                stats.shards.push(shard);
                Ok(())
            })?;
        if recorded.exit_code != summary.exit_code || recorded.output != summary.output {
            return Err(ZkvmError::Fault(
                "the recording run ended otherwise than the fast run (exit code or output)"
                    .to_string(),
            ));
        }
        let elapsed = started.elapsed().as_secs_f64();
        stats.emulate_s += (elapsed - stats.trace_s - stats.prove_s).max(0.0);
        Ok(stats)
    }

    /// Record the run and generate every shard's traces without proving them: what
    /// proving would cost (per shard: cycles, each chip's `(name, width, height)`), for
    /// planning and for choosing shard shapes. Memory is bounded by one shard, as in
    /// [`Prover::prove_with`].
    ///
    /// # Errors
    ///
    /// As [`Prover::prove_with`], without the STARK's.
    pub fn plan(
        &self,
        input: &[u8],
        options: ProveOptions,
        mut on_shard: impl FnMut(&ShardPlan),
    ) -> Result<Vec<ShardPlan>, ZkvmError> {
        let mut plans = Vec::new();
        self.for_each_shard(input, options, true, |index, cycles, traces, trace_s, counted| {
            let plan = ShardPlan {
                index,
                cycles,
                trace_s,
                traces: self.shapes(&traces),
                counted_rows: counted.to_vec(),
            };
            drop(traces);
            on_shard(&plan);
            plans.push(plan);
            Ok(())
        })?;
        Ok(plans)
    }

    /// `(chip name, width, height)` of every main trace.
    fn shapes(&self, traces: &MachineTraces<Val>) -> Vec<(&'static str, usize, usize)> {
        self.pk
            .airs()
            .iter()
            .zip(&traces.traces)
            .map(|(air, t)| (air.name(), t.width, p3_matrix::Matrix::height(t)))
            .collect()
    }

    /// Record the run in shards of `options.shard_cycles` and hand each shard's traces to
    /// `f(index, cycles, traces, seconds generating them, row counts)`, one shard at a time;
    /// stop at the first error `f` returns. The row counts (every chip's rows from the
    /// events) come from the cut's counter with fixed shapes, are counted when `count_rows`
    /// asks (planning), and are empty otherwise (proving does not need them).
    fn for_each_shard(
        &self,
        input: &[u8],
        options: ProveOptions,
        count_rows: bool,
        mut f: impl FnMut(usize, u64, MachineTraces<Val>, f64, &[usize]) -> Result<(), ZkvmError>,
    ) -> Result<zkvm_emulator::ExecutionSummary, ZkvmError> {
        if !(1..=MAX_CYCLES).contains(&options.shard_cycles) {
            return Err(ZkvmError::ShardCycles { max: MAX_CYCLES, got: options.shard_cycles });
        }
        let top_shape = if options.fixed_shapes {
            let l = options.shard_cycles.trailing_zeros();
            match execution::shape::shard_shape(l) {
                Some(shape) if options.shard_cycles.is_power_of_two() => Some((l, shape)),
                _ => return Err(ZkvmError::ShapeCycles { got: options.shard_cycles }),
            }
        } else {
            None
        };
        let rom = &self.program.rom;
        let mut memory = execution::image_memory(&rom.memory);
        let mut cursors = (0u32, 0u32);
        let mut index = 0;
        let mut failure = None;
        // The cut's row counter serves both the emulator's `room` and the shard's counts.
        let cut = core::cell::RefCell::new(top_shape.map(|(_, shape)| {
            execution::rows::CapacityCut::new(execution::shape::shape_rows(&shape))
        }));
        let room = |chunk: &zkvm_emulator::ExecutionChunk| {
            cut.borrow_mut().as_mut().map_or(u64::MAX, |cut| cut.room(chunk))
        };
        let recorded = zkvm_emulator::Emulator::new(&self.program.elf, input.to_vec()).and_then(
            |mut emulator| {
                emulator.execute_recording_with_room(options.shard_cycles, room, |chunk| {
                    if failure.is_some() {
                        return;
                    }
                    let t = std::time::Instant::now();
                    let counted = match cut.borrow_mut().as_mut() {
                        Some(cut) => Some(cut.rows(chunk)),
                        None => count_rows.then(|| execution::rows::shard_rows(chunk)),
                    };
                    let min_heights = match top_shape {
                        None => [0; execution::chip_index::COUNT],
                        Some((l, top)) => match fixed_shape(
                            index,
                            l,
                            &top,
                            counted.as_ref().expect("counted by the cut"),
                            chunk,
                        ) {
                            Ok(shape) => execution::shape::shape_rows(&shape),
                            Err(e) => {
                                failure = Some(e);
                                return;
                            }
                        },
                    };
                    let record = ExecutionRecord::from_chunk(chunk, input, cursors.0, cursors.1);
                    let end = record.shard_end();
                    cursors = (end.input_cursor, end.output_cursor);
                    let traces =
                        record.generate_traces_padded::<Val>(rom, &mut memory, &min_heights);
                    drop(record);
                    let trace_s = t.elapsed().as_secs_f64();
                    let counted = counted.as_ref().map_or(&[][..], |rows| &rows[..]);
                    if let Err(e) = f(index, chunk.cycles(), traces, trace_s, counted) {
                        failure = Some(e);
                    }
                    index += 1;
                })
            },
        );
        if let Some(e) = failure {
            return Err(e);
        }
        recorded.map_err(|e| ZkvmError::Fault(e.to_string()))
    }
}

/// The catalogue shape shard `index` is proven in: `S(l)` for a shard the cut ended, the
/// smallest shape that holds the last one. A shard the cut could not bound (one IO call
/// longer than the shape holds) is [`ZkvmError::ShapeOverflow`].
#[cfg(feature = "prover")]
fn fixed_shape(
    index: usize,
    l: u32,
    top: &[u8; execution::chip_index::COUNT],
    counted: &[usize; execution::chip_index::COUNT],
    chunk: &zkvm_emulator::ExecutionChunk,
) -> Result<[u8; execution::chip_index::COUNT], ZkvmError> {
    use execution::shape::{SHAPE_LOG_CYCLES, fits, shape_rows, shard_shape};
    if chunk.exit_code.is_some() {
        let smallest = (*SHAPE_LOG_CYCLES.start()..=l)
            .filter_map(shard_shape)
            .find(|shape| fits(counted, shape));
        if let Some(shape) = smallest {
            return Ok(shape);
        }
    } else if fits(counted, top) {
        return Ok(*top);
    }
    let caps = shape_rows(top);
    let chip = (0..counted.len()).find(|&c| caps[c] > 0 && counted[c] > caps[c]).unwrap_or(0);
    Err(ZkvmError::ShapeOverflow {
        shard: index,
        chip,
        rows: counted[chip] as u64,
        cap: caps[chip] as u64,
    })
}

/// Whether two lists of per-chip public values are equal element by element.
#[cfg(feature = "prover")]
fn same_values<F: p3_field::PrimeField64, G: p3_field::PrimeField64>(
    a: &[Vec<F>],
    b: &[Vec<G>],
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter().zip(y).all(|(u, v)| u.as_canonical_u64() == v.as_canonical_u64())
        })
}

/// Committed main-trace cells of `(chip name, width, height)` traces: Σ width × height.
fn cells(traces: &[(&'static str, usize, usize)]) -> u64 {
    traces.iter().map(|&(_, w, h)| (w * h) as u64).sum()
}

/// What one shard would cost to prove ([`Prover::plan`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ShardPlan {
    /// Index of the shard, from 0.
    pub index: usize,
    /// Cycles in the shard.
    pub cycles: u64,
    /// Seconds generating its traces.
    pub trace_s: f64,
    /// `(chip name, width, height)` of every chip's main trace.
    pub traces: Vec<(&'static str, usize, usize)>,
    /// Every chip's rows before padding as counted from the emulator's events
    /// (`zkvm_machine::execution::rows::shard_rows`: what a cut by capacity sees; 0 for the
    /// fixed-height chips).
    pub counted_rows: Vec<usize>,
}

impl ShardPlan {
    /// Committed main-trace cells (Σ width × height).
    pub fn cells(&self) -> u64 {
        cells(&self.traces)
    }

    /// The shard's shape: each chip's log2 height, in chip order.
    pub fn shape(&self) -> Vec<u8> {
        self.traces.iter().map(|&(_, _, h)| h.trailing_zeros() as u8).collect()
    }
}

#[cfg(feature = "prover")]
impl<SC: ZkvmConfig> ProgramVerifyingKey<SC> {
    /// The verifying key of `program` (the same as [`Prover::verifying_key`]'s).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Prove`] if the key cannot be built (a machine bug).
    pub fn new(program: &Program) -> Result<Self, ZkvmError> {
        setup_program(program).map(|(_, vk)| vk)
    }
}

/// What a verified proof establishes (see the crate docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicValues {
    /// The program.
    pub program_id: ProgramId,
    /// The input's length in bytes (what `INPUT_LEN` answered from).
    pub input_len: u32,
    /// The number of input bytes the program read (a prefix of the input).
    pub input_read: u32,
    /// The input bytes each shard read, in order, with their [`input_digest`]: together
    /// they cover `input[..input_read]` without gap or overlap.
    pub input_slices: Vec<StreamSlice>,
    /// The bytes committed with `COMMIT_OUTPUT`, in order.
    pub output: Vec<u8>,
    /// The `HALT` exit code.
    pub exit_code: u32,
    /// Number of shards the run was proven in.
    pub shards: usize,
    /// Every shard's trace heights are a shape of the catalogue
    /// (`zkvm_machine::execution::shape`): the proof was made with fixed shapes, as a
    /// recursive verifier needs. The heights are the ones the STARK verified.
    pub fixed_shapes: bool,
}

impl PublicValues {
    /// Check that the proven input is `input`: its length is the proven length, and the
    /// bytes each shard read have the proven digest. The proof binds only the bytes the
    /// program read (and the length): bytes past them never reached the program, so
    /// another input that agrees on both passes.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::InputMismatch`] if it is not.
    pub fn check_input(&self, input: &[u8]) -> Result<(), ZkvmError> {
        let slice_matches = |s: &StreamSlice| {
            let end = s.start as usize + s.len as usize;
            input
                .get(s.start as usize..end)
                .is_some_and(|bytes| input_digest(bytes).is_ok_and(|d| d == s.digest))
        };
        if input.len() as u64 == u64::from(self.input_len)
            && self.input_slices.iter().all(slice_matches)
        {
            return Ok(());
        }
        Err(ZkvmError::InputMismatch { got_len: u64::from(self.input_len) })
    }
}

/// The digest a proof commits to for an input (or output) stream: a Poseidon2 sponge over
/// KoalaBear (see `zkvm_machine::io_digest`).
///
/// # Errors
///
/// [`ZkvmError::InputTooLong`] past the stream limit.
pub fn input_digest(bytes: &[u8]) -> Result<[u32; 8], ZkvmError> {
    let max = u64::from(zkvm_machine::bus::IO_MAX_STREAM_LEN) - 1;
    if bytes.len() as u64 > max {
        return Err(ZkvmError::InputTooLong { max, got: bytes.len() as u64 });
    }
    zkvm_machine::io_digest::io_digest(bytes)
        .map_err(|_| ZkvmError::InputTooLong { max, got: bytes.len() as u64 })
}

/// Prove one run of `program` on `input` with the default configuration (builds the
/// keys; use [`Prover`] to prove several inputs).
///
/// # Errors
///
/// As [`Prover::new`] and [`Prover::prove`].
#[cfg(feature = "prover")]
pub fn prove(program: &Program, input: &[u8]) -> Result<Proof<DefaultConfig>, ZkvmError> {
    Prover::<DefaultConfig>::new(program)?.prove(input)
}

/// Check `proof` against `vk` and return what it proves.
///
/// 1. The proof is for the key's program ([`ZkvmError::ProgramMismatch`]).
/// 2. Every chip's public values have its length; the STARK verifies (constraints, buses,
///    FRI): [`ZkvmError::Stark`].
/// 3. The CPU's and the register file's public values show a run from the entry, with the
///    ABI's initial registers, that halted; the claimed exit code is the proven one.
/// 4. Both streams start at position 0 and each sponge hashed exactly the bytes the IO
///    calls moved; the output beside the proof has the proven length and digest.
///
/// The shards' STARKs are checked on every core (`parallel` feature), the chain in order
/// ([`chain`]); [`verify_reader`] does the same from a file without holding the proof.
///
/// # Errors
///
/// The first check that fails, in execution order; never a panic on untrusted proofs.
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify<SC>(
    vk: &ProgramVerifyingKey<SC>,
    proof: &Proof<SC>,
) -> Result<PublicValues, ZkvmError>
where
    SC: ZkvmConfig + Sync,
    MachineProof<SC>: Sync,
    ProgramVerifyingKey<SC>: Sync,
{
    let header = chain::ProofHeader {
        program_id: proof.program_id,
        exit_code: proof.exit_code,
        output: proof.output.clone(),
        shard_count: proof.shards.len(),
    };
    let mut chain = chain::ChainVerifier::new(vk, header)?;
    for checked in chain::check_shards(vk, 0, &proof.shards) {
        chain.push(checked?)?;
    }
    chain.finish()
}

/// [`verify`] for a proof read from `reader` (the `ZKPR` format) as it is checked: a batch
/// of shard proofs (two per core) is decoded and checked at a time, so memory holds a
/// batch, not the proof (a mainnet block's is ~1.2 GB).
///
/// # Errors
///
/// As [`verify`]; [`ZkvmError::Decode`] for a malformed or truncated file and
/// [`ZkvmError::Read`] if reading fails, at the first shard where they occur.
#[cfg(feature = "std")]
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify_reader<SC, R>(
    vk: &ProgramVerifyingKey<SC>,
    reader: R,
) -> Result<PublicValues, ZkvmError>
where
    SC: ZkvmConfig + Sync,
    MachineProof<SC>: Sync,
    ProgramVerifyingKey<SC>: Sync,
    R: std::io::Read,
{
    let (mut shards, header) = proof::ProofReader::<R, SC>::new(reader)?;
    let mut chain = chain::ChainVerifier::new(vk, header)?;
    let batch_len = 2 * p3_maybe_rayon::prelude::current_num_threads().max(1);
    let mut batch = Vec::with_capacity(batch_len);
    loop {
        batch.clear();
        while batch.len() < batch_len {
            match shards.next_shard()? {
                Some(shard) => batch.push(shard),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        for checked in chain::check_shards(vk, chain.next_index(), &batch) {
            chain.push(checked?)?;
        }
    }
    chain.finish()
}

fn p3_air_num_public_values(air: &MachineAir) -> usize {
    <MachineAir as p3_air::BaseAir<Val>>::num_public_values(air)
}
