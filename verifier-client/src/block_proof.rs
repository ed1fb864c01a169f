//! The block proof, format v1, and its verification: `verify(vk, proof) -> BlockCommitment`.
//!
//! # Format (version 1)
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..4 | magic `ZKBP` ([`BLOCK_PROOF_MAGIC`]) |
//! | 4..6 | format version, little-endian `u16` ([`BLOCK_PROOF_VERSION`]) |
//! | 6 | kind: 0 = a chain of shard proofs (a `zkvm` program proof follows); 1 is reserved for one aggregated (recursive) proof |
//! | 7 | reserved, 0 |
//! | 8..190 | the `BlockCommitment` v1 (182 bytes): a claim, checked equal to the proven output |
//! | 190.. | the block-validator guest's program proof, `zkvm`'s `ZKPR` v2 (program id, exit code, output, the shard proofs in order) |
//!
//! What binds the shards is in their public values (each shard's state out is the next
//! one's state in: pc, registers, the Poseidon2 Merkle root of memory, the stream cursors),
//! checked by `zkvm::verify`; a dropped, repeated or reordered shard is rejected there.
//!
//! # Keys
//!
//! [`BlockVerifyingKey`] is the block-validator program's key (`executor-guest/guest`).
//! A light client reads it from a key file ([`BlockVerifyingKey::from_bytes`], `zkvm`'s
//! `ZKVK` v1: the program's shape, the image's memory root and the STARK commitment to the
//! preprocessed columns; milliseconds, no_std) and pins its program id
//! ([`BlockVerifyingKey::check_program_id`]): the id is the SHA-256 of the key, recomputed
//! from the file. With the `std` feature the key can also be derived from the guest ELF
//! ([`BlockVerifyingKey::from_elf`]: it decodes the code and commits the ROM, about 1 s).
//!
//! Everything here but [`BlockVerifyingKey::from_elf`] is `no_std` + `alloc`:
//! [`verify`] runs `zkvm::verify` (the STARK of every shard and the chain) without the
//! emulator. With `std`, a panic inside the backend verifier on a malformed proof is caught
//! and reported as a rejection; without it such a panic aborts (the platform's handler).

use alloc::format;
use alloc::vec::Vec;

use stateless_executor::BlockCommitment;
use stateless_executor::commitment::COMMITMENT_LEN;

use crate::error::VerifyError;

/// The guest's exit code when it accepted the block and committed its commitment
/// (`stateless_guest::exit::SUCCESS`).
pub const GUEST_SUCCESS: u32 = 0;
/// First bytes of every block proof.
pub const BLOCK_PROOF_MAGIC: [u8; 4] = *b"ZKBP";
/// Version of the block-proof format this build writes and reads.
pub const BLOCK_PROOF_VERSION: u16 = 1;
/// Kind byte of a proof made of shard proofs.
pub const KIND_SHARD_CHAIN: u8 = 0;
/// Length of the header before the program proof.
pub const BLOCK_PROOF_HEADER_LEN: usize = 8 + COMMITMENT_LEN;

/// The verifying key of the block-validator program.
#[derive(Clone)]
pub struct BlockVerifyingKey {
    inner: alloc::sync::Arc<zkvm::ProgramVerifyingKey<zkvm::DefaultConfig>>,
}

impl core::fmt::Debug for BlockVerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BlockVerifyingKey")
    }
}

/// A decoded block proof.
pub struct BlockProof {
    /// The commitment the proof claims (checked against the proven output).
    pub commitment: BlockCommitment,
    /// The guest's program proof.
    pub proof: zkvm::Proof<zkvm::DefaultConfig>,
}

impl core::fmt::Debug for BlockProof {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BlockProof").field("commitment", &self.commitment).finish_non_exhaustive()
    }
}

impl BlockVerifyingKey {
    /// Decodes a verifying-key file (`verify --vk FILE`; `zkvm`'s `ZKVK` v1). The program
    /// id is recomputed from the bytes: pin it with [`BlockVerifyingKey::check_program_id`].
    ///
    /// # Errors
    ///
    /// [`VerifyError::KeyFormat`] for any malformed byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let inner = zkvm::ProgramVerifyingKey::from_bytes(bytes).map_err(|e| match e {
            zkvm::ZkvmError::Key(reason) => VerifyError::KeyFormat(reason),
            e => VerifyError::KeyFormat(format!("{e}")),
        })?;
        Ok(BlockVerifyingKey { inner: alloc::sync::Arc::new(inner) })
    }

    /// The key file (`ZKVK` v1).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// Derives the key from the guest ELF (`verify --elf FILE`).
    ///
    /// # Errors
    ///
    /// [`VerifyError::Proof`] if the ELF does not load; without the `std` feature
    /// [`VerifyError::KeyFromElfUnavailable`].
    pub fn from_elf(elf: &[u8]) -> Result<Self, VerifyError> {
        #[cfg(feature = "std")]
        {
            let program =
                zkvm::Program::from_elf(elf).map_err(|e| VerifyError::Proof(format!("{e}")))?;
            let inner = zkvm::ProgramVerifyingKey::new(&program)
                .map_err(|e| VerifyError::Proof(format!("{e}")))?;
            Ok(BlockVerifyingKey { inner: alloc::sync::Arc::new(inner) })
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = elf;
            Err(VerifyError::KeyFromElfUnavailable)
        }
    }

    /// The program id of the key (hex): the SHA-256 of the key file.
    pub fn program_id(&self) -> alloc::string::String {
        format!("{}", self.inner.program_id())
    }

    /// Checks that the key is the one of the program id `expected` (hex, as
    /// [`BlockVerifyingKey::program_id`] prints it; a `0x` prefix and case are ignored).
    ///
    /// # Errors
    ///
    /// [`VerifyError::ProgramId`] if it is not.
    pub fn check_program_id(&self, expected: &str) -> Result<(), VerifyError> {
        let expected = expected.trim();
        let expected = expected.strip_prefix("0x").unwrap_or(expected).to_ascii_lowercase();
        let got = self.program_id();
        if expected != got {
            return Err(VerifyError::ProgramId { expected, got });
        }
        Ok(())
    }

    /// The zkVM key inside.
    pub fn program_key(&self) -> &zkvm::ProgramVerifyingKey<zkvm::DefaultConfig> {
        &self.inner
    }
}

impl BlockProof {
    /// Encodes in format v1 (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = encode_header(&self.commitment);
        out.extend_from_slice(&self.proof.to_bytes());
        out
    }

    /// Decodes a block proof file. Never panics on untrusted bytes.
    ///
    /// # Errors
    ///
    /// [`VerifyError::ProofFormat`] for any malformed byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let commitment = decode_header(bytes)?;
        let proof = zkvm::Proof::from_bytes(&bytes[BLOCK_PROOF_HEADER_LEN..])
            .map_err(|e| VerifyError::ProofFormat(format!("{e}")))?;
        Ok(BlockProof { commitment, proof })
    }
}

/// The claimed commitment from the first [`BLOCK_PROOF_HEADER_LEN`] bytes of a block proof
/// (magic, version, kind, reserved byte, commitment).
fn decode_header(bytes: &[u8]) -> Result<BlockCommitment, VerifyError> {
    let bad = |what: alloc::string::String| Err(VerifyError::ProofFormat(what));
    if bytes.len() < BLOCK_PROOF_HEADER_LEN {
        return bad(format!(
            "expected at least {BLOCK_PROOF_HEADER_LEN} bytes of header, got {}",
            bytes.len()
        ));
    }
    if bytes[0..4] != BLOCK_PROOF_MAGIC {
        return bad(format!("bad magic: expected {BLOCK_PROOF_MAGIC:?}, got {:?}", &bytes[0..4]));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != BLOCK_PROOF_VERSION {
        return bad(format!("unsupported version: expected {BLOCK_PROOF_VERSION}, got {version}"));
    }
    if bytes[6] != KIND_SHARD_CHAIN {
        return bad(format!(
            "proof kind: expected {KIND_SHARD_CHAIN} (shard chain), got {} (aggregated proofs are not built yet)",
            bytes[6]
        ));
    }
    if bytes[7] != 0 {
        return bad(format!("reserved header byte: expected 0, got {}", bytes[7]));
    }
    BlockCommitment::from_bytes(&bytes[8..BLOCK_PROOF_HEADER_LEN]).map_err(VerifyError::Commitment)
}

/// The block-proof header for `commitment` (the program proof follows it).
pub fn encode_header(commitment: &BlockCommitment) -> Vec<u8> {
    let mut out = Vec::with_capacity(BLOCK_PROOF_HEADER_LEN);
    out.extend_from_slice(&BLOCK_PROOF_MAGIC);
    out.extend_from_slice(&BLOCK_PROOF_VERSION.to_le_bytes());
    out.push(KIND_SHARD_CHAIN);
    out.push(0);
    out.extend_from_slice(&commitment.to_bytes());
    out
}

/// Verifies `proof` against `vk` and returns the [`BlockCommitment`] it proves.
///
/// 1. `zkvm::verify`: program id, every shard's STARK, the chain of shards from the
///    guest's entry to `HALT`, the output beside the proof against the proven digests.
/// 2. [`commitment_from_public_output`]: the proven run exited with 0 and its output is one
///    `BlockCommitment` v1, equal to the one in the header.
///
/// # Errors
///
/// The first check that fails.
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify(vk: &BlockVerifyingKey, proof: &BlockProof) -> Result<BlockCommitment, VerifyError> {
    let public =
        zkvm::verify(&vk.inner, &proof.proof).map_err(|e| VerifyError::Proof(format!("{e}")))?;
    proven_commitment(&public, &proof.commitment)
}

/// [`verify`] for a block proof read from `reader` (a file) as it is checked: memory holds
/// a batch of shard proofs (two per core, checked in parallel), never the whole proof
/// (`zkvm::verify_reader`). Same checks, same first error, as decoding the bytes with
/// [`BlockProof::from_bytes`] then calling [`verify`], except that a malformed shard is
/// reported when the reader reaches it, after the shards before it were checked.
///
/// # Errors
///
/// [`VerifyError::ProofFormat`] for malformed or unreadable bytes, then as [`verify`].
#[cfg(feature = "std")]
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify_reader<R: std::io::Read>(
    vk: &BlockVerifyingKey,
    mut reader: R,
) -> Result<BlockCommitment, VerifyError> {
    use std::io::Read as _;
    // At most the header: a short file is `decode_header`'s "expected at least" error.
    let mut header = Vec::with_capacity(BLOCK_PROOF_HEADER_LEN);
    (&mut reader)
        .take(BLOCK_PROOF_HEADER_LEN as u64)
        .read_to_end(&mut header)
        .map_err(|e| VerifyError::ProofFormat(format!("reading the header: {e}")))?;
    let claimed = decode_header(&header)?;
    let public = zkvm::verify_reader(&vk.inner, reader).map_err(|e| match e {
        zkvm::ZkvmError::Decode(_) | zkvm::ZkvmError::Read(_) => {
            VerifyError::ProofFormat(format!("{e}"))
        }
        e => VerifyError::Proof(format!("{e}")),
    })?;
    proven_commitment(&public, &claimed)
}

/// The commitment `public` (a verified run of the guest) proves, which must be `claimed`,
/// the one in the block proof's header.
fn proven_commitment(
    public: &zkvm::PublicValues,
    claimed: &BlockCommitment,
) -> Result<BlockCommitment, VerifyError> {
    let commitment = commitment_from_public_output(public.exit_code, &public.output)?;
    if commitment != *claimed {
        return Err(VerifyError::HeaderCommitmentMismatch);
    }
    Ok(commitment)
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
    fn malformed_block_proofs_are_typed_errors() {
        let header = encode_header(&commitment());
        for bytes in [&b""[..], &b"ZKBP"[..], &header[..100]] {
            assert!(matches!(BlockProof::from_bytes(bytes), Err(VerifyError::ProofFormat(_))));
        }
        let mut bad_magic = header.clone();
        bad_magic[0] = b'X';
        let mut kind = header.clone();
        kind[6] = 1;
        for bytes in [bad_magic, kind] {
            assert!(matches!(BlockProof::from_bytes(&bytes), Err(VerifyError::ProofFormat(_))));
        }
        assert!(matches!(
            BlockVerifyingKey::from_bytes(b"key"),
            Err(VerifyError::KeyFormat(m)) if m.contains("expected at least 60 bytes")
        ));
        let mut not_a_key = b"ZKBP".to_vec();
        not_a_key.resize(80, 0);
        assert!(matches!(
            BlockVerifyingKey::from_bytes(&not_a_key),
            Err(VerifyError::KeyFormat(m)) if m.contains("bad magic")
        ));
    }
}
