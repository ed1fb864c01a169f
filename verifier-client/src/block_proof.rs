//! SEAM — the block proof and its verification: `verify(vk, proof) -> BlockCommitment`.
//!
//! **To be filled in by the integrator** (issue 5), together with the block-proof format.
//! Everything else in this crate (the header-trust check, the CLI, its tests) is written
//! against the three items below and needs no change when they are filled in:
//!
//! - [`BlockVerifyingKey`]: the key of the block-validator program
//!   (`executor-guest/guest`, program id in `executor-guest/guest/PROGRAM_ID`), from a key
//!   file (`verify --vk FILE`: [`BlockVerifyingKey::from_bytes`]) or derived from the guest
//!   ELF (`verify --elf FILE`: [`BlockVerifyingKey::from_elf`]; with the zkvm crate that is
//!   `zkvm::Program::from_elf` then `zkvm::ProgramVerifyingKey::new`);
//! - [`BlockProof`]: a decoded block proof (`verify --proof FILE`: [`BlockProof::from_bytes`]);
//! - [`verify`]: checks the proof against the key and returns the proven
//!   [`BlockCommitment`]. Once the zkVM's `verify(vk, proof) -> PublicValues` has accepted
//!   the proof, [`commitment_from_public_output`] (implemented and tested here) turns the
//!   public exit code and output into the commitment: the guest commits the 182-byte
//!   `BlockCommitment` v1 and exits with 0 only when it accepts the block.
//!
//! Until then [`BlockVerifyingKey::from_bytes`], [`BlockVerifyingKey::from_elf`],
//! [`BlockProof::from_bytes`] and [`verify`] return
//! [`VerifyError::ProofVerificationUnavailable`], and `verify --proof` rejects with that
//! reason; `verify --commitment FILE` runs the header-trust check on a bare commitment.
//!
//! The library is `no_std` + `alloc`; if the proof verifier needs `std` (today's `zkvm`
//! crate links the emulator), gate it behind the crate's `std` feature here.

use stateless_executor::BlockCommitment;

use crate::error::VerifyError;

/// The guest's exit code when it accepted the block and committed its commitment
/// (`stateless_guest::exit::SUCCESS`).
pub const GUEST_SUCCESS: u32 = 0;

/// The verifying key of the block-validator program. Placeholder: the integrator gives it
/// its fields (e.g. a `zkvm::ProgramVerifyingKey`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BlockVerifyingKey {}

/// A decoded block proof. Placeholder: the integrator gives it its fields and format.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BlockProof {}

impl BlockVerifyingKey {
    /// Decodes a serialized verifying key (`verify --vk FILE`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let _ = bytes;
        Err(VerifyError::ProofVerificationUnavailable)
    }

    /// Derives the key from the guest ELF (`verify --elf FILE`).
    pub fn from_elf(elf: &[u8]) -> Result<Self, VerifyError> {
        let _ = elf;
        Err(VerifyError::ProofVerificationUnavailable)
    }
}

impl BlockProof {
    /// Decodes a block proof file. Must never panic on untrusted bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let _ = bytes;
        Err(VerifyError::ProofVerificationUnavailable)
    }
}

/// Verifies `proof` against `vk` and returns the [`BlockCommitment`] it proves.
///
/// To be implemented:
/// 1. verify the zkVM proof against the key (program id, STARK, public values);
/// 2. [`commitment_from_public_output`] on the proven exit code and output.
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify(vk: &BlockVerifyingKey, proof: &BlockProof) -> Result<BlockCommitment, VerifyError> {
    let _ = (vk, proof);
    Err(VerifyError::ProofVerificationUnavailable)
}

/// The commitment a proven run of the block-validator guest attests: the run must have
/// exited with [`GUEST_SUCCESS`] and its output must be exactly one `BlockCommitment` v1
/// (182 bytes). Call only on public values of a proof that verified.
#[must_use = "the commitment is only proven if this returns Ok"]
pub fn commitment_from_public_output(
    exit_code: u32,
    output: &[u8],
) -> Result<BlockCommitment, VerifyError> {
    if exit_code != GUEST_SUCCESS {
        return Err(VerifyError::GuestExitCode { expected: GUEST_SUCCESS, got: exit_code });
    }
    BlockCommitment::from_bytes(output).map_err(VerifyError::Commitment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::B256;
    use stateless_executor::ExecutorError;

    fn commitment() -> BlockCommitment {
        BlockCommitment {
            chain_id: 31337,
            number: 2,
            block_hash: B256::repeat_byte(1),
            parent_hash: B256::repeat_byte(2),
            pre_state_root: B256::repeat_byte(3),
            post_state_root: B256::repeat_byte(4),
            chain_config_hash: B256::repeat_byte(5),
        }
    }

    #[test]
    fn public_output_of_an_accepting_run_is_the_commitment() {
        let c = commitment();
        assert_eq!(commitment_from_public_output(0, &c.to_bytes()), Ok(c));
    }

    #[test]
    fn a_rejecting_run_or_a_wrong_output_is_a_typed_error() {
        let c = commitment().to_bytes();
        assert_eq!(
            commitment_from_public_output(3, &c),
            Err(VerifyError::GuestExitCode { expected: 0, got: 3 })
        );
        assert_eq!(
            commitment_from_public_output(0, &[]),
            Err(VerifyError::Commitment(ExecutorError::Truncated { expected: 182, got: 0 }))
        );
        let mut two = c.to_vec();
        two.extend_from_slice(&c);
        assert!(matches!(
            commitment_from_public_output(0, &two),
            Err(VerifyError::Commitment(ExecutorError::Truncated { expected: 182, got: 364 }))
        ));
        let mut bad = c;
        bad[0] = b'X';
        assert!(matches!(
            commitment_from_public_output(0, &bad),
            Err(VerifyError::Commitment(ExecutorError::BadMagic { .. }))
        ));
    }

    #[test]
    fn the_seam_is_not_filled_yet() {
        assert_eq!(
            BlockProof::from_bytes(b"ZKPR").err(),
            Some(VerifyError::ProofVerificationUnavailable)
        );
        assert_eq!(
            BlockVerifyingKey::from_elf(b"\x7fELF").err(),
            Some(VerifyError::ProofVerificationUnavailable)
        );
    }
}
