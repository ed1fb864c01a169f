//! The proof and its wire format.
//!
//! # Format (version 1)
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..4 | magic `ZKVP` |
//! | 4..6 | format version, little-endian `u16` ([`PROOF_FORMAT_VERSION`]) |
//! | 6 | configuration id ([`crate::ConfigId`]) |
//! | 7 | reserved, 0 |
//! | 8.. | the [`MachineProof`] in `postcard` |

use alloc::format;
use alloc::vec::Vec;

use p3_batch_stark::BatchProof;
use p3_uni_stark::{StarkGenericConfig, Val};
use serde::{Deserialize, Serialize};

use crate::config::MachineConfig;
use crate::error::DecodeError;

/// First bytes of every encoded proof.
pub const PROOF_MAGIC: [u8; 4] = *b"ZKVP";
/// Version of the wire format this build writes and reads.
pub const PROOF_FORMAT_VERSION: u16 = 1;
/// Length of the header before the body.
pub const HEADER_LEN: usize = 8;

/// A proof of one shard: every chip's public values and the batch STARK proof.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct MachineProof<SC: StarkGenericConfig> {
    /// Public values of each chip, in the key's chip order.
    pub public_values: Vec<Vec<Val<SC>>>,
    /// The batch STARK proof.
    pub stark: BatchProof<SC>,
}

impl<SC: MachineConfig> MachineProof<SC> {
    /// Encode with the versioned header.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN);
        out.extend_from_slice(&PROOF_MAGIC);
        out.extend_from_slice(&PROOF_FORMAT_VERSION.to_le_bytes());
        out.push(SC::ID as u8);
        out.push(0);
        // The body holds only vectors, integers and field elements: it always serializes.
        let body = postcard::to_allocvec(self).expect("a proof always serializes");
        out.extend_from_slice(&body);
        out
    }

    /// Decode bytes written by [`MachineProof::to_bytes`] for this configuration.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() < HEADER_LEN {
            return Err(DecodeError::TooShort { expected: HEADER_LEN, got: bytes.len() });
        }
        let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if magic != PROOF_MAGIC {
            return Err(DecodeError::BadMagic { expected: PROOF_MAGIC, got: magic });
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != PROOF_FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion {
                expected: PROOF_FORMAT_VERSION,
                got: version,
            });
        }
        if bytes[6] != SC::ID as u8 {
            return Err(DecodeError::ConfigMismatch { expected: SC::ID as u8, got: bytes[6] });
        }
        if bytes[7] != 0 {
            return Err(DecodeError::Body(format!("reserved header byte is {}", bytes[7])));
        }
        let (proof, rest) = postcard::take_from_bytes::<Self>(&bytes[HEADER_LEN..])
            .map_err(|e| DecodeError::Body(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(DecodeError::TrailingBytes { count: rest.len() });
        }
        Ok(proof)
    }
}
