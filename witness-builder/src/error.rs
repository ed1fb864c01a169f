//! The crate's one error enum.
//!
//! Each variant is named after the check that failed and carries the context needed to act on
//! it (method, block, address, expected and got values). Untrusted node answers never panic:
//! every malformed answer ends in [`WitnessError::Decode`] or a more specific variant.

use alloy_primitives::{Address, B256};

/// Result alias used throughout the crate.
pub type Result<T, E = WitnessError> = core::result::Result<T, E>;

/// Everything that can go wrong while talking to a node, replaying recordings or serving revm.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// The assembled witness did not re-execute to the block's header (or native
    /// pre-execution rejected the block): the witness is not written.
    #[error("witness of block {block} rejected by the stateless executor: {reason}")]
    WitnessRejected {
        /// Block number.
        block: u64,
        /// The executor's typed error, as text.
        reason: String,
    },
    /// The node does not hold the state or block asked for (a pruned/full node rather than an
    /// archive node): "missing trie node", "header not found", "historical state ... not
    /// available", "state ... pruned" and the like.
    #[error("node lacks history for {method} at block {block:?}: {message}")]
    NodeLacksHistory {
        /// JSON-RPC method that failed.
        method: String,
        /// Block the request was about, when it named one.
        block: Option<u64>,
        /// The node's own message.
        message: String,
    },
    /// The node answered with a JSON-RPC error object that no more specific variant describes.
    #[error("{method} failed with JSON-RPC error {code}: {message}")]
    Rpc {
        /// JSON-RPC method that failed.
        method: String,
        /// JSON-RPC error code.
        code: i64,
        /// The node's message.
        message: String,
    },
    /// The node does not implement the method (JSON-RPC error -32601).
    #[error("{method} is not supported by the node: {message}")]
    Unsupported {
        /// JSON-RPC method that is missing.
        method: String,
        /// The node's message.
        message: String,
    },
    /// The request never got an HTTP answer (connection refused, reset, timeout), after retries.
    #[error("transport error on {method} after {attempts} attempt(s): {detail}")]
    Transport {
        /// JSON-RPC method being sent.
        method: String,
        /// How many attempts were made.
        attempts: u32,
        /// What the HTTP client said.
        detail: String,
    },
    /// The node answered with an HTTP status other than 200 and no JSON-RPC error body.
    #[error("{method}: HTTP status {status} after {attempts} attempt(s): {body}")]
    HttpStatus {
        /// JSON-RPC method being sent.
        method: String,
        /// HTTP status code of the last answer.
        status: u16,
        /// How many attempts were made.
        attempts: u32,
        /// Start of the answer's body.
        body: String,
    },
    /// The answer could not be decoded into the expected shape.
    #[error("cannot decode the answer to {method}: {detail}")]
    Decode {
        /// JSON-RPC method whose answer is malformed.
        method: String,
        /// What was wrong.
        detail: String,
    },
    /// The replay server has no recording for this request (its JSON-RPC error -32001).
    #[error("not recorded: {method} {params}")]
    NotRecorded {
        /// JSON-RPC method asked for.
        method: String,
        /// The request's params, as JSON.
        params: String,
    },
    /// The node answered `null` for a block it should have.
    #[error("block {block} not found")]
    BlockNotFound {
        /// The block number asked for.
        block: u64,
    },
    /// keccak256 of the code returned by `eth_getCode` is not the account's code hash.
    #[error("code of {address} at block {block} hashes to {got}, account says {expected}")]
    CodeHashMismatch {
        /// The account.
        address: Address,
        /// Block the state was read at.
        block: u64,
        /// The code hash in the account's proof.
        expected: B256,
        /// keccak256 of the returned code.
        got: B256,
    },
    /// The code returned for an account is not valid bytecode for revm (e.g. a malformed
    /// EIP-7702 delegation designator).
    #[error("code of {address} at block {block} is not valid bytecode: {detail}")]
    InvalidBytecode {
        /// The account.
        address: Address,
        /// Block the state was read at.
        block: u64,
        /// revm's complaint.
        detail: String,
    },
    /// The account proof is neither a valid inclusion proof of the returned account nor a valid
    /// exclusion proof against the state root.
    #[error(
        "account proof of {address} at block {block} does not verify against {state_root}: {detail}"
    )]
    AccountProofInvalid {
        /// The account.
        address: Address,
        /// Block the state was read at.
        block: u64,
        /// The state root the proof was checked against.
        state_root: B256,
        /// Why it failed.
        detail: String,
    },
    /// The hash in a block's JSON is not the keccak256 of its RLP-encoded header.
    #[error("header of block {block} hashes to {got}, the node says {expected}")]
    HeaderHashMismatch {
        /// The block number.
        block: u64,
        /// The hash the node reported.
        expected: B256,
        /// keccak256 of the RLP of the decoded header.
        got: B256,
    },
    /// revm asked for code by a hash that this database never fetched.
    #[error("code with hash {code_hash} was never fetched")]
    CodeNotFetched {
        /// The hash revm asked for.
        code_hash: B256,
    },
    /// A fixture file of recorded answers could not be read or parsed.
    #[error("fixture {path}: {detail}")]
    Fixture {
        /// The file.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// In recording mode, an answer could not be keyed for the fixture format (e.g. a block
    /// tag such as `latest` instead of a number).
    #[error("cannot record the answer to {method}: {detail}")]
    Recording {
        /// JSON-RPC method whose answer was not recorded.
        method: String,
        /// Why.
        detail: String,
    },
    /// A local I/O operation failed (binding the replay server, reading a file).
    #[error("i/o error while {context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl revm::database_interface::DBErrorMarker for WitnessError {}
