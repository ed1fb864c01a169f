//! The header-trust check: does a proven [`BlockCommitment`] describe a block of the chain
//! the user trusts?
//!
//! A block proof shows that *some* block with hash `block_hash` and parent `parent_hash` is
//! valid under the rules `chain_config_hash`, from the state of its parent. It does not show
//! that this block is on the user's chain: that needs a header the user trusts (from their own
//! node, or a header file they vouch for). [`check_commitment`] compares, in order:
//!
//! 1. chain id: the commitment's against the trusted chain's;
//! 2. chain config hash: the rules the guest applied against the pinned rules
//!    ([`TrustPolicy`]: mainnet's for chain 1, or every fork up to a named one for a dev
//!    chain, as `build-witness --fork` builds it);
//! 3. block number against the trusted header's number (a header of another block is the
//!    most common user error, so it gets its own reason);
//! 4. block hash against keccak256(rlp(trusted header)), computed locally;
//! 5. parent hash against the trusted header's `parent_hash`;
//! 6. post-state root against the trusted header's `state_root`.
//!
//! Steps 5 and 6 follow from step 4 for a sound proof (the guest derives both from the header
//! that hashes to `block_hash`); they are checked anyway, so that a wrong commitment says
//! which field is wrong.
//!
//! # Assumptions
//! - The trusted header is the user's choice; nothing here decides which chain is canonical.
//! - The commitment comes from a verified proof (or, for tests and debugging, from a file
//!   the user produced): this module does not verify proofs.

use alloy_primitives::B256;
use stateless_executor::{BlockCommitment, ChainConfig};

use crate::error::VerifyError;
use crate::header::TrustedHeader;

/// What the verifier pins besides the header: the chain and the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustPolicy {
    /// The chain id the user follows.
    pub chain_id: u64,
    /// keccak256 of the canonical encoding of the [`ChainConfig`] the user accepts.
    pub chain_config_hash: B256,
}

impl TrustPolicy {
    /// Pins `config`'s chain id and rules.
    pub fn for_chain(config: &ChainConfig) -> Self {
        Self { chain_id: config.chain_id, chain_config_hash: config.hash() }
    }

    /// Ethereum mainnet with its fork schedule.
    pub fn mainnet() -> Self {
        Self::for_chain(&ChainConfig::mainnet())
    }
}

/// Checks `commitment` against the trusted `header` and `policy`; see the module docs for
/// the order of the checks. The first failed check is the error.
#[must_use = "the commitment is only trusted if this returns Ok"]
pub fn check_commitment(
    commitment: &BlockCommitment,
    header: &TrustedHeader,
    policy: &TrustPolicy,
) -> Result<(), VerifyError> {
    check_policy(commitment, policy)?;
    let h = header.header();
    if commitment.number != h.number {
        return Err(VerifyError::BlockNumber { expected: h.number, got: commitment.number });
    }
    if commitment.block_hash != header.hash() {
        return Err(VerifyError::BlockHash { expected: header.hash(), got: commitment.block_hash });
    }
    if commitment.parent_hash != h.parent_hash {
        return Err(VerifyError::ParentHash {
            expected: h.parent_hash,
            got: commitment.parent_hash,
        });
    }
    if commitment.post_state_root != h.state_root {
        return Err(VerifyError::PostStateRoot {
            expected: h.state_root,
            got: commitment.post_state_root,
        });
    }
    Ok(())
}

/// Steps 1 and 2 alone (chain id and rules), for a commitment checked without a header.
#[must_use = "the commitment is only trusted if this returns Ok"]
pub fn check_policy(commitment: &BlockCommitment, policy: &TrustPolicy) -> Result<(), VerifyError> {
    if commitment.chain_id != policy.chain_id {
        return Err(VerifyError::ChainId { expected: policy.chain_id, got: commitment.chain_id });
    }
    if commitment.chain_config_hash != policy.chain_config_hash {
        return Err(VerifyError::ChainConfigHash {
            expected: policy.chain_config_hash,
            got: commitment.chain_config_hash,
        });
    }
    Ok(())
}
