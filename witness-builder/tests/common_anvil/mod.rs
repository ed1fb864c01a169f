//! A live anvil dev node for the integration tests: started on a free port of 127.0.0.1,
//! killed (and reaped) when dropped, with small JSON-RPC helpers for the dev accounts, and
//! the test contract of the scenarios ([`RUNTIME`]).
//!
//! Shared by `witness-builder/tests/anvil.rs` and, through `#[path]`,
//! `prover-node/guest-tests/tests/anvil_guest.rs`.

#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, Bytes, U256};
use serde_json::{Value, json};
use witness_builder::{RpcClient, RpcConfig};

/// The chain id anvil uses unless told otherwise.
pub const ANVIL_CHAIN_ID: u64 = 31337;

/// How long anvil may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How many fresh ports are tried when anvil exits at start (a port taken in between).
const START_ATTEMPTS: u32 = 3;
/// Seconds between consecutive block timestamps (anvil would reuse a timestamp within one
/// wall-clock second, which the executor rightly rejects).
pub const BLOCK_INTERVAL: u64 = 12;

/// The anvil binary: `$ANVIL_BIN`, else `<repo>/.tools/node_modules/.bin/anvil` (where
/// `make setup` installs it; `<repo>` is the nearest ancestor of the crate holding
/// `Cargo.lock`, so this module serves any crate of the workspace). Panics with a clear
/// message when neither exists.
pub fn anvil_bin() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest.ancestors().find(|d| d.join("Cargo.lock").is_file()).unwrap_or(&manifest);
    let fallback = repo.join(".tools/node_modules/.bin/anvil");
    find_anvil(std::env::var_os("ANVIL_BIN").map(PathBuf::from), fallback)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The first of `from_env` and `fallback` that is a file, or the message to fail with.
pub fn find_anvil(from_env: Option<PathBuf>, fallback: PathBuf) -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = from_env.into_iter().chain([fallback]).collect();
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        format!(
            "anvil not found (looked at {candidates:?}): run `make setup` to install it, or \
             point ANVIL_BIN at an anvil 1.7.1 binary"
        )
    })
}

/// A running anvil process; dropping it kills and reaps the process.
pub struct Anvil {
    child: Child,
    url: String,
    log: PathBuf,
    /// A client for the node (few retries: the node is local).
    pub client: RpcClient,
}

impl Anvil {
    /// Starts anvil with `--hardfork fork --no-mining` on a free port and waits until it
    /// answers `eth_chainId`. Blocks are then mined only by [`Anvil::mine`], each
    /// [`BLOCK_INTERVAL`] seconds after its parent.
    pub async fn start(fork: &str) -> Anvil {
        Self::start_with(fork, &[]).await
    }

    /// [`Anvil::start`] with more command-line arguments (e.g. `--timestamp` for a
    /// reproducible genesis).
    pub async fn start_with(fork: &str, extra_args: &[&str]) -> Anvil {
        let bin = anvil_bin();
        let mut last_failure = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::try_start(&bin, fork, extra_args).await {
                Ok(anvil) => {
                    anvil.rpc("anvil_setBlockTimestampInterval", json!([BLOCK_INTERVAL])).await;
                    return anvil;
                }
                Err(e) => last_failure = e,
            }
        }
        panic!("anvil did not start after {START_ATTEMPTS} attempts: {last_failure}");
    }

    async fn try_start(bin: &PathBuf, fork: &str, extra_args: &[&str]) -> Result<Anvil, String> {
        let port = free_port();
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("anvil-{}-{port}.log", std::process::id()));
        let out = File::create(&log).map_err(|e| format!("creating {log:?}: {e}"))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--hardfork", fork, "--no-mining"])
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("spawning {bin:?}: {e}"))?;
        let url = format!("http://127.0.0.1:{port}");
        let config = RpcConfig {
            max_retries: 0,
            request_timeout: Duration::from_secs(10),
            ..RpcConfig::default()
        };
        let client = RpcClient::with_config(&url, config).map_err(|e| e.to_string())?;
        let mut anvil = Anvil { child, url, log, client };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = anvil.child.try_wait() {
                return Err(format!("anvil exited with {status}: {}", anvil.log_tail()));
            }
            if let Ok(id) = anvil.client.chain_id().await {
                assert_eq!(id, ANVIL_CHAIN_ID, "anvil's chain id");
                return Ok(anvil);
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "no answer on {} within {START_TIMEOUT:?}: {}",
                    anvil.url,
                    anvil.log_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The last lines of anvil's output, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Calls `method`; panics with the node's answer on any error.
    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        self.client
            .call_raw(method, params.clone(), None)
            .await
            .unwrap_or_else(|e| panic!("{method} {params}: {e}"))
    }

    /// The unlocked dev accounts.
    pub async fn accounts(&self) -> Vec<Address> {
        serde_json::from_value(self.rpc("eth_accounts", json!([])).await).expect("addresses")
    }

    /// Sends a transaction for anvil to sign with an unlocked dev account; returns its hash.
    /// `tx` is an `eth_sendTransaction` object (give `gas`, so nothing is estimated).
    pub async fn send(&self, tx: Value) -> B256 {
        serde_json::from_value(self.rpc("eth_sendTransaction", json!([tx])).await).expect("hash")
    }

    /// Mines one block with everything pending; returns its number.
    pub async fn mine(&self) -> u64 {
        self.rpc("evm_mine", json!([])).await;
        self.client.block_number().await.expect("eth_blockNumber")
    }

    /// The receipt of a mined transaction.
    pub async fn receipt(&self, tx: B256) -> Receipt {
        let raw = self.rpc("eth_getTransactionReceipt", json!([tx])).await;
        assert!(!raw.is_null(), "transaction {tx} is not mined");
        serde_json::from_value(raw).expect("receipt")
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The receipt fields the tests look at.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// 1 for success, 0 for a reverted transaction.
    pub status: alloy_primitives::U64,
    /// Gas the transaction used.
    pub gas_used: alloy_primitives::U64,
    /// The block that includes it.
    pub block_number: alloy_primitives::U64,
    /// The created contract, for a deployment.
    pub contract_address: Option<Address>,
    /// Envelope type: 0 legacy, 2 EIP-1559.
    #[serde(rename = "type")]
    pub tx_type: alloy_primitives::U8,
    /// The logs emitted.
    pub logs: Vec<Value>,
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("an ephemeral port").port()
}

/// `eth_sendTransaction` fields of an EIP-1559 transaction.
pub fn tx1559(from: Address, to: Option<Address>, value: U256, data: &[u8], gas: u64) -> Value {
    json!({
        "from": from,
        "to": to,
        "value": value,
        "input": Bytes::copy_from_slice(data),
        "gas": format!("{gas:#x}"),
        "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x3b9aca00",
    })
}

/// `eth_sendTransaction` fields of a legacy (type 0) transaction.
pub fn tx_legacy(from: Address, to: Address, value: U256, gas: u64) -> Value {
    json!({
        "from": from,
        "to": to,
        "value": value,
        "gas": format!("{gas:#x}"),
        "gasPrice": "0x77359400",
    })
}

/// Runtime of the test contract (35 bytes). Calldata is `slot ‖ value` (two words):
/// 1. `SSTORE(slot, value)`;
/// 2. `LOG1(value, topic = slot)`;
/// 3. if the calldata is longer than 64 bytes, `REVERT` (undoing both).
pub const RUNTIME: [u8; 35] = [
    0x60, 0x20, 0x35, // PUSH1 32 CALLDATALOAD          value
    0x60, 0x00, 0x35, // PUSH1 0 CALLDATALOAD           slot
    0x55, //             SSTORE
    0x60, 0x20, 0x35, // PUSH1 32 CALLDATALOAD          value
    0x60, 0x00, 0x52, // PUSH1 0 MSTORE                 mem[0..32] = value
    0x60, 0x00, 0x35, // PUSH1 0 CALLDATALOAD           topic = slot
    0x60, 0x20, 0x60, 0x00, 0xa1, // PUSH1 32 PUSH1 0 LOG1
    0x60, 0x40, 0x36, 0x11, // PUSH1 64 CALLDATASIZE GT
    0x60, 0x1d, 0x57, // PUSH1 29 JUMPI
    0x00, //             STOP
    0x5b, //             JUMPDEST (29)
    0x60, 0x00, 0x60, 0x00, 0xfd, // PUSH1 0 PUSH1 0 REVERT
];

/// Creation code: copies [`RUNTIME`] (placed right after these 12 bytes) and returns it.
pub fn init_code() -> Vec<u8> {
    let mut code = vec![
        0x60, 0x23, 0x60, 0x0c, 0x60, 0x00, 0x39, // CODECOPY(0, 12, 35)
        0x60, 0x23, 0x60, 0x00, 0xf3, // RETURN(0, 35)
    ];
    code.extend_from_slice(&RUNTIME);
    code
}

/// Calldata that stores `value` at `slot`, then reverts when `revert` is set.
pub fn store(slot: u64, value: u64, revert: bool) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&B256::from(U256::from(slot)).0);
    data.extend_from_slice(&B256::from(U256::from(value)).0);
    if revert {
        data.push(1);
    }
    data
}
