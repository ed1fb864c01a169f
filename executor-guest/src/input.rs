//! `StatelessInput` v1: everything the guest needs to validate one block, and its wire
//! format.
//!
//! # Wire format (version 1)
//!
//! ```text
//! offset  size  field
//! 0       4     magic "ZKSI"
//! 4       2     format version, big-endian u16 (= 1)
//! 6       ..    RLP list [
//!                  chain      : ChainConfig (see `chain.rs`: [chain_id, [[fork, kind, value]..], deposit]),
//!                  block      : the block's canonical RLP [header, transactions, ommers, withdrawals?],
//!                  ancestors  : [header, ...]  parent first, then its parent, ... (≥ 1)
//!                  state      : [bytes, ...]   trie nodes (account and storage tries), any order
//!                  codes      : [bytes, ...]   contract bytecodes, any order
//!               ]
//! ```
//! Nothing may follow the list. Nothing in the input is trusted: trie nodes and codes are
//! only reachable through their keccak hash from the parent's state root, ancestors only
//! through the parent-hash chain from the block, and the block itself is what is proven.

use crate::{
    chain::ChainConfig,
    error::{ExecutorError, Mismatch, rlp_reason},
};
use alloc::vec::Vec;
use alloy_consensus::{Block, Header, TxEnvelope};
use alloy_primitives::Bytes;
use alloy_rlp::{Decodable, Encodable, Header as RlpHeader};

/// Magic bytes that open a serialized [`StatelessInput`].
pub const INPUT_MAGIC: [u8; 4] = *b"ZKSI";
/// The input format version this build reads and writes.
pub const INPUT_VERSION: u16 = 1;

/// The block type the executor validates.
pub type EthBlock = Block<TxEnvelope>;

/// Everything needed to validate one block without a database.
#[derive(Debug, Clone, PartialEq)]
pub struct StatelessInput {
    /// The rules (chain id, forks).
    pub chain: ChainConfig,
    /// The block to validate.
    pub block: EthBlock,
    /// Ancestor headers, parent first. At least the parent; more when BLOCKHASH reaches
    /// further back (up to 256).
    pub ancestors: Vec<Header>,
    /// RLP trie nodes of the state (account trie and storage tries), any order.
    pub state: Vec<Bytes>,
    /// Contract bytecodes the block runs, any order.
    pub codes: Vec<Bytes>,
}

impl StatelessInput {
    /// Serializes to the v1 wire format.
    pub fn encode(&self) -> Vec<u8> {
        let mut chain = Vec::new();
        self.chain.encode(&mut chain);
        let mut block = Vec::new();
        self.block.encode(&mut block);
        let ancestors_len: usize = self.ancestors.iter().map(Encodable::length).sum();
        let state_len: usize = self.state.iter().map(Encodable::length).sum();
        let codes_len: usize = self.codes.iter().map(Encodable::length).sum();
        let list = |n: usize| RlpHeader { list: true, payload_length: n };
        let payload = chain.len()
            + block.len()
            + list(ancestors_len).length_with_payload()
            + list(state_len).length_with_payload()
            + list(codes_len).length_with_payload();

        let mut out = Vec::with_capacity(6 + payload + 9);
        out.extend_from_slice(&INPUT_MAGIC);
        out.extend_from_slice(&INPUT_VERSION.to_be_bytes());
        list(payload).encode(&mut out);
        out.extend_from_slice(&chain);
        out.extend_from_slice(&block);
        list(ancestors_len).encode(&mut out);
        self.ancestors.iter().for_each(|h| h.encode(&mut out));
        list(state_len).encode(&mut out);
        self.state.iter().for_each(|n| n.encode(&mut out));
        list(codes_len).encode(&mut out);
        self.codes.iter().for_each(|c| c.encode(&mut out));
        out
    }

    /// Parses the v1 wire format. Never panics; every failure is a typed error.
    pub fn decode(bytes: &[u8]) -> Result<Self, ExecutorError> {
        if bytes.len() < 6 {
            return Err(ExecutorError::Truncated { expected: 6, got: bytes.len() });
        }
        let magic: [u8; 4] = bytes[..4].try_into().expect("length checked");
        if magic != INPUT_MAGIC {
            return Err(ExecutorError::BadMagic { expected: INPUT_MAGIC, got: magic });
        }
        let version = u16::from_be_bytes([bytes[4], bytes[5]]);
        if version != INPUT_VERSION {
            return Err(ExecutorError::UnsupportedVersion(Mismatch::new(INPUT_VERSION, version)));
        }
        let mut buf = &bytes[6..];
        let err = |what, e| ExecutorError::Decode { what, reason: rlp_reason(e) };
        let h = RlpHeader::decode(&mut buf).map_err(|e| err("input", e))?;
        if !h.list {
            return Err(ExecutorError::Decode { what: "input", reason: "expected a list" });
        }
        let (mut body, rest) = buf.split_at(h.payload_length);
        if !rest.is_empty() {
            return Err(ExecutorError::TrailingBytes(rest.len()));
        }
        let chain = ChainConfig::decode(&mut body)?;
        let block = EthBlock::decode(&mut body).map_err(|e| err("block", e))?;
        let ancestors = Vec::<Header>::decode(&mut body).map_err(|e| err("ancestors", e))?;
        let state = Vec::<Bytes>::decode(&mut body).map_err(|e| err("state nodes", e))?;
        let codes = Vec::<Bytes>::decode(&mut body).map_err(|e| err("codes", e))?;
        if !body.is_empty() {
            return Err(ExecutorError::Decode { what: "input", reason: "extra list items" });
        }
        Ok(Self { chain, block, ancestors, state, codes })
    }
}
