//! A program proof and its wire format.
//!
//! A run is cut into shards of at most [`crate::MAX_CYCLES`] cycles; a proof is the list of
//! the shards' STARK proofs, in execution order, with the claims a verifier returns.
//!
//! # Format (version 2)
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
//! | 48..48+n | output bytes (a claim; the verifier checks them against the proven digests) |
//! | next 4 | shard count `k ≥ 1`, little-endian `u32` |
//! | then, `k` times | a shard: its length `m`, little-endian `u32`, then `m` bytes of machine proof in its own framing ([`zkvm_stark::MachineProof::to_bytes`]: magic `ZKVP`, version, config id, `postcard` body) |
//!
//! Nothing binds the shards to each other in the encoding: the verifier chains them through
//! their public values (each shard's state out is the next one's state in, see
//! [`crate::verify`]), so a dropped, repeated or reordered shard is rejected there.
//! A prover can write the format as it goes ([`encode_header`], then [`encode_shard`] per
//! shard): the output and the shard count are known from a fast run before proving.

use alloc::format;
use alloc::vec::Vec;

use zkvm_stark::{MachineConfig, MachineProof};

use crate::{ProgramId, ZkvmError};

/// First bytes of every encoded program proof.
pub const PROGRAM_PROOF_MAGIC: [u8; 4] = *b"ZKPR";
/// Version of the program-proof format this build writes and reads.
pub const PROGRAM_PROOF_VERSION: u16 = 2;
/// Length of the fixed header before the output bytes.
pub const PROGRAM_PROOF_HEADER_LEN: usize = 48;

/// A proof that a program ran to `HALT` on some input, with its claims.
pub struct Proof<SC: MachineConfig> {
    /// The program the proof is for.
    pub program_id: ProgramId,
    /// The exit code the prover claims (checked by [`crate::verify`]).
    pub exit_code: u32,
    /// The output the prover claims (checked against the proven digests).
    pub output: Vec<u8>,
    /// The STARK proof of each shard, in execution order.
    pub shards: Vec<MachineProof<SC>>,
}

/// The encoding of everything before the shards: header, output, shard count.
///
/// # Panics
///
/// If the output is 2^32 bytes or longer (the prover refuses outputs of 2^24 bytes).
pub fn encode_header<SC: MachineConfig>(
    program_id: ProgramId,
    exit_code: u32,
    output: &[u8],
    shard_count: u32,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(PROGRAM_PROOF_HEADER_LEN + output.len() + 4);
    out.extend_from_slice(&PROGRAM_PROOF_MAGIC);
    out.extend_from_slice(&PROGRAM_PROOF_VERSION.to_le_bytes());
    out.push(SC::ID as u8);
    out.push(0);
    out.extend_from_slice(&program_id.0);
    out.extend_from_slice(&exit_code.to_le_bytes());
    let len = u32::try_from(output.len()).expect("outputs are below 2^24 bytes");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(output);
    out.extend_from_slice(&shard_count.to_le_bytes());
    out
}

/// The encoding of one shard: length, then the machine proof.
///
/// # Panics
///
/// If the machine proof is 4 GiB or larger (they are a few MiB).
pub fn encode_shard<SC: MachineConfig>(shard: &MachineProof<SC>) -> Vec<u8> {
    let body = shard.to_bytes();
    let len = u32::try_from(body.len()).expect("a shard proof is below 4 GiB");
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&body);
    out
}

impl<SC: MachineConfig> Proof<SC> {
    /// Encode in the versioned format (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let count = u32::try_from(self.shards.len()).expect("fewer than 2^32 shards");
        let mut out = encode_header::<SC>(self.program_id, self.exit_code, &self.output, count);
        for shard in &self.shards {
            out.extend_from_slice(&encode_shard(shard));
        }
        out
    }

    /// Decode bytes written by [`Proof::to_bytes`] for this configuration.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Decode`] on any malformed byte (never a panic).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ZkvmError> {
        let bad = |what: alloc::string::String| Err(ZkvmError::Decode(what));
        let (program_id, exit_code, output_len) = decode_fixed_header::<SC>(bytes)?;
        let rest = &bytes[PROGRAM_PROOF_HEADER_LEN..];
        if rest.len() < output_len {
            return bad(format!(
                "output: expected {output_len} bytes, got {} before the end",
                rest.len()
            ));
        }
        let (output, mut rest) = rest.split_at(output_len);
        let take_u32 = |rest: &mut &[u8], what: &str| -> Result<u32, ZkvmError> {
            if rest.len() < 4 {
                return Err(ZkvmError::Decode(format!(
                    "{what}: expected 4 bytes, got {} before the end",
                    rest.len()
                )));
            }
            let (head, tail) = rest.split_at(4);
            *rest = tail;
            Ok(u32::from_le_bytes([head[0], head[1], head[2], head[3]]))
        };
        let count = take_u32(&mut rest, "shard count")?;
        if count == 0 {
            return bad("shard count: expected at least 1, got 0".into());
        }
        // Each shard takes at least its 4-byte length: bounds the allocation.
        if count as usize > rest.len() / 4 {
            return bad(format!(
                "shard count {count} does not fit in the {} bytes left",
                rest.len()
            ));
        }
        let mut shards = Vec::with_capacity(count as usize);
        for index in 0..count {
            let len = take_u32(&mut rest, &format!("shard {index} length"))? as usize;
            if rest.len() < len {
                return bad(format!(
                    "shard {index}: expected {len} bytes, got {} before the end",
                    rest.len()
                ));
            }
            let (body, tail) = rest.split_at(len);
            rest = tail;
            shards.push(decode_shard(index, body)?);
        }
        if !rest.is_empty() {
            return bad(format!("{} trailing bytes after the last shard", rest.len()));
        }
        Ok(Proof { program_id, exit_code, output: output.to_vec(), shards })
    }
}

/// The fixed header (the first [`PROGRAM_PROOF_HEADER_LEN`] bytes of `bytes`): program id,
/// exit code, output length.
fn decode_fixed_header<SC: MachineConfig>(
    bytes: &[u8],
) -> Result<(ProgramId, u32, usize), ZkvmError> {
    check_file_header::<SC>(
        bytes,
        PROGRAM_PROOF_MAGIC,
        PROGRAM_PROOF_VERSION,
        PROGRAM_PROOF_HEADER_LEN,
    )
    .map_err(ZkvmError::Decode)?;
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let mut program_id = [0u8; 32];
    program_id.copy_from_slice(&bytes[8..40]);
    Ok((ProgramId(program_id), word(40), word(44) as usize))
}

fn decode_shard<SC: MachineConfig>(index: u32, body: &[u8]) -> Result<MachineProof<SC>, ZkvmError> {
    MachineProof::<SC>::from_bytes(body)
        .map_err(|e| ZkvmError::Decode(format!("shard {index}: {e}")))
}

/// Reads a program proof (the format above) from a byte stream one shard at a time:
/// [`ProofReader::new`] reads everything before the shards, [`ProofReader::next_shard`]
/// the next shard proof, and after the last one checks that the stream ends there.
/// Lengths in the file are never trusted for an allocation: a body is read as far as the
/// stream goes, and a short one is a [`ZkvmError::Decode`].
#[cfg(feature = "std")]
pub struct ProofReader<R, SC> {
    reader: R,
    next: u32,
    count: u32,
    ended: bool,
    _config: core::marker::PhantomData<SC>,
}

#[cfg(feature = "std")]
impl<R: std::io::Read, SC: MachineConfig> ProofReader<R, SC> {
    /// Reads the header, the output and the shard count.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Decode`] for a malformed or short header; [`ZkvmError::Read`] if
    /// reading fails.
    pub fn new(mut reader: R) -> Result<(Self, crate::chain::ProofHeader), ZkvmError> {
        let fixed = read_exact_or_short(&mut reader, PROGRAM_PROOF_HEADER_LEN, "header")?;
        let (program_id, exit_code, output_len) = decode_fixed_header::<SC>(&fixed)?;
        let output = read_exact_or_short(&mut reader, output_len, "output")?;
        let count = read_exact_or_short(&mut reader, 4, "shard count")?;
        let count = u32::from_le_bytes([count[0], count[1], count[2], count[3]]);
        if count == 0 {
            return Err(ZkvmError::Decode("shard count: expected at least 1, got 0".into()));
        }
        let header = crate::chain::ProofHeader {
            program_id,
            exit_code,
            output,
            shard_count: count as usize,
        };
        Ok((
            ProofReader {
                reader,
                next: 0,
                count,
                ended: false,
                _config: core::marker::PhantomData,
            },
            header,
        ))
    }

    /// The next shard proof, or `None` after the last one (the stream must end there).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Decode`] naming the shard for a malformed or short shard, or for bytes
    /// after the last one; [`ZkvmError::Read`] if reading fails.
    pub fn next_shard(&mut self) -> Result<Option<MachineProof<SC>>, ZkvmError> {
        if self.next == self.count {
            if !self.ended {
                self.ended = true;
                if !read_at_most(&mut self.reader, 1, "after the last shard")?.is_empty() {
                    return Err(ZkvmError::Decode("trailing bytes after the last shard".into()));
                }
            }
            return Ok(None);
        }
        let index = self.next;
        let len = read_exact_or_short(&mut self.reader, 4, &format!("shard {index} length"))?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let body = read_exact_or_short(&mut self.reader, len, &format!("shard {index}"))?;
        self.next += 1;
        decode_shard(index, &body).map(Some)
    }
}

/// Exactly `len` bytes (`what` names them in the error if the stream ends first). The
/// buffer grows with what arrives, so a forged length allocates no more than the file holds.
#[cfg(feature = "std")]
fn read_exact_or_short(
    reader: &mut impl std::io::Read,
    len: usize,
    what: &str,
) -> Result<Vec<u8>, ZkvmError> {
    let out = read_at_most(reader, len, what)?;
    if out.len() != len {
        return Err(ZkvmError::Decode(format!(
            "{what}: expected {len} bytes, got {} before the end",
            out.len()
        )));
    }
    Ok(out)
}

/// Up to `len` bytes: fewer only where the stream ends (`what` names them in a read error).
#[cfg(feature = "std")]
fn read_at_most(
    reader: &mut impl std::io::Read,
    len: usize,
    what: &str,
) -> Result<Vec<u8>, ZkvmError> {
    use std::io::Read as _;
    let mut out = Vec::with_capacity(len.min(1 << 20));
    reader
        .take(len as u64)
        .read_to_end(&mut out)
        .map_err(|e| ZkvmError::Read(format!("{what}: {e}")))?;
    Ok(out)
}

/// The first 8 bytes every zkvm file shares (proof `ZKPR`, key `ZKVK`): at least
/// `header_len` bytes, the magic, the version, this configuration's id, a zero reserved
/// byte. The reason, if not.
pub(crate) fn check_file_header<SC: MachineConfig>(
    bytes: &[u8],
    magic: [u8; 4],
    version: u16,
    header_len: usize,
) -> Result<(), alloc::string::String> {
    if bytes.len() < header_len {
        return Err(format!("expected at least {header_len} bytes of header, got {}", bytes.len()));
    }
    if bytes[0..4] != magic {
        return Err(format!("bad magic: expected {magic:?}, got {:?}", &bytes[0..4]));
    }
    let got = u16::from_le_bytes([bytes[4], bytes[5]]);
    if got != version {
        return Err(format!("unsupported version: expected {version}, got {got}"));
    }
    if bytes[6] != SC::ID as u8 {
        return Err(format!("configuration: expected {}, got {}", SC::ID as u8, bytes[6]));
    }
    if bytes[7] != 0 {
        return Err(format!("reserved header byte: expected 0, got {}", bytes[7]));
    }
    Ok(())
}
