//! JSON-RPC 2.0 client over HTTP for the handful of `eth_*`/`debug_*` methods a witness builder
//! needs.
//!
//! Every call goes through [`RpcClient::call`], which
//!
//! 1. waits for a slot of the concurrency limit (a [`tokio::sync::Semaphore`]),
//! 2. posts the request with a per-request timeout,
//! 3. classifies the answer: a result, a JSON-RPC error (history missing, method missing, not
//!    recorded, transient, other), an HTTP status, or a transport failure,
//! 4. retries transient failures (transport errors, HTTP 429/5xx, JSON-RPC errors that read as
//!    rate limits or timeouts) with exponential backoff, releasing its slot while it sleeps,
//! 5. decodes the result into the caller's type, mapping a bad shape to
//!    [`WitnessError::Decode`].
//!
//! # Assumptions
//! - The node speaks JSON-RPC 2.0 over HTTP POST and answers one object per request.
//! - Block numbers are passed as hex quantities; no tags (`latest`) are needed by the builder
//!   except [`RpcClient::block_number`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_types_eth::{Block, EIP1186AccountProofResponse};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::error::{Result, WitnessError};
use crate::record::Recorder;

/// JSON-RPC error code for "method not found".
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC error code the replay server uses for a request it has no recording of.
pub const NOT_RECORDED: i64 = -32001;

/// Knobs of [`RpcClient`]: retries, backoff, timeout, concurrency.
#[derive(Debug, Clone)]
pub struct RpcConfig {
    /// How many times a transient failure is retried (so at most `max_retries + 1` attempts).
    pub max_retries: u32,
    /// Sleep before the first retry; doubled after each retry.
    pub initial_backoff: Duration,
    /// Upper bound of the sleep between retries.
    pub max_backoff: Duration,
    /// Timeout of one HTTP request, connection included.
    pub request_timeout: Duration,
    /// How many requests may be in flight at once.
    pub max_concurrency: usize,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            max_retries: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            request_timeout: Duration::from_secs(60),
            max_concurrency: 16,
        }
    }
}

/// A block as the node sent it: the raw JSON (for re-encoding headers and transactions with
/// alloy-consensus) and the parsed alloy type.
#[derive(Debug, Clone)]
pub struct RpcBlock {
    /// The JSON object exactly as received.
    pub raw: Value,
    /// The same block parsed into alloy's RPC type.
    pub block: Block,
}

impl RpcBlock {
    /// The block's number.
    pub fn number(&self) -> u64 {
        self.block.header.inner.number
    }

    /// The block's hash as the node reported it.
    pub fn hash(&self) -> B256 {
        self.block.header.hash
    }

    /// Checks that the reported hash is keccak256 of the RLP of the decoded header, which shows
    /// that the header was decoded faithfully and can be re-encoded for the witness.
    pub fn check_header_hash(&self) -> Result<()> {
        let got = self.block.header.inner.hash_slow();
        if got != self.block.header.hash {
            return Err(WitnessError::HeaderHashMismatch {
                block: self.number(),
                expected: self.block.header.hash,
                got,
            });
        }
        Ok(())
    }
}

/// The answer of `debug_executionWitness`, decoded leniently: clients differ on the shape of
/// `headers` (RLP hex strings or JSON headers), so those stay JSON.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExecutionWitness {
    /// Trie nodes (RLP) of the pre-state touched by the block.
    #[serde(default)]
    pub state: Vec<Bytes>,
    /// Contract codes touched by the block.
    #[serde(default)]
    pub codes: Vec<Bytes>,
    /// Preimages of the hashed keys (addresses and slots), where the node provides them.
    #[serde(default)]
    pub keys: Vec<Bytes>,
    /// Ancestor headers, as the node encodes them.
    #[serde(default)]
    pub headers: Vec<Value>,
}

/// A JSON-RPC client with retries, backoff, timeout and a concurrency limit. Cheap to clone:
/// clones share the HTTP connection pool and the concurrency limit.
#[derive(Debug, Clone)]
pub struct RpcClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    url: String,
    config: RpcConfig,
    permits: Semaphore,
    next_id: AtomicU64,
    /// Set in recording mode ([`RpcClient::recording`]).
    recorder: Option<Recorder>,
}

/// What one attempt ended in.
enum Attempt {
    /// A result value.
    Done(Value),
    /// A failure worth retrying, with the error to report if no retry is left.
    Transient(WitnessError),
    /// A failure retries will not fix.
    Fatal(WitnessError),
}

#[derive(Debug, Deserialize)]
struct ErrorObject {
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Deserialize)]
struct Response {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

impl RpcClient {
    /// A client for the node at `url` with the default [`RpcConfig`].
    pub fn new(url: impl Into<String>) -> Result<Self> {
        Self::with_config(url, RpcConfig::default())
    }

    /// A client for the node at `url` with the given knobs.
    pub fn with_config(url: impl Into<String>, config: RpcConfig) -> Result<Self> {
        Self::build(url.into(), config, None)
    }

    /// A client in recording mode (see [`crate::record`]): it sends only the methods the
    /// fixture format can hold, keeps every answer, and [`RpcClient::save_recording`] writes
    /// them as a replayable fixture file.
    pub fn recording(url: impl Into<String>, config: RpcConfig) -> Result<Self> {
        Self::build(url.into(), config, Some(Recorder::new()))
    }

    /// The recorder, in recording mode.
    pub fn recorder(&self) -> Option<&Recorder> {
        self.inner.recorder.as_ref()
    }

    fn build(url: String, config: RpcConfig, recorder: Option<Recorder>) -> Result<Self> {
        let http =
            reqwest::Client::builder().timeout(config.request_timeout).build().map_err(|e| {
                WitnessError::Transport {
                    method: "<client setup>".into(),
                    attempts: 0,
                    detail: e.to_string(),
                }
            })?;
        let permits = Semaphore::new(config.max_concurrency.max(1));
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                url,
                config,
                permits,
                next_id: AtomicU64::new(1),
                recorder,
            }),
        })
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The client's knobs.
    pub fn config(&self) -> &RpcConfig {
        &self.inner.config
    }

    /// Calls `method` with `params` and decodes the result as `T`.
    ///
    /// `block` is the block the request is about, only used to give
    /// [`WitnessError::NodeLacksHistory`] its context.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        block: Option<u64>,
    ) -> Result<T> {
        let value = self.call_raw(method, params, block).await?;
        serde_json::from_value(value)
            .map_err(|e| WitnessError::Decode { method: method.into(), detail: e.to_string() })
    }

    /// Calls `method` with `params` and returns the raw JSON result (retries included).
    ///
    /// In recording mode a method the fixture format cannot hold fails here with
    /// [`WitnessError::Unsupported`] (as the replay server would answer it), and every
    /// answer is recorded.
    pub async fn call_raw(&self, method: &str, params: Value, block: Option<u64>) -> Result<Value> {
        let Some(recorder) = &self.inner.recorder else {
            return self.call_node(method, &params, block).await;
        };
        if !Recorder::is_recordable(method) {
            return Err(WitnessError::Unsupported {
                method: method.into(),
                message: "not sent in recording mode: the fixture format (and so the replay \
                          server) cannot hold its answer"
                    .into(),
            });
        }
        let value = self.call_node(method, &params, block).await?;
        recorder
            .record(method, &params, &value)
            .map_err(|detail| WitnessError::Recording { method: method.into(), detail })?;
        Ok(value)
    }

    /// Sends one call to the node, retrying transient failures.
    async fn call_node(&self, method: &str, params: &Value, block: Option<u64>) -> Result<Value> {
        let cfg = &self.inner.config;
        let mut backoff = cfg.initial_backoff;
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let outcome = {
                let _permit =
                    self.inner.permits.acquire().await.map_err(|_| WitnessError::Transport {
                        method: method.into(),
                        attempts,
                        detail: "concurrency limiter closed".into(),
                    })?;
                self.attempt(method, params, block, attempts).await
            };
            match outcome {
                Attempt::Done(v) => return Ok(v),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Transient(e) if attempts > cfg.max_retries => return Err(e),
                Attempt::Transient(e) => {
                    tracing::debug!(method, attempts, error = %e, ?backoff, "retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(cfg.max_backoff);
                }
            }
        }
    }

    async fn attempt(
        &self,
        method: &str,
        params: &Value,
        block: Option<u64>,
        attempts: u32,
    ) -> Attempt {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let transport =
            |detail: String| WitnessError::Transport { method: method.into(), attempts, detail };
        let resp = match self.inner.http.post(&self.inner.url).json(&body).send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Transient(transport(error_chain(&e))),
        };
        let status = resp.status();
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Attempt::Transient(transport(error_chain(&e))),
        };
        // A JSON-RPC body, if there is one, says more than the status does.
        if let Ok(parsed) = serde_json::from_slice::<Response>(&bytes) {
            if let Some(err) = parsed.error {
                return classify(method, params, block, err);
            }
            if status.is_success() {
                return match parsed.result {
                    Some(v) => Attempt::Done(v),
                    None => Attempt::Done(Value::Null),
                };
            }
        }
        let http_status = || WitnessError::HttpStatus {
            method: method.into(),
            status: status.as_u16(),
            attempts,
            body: String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).into_owned(),
        };
        if status.as_u16() == 429 || status.is_server_error() {
            Attempt::Transient(http_status())
        } else if !status.is_success() {
            Attempt::Fatal(http_status())
        } else {
            Attempt::Fatal(WitnessError::Decode {
                method: method.into(),
                detail: format!(
                    "not a JSON-RPC response: {}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
                ),
            })
        }
    }

    /// `eth_chainId`.
    pub async fn chain_id(&self) -> Result<u64> {
        Ok(self.call::<U64>("eth_chainId", json!([]), None).await?.to())
    }

    /// `eth_blockNumber`: the node's head.
    pub async fn block_number(&self) -> Result<u64> {
        Ok(self.call::<U64>("eth_blockNumber", json!([]), None).await?.to())
    }

    /// `eth_getBlockByNumber(n, full_txs)`. A `null` answer is [`WitnessError::BlockNotFound`].
    pub async fn get_block_by_number(&self, number: u64, full_txs: bool) -> Result<RpcBlock> {
        let method = "eth_getBlockByNumber";
        let raw = self.call_raw(method, json!([hex_u64(number), full_txs]), Some(number)).await?;
        if raw.is_null() {
            return Err(WitnessError::BlockNotFound { block: number });
        }
        let block: Block = serde_json::from_value(raw.clone())
            .map_err(|e| WitnessError::Decode { method: method.into(), detail: e.to_string() })?;
        if block.header.inner.number != number {
            return Err(WitnessError::Decode {
                method: method.into(),
                detail: format!("asked for block {number}, got {}", block.header.inner.number),
            });
        }
        Ok(RpcBlock { raw, block })
    }

    /// `eth_getProof(address, slots, block)`: the account proof and one storage proof per slot.
    pub async fn get_proof(
        &self,
        address: Address,
        slots: &[B256],
        block: u64,
    ) -> Result<EIP1186AccountProofResponse> {
        let method = "eth_getProof";
        let proof: EIP1186AccountProofResponse =
            self.call(method, json!([address, slots, hex_u64(block)]), Some(block)).await?;
        if proof.address != address {
            return Err(WitnessError::Decode {
                method: method.into(),
                detail: format!("asked for {address}, got {}", proof.address),
            });
        }
        if proof.storage_proof.len() != slots.len() {
            return Err(WitnessError::Decode {
                method: method.into(),
                detail: format!(
                    "asked for {} storage proofs, got {}",
                    slots.len(),
                    proof.storage_proof.len()
                ),
            });
        }
        Ok(proof)
    }

    /// `eth_getBalance(address, block)`.
    pub async fn get_balance(&self, address: Address, block: u64) -> Result<U256> {
        self.call("eth_getBalance", json!([address, hex_u64(block)]), Some(block)).await
    }

    /// `eth_getTransactionCount(address, block)`: the account's nonce.
    pub async fn get_transaction_count(&self, address: Address, block: u64) -> Result<u64> {
        let n: U64 = self
            .call("eth_getTransactionCount", json!([address, hex_u64(block)]), Some(block))
            .await?;
        Ok(n.to())
    }

    /// `eth_getCode(address, block)`.
    pub async fn get_code(&self, address: Address, block: u64) -> Result<Bytes> {
        self.call("eth_getCode", json!([address, hex_u64(block)]), Some(block)).await
    }

    /// `eth_getStorageAt(address, slot, block)`.
    pub async fn get_storage_at(&self, address: Address, slot: B256, block: u64) -> Result<U256> {
        self.call("eth_getStorageAt", json!([address, slot, hex_u64(block)]), Some(block)).await
    }

    /// `debug_executionWitness(block)`: the node's own witness of the block, where it has one.
    /// A node without the method gives [`WitnessError::Unsupported`].
    pub async fn debug_execution_witness(&self, block: u64) -> Result<ExecutionWitness> {
        self.call("debug_executionWitness", json!([hex_u64(block)]), Some(block)).await
    }
}

/// A block number as a JSON-RPC hex quantity.
pub fn hex_u64(n: u64) -> String {
    format!("{n:#x}")
}

/// Turns a JSON-RPC error object into the crate's error, and says whether a retry may help.
fn classify(method: &str, params: &Value, block: Option<u64>, err: ErrorObject) -> Attempt {
    let ErrorObject { code, message } = err;
    let lower = message.to_ascii_lowercase();
    if code == METHOD_NOT_FOUND {
        return Attempt::Fatal(WitnessError::Unsupported { method: method.into(), message });
    }
    if code == NOT_RECORDED && lower.starts_with("not recorded") {
        return Attempt::Fatal(WitnessError::NotRecorded {
            method: method.into(),
            params: params.to_string(),
        });
    }
    if lacks_history(&lower) {
        return Attempt::Fatal(WitnessError::NodeLacksHistory {
            method: method.into(),
            block,
            message,
        });
    }
    let e = WitnessError::Rpc { method: method.into(), code, message };
    if is_transient(code, &lower) { Attempt::Transient(e) } else { Attempt::Fatal(e) }
}

/// Messages by which geth, erigon, nethermind, reth and hosted providers say that they no
/// longer (or never did) keep the state or block asked for.
fn lacks_history(lower: &str) -> bool {
    const NEEDLES: &[&str] = &[
        "missing trie node",
        "header not found",
        "unknown block",
        "block not found",
        "historical state",
        "state not available",
        "state is not available",
        "state histories",
        "pruned",
        "distance to target block exceeds",
        "no state available",
        "state at block",
        "archive",
    ];
    NEEDLES.iter().any(|n| lower.contains(n))
}

/// JSON-RPC errors that a later retry may not see: rate limits, overload, timeouts.
fn is_transient(code: i64, lower: &str) -> bool {
    const NEEDLES: &[&str] = &[
        "rate limit",
        "too many requests",
        "timeout",
        "timed out",
        "try again",
        "temporarily",
        "busy",
        "overloaded",
        "capacity",
        "exceeded the limit",
    ];
    // -32005: limit exceeded (EIP-1474); 429: some providers mirror the HTTP status here.
    code == -32005 || code == 429 || NEEDLES.iter().any(|n| lower.contains(n))
}

/// The error and all its sources, so "error sending request" shows its real cause.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: i64, msg: &str) -> ErrorObject {
        ErrorObject { code, message: msg.into() }
    }

    #[test]
    fn classifies_history_errors() {
        for msg in [
            "missing trie node 1b2c... (path )",
            "header not found",
            "historical state 0xabc is not available",
            "state at block #123 is pruned",
            "required historical state unavailable (reexec=128)",
            "distance to target block exceeds maximum proof window",
        ] {
            match classify("eth_getProof", &json!([]), Some(7), err(-32000, msg)) {
                Attempt::Fatal(WitnessError::NodeLacksHistory { block: Some(7), .. }) => {}
                Attempt::Fatal(e) | Attempt::Transient(e) => panic!("{msg}: {e}"),
                Attempt::Done(_) => unreachable!(),
            }
        }
    }

    #[test]
    fn classifies_other_errors() {
        assert!(matches!(
            classify(
                "debug_executionWitness",
                &json!([]),
                None,
                err(-32601, "the method x does not exist")
            ),
            Attempt::Fatal(WitnessError::Unsupported { .. })
        ));
        assert!(matches!(
            classify("eth_getCode", &json!([]), None, err(-32001, "not recorded: eth_getCode []")),
            Attempt::Fatal(WitnessError::NotRecorded { .. })
        ));
        assert!(matches!(
            classify("eth_getCode", &json!([]), None, err(-32005, "limit exceeded")),
            Attempt::Transient(WitnessError::Rpc { code: -32005, .. })
        ));
        assert!(matches!(
            classify("eth_call", &json!([]), None, err(3, "execution reverted")),
            Attempt::Fatal(WitnessError::Rpc { code: 3, .. })
        ));
    }
}
