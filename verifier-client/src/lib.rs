#![no_std]
//! The light verifier of block proofs.
//!
//! A block proof attests a [`BlockCommitment`]: "the block with this hash and parent hash is
//! valid under these rules, from its parent's state". The verifier accepts a block when
//!
//! 1. the proof verifies against the block-validator program's key and yields the
//!    commitment ([`block_proof::verify`] — the seam the integrator fills in);
//! 2. the commitment is for the chain and the rules the user pins ([`TrustPolicy`]);
//! 3. with a trusted header ([`TrustedHeader`], from the user's node or a file), the
//!    commitment's block hash, parent hash, number and post-state root are the header's,
//!    the block hash recomputed here as keccak256(rlp(header)) ([`check_commitment`]).
//!
//! [`verify_block`] runs the three in order. The library is `no_std` + `alloc` (built for
//! `riscv32imac-unknown-none-elf` by `make verifier-no-std`); the `std` feature adds JSON
//! headers, the `cli` feature (default) the `verify` binary and the `--rpc` source
//! ([`rpc::TrustedNode`]).
//!
//! Every error is a [`VerifyError`] named after the check that failed, with `expected` (the
//! trusted side) and `got` (the proof's side); untrusted bytes never panic.

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod block_proof;
pub mod error;
pub mod header;
#[cfg(feature = "cli")]
pub mod rpc;
pub mod trust;

pub use block_proof::{BlockProof, BlockVerifyingKey, commitment_from_public_output};
pub use error::VerifyError;
pub use header::TrustedHeader;
pub use stateless_executor::BlockCommitment;
pub use trust::{TrustPolicy, check_commitment, check_policy};

/// Verifies a block proof and, given a trusted header, that it proves that header's block.
///
/// 1. [`block_proof::verify`]: the proof against the key, giving the commitment.
/// 2. [`check_policy`]: chain id and chain-config hash against `policy`.
/// 3. With `trusted`: [`check_commitment`] (number, block hash, parent hash, post-state root).
///
/// # Assumptions
/// `vk` is the key of the block-validator program the user pins; `policy` and `trusted`
/// come from sources the user trusts.
#[must_use = "a block is only accepted if this returns Ok"]
pub fn verify_block(
    vk: &BlockVerifyingKey,
    proof: &BlockProof,
    trusted: Option<&TrustedHeader>,
    policy: &TrustPolicy,
) -> Result<BlockCommitment, VerifyError> {
    let commitment = block_proof::verify(vk, proof)?;
    match trusted {
        Some(header) => check_commitment(&commitment, header, policy)?,
        None => check_policy(&commitment, policy)?,
    }
    Ok(commitment)
}
