//! The crate's errors: one enum per stage, variants named after the check that failed.

use alloc::string::String;

/// A proving request the prover cannot serve (a caller's mistake, never untrusted data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    /// One trace per chip of the key is needed.
    #[error("expected {expected} traces (one per chip), got {got}")]
    TraceCount {
        /// Chips in the key.
        expected: usize,
        /// Traces given.
        got: usize,
    },
    /// One list of public values per chip of the key is needed.
    #[error("expected {expected} public-value lists (one per chip), got {got}")]
    PublicValuesCount {
        /// Chips in the key.
        expected: usize,
        /// Lists given.
        got: usize,
    },
    /// A trace's width is not its chip's.
    #[error("chip {chip}: trace has {got} columns, the chip has {expected}")]
    TraceWidth {
        /// Index of the chip.
        chip: usize,
        /// The chip's width.
        expected: usize,
        /// The trace's width.
        got: usize,
    },
    /// A trace's height is not a power of two (or is zero).
    #[error("chip {chip}: trace height {height} is not a power of two")]
    TraceHeight {
        /// Index of the chip.
        chip: usize,
        /// The trace's height.
        height: usize,
    },
    /// A chip with preprocessed columns must have exactly their height.
    #[error("chip {chip}: trace has {got} rows, its preprocessed columns have {expected}")]
    PreprocessedHeight {
        /// Index of the chip.
        chip: usize,
        /// Height of the preprocessed columns.
        expected: usize,
        /// The trace's height.
        got: usize,
    },
    /// A chip's public values have the wrong length.
    #[error("chip {chip}: expected {expected} public values, got {got}")]
    PublicValuesLength {
        /// Index of the chip.
        chip: usize,
        /// What the chip declares.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// The bus multiplicities of these trace heights could wrap modulo p.
    #[error("trace heights too large for the lookup argument: {0}")]
    LookupHeightBound(String),
    /// A lookup degree budget the blowup cannot carry (constraint degree ≤ blowup + 1).
    #[error("lookup degree budget {got} exceeds blowup + 1 = {max}")]
    LookupBudget {
        /// Largest budget of the configuration.
        max: usize,
        /// Budget asked for.
        got: usize,
    },
    /// The proving backend failed (commitment scheme configuration).
    #[error("proving backend failed: {0}")]
    Backend(String),
}

/// Why a proof was rejected. Untrusted proofs give one of these, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The proof bytes do not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The proof carries public values for a different number of chips.
    #[error("expected public values for {expected} chips, got {got}")]
    PublicValuesCount {
        /// Chips in the key.
        expected: usize,
        /// Lists in the proof.
        got: usize,
    },
    /// The STARK (shape, openings, constraints at `zeta`, FRI) rejected the proof.
    #[error("STARK verification failed: {0}")]
    Stark(String),
    /// The LogUp argument rejected the proof (a bus does not balance, or its columns are
    /// malformed).
    #[error("lookup argument rejected the proof: {0}")]
    Lookup(String),
    /// A proof-of-work witness or transcript step was rejected.
    #[error("transcript check failed: {0}")]
    Transcript(String),
    /// The backend verifier panicked on this proof (a backend bug; reported, not raised).
    #[error("verifier panicked on a malformed proof: {0}")]
    Panicked(String),
}

/// Why proof bytes do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the header.
    #[error("proof is {got} bytes, shorter than its {expected}-byte header")]
    TooShort {
        /// Header length.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// Not a proof of this system.
    #[error("bad magic: expected {expected:?}, got {got:?}")]
    BadMagic {
        /// Our magic.
        expected: [u8; 4],
        /// The first four bytes.
        got: [u8; 4],
    },
    /// A proof format this build does not read.
    #[error("unsupported proof format version: expected {expected}, got {got}")]
    UnsupportedVersion {
        /// The version this build reads.
        expected: u16,
        /// The version in the header.
        got: u16,
    },
    /// The proof was made with another configuration.
    #[error("proof made with configuration {got}, expected {expected}")]
    ConfigMismatch {
        /// The configuration asked for.
        expected: u8,
        /// The configuration in the header.
        got: u8,
    },
    /// The body does not decode.
    #[error("malformed proof body: {0}")]
    Body(String),
    /// A verifying key's bytes do not decode, or declare a layout the chips do not have.
    #[error("malformed verifying key: {0}")]
    Key(String),
    /// Bytes after the body.
    #[error("{count} trailing bytes after the proof")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}
