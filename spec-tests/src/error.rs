//! Why a conformance test failed: one variant per check, each with what was expected and
//! what was found.

use alloy_primitives::{Address, B256, U256};
use stateless_executor::{ExecutorError, Mismatch};

/// Why a block was rejected (by the runner before the executor, or by the executor).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The block's `rlp` is not hex.
    #[error("block rlp is not hex")]
    Hex,
    /// The bytes do not decode as a block.
    #[error("block rlp does not decode: {0}")]
    Decode(String),
    /// The bytes decode, but are not the canonical encoding of what they decode to.
    #[error("block rlp is not canonical ({0})")]
    NonCanonical(&'static str),
    /// The parent is neither the genesis nor an accepted block.
    #[error("unknown parent {0}")]
    UnknownParent(B256),
    /// The stateless input did not survive its own wire format.
    #[error("stateless input round trip: {0}")]
    RoundTrip(String),
    /// The executor rejected the block.
    #[error(transparent)]
    Executor(#[from] ExecutorError),
}

/// Why a test failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestError {
    /// The file is not valid BlockchainTests JSON.
    #[error("cannot parse test file: {0}")]
    Json(String),
    /// A `pre` account has a nonce over 64 bits.
    #[error("pre-state account {0}: nonce does not fit in 64 bits")]
    NonceOverflow(Address),
    /// The genesis RLP does not decode.
    #[error("genesis rlp does not decode: {0}")]
    GenesisDecode(String),
    /// The genesis RLP's header does not hash to `genesisBlockHeader.hash`.
    #[error("genesis hash: {0}")]
    GenesisHash(Mismatch<B256>),
    /// The state root of `pre` differs from the genesis header's.
    #[error("genesis state root: {0}")]
    GenesisStateRoot(Mismatch<B256>),
    /// Building a trie failed (a runner bug: the runner holds every node).
    #[error("trie: {0}")]
    Trie(String),
    /// A valid block was rejected.
    #[error("block {index}: valid block rejected: {error}")]
    ValidBlockRejected {
        /// position in `blocks`
        index: usize,
        /// why it was rejected
        error: BlockError,
    },
    /// A block marked with `expectException` was accepted.
    #[error("block {index}: accepted, expected rejection ({exception})")]
    InvalidBlockAccepted {
        /// position in `blocks`
        index: usize,
        /// the test's `expectException`
        exception: String,
    },
    /// An accepted block's hash differs from the test's `blockHeader.hash`.
    #[error("block {index}: hash: {mismatch}")]
    BlockHash {
        /// position in `blocks`
        index: usize,
        /// test's / executor's block hash
        mismatch: Mismatch<B256>,
    },
    /// The state diff names code the runner cannot find.
    #[error("state diff: code {code_hash} of {address} is nowhere")]
    MissingCode {
        /// account
        address: Address,
        /// its new code hash
        code_hash: B256,
    },
    /// `lastblockhash` is neither the genesis nor an accepted block.
    #[error("lastblockhash {0} is not an accepted block")]
    UnknownLastBlock(B256),
    /// The post-state root differs from `postStateHash`.
    #[error("post-state root: {0}")]
    PostStateRoot(Mismatch<B256>),
    /// An account of `postState` is absent.
    #[error("post-state: account {0} is missing")]
    MissingAccount(Address),
    /// An account absent from `postState` exists.
    #[error("post-state: unexpected account {0}")]
    ExtraAccount(Address),
    /// An account's balance differs.
    #[error("post-state {address}: balance: {mismatch}")]
    Balance {
        /// account
        address: Address,
        /// expected / found
        mismatch: Mismatch<U256>,
    },
    /// An account's nonce differs.
    #[error("post-state {address}: nonce: {mismatch}")]
    Nonce {
        /// account
        address: Address,
        /// expected / found
        mismatch: Mismatch<U256>,
    },
    /// An account's code differs.
    #[error("post-state {address}: code hash: {mismatch}")]
    Code {
        /// account
        address: Address,
        /// expected / found code hash
        mismatch: Mismatch<B256>,
    },
    /// A storage slot differs.
    #[error("post-state {address}: slot {slot}: {mismatch}")]
    Storage {
        /// account
        address: Address,
        /// slot
        slot: U256,
        /// expected / found value (zero = absent)
        mismatch: Mismatch<U256>,
    },
    /// The test has neither `postState` nor `postStateHash`.
    #[error("test has neither postState nor postStateHash")]
    NoPostState,
}
