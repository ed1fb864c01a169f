//! The one error enum of the executor: each variant is named after the check that failed and
//! carries what was expected and what was found.

use crate::trie::TrieError;
use alloc::string::String;
use alloy_primitives::{Address, B256, Bloom};
use core::fmt;

/// An `expected` / `got` pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch<T> {
    /// The value the block (or the rules) commit to.
    pub expected: T,
    /// The value that was computed or found.
    pub got: T,
}

impl<T> Mismatch<T> {
    /// Builds a mismatch.
    pub const fn new(expected: T, got: T) -> Self {
        Self { expected, got }
    }
}

impl<T: fmt::Display> fmt::Display for Mismatch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, got {}", self.expected, self.got)
    }
}

/// Why a stateless block validation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutorError {
    // ---- input decoding ----
    /// The input does not start with the format's magic bytes.
    #[error("bad magic: expected {expected:?}, got {got:?}")]
    BadMagic {
        /// expected magic
        expected: [u8; 4],
        /// found bytes
        got: [u8; 4],
    },
    /// The input's format version is not one this build reads.
    #[error("unsupported format version: {0}")]
    UnsupportedVersion(Mismatch<u16>),
    /// The input is shorter than its header.
    #[error("truncated input: need at least {expected} bytes, got {got}")]
    Truncated {
        /// minimum length
        expected: usize,
        /// actual length
        got: usize,
    },
    /// A field failed to decode.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// which field
        what: &'static str,
        /// decoder message
        reason: &'static str,
    },
    /// Bytes remain after the encoded value.
    #[error("{0} trailing bytes after the input")]
    TrailingBytes(usize),
    /// A fork id in the chain config is unknown.
    #[error("unknown fork id {0} in chain config")]
    UnknownFork(u8),
    /// A fork that needs parameters this build does not know is active.
    #[error("fork {0} is active but not supported by this executor")]
    UnsupportedFork(&'static str),

    // ---- witness ----
    /// A state read or update needed a trie node the witness lacks, or a node is malformed.
    #[error("state trie: {0}")]
    Trie(#[from] TrieError),
    /// An account leaf in the state trie is not a valid account RLP.
    #[error("malformed account leaf for {0}")]
    MalformedAccount(Address),
    /// A storage leaf is not a valid RLP integer.
    #[error("malformed storage leaf for {address} slot {slot}")]
    MalformedStorage {
        /// account
        address: Address,
        /// slot (hashed key unknown to the reader)
        slot: B256,
    },
    /// Contract code with this hash is not in the witness.
    #[error("incomplete witness: bytecode {0} is missing")]
    MissingCode(B256),
    /// The ancestor headers do not form a hash chain ending at the block's parent.
    #[error("ancestor header {index} does not hash to the expected parent: {mismatch}")]
    AncestorHashMismatch {
        /// position in the ancestor list (0 = parent)
        index: usize,
        /// expected / computed hash
        mismatch: Mismatch<B256>,
    },
    /// No parent header was supplied.
    #[error("the input holds no parent header")]
    MissingParent,
    /// BLOCKHASH asked for a block whose header is not among the ancestors.
    #[error("incomplete witness: no ancestor header for block {0}")]
    MissingAncestor(u64),

    // ---- header and body checks ----
    /// Block number is not parent + 1.
    #[error("block number: {0}")]
    BlockNumber(Mismatch<u64>),
    /// Timestamp is not after the parent's.
    #[error("timestamp {got} is not after the parent's {parent}")]
    TimestampNotAfterParent {
        /// parent timestamp
        parent: u64,
        /// block timestamp
        got: u64,
    },
    /// Gas limit outside the bounds allowed relative to the parent.
    #[error("gas limit {got} out of bounds (parent {parent})")]
    GasLimitOutOfBounds {
        /// parent gas limit (after the London elasticity adjustment)
        parent: u64,
        /// block gas limit
        got: u64,
    },
    /// Header gas used exceeds its gas limit.
    #[error("gas used {used} exceeds gas limit {limit}")]
    GasUsedExceedsLimit {
        /// header gas used
        used: u64,
        /// header gas limit
        limit: u64,
    },
    /// Extra data longer than 32 bytes.
    #[error("extra data of {0} bytes exceeds 32")]
    ExtraDataTooLong(usize),
    /// The DAO fork blocks must carry the "dao-hard-fork" extra data.
    #[error("extra data of a DAO fork block must be \"dao-hard-fork\"")]
    DaoExtraData,
    /// Base fee differs from the EIP-1559 formula.
    #[error("base fee: {0:?}")]
    BaseFee(Mismatch<Option<u64>>),
    /// Difficulty differs from the rules.
    #[error("difficulty: {0}")]
    Difficulty(Mismatch<alloy_primitives::U256>),
    /// Post-merge nonce must be zero.
    #[error("nonce must be zero after the merge, got {0}")]
    NonZeroNonce(u64),
    /// Post-merge blocks have no ommers.
    #[error("{0} ommers in a post-merge block")]
    OmmersAfterMerge(usize),
    /// Ommer (uncle) is invalid.
    #[error("invalid ommer: {0}")]
    InvalidOmmer(&'static str),
    /// A header field that the block's fork requires is absent.
    #[error("header field {0} is required by the active fork but absent")]
    MissingHeaderField(&'static str),
    /// A header field that the block's fork forbids is present.
    #[error("header field {0} is present before its fork")]
    UnexpectedHeaderField(&'static str),
    /// Body field (withdrawals) present or absent against the fork.
    #[error("block body field {0} does not match the fork")]
    BodyField(&'static str),
    /// Excess blob gas differs from the EIP-4844 formula.
    #[error("excess blob gas: {0}")]
    ExcessBlobGas(Mismatch<u64>),
    /// Blob gas used differs from the block's blob transactions, or exceeds the limit.
    #[error("blob gas used: {0}")]
    BlobGasUsed(Mismatch<u64>),
    /// Header transactions root does not match the body.
    #[error("transactions root: {0}")]
    TransactionsRoot(Mismatch<B256>),
    /// Header ommers hash does not match the body.
    #[error("ommers hash: {0}")]
    OmmersHash(Mismatch<B256>),
    /// Header withdrawals root does not match the body.
    #[error("withdrawals root: {0}")]
    WithdrawalsRoot(Mismatch<B256>),
    /// A transaction signature does not recover.
    #[error("transaction {index}: invalid signature")]
    InvalidSignature {
        /// index in the block
        index: usize,
    },

    // ---- execution and post-state ----
    /// The EVM rejected a transaction or a system call failed.
    #[error("block execution failed: {0}")]
    Execution(String),
    /// Gas used differs from the header.
    #[error("gas used: {0}")]
    GasUsed(Mismatch<u64>),
    /// Receipts root differs from the header.
    #[error("receipts root: {0}")]
    ReceiptsRoot(Mismatch<B256>),
    /// Logs bloom differs from the header.
    #[error("logs bloom differs from the header")]
    LogsBloom(alloc::boxed::Box<Mismatch<Bloom>>),
    /// Requests hash differs from the header.
    #[error("requests hash: {0:?}")]
    RequestsHash(Mismatch<Option<B256>>),
    /// Post-state root differs from the header.
    #[error("state root: {0}")]
    StateRoot(Mismatch<B256>),
}

/// Maps an RLP error to a static reason.
pub(crate) fn rlp_reason(e: alloy_rlp::Error) -> &'static str {
    match e {
        alloy_rlp::Error::Custom(s) => s,
        alloy_rlp::Error::InputTooShort => "input too short",
        alloy_rlp::Error::UnexpectedString => "unexpected string",
        alloy_rlp::Error::UnexpectedList => "unexpected list",
        alloy_rlp::Error::Overflow => "integer overflow",
        alloy_rlp::Error::LeadingZero => "leading zero",
        alloy_rlp::Error::NonCanonicalSingleByte => "non-canonical single byte",
        alloy_rlp::Error::NonCanonicalSize => "non-canonical size",
        alloy_rlp::Error::ListLengthMismatch { .. } => "list length mismatch",
        _ => "malformed rlp",
    }
}
