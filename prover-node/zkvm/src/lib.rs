//! The zkVM's prover and verifier: prove that an RV32IM program ran to `HALT` on an input,
//! and check such a proof.
//!
//! ```text
//! let program = Program::from_elf(&elf)?;
//! let prover = Prover::<DefaultConfig>::new(&program)?;        // keys: commits the ROM
//! let proof = prover.prove(&input)?;                            // emulate, trace, STARK
//! let vk = ProgramVerifyingKey::<DefaultConfig>::new(&program)?; // or prover.verifying_key()
//! let public = verify(&vk, &proof)?;                            // PublicValues
//! assert_eq!(public.input_digest, input_digest(&input)?);
//! ```
//!
//! # What a verified proof says
//!
//! [`verify`] returns [`PublicValues`]: the [`ProgramId`] (the verifying key's, which binds
//! the program's code, initial memory and entry point), the input's length and digest
//! ([`input_digest`], a Poseidon2 sponge computed inside the proof over the bytes the
//! program could read), the output bytes (committed with `COMMIT_OUTPUT`; the proof
//! carries a digest of them and the bytes beside it), and the exit code. The run starts at
//! the ELF's entry with the machine's initial registers and the ELF's memory image (the
//! proof's memory root in is the image's) and ends with `HALT`.
//!
//! One proof holds one shard of at most [`MAX_CYCLES`] cycles (continuations come with
//! block proving).

extern crate alloc;

mod error;
mod proof;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use sha2::{Digest as _, Sha256};
use zkvm_machine::chips::program::ProgramRom;
use zkvm_machine::execution::{self, ExecutionRecord, chip_index, program_machine};
use zkvm_machine::memory_root::Digest as MemoryDigest;
use zkvm_machine::{MachineAir, MachineTraces};
use zkvm_stark::{Keys, MachineProof, ProvingKey, Val, VerifyingKey};

pub use error::ZkvmError;
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
pub use proof::{PROGRAM_PROOF_HEADER_LEN, PROGRAM_PROOF_MAGIC, PROGRAM_PROOF_VERSION, Proof};

/// Most cycles one proof holds: the CPU's timestamps (`4·(cycle + 1) + 3`) must stay
/// within the memory gadget's 2^24 gap for a register untouched since the start.
pub const MAX_CYCLES: u64 = (1 << 22) - 2;

/// The identity of a program under a configuration: SHA-256 of the configuration id, the
/// entry point, the code and image spans, the image's memory root (the initial memory is
/// no preprocessed column), and the STARK commitment to the preprocessed columns (program
/// ROM, byte table).
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
#[derive(Debug, Clone)]
pub struct Program {
    elf: Vec<u8>,
    rom: ProgramRom,
}

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

/// What a verifier needs to check proofs of one program.
pub struct ProgramVerifyingKey<SC: ZkvmConfig> {
    config: SC,
    vk: VerifyingKey<SC, MachineAir>,
    rom: ProgramRom,
    /// The memory root a run starts from: the ELF's image's.
    image_root: MemoryDigest,
    program_id: ProgramId,
}

impl<SC: ZkvmConfig> ProgramVerifyingKey<SC> {
    /// The program's identity.
    pub fn program_id(&self) -> ProgramId {
        self.program_id
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

fn program_id<SC: ZkvmConfig>(
    rom: &ProgramRom,
    image_root: &MemoryDigest,
    vk: &VerifyingKey<SC, MachineAir>,
) -> ProgramId {
    let mut h = Sha256::new();
    h.update(b"zkvm program id v1");
    h.update([SC::ID as u8]);
    h.update(rom.entry.to_le_bytes());
    h.update(rom.base.to_le_bytes());
    h.update((rom.instructions.len() as u64).to_le_bytes());
    h.update(rom.memory.start.to_le_bytes());
    h.update((rom.memory.words.len() as u64).to_le_bytes());
    for element in image_root {
        h.update(element.to_le_bytes());
    }
    // The commitment holds field elements and vectors only: it always serializes.
    let commitment = vk
        .common()
        .preprocessed
        .as_ref()
        .map(|p| postcard::to_allocvec(&p.commitment).expect("a commitment serializes"))
        .unwrap_or_default();
    h.update((commitment.len() as u64).to_le_bytes());
    h.update(&commitment);
    ProgramId(h.finalize().into())
}

/// The STARK keys of `program`'s machine, and its verifying key with the program id.
fn setup_program<SC: ZkvmConfig>(
    program: &Program,
) -> Result<(ProvingKey<SC, MachineAir>, ProgramVerifyingKey<SC>), ZkvmError> {
    let config = SC::build();
    let (pk, vk) = config.setup_machine(program_machine(program.rom.clone()))?;
    let image_root = execution::image_memory(&program.rom.memory).root();
    let program_id = program_id(&program.rom, &image_root, &vk);
    let rom = program.rom.clone();
    Ok((pk, ProgramVerifyingKey { config, vk, rom, image_root, program_id }))
}

/// Figures of one proof.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProveStats {
    /// Cycles of the run.
    pub cycles: u64,
    /// Seconds in the emulator (counting run and recording run).
    pub emulate_s: f64,
    /// Seconds generating traces.
    pub trace_s: f64,
    /// Seconds in the STARK prover.
    pub prove_s: f64,
    /// `(chip name, width, height)` of every chip's main trace.
    pub traces: Vec<(&'static str, usize, usize)>,
}

impl ProveStats {
    /// Committed main-trace cells (Σ width × height).
    pub fn cells(&self) -> u64 {
        self.traces.iter().map(|&(_, w, h)| (w * h) as u64).sum()
    }
}

/// Proves runs of one program (holds its proving key).
pub struct Prover<SC: ZkvmConfig = DefaultConfig> {
    config: SC,
    program: Program,
    pk: ProvingKey<SC, MachineAir>,
    vk: ProgramVerifyingKey<SC>,
}

impl<SC: ZkvmConfig> Prover<SC> {
    /// The keys of `program`: commits its ROM and the fixed tables, and hashes the image's memory root into the program id.
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

    /// Prove one run on `input`.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Fault`] if the program faults, [`ZkvmError::TooManyCycles`] past
    /// [`MAX_CYCLES`], [`ZkvmError::InputTooLong`] / [`ZkvmError::OutputTooLong`] past the
    /// stream limit.
    pub fn prove(&self, input: &[u8]) -> Result<Proof<SC>, ZkvmError> {
        self.prove_with_stats(input).map(|(proof, _)| proof)
    }

    /// [`Prover::prove`], with figures.
    ///
    /// # Errors
    ///
    /// As [`Prover::prove`].
    pub fn prove_with_stats(&self, input: &[u8]) -> Result<(Proof<SC>, ProveStats), ZkvmError> {
        self.prove_inner(input, |_| {})
    }

    /// Prove with the traces changed by `hook` first: a *malicious prover*, for negative
    /// tests only (the proof of a changed trace must be rejected by [`verify`]). In debug
    /// builds Plonky3's constraint checker panics on a trace that breaks a constraint.
    ///
    /// # Errors
    ///
    /// As [`Prover::prove`].
    #[doc(hidden)]
    pub fn prove_with_trace_hook(
        &self,
        input: &[u8],
        hook: impl FnOnce(&mut MachineTraces<Val>),
    ) -> Result<Proof<SC>, ZkvmError> {
        self.prove_inner(input, hook).map(|(proof, _)| proof)
    }

    fn prove_inner(
        &self,
        input: &[u8],
        hook: impl FnOnce(&mut MachineTraces<Val>),
    ) -> Result<(Proof<SC>, ProveStats), ZkvmError> {
        let max_stream = u64::from(zkvm_machine::bus::IO_MAX_STREAM_LEN) - 1;
        if input.len() as u64 > max_stream {
            return Err(ZkvmError::InputTooLong { max: max_stream, got: input.len() as u64 });
        }
        let mut stats = ProveStats::default();
        let started = std::time::Instant::now();
        // A fast run first: a long program is refused before recording fills memory.
        let summary = zkvm_emulator::Emulator::new(&self.program.elf, input.to_vec())
            .and_then(|mut emu| emu.execute())
            .map_err(|e| ZkvmError::Fault(e.to_string()))?;
        if summary.cycles > MAX_CYCLES {
            return Err(ZkvmError::TooManyCycles { max: MAX_CYCLES, got: summary.cycles });
        }
        if summary.output.len() as u64 > max_stream {
            return Err(ZkvmError::OutputTooLong {
                max: max_stream,
                got: summary.output.len() as u64,
            });
        }
        let (record, summary) = ExecutionRecord::from_run(&self.program.elf, input.to_vec())
            .map_err(|e| ZkvmError::Fault(e.to_string()))?;
        stats.cycles = summary.cycles;
        stats.emulate_s = started.elapsed().as_secs_f64();

        let started = std::time::Instant::now();
        let mut memory = execution::image_memory(&self.program.rom.memory);
        let mut traces = record.generate_traces::<Val>(&self.program.rom, &mut memory);
        hook(&mut traces);
        stats.trace_s = started.elapsed().as_secs_f64();
        stats.traces = self
            .pk
            .airs()
            .iter()
            .zip(&traces.traces)
            .map(|(air, t)| (air.name(), t.width, p3_matrix::Matrix::height(t)))
            .collect();

        let started = std::time::Instant::now();
        let machine = self.config.prove_machine(&self.pk, &traces)?;
        stats.prove_s = started.elapsed().as_secs_f64();
        let proof = Proof {
            program_id: self.vk.program_id,
            exit_code: summary.exit_code,
            output: summary.output,
            machine,
        };
        Ok((proof, stats))
    }
}

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
    /// The input's length in bytes.
    pub input_len: u32,
    /// [`input_digest`] of the input.
    pub input_digest: [u32; 8],
    /// The bytes committed with `COMMIT_OUTPUT`, in order.
    pub output: Vec<u8>,
    /// The `HALT` exit code.
    pub exit_code: u32,
}

impl PublicValues {
    /// Check that the proven input is `input`.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::InputMismatch`] if it is not.
    pub fn check_input(&self, input: &[u8]) -> Result<(), ZkvmError> {
        if input.len() as u64 == u64::from(self.input_len)
            && input_digest(input).is_ok_and(|d| d == self.input_digest)
        {
            return Ok(());
        }
        Err(ZkvmError::InputMismatch {
            got: digest_hex(&self.input_digest),
            got_len: u64::from(self.input_len),
        })
    }
}

fn digest_hex(d: &[u32; 8]) -> String {
    use core::fmt::Write;
    let mut s = String::new();
    for w in d {
        let _ = write!(s, "{w:08x}");
    }
    s
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
pub fn prove(program: &Program, input: &[u8]) -> Result<Proof<DefaultConfig>, ZkvmError> {
    Prover::<DefaultConfig>::new(program)?.prove(input)
}

/// Check `proof` against `vk` and return what it proves.
///
/// 1. The proof is for the key's program ([`ZkvmError::ProgramMismatch`]).
/// 2. Every chip's public values have its length; the STARK verifies (constraints, buses,
///    FRI): [`ZkvmError::Stark`].
/// 3. The CPU's public values show a run from the entry that halted; the claimed exit code
///    is the proven one.
/// 4. The IO chips agree on the input's length; the output beside the proof has the
///    proven length and digest.
/// 5. The run starts from the program's memory image: the Merkle chip's `root_in` is the
///    image's root.
///
/// # Errors
///
/// The first check that fails; never a panic on untrusted proofs.
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify<SC: ZkvmConfig>(
    vk: &ProgramVerifyingKey<SC>,
    proof: &Proof<SC>,
) -> Result<PublicValues, ZkvmError> {
    if proof.program_id != vk.program_id {
        return Err(ZkvmError::ProgramMismatch { expected: vk.program_id, got: proof.program_id });
    }
    let pvs = &proof.machine.public_values;
    for (chip, air) in vk.vk.airs().iter().enumerate() {
        let expected = p3_air_num_public_values(air);
        let got = pvs.get(chip).map_or(0, Vec::len);
        if got != expected {
            return Err(ZkvmError::PublicValuesShape { chip, expected, got });
        }
    }
    vk.config.verify_machine(&vk.vk, &proof.machine)?;
    let exit_code = execution::run_outcome(&vk.rom, &pvs[chip_index::CPU])?;
    if exit_code != proof.exit_code {
        return Err(ZkvmError::ExitCodeMismatch { expected: exit_code, got: proof.exit_code });
    }
    let io = execution::io_outcome(pvs)?;
    if proof.output.len() as u64 != u64::from(io.output_len) {
        return Err(ZkvmError::OutputMismatch { reason: "length" });
    }
    if zkvm_machine::io_digest::io_digest(&proof.output).ok() != Some(io.output_digest) {
        return Err(ZkvmError::OutputMismatch { reason: "digest" });
    }
    execution::memory_outcome(pvs, &vk.image_root)?;
    Ok(PublicValues {
        program_id: vk.program_id,
        input_len: io.input_len,
        input_digest: io.input_digest,
        output: proof.output.clone(),
        exit_code,
    })
}

fn p3_air_num_public_values(air: &MachineAir) -> usize {
    <MachineAir as p3_air::BaseAir<Val>>::num_public_values(air)
}
