//! `BlockCommitment` v1: the public output of a validated block.
//!
//! # Wire format (version 1), 182 bytes, fixed layout
//!
//! ```text
//! offset  size  field
//! 0       4     magic "ZKBC"
//! 4       2     version, big-endian u16 (= 1)
//! 6       8     chain id, big-endian
//! 14      8     block number, big-endian
//! 22      32    block hash        keccak256(rlp(header))
//! 54      32    parent hash
//! 86      32    pre-state root    (the parent header's state root)
//! 118     32    post-state root   (computed, equal to the header's)
//! 150     32    chain config hash keccak256 of the canonical ChainConfig encoding
//! ```
//! A verifier that trusts a header chain checks `block_hash` and `parent_hash` against it;
//! every other field follows from the header that `block_hash` commits to, except the chain
//! config hash, which says under which fork rules the block was executed.

use crate::error::{ExecutorError, Mismatch};
use alloy_primitives::B256;

/// Magic bytes of a serialized commitment.
pub const COMMITMENT_MAGIC: [u8; 4] = *b"ZKBC";
/// Commitment format version.
pub const COMMITMENT_VERSION: u16 = 1;
/// Size of a serialized commitment.
pub const COMMITMENT_LEN: usize = 182;

/// What a valid block proof attests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockCommitment {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Block number.
    pub number: u64,
    /// keccak256 of the RLP header.
    pub block_hash: B256,
    /// The header's parent hash.
    pub parent_hash: B256,
    /// State root before the block (the parent's).
    pub pre_state_root: B256,
    /// State root after the block (recomputed and equal to the header's).
    pub post_state_root: B256,
    /// Hash of the chain config the block was executed under.
    pub chain_config_hash: B256,
}

impl BlockCommitment {
    /// Serializes to the fixed 182-byte layout.
    pub fn to_bytes(&self) -> [u8; COMMITMENT_LEN] {
        let mut out = [0u8; COMMITMENT_LEN];
        out[..4].copy_from_slice(&COMMITMENT_MAGIC);
        out[4..6].copy_from_slice(&COMMITMENT_VERSION.to_be_bytes());
        out[6..14].copy_from_slice(&self.chain_id.to_be_bytes());
        out[14..22].copy_from_slice(&self.number.to_be_bytes());
        for (i, h) in [
            self.block_hash,
            self.parent_hash,
            self.pre_state_root,
            self.post_state_root,
            self.chain_config_hash,
        ]
        .iter()
        .enumerate()
        {
            out[22 + 32 * i..54 + 32 * i].copy_from_slice(h.as_slice());
        }
        out
    }

    /// Parses the fixed layout. Never panics.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ExecutorError> {
        if bytes.len() != COMMITMENT_LEN {
            return Err(ExecutorError::Truncated { expected: COMMITMENT_LEN, got: bytes.len() });
        }
        let magic: [u8; 4] = bytes[..4].try_into().expect("length checked");
        if magic != COMMITMENT_MAGIC {
            return Err(ExecutorError::BadMagic { expected: COMMITMENT_MAGIC, got: magic });
        }
        let version = u16::from_be_bytes([bytes[4], bytes[5]]);
        if version != COMMITMENT_VERSION {
            return Err(ExecutorError::UnsupportedVersion(Mismatch::new(
                COMMITMENT_VERSION,
                version,
            )));
        }
        let u64_at = |o: usize| u64::from_be_bytes(bytes[o..o + 8].try_into().expect("in range"));
        let h = |i: usize| B256::from_slice(&bytes[22 + 32 * i..54 + 32 * i]);
        Ok(Self {
            chain_id: u64_at(6),
            number: u64_at(14),
            block_hash: h(0),
            parent_hash: h(1),
            pre_state_root: h(2),
            post_state_root: h(3),
            chain_config_hash: h(4),
        })
    }
}

impl core::fmt::Display for BlockCommitment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        writeln!(f, "chain id          {}", self.chain_id)?;
        writeln!(f, "block number      {}", self.number)?;
        writeln!(f, "block hash        {}", self.block_hash)?;
        writeln!(f, "parent hash       {}", self.parent_hash)?;
        writeln!(f, "pre-state root    {}", self.pre_state_root)?;
        writeln!(f, "post-state root   {}", self.post_state_root)?;
        write!(f, "chain config hash {}", self.chain_config_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_rejects() {
        let c = BlockCommitment {
            chain_id: 1,
            number: 19_426_587,
            block_hash: B256::repeat_byte(1),
            parent_hash: B256::repeat_byte(2),
            pre_state_root: B256::repeat_byte(3),
            post_state_root: B256::repeat_byte(4),
            chain_config_hash: B256::repeat_byte(5),
        };
        let b = c.to_bytes();
        assert_eq!(BlockCommitment::from_bytes(&b).unwrap(), c);
        assert!(matches!(
            BlockCommitment::from_bytes(&b[..100]),
            Err(ExecutorError::Truncated { expected: 182, got: 100 })
        ));
        let mut bad = b;
        bad[0] = b'X';
        assert!(matches!(BlockCommitment::from_bytes(&bad), Err(ExecutorError::BadMagic { .. })));
        let mut bad = b;
        bad[5] = 9;
        assert!(matches!(
            BlockCommitment::from_bytes(&bad),
            Err(ExecutorError::UnsupportedVersion(Mismatch { expected: 1, got: 9 }))
        ));
    }
}
