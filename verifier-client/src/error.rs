//! The crate's one error enum: every reason a block proof, a commitment or a trusted header
//! is rejected, named after the check that failed, with `expected` (what the trusted side
//! says) and `got` (what the proof or the file says). Nothing here panics on untrusted bytes.

use alloc::string::String;
use alloy_primitives::B256;
use stateless_executor::ExecutorError;

/// Why a block is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    // ---- the block proof (see `block_proof`) ----
    /// Deriving the key from the guest ELF needs the `std` feature (the emulator's ELF
    /// loader); a no_std build takes a key file.
    #[error(
        "this build cannot derive the key from an ELF (the library's `std` feature): \
         pass a verifying-key file"
    )]
    KeyFromElfUnavailable,
    /// The verifying-key file does not decode.
    #[error("the verifying key does not decode: {0}")]
    KeyFormat(String),
    /// The key is not the one of the program the user pinned.
    #[error("the verifying key is for program {got}, expected {expected}")]
    ProgramId {
        /// The pinned program id (hex).
        expected: String,
        /// The key's program id (hex).
        got: String,
    },
    /// The block proof's bytes do not decode.
    #[error("the block proof does not decode: {0}")]
    ProofFormat(String),
    /// The zkVM proof was rejected (program, a shard's STARK, the chain of shards, the
    /// output).
    #[error("the zkVM proof is rejected: {0}")]
    Proof(String),
    /// The commitment in the block proof's header is not the proven one.
    #[error("the commitment in the proof's header is not the one the proof proves")]
    HeaderCommitmentMismatch,
    /// The proven run did not end with the guest's success code: the guest commits a block
    /// only when it accepts it.
    #[error("the proven guest run exited with code {got}, expected {expected} (block accepted)")]
    GuestExitCode {
        /// The guest's success code (0).
        expected: u32,
        /// The proven exit code.
        got: u32,
    },
    /// The proven public output (or a `--commitment` file) is not a `BlockCommitment` v1.
    #[error("not a block commitment: {0}")]
    Commitment(ExecutorError),

    // ---- reading the trusted header ----
    /// The header file or answer is empty.
    #[error("the header is empty")]
    HeaderEmpty,
    /// The bytes are not an RLP-encoded header.
    #[error("the header is not a valid RLP block header: {0}")]
    HeaderRlp(alloy_rlp::Error),
    /// Bytes follow the RLP header.
    #[error("{got} bytes follow the RLP header (expected none)")]
    HeaderTrailingBytes {
        /// How many bytes follow it.
        got: usize,
    },
    /// The RLP decodes but re-encodes differently (non-canonical encoding), so its keccak
    /// would not be the block hash.
    #[error(
        "the RLP header is not canonical: it re-encodes to {got} bytes, the input has {expected}"
    )]
    HeaderNotCanonical {
        /// Length of the input.
        expected: usize,
        /// Length of the canonical re-encoding.
        got: usize,
    },
    /// Hex text that does not decode.
    #[error("the header is not valid hex: {reason}")]
    HeaderHex {
        /// The decoder's message.
        reason: String,
    },
    /// JSON that is not a block header as `eth_getBlockByNumber` returns it.
    #[error("the header is not a JSON block header: {reason}")]
    HeaderJson {
        /// What is wrong.
        reason: String,
    },
    /// The JSON's own `hash` field is not keccak256 of the RLP of its fields: the JSON is
    /// inconsistent, or it has fields this verifier does not know (a newer fork).
    #[error(
        "the JSON header's `hash` field is {expected} but its fields hash to {got} (altered, or \
         fields this verifier does not know)"
    )]
    HeaderJsonHash {
        /// The `hash` field.
        expected: B256,
        /// keccak256 of the RLP of the decoded fields.
        got: B256,
    },

    // ---- the header-trust check ----
    /// The commitment is for another chain than the one trusted.
    #[error("chain id: expected {expected} (trusted), got {got} (proof)")]
    ChainId {
        /// The trusted chain id.
        expected: u64,
        /// The commitment's.
        got: u64,
    },
    /// The block was executed under other rules than the ones pinned.
    #[error("chain config hash: expected {expected} (pinned rules), got {got} (proof)")]
    ChainConfigHash {
        /// keccak of the pinned `ChainConfig`.
        expected: B256,
        /// The commitment's.
        got: B256,
    },
    /// The trusted header is for another block number.
    #[error("block number: expected {expected} (trusted header), got {got} (proof)")]
    BlockNumber {
        /// The trusted header's number.
        expected: u64,
        /// The commitment's.
        got: u64,
    },
    /// The proven block is not the trusted one.
    #[error("block hash: expected {expected} (keccak256 of the trusted header), got {got} (proof)")]
    BlockHash {
        /// keccak256(rlp(trusted header)), computed here.
        expected: B256,
        /// The commitment's.
        got: B256,
    },
    /// The proven block's parent is not the trusted header's parent.
    #[error("parent hash: expected {expected} (trusted header), got {got} (proof)")]
    ParentHash {
        /// The trusted header's parent hash.
        expected: B256,
        /// The commitment's.
        got: B256,
    },
    /// The proven post-state root is not the trusted header's state root.
    #[error("post-state root: expected {expected} (trusted header), got {got} (proof)")]
    PostStateRoot {
        /// The trusted header's state root.
        expected: B256,
        /// The commitment's.
        got: B256,
    },

    // ---- the trusted sources (CLI) ----
    /// No chain config can be pinned for the chain (a chain other than mainnet needs its
    /// fork named), or the fork name is unknown.
    #[error("cannot pin the chain rules: {reason}")]
    ChainConfig {
        /// What is missing or wrong.
        reason: String,
    },
    /// The trusted node has no block with that number.
    #[error("the trusted node has no block {number}")]
    BlockNotFound {
        /// The block asked for.
        number: u64,
    },
    /// The trusted node could not be asked.
    #[error("the trusted node: {reason}")]
    Rpc {
        /// The client's error.
        reason: String,
    },
    /// A file could not be read.
    #[error("reading {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
}
