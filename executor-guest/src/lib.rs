#![cfg_attr(not(feature = "std"), no_std)]
//! Stateless Ethereum block executor.
//!
//! Validates one block from a [`StatelessInput`] (block, ancestor headers, witness trie
//! nodes, bytecodes, chain config) without any database, and returns the
//! [`BlockCommitment`] a proof attests. The same code runs natively and as the zkVM guest.
//!
//! # Validation steps, in order ([`validate_block`])
//! 1. Decode the versioned input ([`StatelessInput::decode`]); nothing in it is trusted.
//! 2. Check the ancestor headers hash-chain to the block's parent hash.
//! 3. Validate the header against the parent (number, timestamp, gas limit, base fee,
//!    difficulty or proof-of-stake fields, fork-gated fields, excess blob gas, DAO extra
//!    data), the body against the header (transactions root, ommers hash, withdrawals
//!    root) and the ommers.
//! 4. Recover transaction senders (EIP-2 low-s from Homestead on).
//! 5. Open the parent's state root over the witness: each trie node is used only where its
//!    keccak hash is committed by its parent; a read the witness does not cover fails with
//!    "incomplete witness", never a silent zero.
//! 6. Execute with revm through alloy-evm's Ethereum block executor (system calls of
//!    EIP-4788/2935/7002/7251, withdrawals, rewards, the DAO fork, EIP-6110 deposits).
//! 7. Check gas used, blob gas used, receipts root, logs bloom and requests hash.
//! 8. Apply the state diff to the sparse tries (inserts before deletions) and compare the
//!    post-state root with the header.
//!
//! [`validate_block_with_probe`] reports where each profiling [`Phase`] starts (the guest
//! turns the reports into `PHASE_MARK` syscalls for the emulator's cycle split).
extern crate alloc;

pub mod chain;
pub mod commitment;
pub mod eip7610;
pub mod error;
pub mod execute;
pub mod input;
pub mod phase;
pub mod state;
pub mod trie;
pub mod validate;

pub use chain::{Activation, ChainConfig};
pub use commitment::BlockCommitment;
pub use error::{ExecutorError, Mismatch};
pub use execute::{
    ValidationStats, execute_block, validate_block, validate_block_with_diff,
    validate_block_with_probe,
};
pub use input::{EthBlock, StatelessInput};
pub use phase::Phase;

/// Re-exported dependencies, so users build inputs with the exact same types.
pub mod deps {
    pub use alloy_consensus;
    pub use alloy_eips;
    pub use alloy_hardforks;
    pub use alloy_primitives;
    pub use alloy_rlp;
    pub use alloy_trie;
    pub use revm;
}
