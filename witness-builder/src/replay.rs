//! A JSON-RPC server that replays recorded answers, so the same [`crate::rpc::RpcClient`]
//! code that talks to a live archive node runs, over real HTTP on loopback, against real data.
//!
//! Recordings are the gzipped JSON files of `fixtures/mainnet-rpc/` (mainnet) and
//! `fixtures/anvil-rpc/` (an anvil dev chain, written by [`crate::record`]), named
//! `<chain>-<block>.json.gz`, each with the keys `full_blocks`, `proofs`,
//! `transaction_count`, `balance`, `code` and `storage`, every one a list of
//! `[request, response]` pairs (see the fixtures' README). The chain id `eth_chainId`
//! answers is the one of the file names (files of different chains are not mixed).
//!
//! Answering a request:
//!
//! 1. `eth_chainId`, `eth_blockNumber` (highest recorded block) are answered from the index.
//! 2. `eth_getBlockByNumber` / `eth_getBlockByHash` answer the recorded full block; with
//!    `full = false` its transactions are replaced by their hashes.
//! 3. `eth_getProof` matches address and block; the requested slots must be a subset of the
//!    slots of one recorded request, and the answer keeps only the requested `storageProof`
//!    entries, in requested order. Slots compare as 256-bit numbers, whatever their hex padding.
//! 4. `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`, `eth_getStorageAt` match
//!    (address, block[, slot]).
//! 5. Anything else recorded-looking but absent is error [`NOT_RECORDED`] (`"not recorded: ..."`);
//!    unknown methods are error -32601. Batches are answered element by element.
//!
//! # Assumptions
//! - Block parameters are hex quantities, `"latest"` (the highest recorded block), or EIP-1898
//!   objects with `blockNumber` or `blockHash`.
//! - The server binds 127.0.0.1 only; it is a test and development tool, not a node.

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use alloy_primitives::{Address, B256, U256};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::{Result, WitnessError};
use crate::rpc::{METHOD_NOT_FOUND, NOT_RECORDED};

/// JSON-RPC error code for a body that is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC error code for a JSON value that is not a request.
const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC error code for malformed params.
const INVALID_PARAMS: i64 = -32602;

/// A JSON-RPC error object the replay answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// JSON-RPC error code.
    pub code: i64,
    /// Human-readable message.
    pub message: String,
}

impl ReplayError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    fn not_recorded(method: &str, params: &Value) -> Self {
        Self::new(NOT_RECORDED, format!("not recorded: {method} {params}"))
    }
}

/// One recorded `eth_getProof` answer and the slots its request asked for.
#[derive(Debug, Clone)]
struct RecordedProof {
    /// The request's slots, in request order.
    slots: Vec<U256>,
    /// The recorded response.
    response: Value,
}

/// The index of every recorded answer, loaded from one or more fixture files.
#[derive(Debug, Default, Clone)]
pub struct Recordings {
    chain_id: Option<u64>,
    blocks: HashMap<u64, Value>,
    block_by_hash: HashMap<B256, u64>,
    proofs: HashMap<(u64, Address), Vec<RecordedProof>>,
    balance: HashMap<(u64, Address), Value>,
    nonce: HashMap<(u64, Address), Value>,
    code: HashMap<(u64, Address), Value>,
    storage: HashMap<(u64, Address, U256), Value>,
}

impl Recordings {
    /// Loads fixture files; a directory stands for every `*.json.gz` file in it (sorted by name).
    pub fn load<P: AsRef<Path>>(sources: &[P]) -> Result<Self> {
        let mut files = Vec::new();
        for source in sources {
            let path = source.as_ref();
            if path.is_dir() {
                files.extend(fixture_files_in(path)?);
            } else {
                files.push(path.to_path_buf());
            }
        }
        if files.is_empty() {
            return Err(WitnessError::Fixture {
                path: format!("{:?}", sources.iter().map(|p| p.as_ref()).collect::<Vec<_>>()),
                detail: "no fixture files found".into(),
            });
        }
        let mut rec = Self::default();
        for file in &files {
            rec.add_file(file)?;
        }
        Ok(rec)
    }

    /// Adds the recordings of one `*.json.gz` (or plain `*.json`) fixture file.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let fixture =
            |detail: String| WitnessError::Fixture { path: path.display().to_string(), detail };
        let raw = std::fs::read(path).map_err(|e| WitnessError::Io {
            context: format!("reading {}", path.display()),
            source: e,
        })?;
        let text = if path.extension().is_some_and(|e| e == "gz") {
            let mut s = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut s)
                .map_err(|e| fixture(format!("gunzip: {e}")))?;
            s
        } else {
            raw
        };
        let doc: Value = serde_json::from_slice(&text).map_err(|e| fixture(e.to_string()))?;
        let chain_id = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('-').next())
            .and_then(|c| c.parse::<u64>().ok());
        if let Some(id) = chain_id {
            match self.chain_id {
                Some(old) if old != id => {
                    return Err(fixture(format!("chain id {id} differs from the loaded {old}")));
                }
                _ => self.chain_id = Some(id),
            }
        }
        self.add_document(&doc).map_err(fixture)
    }

    /// Adds the recordings of one parsed fixture document.
    pub fn add_document(&mut self, doc: &Value) -> core::result::Result<(), String> {
        for (req, resp) in pairs(doc, "full_blocks")? {
            let n = field_u64(req, "block_no")?;
            if let Some(h) = resp.get("hash").and_then(Value::as_str) {
                let h = B256::from_str(h).map_err(|e| format!("block {n} hash: {e}"))?;
                self.block_by_hash.insert(h, n);
            }
            self.blocks.entry(n).or_insert_with(|| resp.clone());
        }
        for (req, resp) in pairs(doc, "proofs")? {
            let key = (field_u64(req, "block_no")?, field_address(req)?);
            let slots = req
                .get("indices")
                .and_then(Value::as_array)
                .ok_or("proof request without indices")?
                .iter()
                .map(|s| s.as_str().ok_or("slot is not a string".to_string()).and_then(parse_slot))
                .collect::<core::result::Result<Vec<_>, _>>()?;
            self.proofs
                .entry(key)
                .or_default()
                .push(RecordedProof { slots, response: resp.clone() });
        }
        for (name, map) in [
            ("balance", &mut self.balance),
            ("transaction_count", &mut self.nonce),
            ("code", &mut self.code),
        ] {
            for (req, resp) in pairs(doc, name)? {
                let key = (field_u64(req, "block_no")?, field_address(req)?);
                map.entry(key).or_insert_with(|| resp.clone());
            }
        }
        for (req, resp) in pairs(doc, "storage")? {
            let slot = req.get("index").and_then(Value::as_str).ok_or("storage without index")?;
            let key = (field_u64(req, "block_no")?, field_address(req)?, parse_slot(slot)?);
            self.storage.entry(key).or_insert_with(|| resp.clone());
        }
        Ok(())
    }

    /// The recorded block numbers, ascending.
    pub fn block_numbers(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.blocks.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// How many `eth_getProof` answers are recorded.
    pub fn proof_count(&self) -> usize {
        self.proofs.values().map(Vec::len).sum()
    }

    /// Answers one JSON-RPC call.
    pub fn answer(&self, method: &str, params: &Value) -> core::result::Result<Value, ReplayError> {
        let p = Params { method, params };
        let nr = || ReplayError::not_recorded(method, params);
        match method {
            "eth_chainId" => Ok(json!(format!("{:#x}", self.chain_id.unwrap_or(1)))),
            "eth_blockNumber" => {
                let head = self.blocks.keys().max().ok_or_else(nr)?;
                Ok(json!(format!("{head:#x}")))
            }
            "eth_getBlockByNumber" | "eth_getBlockByHash" => {
                let n = if method == "eth_getBlockByHash" {
                    let h = B256::from_str(p.str(0)?).map_err(|e| p.invalid(0, e))?;
                    *self.block_by_hash.get(&h).ok_or_else(nr)?
                } else {
                    self.block_param(&p, 0)?
                };
                let full = p.get(1).and_then(Value::as_bool).unwrap_or(false);
                let block = self.blocks.get(&n).ok_or_else(nr)?;
                Ok(if full { block.clone() } else { without_tx_bodies(block) })
            }
            "eth_getProof" => {
                let addr = p.address(0)?;
                let wanted = p
                    .get(1)
                    .and_then(Value::as_array)
                    .ok_or_else(|| p.invalid(1, "expected an array of slots"))?
                    .iter()
                    .map(|s| {
                        s.as_str()
                            .ok_or_else(|| p.invalid(1, "slot is not a string"))
                            .and_then(|s| parse_slot(s).map_err(|e| p.invalid(1, e)))
                    })
                    .collect::<core::result::Result<Vec<_>, _>>()?;
                let n = self.block_param(&p, 2)?;
                let recorded = self.proofs.get(&(n, addr)).ok_or_else(nr)?;
                recorded.iter().find_map(|r| subset_proof(r, &wanted)).ok_or_else(nr)
            }
            "eth_getBalance" | "eth_getTransactionCount" | "eth_getCode" => {
                let map = match method {
                    "eth_getBalance" => &self.balance,
                    "eth_getTransactionCount" => &self.nonce,
                    _ => &self.code,
                };
                let key = (self.block_param(&p, 1)?, p.address(0)?);
                map.get(&key).cloned().ok_or_else(nr)
            }
            "eth_getStorageAt" => {
                let slot = parse_slot(p.str(1)?).map_err(|e| p.invalid(1, e))?;
                let key = (self.block_param(&p, 2)?, p.address(0)?, slot);
                let v = self.storage.get(&key).ok_or_else(nr)?;
                // Nodes answer eth_getStorageAt with a 32-byte word; the recording has it trimmed.
                let word = v
                    .as_str()
                    .and_then(|s| U256::from_str(s).ok())
                    .map(|u| B256::from(u.to_be_bytes()))
                    .ok_or_else(|| {
                        ReplayError::new(INVALID_PARAMS, "bad recorded storage value")
                    })?;
                Ok(json!(word))
            }
            _ => Err(ReplayError::new(
                METHOD_NOT_FOUND,
                format!("the method {method} does not exist/is not available"),
            )),
        }
    }

    /// Answers a request body (one call or a batch) with a response body.
    pub fn answer_body(&self, body: &[u8]) -> Value {
        let parsed: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                return error_response(Value::Null, &ReplayError::new(PARSE_ERROR, e.to_string()));
            }
        };
        match parsed {
            Value::Array(calls) if !calls.is_empty() => {
                Value::Array(calls.iter().map(|c| self.answer_call(c)).collect())
            }
            Value::Array(_) => {
                error_response(Value::Null, &ReplayError::new(INVALID_REQUEST, "empty batch"))
            }
            call => self.answer_call(&call),
        }
    }

    fn answer_call(&self, call: &Value) -> Value {
        let id = call.get("id").cloned().unwrap_or(Value::Null);
        let Some(method) = call.get("method").and_then(Value::as_str) else {
            return error_response(id, &ReplayError::new(INVALID_REQUEST, "missing method"));
        };
        let params = call.get("params").cloned().unwrap_or_else(|| json!([]));
        let result = self.answer(method, &params);
        if let Err(e) = &result {
            tracing::debug!(method, %params, code = e.code, "replay miss");
        }
        match result {
            Ok(v) => json!({"jsonrpc": "2.0", "id": id, "result": v}),
            Err(e) => error_response(id, &e),
        }
    }

    /// Resolves the block parameter at `index` to a recorded block number.
    fn block_param(&self, p: &Params<'_>, index: usize) -> core::result::Result<u64, ReplayError> {
        let v = p.get(index).ok_or_else(|| p.invalid(index, "missing block"))?;
        let v = match v {
            Value::Object(o) => {
                if let Some(h) = o.get("blockHash").and_then(Value::as_str) {
                    let h = B256::from_str(h).map_err(|e| p.invalid(index, e))?;
                    return self
                        .block_by_hash
                        .get(&h)
                        .copied()
                        .ok_or_else(|| ReplayError::not_recorded(p.method, p.params));
                }
                o.get("blockNumber").ok_or_else(|| p.invalid(index, "no blockNumber"))?
            }
            other => other,
        };
        let s = v.as_str().ok_or_else(|| p.invalid(index, "block is not a string"))?;
        match s {
            "latest" | "safe" | "finalized" => self
                .blocks
                .keys()
                .max()
                .copied()
                .ok_or_else(|| ReplayError::not_recorded(p.method, p.params)),
            _ => parse_hex_u64(s).ok_or_else(|| p.invalid(index, format!("bad block number {s}"))),
        }
    }
}

/// The params of one call, with typed accessors that answer -32602 on a bad shape.
struct Params<'a> {
    method: &'a str,
    params: &'a Value,
}

impl Params<'_> {
    fn get(&self, i: usize) -> Option<&Value> {
        self.params.get(i)
    }

    fn invalid(&self, i: usize, why: impl std::fmt::Display) -> ReplayError {
        ReplayError::new(INVALID_PARAMS, format!("{}: param {i}: {why}", self.method))
    }

    fn str(&self, i: usize) -> core::result::Result<&str, ReplayError> {
        self.get(i).and_then(Value::as_str).ok_or_else(|| self.invalid(i, "expected a string"))
    }

    fn address(&self, i: usize) -> core::result::Result<Address, ReplayError> {
        Address::from_str(self.str(i)?).map_err(|e| self.invalid(i, e))
    }
}

/// The recorded proof cut down to the `wanted` slots (in that order), if it has them all.
fn subset_proof(rec: &RecordedProof, wanted: &[U256]) -> Option<Value> {
    let entries = rec.response.get("storageProof")?.as_array()?;
    let mut picked = Vec::with_capacity(wanted.len());
    for slot in wanted {
        let i = rec.slots.iter().position(|s| s == slot)?;
        picked.push(entries.get(i)?.clone());
    }
    let mut out = rec.response.clone();
    out["storageProof"] = Value::Array(picked);
    Some(out)
}

/// A copy of a full block whose transactions are replaced by their hashes.
fn without_tx_bodies(block: &Value) -> Value {
    let mut out = block.clone();
    if let Some(txs) = out.get_mut("transactions").and_then(Value::as_array_mut) {
        for tx in txs.iter_mut() {
            if let Some(h) = tx.get("hash").cloned() {
                *tx = h;
            }
        }
    }
    out
}

fn error_response(id: Value, e: &ReplayError) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": e.code, "message": e.message}})
}

fn pairs<'a>(
    doc: &'a Value,
    key: &str,
) -> core::result::Result<Vec<(&'a Value, &'a Value)>, String> {
    let Some(list) = doc.get(key) else { return Ok(Vec::new()) };
    let list = list.as_array().ok_or_else(|| format!("{key} is not a list"))?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([req, resp]) => Ok((req, resp)),
            _ => Err(format!("{key}: entry is not a [request, response] pair")),
        })
        .collect()
}

fn field_u64(req: &Value, name: &str) -> core::result::Result<u64, String> {
    req.get(name).and_then(Value::as_u64).ok_or_else(|| format!("request without {name}: {req}"))
}

fn field_address(req: &Value) -> core::result::Result<Address, String> {
    let s = req.get("address").and_then(Value::as_str).ok_or("request without address")?;
    Address::from_str(s).map_err(|e| format!("address {s}: {e}"))
}

/// A storage slot in any hex padding (`0x4`, `0x04`, 32 bytes, odd length) as a number.
fn parse_slot(s: &str) -> core::result::Result<U256, String> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if digits.is_empty() || digits.len() > 64 {
        return Err(format!("bad slot {s}"));
    }
    U256::from_str_radix(digits, 16).map_err(|e| format!("bad slot {s}: {e}"))
}

fn parse_hex_u64(s: &str) -> Option<u64> {
    let digits = s.strip_prefix("0x")?;
    u64::from_str_radix(digits, 16).ok()
}

/// The `*.json.gz` files of a directory, sorted by name.
pub fn fixture_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| WitnessError::Io {
        context: format!("listing {}", dir.display()),
        source: e,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".json.gz")))
        .collect();
    files.sort();
    Ok(files)
}

/// A block whose RPC answers are recorded in the repository's `fixtures/`, with what it
/// takes to build its witness from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedBlock {
    /// The chain id (also the prefix of the file name).
    pub chain_id: u64,
    /// The block number.
    pub number: u64,
    /// The newest fork, active from genesis, for a chain other than mainnet (the `--fork`
    /// of `build-witness`); `None` for mainnet.
    pub fork: Option<&'static str>,
    /// The folder of the recording, relative to the repository root.
    pub dir: &'static str,
}

impl RecordedBlock {
    /// The recording's file, `<repo>/<dir>/<chain id>-<number>.json.gz`.
    pub fn file(&self, repo: &Path) -> PathBuf {
        repo.join(self.dir).join(format!("{}-{}.json.gz", self.chain_id, self.number))
    }
}

/// The built-in small block: block 2 of an anvil dev chain (chain id 31337, every fork to
/// BPO2 from genesis), one EIP-1559 ether transfer to a fresh address on top of an empty
/// block 1. Recorded by `make anvil-fixtures` (see `witness-builder/tests/anvil_fixture.rs`);
/// small enough to prove in minutes where the recorded mainnet blocks take 88M–1.2G cycles.
pub const ANVIL_TRANSFER_BLOCK: RecordedBlock =
    RecordedBlock { chain_id: 31337, number: 2, fork: Some("bpo2"), dir: "fixtures/anvil-rpc" };

/// Block 4 of the same anvil chain: an ether transfer and a storage write (`SSTORE` plus a
/// log) into the test contract deployed in block 3.
pub const ANVIL_STORAGE_BLOCK: RecordedBlock =
    RecordedBlock { chain_id: 31337, number: 4, fork: Some("bpo2"), dir: "fixtures/anvil-rpc" };

/// Block 5 of the same anvil chain: empty, so only the system calls (EIP-2935 history,
/// EIP-4788 beacon root, EIP-7002/7251 requests) and the header and state-root checks run;
/// the smallest recorded block, for a single proof without continuations.
pub const ANVIL_EMPTY_BLOCK: RecordedBlock =
    RecordedBlock { chain_id: 31337, number: 5, fork: Some("bpo2"), dir: "fixtures/anvil-rpc" };

/// The replay server: [`ReplayServer::start`] binds, spawns and hands back a [`ReplayHandle`].
#[derive(Debug)]
pub struct ReplayServer;

/// Keeps a running replay server alive; dropping it (or [`ReplayHandle::shutdown`]) stops it.
#[derive(Debug)]
pub struct ReplayHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    recordings: Arc<Recordings>,
}

impl ReplayServer {
    /// Loads fixture files (or directories of them) and serves them on an ephemeral port of
    /// 127.0.0.1. Must be called inside a tokio runtime.
    pub async fn start<P: AsRef<Path>>(sources: &[P]) -> Result<(SocketAddr, ReplayHandle)> {
        Self::start_on_port(sources, 0).await
    }

    /// Like [`ReplayServer::start`], on a given port of 127.0.0.1 (0 = ephemeral).
    pub async fn start_on_port<P: AsRef<Path>>(
        sources: &[P],
        port: u16,
    ) -> Result<(SocketAddr, ReplayHandle)> {
        let recordings = Recordings::load(sources)?;
        Self::serve(recordings, port).await
    }

    /// Serves already loaded recordings on a port of 127.0.0.1 (0 = ephemeral).
    pub async fn serve(recordings: Recordings, port: u16) -> Result<(SocketAddr, ReplayHandle)> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            WitnessError::Io { context: format!("binding 127.0.0.1:{port}"), source: e }
        })?;
        let addr = listener.local_addr().map_err(|e| WitnessError::Io {
            context: "reading the bound address".into(),
            source: e,
        })?;
        let recordings = Arc::new(recordings);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, recordings.clone(), stopped));
        tracing::info!(%addr, blocks = ?recordings.block_numbers(), "replay server listening");
        Ok((addr, ReplayHandle { addr, stop: Some(stop), task: Some(task), recordings }))
    }
}

impl ReplayHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The recordings being served.
    pub fn recordings(&self) -> &Recordings {
        &self.recordings
    }

    /// Stops accepting, closes open connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server task ends (it ends only through [`ReplayHandle::shutdown`] or
    /// drop, so this serves forever; used by the binary under `tokio::select!`).
    pub async fn wait(&mut self) {
        if let Some(task) = self.task.as_mut() {
            let _ = task.await;
            self.task = None;
        }
    }
}

impl Drop for ReplayHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    recordings: Arc<Recordings>,
    mut stopped: oneshot::Receiver<()>,
) {
    // Connection tasks live in the set, so that they are aborted when the loop ends.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                };
                let recordings = recordings.clone();
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let recordings = recordings.clone();
                        async move { handle(req, &recordings).await }
                    });
                    if let Err(e) = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                    {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                });
            }
        }
    }
    connections.shutdown().await;
}

async fn handle(
    req: Request<Incoming>,
    recordings: &Recordings,
) -> core::result::Result<Response<Full<Bytes>>, hyper::Error> {
    let body = req.into_body().collect().await?.to_bytes();
    let answer = recordings.answer_body(&body);
    let bytes = serde_json::to_vec(&answer).unwrap_or_default();
    let mut resp = Response::new(Full::new(Bytes::from(bytes)));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_compare_regardless_of_padding() {
        let a = parse_slot("0x4").unwrap();
        let b = parse_slot("0x04").unwrap();
        let c = parse_slot("0x0000000000000000000000000000000000000000000000000000000000000004")
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert!(parse_slot("0x").is_err());
        assert!(parse_slot("0xzz").is_err());
    }

    #[test]
    fn malformed_bodies_get_json_rpc_errors() {
        let rec = Recordings::default();
        assert_eq!(rec.answer_body(b"{not json")["error"]["code"], PARSE_ERROR);
        assert_eq!(rec.answer_body(b"[]")["error"]["code"], INVALID_REQUEST);
        assert_eq!(rec.answer_body(br#"{"id":1}"#)["error"]["code"], INVALID_REQUEST);
        let r = rec.answer_body(br#"{"jsonrpc":"2.0","id":3,"method":"eth_foo","params":[]}"#);
        assert_eq!(r["error"]["code"], METHOD_NOT_FOUND);
        assert_eq!(r["id"], 3);
        let r = rec.answer_body(br#"{"jsonrpc":"2.0","id":4,"method":"eth_getCode","params":[1]}"#);
        assert_eq!(r["error"]["code"], INVALID_PARAMS);
    }
}
