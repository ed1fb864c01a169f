//! The program verifying key file, format `ZKVK` v1, and the program id it defines.
//!
//! | bytes | content |
//! | --- | --- |
//! | 0..4 | magic `ZKVK` |
//! | 4..6 | format version, little-endian `u16` (1) |
//! | 6 | configuration id (`zkvm_stark::ConfigId`) |
//! | 7 | reserved, 0 |
//! | 8..12 | entry point |
//! | 12..16 | code base address (word-aligned) |
//! | 16..20 | code length in words |
//! | 20..24 | image start (word address) |
//! | 24..28 | image length in words |
//! | 28..60 | the image's memory root: 8 KoalaBear elements, canonical, little-endian `u32` |
//! | 60.. | the STARK verifying key (`zkvm_stark::VerifyingKey::to_bytes`: preprocessed commitment and layout, lookup budget) |
//!
//! All integers little-endian. The [`ProgramId`] is SHA-256 over a domain tag and bytes
//! 6.. of this encoding: everything a verifier uses, so a key file can not be changed
//! without changing the id. Decoding is strict (canonical bytes, a layout the chips have)
//! and never panics.

use alloc::format;
use alloc::vec::Vec;

use sha2::{Digest as _, Sha256};
use zkvm_machine::execution::verifier_machine;
use zkvm_machine::memory_root::Digest;

use crate::{ProgramId, ProgramVerifyingKey, ZkvmConfig, ZkvmError};

/// First bytes of every verifying key file.
pub const VERIFYING_KEY_MAGIC: [u8; 4] = *b"ZKVK";
/// Version of the key format this build writes and reads.
pub const VERIFYING_KEY_VERSION: u16 = 1;
/// Bytes before the STARK key.
pub const VERIFYING_KEY_HEADER_LEN: usize = 60;

/// KoalaBear's modulus: a canonical root element is below it.
const KOALA_BEAR_P: u32 = 0x7f00_0001;

/// What the verifier knows of the program besides the chips' key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProgramShape {
    pub entry: u32,
    pub code_base: u32,
    pub code_words: u32,
    pub memory_start: u32,
    pub memory_words: u32,
    pub initial_root: Digest,
}

/// The key file of `shape` and `vk`.
pub(crate) fn encode<SC: ZkvmConfig>(
    shape: &ProgramShape,
    vk: &zkvm_stark::VerifyingKey<SC, zkvm_machine::MachineAir>,
) -> Vec<u8> {
    let stark = vk.to_bytes();
    let mut out = Vec::with_capacity(VERIFYING_KEY_HEADER_LEN + stark.len());
    out.extend_from_slice(&VERIFYING_KEY_MAGIC);
    out.extend_from_slice(&VERIFYING_KEY_VERSION.to_le_bytes());
    out.push(SC::ID as u8);
    out.push(0);
    for word in
        [shape.entry, shape.code_base, shape.code_words, shape.memory_start, shape.memory_words]
    {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for element in shape.initial_root {
        out.extend_from_slice(&element.to_le_bytes());
    }
    out.extend_from_slice(&stark);
    out
}

/// The program id of a key file (see the module docs).
pub(crate) fn program_id(key_bytes: &[u8]) -> ProgramId {
    let mut h = Sha256::new();
    h.update(b"zkvm program id v3");
    h.update(&key_bytes[6..]);
    ProgramId(h.finalize().into())
}

impl<SC: ZkvmConfig> ProgramVerifyingKey<SC> {
    /// The key file (format `ZKVK` v1, see [`ProgramVerifyingKey::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        encode::<SC>(&self.shape, &self.vk)
    }

    /// Decode a key file (`ZKVK` v1): no ELF, no commitment to compute, `no_std`. The
    /// [`ProgramId`] is recomputed from the bytes: compare it with the id you trust.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Key`] for any malformed byte: magic, version, another configuration,
    /// reserved byte, an impossible code span, a non-canonical root element, or a STARK key
    /// the chips do not have. Never panics on untrusted bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ZkvmError> {
        let bad = |what: alloc::string::String| Err(ZkvmError::Key(what));
        crate::proof::check_file_header::<SC>(
            bytes,
            VERIFYING_KEY_MAGIC,
            VERIFYING_KEY_VERSION,
            VERIFYING_KEY_HEADER_LEN,
        )
        .map_err(ZkvmError::Key)?;
        let word = |i: usize| {
            let at = 8 + 4 * i;
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let mut initial_root = [0u32; 8];
        for (i, element) in initial_root.iter_mut().enumerate() {
            *element = word(5 + i);
            if *element >= KOALA_BEAR_P {
                return bad(format!(
                    "memory root element {i}: expected below {KOALA_BEAR_P:#x}, got {element:#x}"
                ));
            }
        }
        let shape = ProgramShape {
            entry: word(0),
            code_base: word(1),
            code_words: word(2),
            memory_start: word(3),
            memory_words: word(4),
            initial_root,
        };
        let airs = verifier_machine(shape.code_base, shape.code_words)
            .map_err(|e| ZkvmError::Key(format!("code span: {e}")))?;
        let config = SC::build();
        let vk = config
            .key_from_bytes(airs, &bytes[VERIFYING_KEY_HEADER_LEN..])
            .map_err(|e| ZkvmError::Key(format!("{e}")))?;
        // The program chip's preprocessed columns are the ROM: one row per code word.
        let program_rows = zkvm_machine::chips::padded_height(shape.code_words as usize);
        let rom_bits = vk
            .common()
            .preprocessed
            .as_ref()
            .and_then(|p| p.instances.get(zkvm_machine::execution::chip_index::PROGRAM))
            .and_then(|m| m.as_ref())
            .map(|m| m.degree_bits - config.is_zk());
        if rom_bits != Some(program_rows.trailing_zeros() as usize) {
            return bad(format!(
                "program chip: expected 2^{} rows for {} code words, the key says {rom_bits:?}",
                program_rows.trailing_zeros(),
                shape.code_words
            ));
        }
        Ok(ProgramVerifyingKey { config, vk, shape, program_id: program_id(bytes) })
    }
}
