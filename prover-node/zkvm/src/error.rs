//! The crate's one error enum: every check of loading, proving and verifying, named after
//! the check that failed.

use alloc::string::String;

use crate::ProgramId;

/// Why a program could not be loaded or proven, or why a proof was rejected.
///
/// Untrusted inputs (ELF bytes, proof bytes, program input) give one of these, never a
/// panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZkvmError {
    /// The ELF does not load as a program of this machine.
    #[error("program does not load: {0}")]
    Program(String),
    /// The input is longer than the machine's input stream can be.
    #[error("input is {got} bytes, at most {max} are supported")]
    InputTooLong {
        /// [`zkvm_machine::bus::IO_MAX_STREAM_LEN`] − 1.
        max: u64,
        /// The input's length.
        got: u64,
    },
    /// The emulator faulted running the program: nothing to prove.
    #[error("the program faulted: {0}")]
    Fault(String),
    /// The shard size asked for is not one a shard can hold.
    #[error("shards of {got} cycles asked for, a shard holds 1 to {max}")]
    ShardCycles {
        /// [`crate::MAX_CYCLES`].
        max: u64,
        /// The size asked for.
        got: u64,
    },
    /// Fixed shapes need a shard size `2^l` with `l` in the shape catalogue.
    #[error("fixed shapes need shards of 2^l cycles with l in the shape catalogue, got {got}")]
    ShapeCycles {
        /// The shard size asked for.
        got: u64,
    },
    /// A shard outgrew its fixed shape: one IO call moved more bytes than the shape holds
    /// (the cut by capacity bounds every other chip before it fills).
    #[error(
        "shard {shard} outgrew its fixed shape: chip {chip} has {rows} rows, the shape holds {cap} (an IO call longer than the shape allows; read the input in smaller pieces)"
    )]
    ShapeOverflow {
        /// Index of the shard.
        shard: usize,
        /// Index of the chip (`zkvm_machine::execution::chip_index`).
        chip: usize,
        /// Its rows.
        rows: u64,
        /// The shape's rows for it.
        cap: u64,
    },
    /// The output is longer than the machine's output stream can be.
    #[error("the program committed {got} output bytes, at most {max} are supported")]
    OutputTooLong {
        /// [`zkvm_machine::bus::IO_MAX_STREAM_LEN`] − 1.
        max: u64,
        /// Bytes committed.
        got: u64,
    },
    /// The STARK prover refused the traces (a bug of trace generation, reported).
    #[error("proving failed: {0}")]
    Prove(#[from] zkvm_stark::ProveError),
    /// The verifying key's bytes are malformed (see `ProgramVerifyingKey::from_bytes`).
    #[error("verifying key does not decode: {0}")]
    Key(String),
    /// A directory of proven shards cannot be used (see `spool`): unreadable, for another
    /// run, or a kept shard that is not this run's.
    #[error("shard spool: {0}")]
    Spool(String),
    /// The proof bytes do not decode.
    #[error("proof does not decode: {0}")]
    Decode(String),

    /// Reading a proof from a stream failed (not a property of the proof).
    #[error("reading the proof: {0}")]
    Read(String),
    /// The proof is for another program than the verifying key's.
    #[error("proof is for program {got}, the key is for {expected}")]
    ProgramMismatch {
        /// The key's program id.
        expected: ProgramId,
        /// The proof's.
        got: ProgramId,
    },
    /// The STARK verifier rejected the proof.
    #[error("proof rejected: {0}")]
    Stark(#[from] zkvm_stark::VerifyError),
    /// The proof's public values do not describe a complete run from the program's entry.
    #[error("proof does not show a complete run: {0}")]
    Outcome(#[from] zkvm_machine::execution::OutcomeError),
    /// A chip's public values have the wrong length.
    #[error("chip {chip}: expected {expected} public values, got {got}")]
    PublicValuesShape {
        /// Index of the chip.
        chip: usize,
        /// What the chip declares.
        expected: usize,
        /// What the proof carries.
        got: usize,
    },
    /// The exit code the proof claims is not the one the run proves.
    #[error("proof claims exit code {got}, the run proves {expected}")]
    ExitCodeMismatch {
        /// The proven exit code.
        expected: u32,
        /// The claim in the proof's header.
        got: u32,
    },
    /// The output bytes beside the proof are not the ones the run committed.
    #[error("output bytes beside the proof do not match the proven output digest ({reason})")]
    OutputMismatch {
        /// Length or digest.
        reason: &'static str,
    },
    /// The proof is for another input than the caller's.
    #[error("proof is for another input (of {got_len} bytes) than the given one")]
    InputMismatch {
        /// The proven input length.
        got_len: u64,
    },
    /// One shard's proof or public values were rejected.
    #[error("shard {shard}: {source}")]
    Shard {
        /// Index of the shard, from 0.
        shard: usize,
        /// Why.
        source: alloc::boxed::Box<ZkvmError>,
    },
    /// The shards do not chain into one run from the program's entry to `HALT`.
    #[error("shard {shard}: {reason}")]
    Chain {
        /// Index of the first shard that breaks the chain.
        shard: usize,
        /// The link that fails.
        reason: &'static str,
    },
}
