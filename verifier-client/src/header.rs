//! A block header the user trusts, with its hash always recomputed here.
//!
//! A [`TrustedHeader`] is made from bytes the user vouches for: an RLP-encoded header (the
//! consensus encoding, whose keccak256 is the block hash), or — with the `std` feature — a
//! JSON header as `eth_getBlockByNumber` returns it. Either way the hash is keccak256 of the
//! canonical RLP, computed locally; a hash field in the input is never taken on trust (a JSON
//! `hash` that disagrees with the fields is an error, so a header that this verifier cannot
//! re-encode faithfully, e.g. one with fields of a fork it does not know, is rejected rather
//! than checked against a wrong hash).
//!
//! Accepted inputs ([`TrustedHeader::from_file_bytes`]):
//!
//! | input | detected by |
//! | --- | --- |
//! | binary RLP of the header | anything that is neither of the below |
//! | RLP as hex text (`0xf9…`, whitespace around it ignored) | starts with `0x` |
//! | JSON (`std`): the block object of `eth_getBlockByNumber` (transactions as hashes or objects, ignored), or the whole JSON-RPC response `{"result": {…}}` | starts with `{` |

use alloc::vec::Vec;
use alloy_consensus::Header;
use alloy_primitives::{B256, keccak256};
use alloy_rlp::{Decodable, Encodable};

use crate::error::VerifyError;

/// A header the user trusts and its locally computed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedHeader {
    header: Header,
    hash: B256,
}

impl TrustedHeader {
    /// Trusts `header`; its hash is keccak256 of its RLP encoding.
    pub fn from_header(header: Header) -> Self {
        let hash = header.hash_slow();
        Self { header, hash }
    }

    /// Decodes a binary RLP header. The input must be exactly one canonical RLP header (no
    /// trailing bytes; re-encoding gives the same bytes), so its keccak256 is the block hash.
    pub fn from_rlp(bytes: &[u8]) -> Result<Self, VerifyError> {
        if bytes.is_empty() {
            return Err(VerifyError::HeaderEmpty);
        }
        let mut rest = bytes;
        let header = Header::decode(&mut rest).map_err(VerifyError::HeaderRlp)?;
        if !rest.is_empty() {
            return Err(VerifyError::HeaderTrailingBytes { got: rest.len() });
        }
        let mut canonical = Vec::with_capacity(bytes.len());
        header.encode(&mut canonical);
        if canonical != bytes {
            return Err(VerifyError::HeaderNotCanonical {
                expected: bytes.len(),
                got: canonical.len(),
            });
        }
        Ok(Self { header, hash: keccak256(bytes) })
    }

    /// Decodes hex text of an RLP header (`0x` prefix, surrounding whitespace ignored).
    pub fn from_rlp_hex(text: &str) -> Result<Self, VerifyError> {
        let bytes = alloy_primitives::hex::decode(text.trim())
            .map_err(|e| VerifyError::HeaderHex { reason: alloc::format!("{e}") })?;
        Self::from_rlp(&bytes)
    }

    /// Decodes a header file's bytes in any of the accepted forms (see the module docs):
    /// JSON if it starts with `{` (needs the `std` feature), hex RLP if it starts with
    /// `0x`, else binary RLP.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
        let trimmed = &bytes[start..];
        if trimmed.is_empty() {
            return Err(VerifyError::HeaderEmpty);
        }
        if trimmed[0] == b'{' {
            #[cfg(feature = "std")]
            return Self::from_json(trimmed);
            #[cfg(not(feature = "std"))]
            return Err(VerifyError::HeaderJson {
                reason: "JSON headers need the verifier's `std` feature".into(),
            });
        }
        if trimmed.starts_with(b"0x") {
            let text = core::str::from_utf8(trimmed)
                .map_err(|e| VerifyError::HeaderHex { reason: alloc::format!("{e}") })?;
            return Self::from_rlp_hex(text);
        }
        Self::from_rlp(bytes)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// keccak256 of the header's RLP, computed here.
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The header's RLP encoding (what a `--header` file may hold).
    pub fn rlp(&self) -> Vec<u8> {
        alloy_rlp::encode(&self.header)
    }
}

#[cfg(feature = "std")]
mod json {
    use super::*;
    use alloc::string::ToString;
    use serde_json::Value;

    impl TrustedHeader {
        /// Decodes a JSON header as `eth_getBlockByNumber` returns it: the block object
        /// (extra keys such as `transactions`, `size`, `totalDifficulty` are ignored) or a
        /// whole JSON-RPC response `{"result": {…}}`. If the object has a `hash` field it must
        /// equal the hash recomputed from the fields ([`VerifyError::HeaderJsonHash`]).
        pub fn from_json(bytes: &[u8]) -> Result<Self, VerifyError> {
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| VerifyError::HeaderJson { reason: e.to_string() })?;
            Self::from_json_value(&value)
        }

        /// [`TrustedHeader::from_json`] on a parsed value.
        pub fn from_json_value(value: &Value) -> Result<Self, VerifyError> {
            let object = match value.get("result") {
                Some(result) if value.get("jsonrpc").is_some() => result,
                _ => value,
            };
            if !object.is_object() {
                return Err(VerifyError::HeaderJson {
                    reason: alloc::format!("expected a JSON object, got {}", kind(object)),
                });
            }
            let header: Header = serde_json::from_value(object.clone())
                .map_err(|e| VerifyError::HeaderJson { reason: e.to_string() })?;
            let trusted = Self::from_header(header);
            if let Some(field) = object.get("hash") {
                let claimed: B256 = serde_json::from_value(field.clone()).map_err(|e| {
                    VerifyError::HeaderJson { reason: alloc::format!("`hash`: {e}") }
                })?;
                if claimed != trusted.hash {
                    return Err(VerifyError::HeaderJsonHash {
                        expected: claimed,
                        got: trusted.hash,
                    });
                }
            }
            Ok(trusted)
        }
    }

    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}
