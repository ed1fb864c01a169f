//! Recording mode of [`RpcClient`]: every answer the witness builder gets from a node is kept
//! and written in the fixture format of `fixtures/mainnet-rpc/`, so that the replay server
//! ([`crate::replay`]) can later serve the same build offline.
//!
//! A recording client ([`RpcClient::recording`]) differs from a plain one in two ways:
//!
//! 1. It sends only the methods the fixture format can hold (the ones the replay server
//!    answers, [`RECORDABLE`]). Any other method — `debug_executionWitness`,
//!    `eth_getUncleByBlockHashAndIndex`, ... — fails locally with
//!    [`WitnessError::Unsupported`] without reaching the node, exactly as the replay server
//!    would answer it; so the builder takes the `eth_getProof` path, which replays.
//! 2. Each successful answer is stored under the fixture key of its method, keyed by its
//!    request (block, address, slots), so repeated or concurrent requests store one entry.
//!
//! [`RpcClient::save_recording`] then
//!
//! 1. fetches with full transactions every block that was only asked for without them (the
//!    format keeps full blocks; the replay server strips bodies when asked for hashes),
//! 2. writes one JSON document with the keys `full_blocks`, `uncle_blocks`, `receipts`,
//!    `proofs`, `transaction_count`, `balance`, `code`, `storage` (each a list of
//!    `[request, response]` pairs, sorted by request so that the same answers give the same
//!    file), gzipped with a zero timestamp and no file name (byte-for-byte reproducible).
//!
//! The replay server takes the chain id from the file name (`<chain id>-<block>.json.gz`);
//! [`check_fixture_name`] checks a name against the node's chain id before anything is built.
//!
//! # Assumptions
//! - The node answers the same request the same way during one recording (a node that
//!   follows a live chain may reorg; record from an archive node at a finalized block).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};

use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use crate::error::{Result, WitnessError};
use crate::rpc::RpcClient;

/// The methods a recording client sends: those the fixture format (and so the replay
/// server) can answer. `eth_chainId` and `eth_blockNumber` are answered by the replay server
/// from the file name and the recorded blocks, so they are sent but not stored.
pub const RECORDABLE: [&str; 9] = [
    "eth_chainId",
    "eth_blockNumber",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getProof",
    "eth_getBalance",
    "eth_getTransactionCount",
    "eth_getCode",
    "eth_getStorageAt",
];

/// A shared, thread-safe store of recorded answers (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    state: Arc<Mutex<Recorded>>,
}

/// A block as recorded: its JSON and whether it carries full transaction objects.
#[derive(Debug, Clone)]
struct RecordedBlock {
    full: bool,
    block: Value,
}

/// An `eth_getProof` request's key: block, address, the requested slots as numbers.
type ProofKey = (u64, Address, Vec<U256>);

/// Everything recorded, keyed for deduplication and a deterministic order.
#[derive(Debug, Default)]
struct Recorded {
    chain_id: Option<u64>,
    blocks: BTreeMap<u64, RecordedBlock>,
    /// Request key → (the slots as requested, answer).
    proofs: BTreeMap<ProofKey, (Vec<Value>, Value)>,
    balance: BTreeMap<(u64, Address), Value>,
    nonce: BTreeMap<(u64, Address), Value>,
    code: BTreeMap<(u64, Address), Value>,
    /// (block, address, slot) → (the slot as requested, answer).
    storage: BTreeMap<(u64, Address, U256), (Value, Value)>,
}

/// Counts of what a saved recording holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordingStats {
    /// Blocks (all with full transactions).
    pub blocks: usize,
    /// `eth_getProof` answers.
    pub proofs: usize,
    /// `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode` and `eth_getStorageAt`
    /// answers together.
    pub other: usize,
    /// Size of the gzipped file.
    pub bytes: usize,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Recorded> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters (each insert is one call), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a recording client may send `method`.
    pub fn is_recordable(method: &str) -> bool {
        RECORDABLE.contains(&method)
    }

    /// Stores the answer `result` to `method(params)`. Errors say which part of the request
    /// or answer could not be keyed (the client reports them as [`WitnessError::Recording`]).
    pub fn record(&self, method: &str, params: &Value, result: &Value) -> Result<(), String> {
        let mut rec = self.lock();
        match method {
            "eth_chainId" => {
                let id = result.as_str().and_then(parse_hex_u64).ok_or("chain id")?;
                rec.chain_id = Some(id);
            }
            "eth_getBlockByNumber" | "eth_getBlockByHash" => {
                if result.is_null() {
                    return Ok(()); // nothing to replay: the replay answers "not recorded"
                }
                let number = result
                    .get("number")
                    .and_then(Value::as_str)
                    .and_then(parse_hex_u64)
                    .ok_or("block without a number")?;
                let full = params.get(1).and_then(Value::as_bool).unwrap_or(false);
                let fresh = RecordedBlock { full, block: result.clone() };
                match rec.blocks.get(&number) {
                    Some(old) if old.full || !full => {}
                    _ => {
                        rec.blocks.insert(number, fresh);
                    }
                }
            }
            "eth_getProof" => {
                let address = param_address(params, 0)?;
                let requested = params
                    .get(1)
                    .and_then(Value::as_array)
                    .ok_or("eth_getProof without a slot list")?;
                let slots = requested
                    .iter()
                    .map(|s| s.as_str().and_then(parse_slot).ok_or("bad slot"))
                    .collect::<Result<Vec<_>, _>>()?;
                let block = param_block(params, 2)?;
                rec.proofs
                    .entry((block, address, slots))
                    .or_insert_with(|| (requested.clone(), result.clone()));
            }
            "eth_getBalance" | "eth_getTransactionCount" | "eth_getCode" => {
                let key = (param_block(params, 1)?, param_address(params, 0)?);
                let map = match method {
                    "eth_getBalance" => &mut rec.balance,
                    "eth_getTransactionCount" => &mut rec.nonce,
                    _ => &mut rec.code,
                };
                map.entry(key).or_insert_with(|| result.clone());
            }
            "eth_getStorageAt" => {
                let slot_value = params.get(1).ok_or("eth_getStorageAt without a slot")?;
                let slot = slot_value.as_str().and_then(parse_slot).ok_or("bad slot")?;
                let key = (param_block(params, 2)?, param_address(params, 0)?, slot);
                rec.storage.entry(key).or_insert_with(|| (slot_value.clone(), result.clone()));
            }
            // Sent but answered by the replay server from its index.
            _ => {}
        }
        Ok(())
    }

    /// The chain id the node reported, if `eth_chainId` was asked.
    pub fn chain_id(&self) -> Option<u64> {
        self.lock().chain_id
    }

    /// Blocks recorded only without their transaction bodies.
    fn blocks_without_bodies(&self) -> Vec<u64> {
        self.lock().blocks.iter().filter(|(_, b)| !b.full).map(|(n, _)| *n).collect()
    }

    /// The recording as one fixture document (see the module docs for its keys), every list
    /// sorted by request.
    pub fn to_document(&self) -> Value {
        let rec = self.lock();
        let addr = |a: &Address| Value::String(format!("{a:#x}"));
        let full_blocks: Vec<Value> =
            rec.blocks.iter().map(|(n, b)| json!([{"block_no": n}, b.block])).collect();
        let proofs: Vec<Value> = rec
            .proofs
            .iter()
            .map(|((n, a, _), (slots, resp))| {
                json!([{"block_no": n, "address": addr(a), "indices": slots}, resp])
            })
            .collect();
        let simple = |map: &BTreeMap<(u64, Address), Value>| -> Vec<Value> {
            map.iter().map(|((n, a), v)| json!([{"block_no": n, "address": addr(a)}, v])).collect()
        };
        let storage: Vec<Value> = rec
            .storage
            .iter()
            .map(|((n, a, _), (slot, v))| {
                json!([{"block_no": n, "address": addr(a), "index": slot}, v])
            })
            .collect();
        json!({
            "full_blocks": full_blocks,
            "uncle_blocks": [],
            "receipts": [],
            "proofs": proofs,
            "transaction_count": simple(&rec.nonce),
            "balance": simple(&rec.balance),
            "code": simple(&rec.code),
            "storage": storage,
        })
    }

    /// How many entries of each kind are recorded.
    fn counts(&self) -> (usize, usize, usize) {
        let rec = self.lock();
        let other = rec.balance.len() + rec.nonce.len() + rec.code.len() + rec.storage.len();
        (rec.blocks.len(), rec.proofs.len(), other)
    }
}

/// Gzips a fixture document deterministically: compact JSON, best compression, zero
/// timestamp, no file name.
pub fn gzip_document(doc: &Value) -> Vec<u8> {
    let json = serde_json::to_vec(doc).expect("a JSON value always serializes");
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(&json).expect("writing to a Vec cannot fail");
    gz.finish().expect("writing to a Vec cannot fail")
}

/// Checks that `path` is named `<chain_id>-<block>.json.gz`, the name the replay server
/// takes the chain id from (and [`crate::replay::fixture_files_in`] picks files by).
pub fn check_fixture_name(path: &Path, chain_id: u64) -> Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let ok = name
        .strip_suffix(".json.gz")
        .and_then(|stem| stem.split_once('-'))
        .is_some_and(|(c, b)| c.parse::<u64>() == Ok(chain_id) && b.parse::<u64>().is_ok());
    if ok {
        Ok(())
    } else {
        Err(WitnessError::Fixture {
            path: path.display().to_string(),
            detail: format!(
                "a recording must be named <chain id>-<block>.json.gz (here {chain_id}-N.json.gz): \
                 the replay server takes the chain id from the name"
            ),
        })
    }
}

impl RpcClient {
    /// Fetches the full bodies the recording lacks, then writes it to `path` (gzipped JSON
    /// in the fixture format; see the module docs). Fails with [`WitnessError::Recording`]
    /// when the client is not recording.
    pub async fn save_recording(&self, path: &Path) -> Result<RecordingStats> {
        let recorder = self.recorder().ok_or_else(|| WitnessError::Recording {
            method: "save_recording".into(),
            detail: "this client is not recording (use RpcClient::recording)".into(),
        })?;
        // 1. Full bodies for blocks that were only asked for as headers (recorded on arrival).
        for n in recorder.blocks_without_bodies() {
            self.get_block_by_number(n, true).await?;
        }
        // 2. One deterministic gzipped document.
        let bytes = gzip_document(&recorder.to_document());
        std::fs::write(path, &bytes).map_err(|e| WitnessError::Io {
            context: format!("writing the recording {}", path.display()),
            source: e,
        })?;
        let (blocks, proofs, other) = recorder.counts();
        Ok(RecordingStats { blocks, proofs, other, bytes: bytes.len() })
    }
}

fn parse_hex_u64(s: &str) -> Option<u64> {
    u64::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

fn parse_slot(s: &str) -> Option<U256> {
    let digits = s.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 64 {
        return None;
    }
    U256::from_str_radix(digits, 16).ok()
}

fn param_address(params: &Value, i: usize) -> Result<Address, String> {
    let s = params.get(i).and_then(Value::as_str).ok_or("missing address")?;
    Address::from_str(s).map_err(|e| format!("address {s}: {e}"))
}

/// A block parameter as a number. The builder always passes hex numbers; a tag cannot be
/// keyed (the fixture format keys every answer by block number).
fn param_block(params: &Value, i: usize) -> Result<u64, String> {
    let v = params.get(i).ok_or("missing block")?;
    v.as_str()
        .and_then(parse_hex_u64)
        .ok_or_else(|| format!("block parameter {v} is not a hex number (tags cannot be recorded)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_carry_the_chain_id() {
        assert!(check_fixture_name(Path::new("x/31337-2.json.gz"), 31337).is_ok());
        assert!(check_fixture_name(Path::new("31337-2.json.gz"), 1).is_err());
        assert!(check_fixture_name(Path::new("block.json.gz"), 1).is_err());
        assert!(check_fixture_name(Path::new("1-2.json"), 1).is_err());
    }

    #[test]
    fn same_answers_same_bytes_whatever_the_order() {
        let a = Recorder::new();
        let b = Recorder::new();
        let addr1 = "0x00000000000000000000000000000000000000aa";
        let addr2 = "0x00000000000000000000000000000000000000bb";
        let p1 = json!([addr1, ["0x01"], "0x1"]);
        let p2 = json!([addr2, [], "0x1"]);
        let r = json!({"ok": true});
        a.record("eth_getProof", &p1, &r).unwrap();
        a.record("eth_getProof", &p2, &r).unwrap();
        b.record("eth_getProof", &p2, &r).unwrap();
        b.record("eth_getProof", &p1, &r).unwrap();
        b.record("eth_getProof", &p1, &r).unwrap(); // a repeat is one entry
        assert_eq!(gzip_document(&a.to_document()), gzip_document(&b.to_document()));
        assert_eq!(a.counts(), (0, 2, 0));
    }

    #[test]
    fn a_full_block_replaces_its_header_only_form() {
        let rec = Recorder::new();
        let light = json!({"number": "0x2", "transactions": ["0xaa"]});
        let full = json!({"number": "0x2", "transactions": [{"hash": "0xaa"}]});
        rec.record("eth_getBlockByNumber", &json!(["0x2", false]), &light).unwrap();
        assert_eq!(rec.blocks_without_bodies(), vec![2]);
        rec.record("eth_getBlockByNumber", &json!(["0x2", true]), &full).unwrap();
        rec.record("eth_getBlockByNumber", &json!(["0x2", false]), &light).unwrap();
        assert!(rec.blocks_without_bodies().is_empty());
        assert_eq!(rec.to_document()["full_blocks"][0][1], full);
    }

    #[test]
    fn tags_cannot_be_keyed() {
        let rec = Recorder::new();
        let err = rec
            .record(
                "eth_getBalance",
                &json!(["0x00000000000000000000000000000000000000aa", "latest"]),
                &json!("0x1"),
            )
            .unwrap_err();
        assert!(err.contains("tags cannot be recorded"), "{err}");
    }
}
