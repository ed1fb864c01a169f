//! A program proof and its wire format.
//!
//! # Format (version 1)
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..4 | magic `ZKPR` ([`PROGRAM_PROOF_MAGIC`]) |
//! | 4..6 | format version, little-endian `u16` ([`PROGRAM_PROOF_VERSION`]) |
//! | 6 | configuration id ([`zkvm_stark::ConfigId`]) |
//! | 7 | reserved, 0 |
//! | 8..40 | program id ([`crate::ProgramId`]) |
//! | 40..44 | exit code, little-endian `u32` (a claim; the verifier checks it) |
//! | 44..48 | output length `n`, little-endian `u32` |
//! | 48..48+n | output bytes (a claim; the verifier checks them against the proven digest) |
//! | 48+n.. | the machine proof in its own framing ([`zkvm_stark::MachineProof::to_bytes`]: magic `ZKVP`, version, config id, `postcard` body) |
//!
//! Everything the verifier returns ([`crate::PublicValues`]) is either in the header,
//! checked against the STARK's public values, or one of those public values.

use alloc::format;
use alloc::vec::Vec;

use zkvm_stark::{MachineConfig, MachineProof};

use crate::{ProgramId, ZkvmError};

/// First bytes of every encoded program proof.
pub const PROGRAM_PROOF_MAGIC: [u8; 4] = *b"ZKPR";
/// Version of the program-proof format this build writes and reads.
pub const PROGRAM_PROOF_VERSION: u16 = 1;
/// Length of the fixed header before the output bytes.
pub const PROGRAM_PROOF_HEADER_LEN: usize = 48;

/// A proof that a program ran to `HALT` on some input, with its claims.
pub struct Proof<SC: MachineConfig> {
    /// The program the proof is for.
    pub program_id: ProgramId,
    /// The exit code the prover claims (checked by [`crate::verify`]).
    pub exit_code: u32,
    /// The output the prover claims (checked against the proven digest).
    pub output: Vec<u8>,
    /// The STARK proof of the run.
    pub machine: MachineProof<SC>,
}

impl<SC: MachineConfig> Proof<SC> {
    /// Encode in the versioned format (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let machine = self.machine.to_bytes();
        let mut out =
            Vec::with_capacity(PROGRAM_PROOF_HEADER_LEN + self.output.len() + machine.len());
        out.extend_from_slice(&PROGRAM_PROOF_MAGIC);
        out.extend_from_slice(&PROGRAM_PROOF_VERSION.to_le_bytes());
        out.push(SC::ID as u8);
        out.push(0);
        out.extend_from_slice(&self.program_id.0);
        out.extend_from_slice(&self.exit_code.to_le_bytes());
        // The prover refuses outputs of 2^24 bytes or more, so the length fits.
        out.extend_from_slice(&(self.output.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.output);
        out.extend_from_slice(&machine);
        out
    }

    /// Decode bytes written by [`Proof::to_bytes`] for this configuration.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Decode`] on any malformed byte (never a panic).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ZkvmError> {
        let bad = |what: alloc::string::String| Err(ZkvmError::Decode(what));
        if bytes.len() < PROGRAM_PROOF_HEADER_LEN {
            return bad(format!(
                "expected at least {PROGRAM_PROOF_HEADER_LEN} bytes of header, got {}",
                bytes.len()
            ));
        }
        if bytes[0..4] != PROGRAM_PROOF_MAGIC {
            return bad(format!(
                "bad magic: expected {PROGRAM_PROOF_MAGIC:?}, got {:?}",
                &bytes[0..4]
            ));
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != PROGRAM_PROOF_VERSION {
            return bad(format!(
                "unsupported version: expected {PROGRAM_PROOF_VERSION}, got {version}"
            ));
        }
        if bytes[6] != SC::ID as u8 {
            return bad(format!("configuration: expected {}, got {}", SC::ID as u8, bytes[6]));
        }
        if bytes[7] != 0 {
            return bad(format!("reserved header byte: expected 0, got {}", bytes[7]));
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let mut program_id = [0u8; 32];
        program_id.copy_from_slice(&bytes[8..40]);
        let exit_code = word(40);
        let output_len = word(44) as usize;
        let rest = &bytes[PROGRAM_PROOF_HEADER_LEN..];
        if rest.len() < output_len {
            return bad(format!(
                "output: expected {output_len} bytes, got {} before the end",
                rest.len()
            ));
        }
        let (output, machine) = rest.split_at(output_len);
        let machine = MachineProof::<SC>::from_bytes(machine)
            .map_err(|e| ZkvmError::Decode(format!("machine proof: {e}")))?;
        Ok(Proof { program_id: ProgramId(program_id), exit_code, output: output.to_vec(), machine })
    }
}
