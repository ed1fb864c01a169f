//! The recorded anvil blocks of `fixtures/anvil-rpc/`: how they are made, that they are
//! reproducible, and that they replay to the witness the live node gives.
//!
//! # The chain ([`mine_fixture_chain`])
//! anvil 1.7.1, `--hardfork bpo2 --no-mining --timestamp 1700000000`, blocks every
//! [`common_anvil::BLOCK_INTERVAL`] seconds, transactions signed by anvil with its default
//! dev keys (RFC 6979 signatures, so the same bytes every run):
//!
//! | block | content |
//! | --- | --- |
//! | 1 | empty (anvil's block 1 is unverifiable, see `anvil.rs`) |
//! | 2 | one EIP-1559 transfer of 1 ether from dev account 1 to a fresh address: [`ANVIL_TRANSFER_BLOCK`] |
//! | 3 | dev account 0 deploys the test contract (`common_anvil::RUNTIME`) |
//! | 4 | a 1-ether transfer to another fresh address and a storage write (slot 1 = 7, plus a log): [`ANVIL_STORAGE_BLOCK`] |
//! | 5 | empty (system calls only): [`ANVIL_EMPTY_BLOCK`] |
//!
//! Blocks 2, 4 and 5 are recorded with a recording client ([`RpcClient::recording`]) while
//! their witnesses are built, into `31337-2.json.gz` (blocks 1–2), `31337-4.json.gz`
//! (blocks 3–4) and `31337-5.json.gz` (blocks 4–5): one chain, so the files can be served
//! from one folder (a block recorded in two files is the same block).
//!
//! # Regenerating
//! `make anvil-fixtures` runs [`fixtures_regenerate_identically`] with
//! `ZKEC_BLESS_FIXTURES=1`, which writes the files into `fixtures/anvil-rpc/`. Without it the
//! test records into a temporary folder and asserts that the recordings equal the committed
//! ones, answer for answer.

mod common_anvil;

use std::io::Read;
use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, U256, address, b256};
use common_anvil::{ANVIL_CHAIN_ID, Anvil, init_code, store, tx1559};
use serde_json::Value;
use witness_builder::{
    ANVIL_EMPTY_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_TRANSFER_BLOCK, BuiltWitness, RecordedBlock,
    ReplayServer, RpcClient, RpcConfig, WitnessError, build_witness, builder::chain_config_for,
    record::check_fixture_name,
};

/// Genesis timestamp of the fixture chain (2023-11-14), so every header is reproducible.
const GENESIS_TIMESTAMP: &str = "1700000000";
/// Recipient of block 2's transfer (no account before it).
const FRESH_2: Address = address!("0x00000000000000000000000000000000c0ffee02");
/// Recipient of block 4's transfer.
const FRESH_4: Address = address!("0x00000000000000000000000000000000c0ffee04");
/// The hash of block 2 of the fixture chain, as anvil mined it.
const BLOCK_2_HASH: B256 =
    b256!("0xc868fc73c0ad352f0ee569a5b6f69601c9bf9dedcaa67ea00213d28bf59a4b42");
/// The hash of block 4 of the fixture chain, as anvil mined it.
const BLOCK_4_HASH: B256 =
    b256!("0x94acb5cc627ae021844790b2fe4371080daa9fe3ccebed2cfc3a95ac6dae0042");
/// The hash of block 5 of the fixture chain, as anvil mined it.
const BLOCK_5_HASH: B256 =
    b256!("0x4ebbec133a8f3f0cc03d3166875aa1a7923e10fe28fea315a920167a68d61b2c");
/// The recorded blocks.
const RECORDED: [RecordedBlock; 3] = [ANVIL_TRANSFER_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_EMPTY_BLOCK];
/// Set to write the recordings into `fixtures/anvil-rpc/` instead of comparing with them.
const BLESS_VAR: &str = "ZKEC_BLESS_FIXTURES";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn one_eth() -> U256 {
    U256::from(1_000_000_000_000_000_000u64)
}

/// Mines the fixture chain of the module docs on `anvil`.
async fn mine_fixture_chain(anvil: &Anvil) {
    let accts = anvil.accounts().await;
    assert_eq!(anvil.mine().await, 1);

    let transfer = anvil.send(tx1559(accts[1], Some(FRESH_2), one_eth(), &[], 21_000)).await;
    assert_eq!(anvil.mine().await, 2);
    assert_eq!(anvil.receipt(transfer).await.status.to::<u64>(), 1);

    let deploy = anvil.send(tx1559(accts[0], None, U256::ZERO, &init_code(), 200_000)).await;
    assert_eq!(anvil.mine().await, 3);
    let contract = anvil.receipt(deploy).await.contract_address.expect("a deployment");

    let transfer = anvil.send(tx1559(accts[1], Some(FRESH_4), one_eth(), &[], 21_000)).await;
    let write =
        anvil.send(tx1559(accts[0], Some(contract), U256::ZERO, &store(1, 7, false), 80_000)).await;
    assert_eq!(anvil.mine().await, 4);
    for tx in [transfer, write] {
        let receipt = anvil.receipt(tx).await;
        assert_eq!((receipt.status.to::<u64>(), receipt.block_number.to::<u64>()), (1, 4));
    }

    assert_eq!(anvil.mine().await, 5);
}

/// Builds `block`'s witness from `url` with a recording client and writes the recording into
/// `dir`; returns the witness.
async fn record(url: &str, block: RecordedBlock, dir: &Path) -> BuiltWitness {
    let client = RpcClient::recording(url, RpcConfig::default()).unwrap();
    let chain = chain_config_for(client.chain_id().await.unwrap(), block.fork).unwrap();
    let built = build_witness(&client, block.number, chain)
        .await
        .unwrap_or_else(|e| panic!("block {}: {e}", block.number));
    let file = dir.join(format!("{}-{}.json.gz", block.chain_id, block.number));
    check_fixture_name(&file, block.chain_id).unwrap();
    let stats = client.save_recording(&file).await.unwrap();
    eprintln!("recorded block {} into {}: {stats:?}", block.number, file.display());
    built
}

/// Builds `block`'s witness from the recordings in `dir`, through the replay server.
async fn replay(dir: &Path, block: RecordedBlock) -> BuiltWitness {
    let (_, server) = ReplayServer::start(&[dir]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    assert_eq!(client.chain_id().await.unwrap(), ANVIL_CHAIN_ID, "from the file names");
    let chain = chain_config_for(ANVIL_CHAIN_ID, block.fork).unwrap();
    let built = build_witness(&client, block.number, chain)
        .await
        .unwrap_or_else(|e| panic!("replaying block {}: {e}", block.number));
    server.shutdown().await;
    built
}

fn read_fixture(path: &Path) -> Value {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut text).unwrap();
    serde_json::from_slice(&text).unwrap()
}

/// The first place where two fixture documents differ, for a readable failure.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(u), Some(v)) => first_difference(u, v, format!("{at}.{k}")),
                _ => Some(format!("{at}.{k}: present on one side only")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

/// Records the fixture chain from a fresh anvil and checks it against the committed
/// recordings (or, with `ZKEC_BLESS_FIXTURES=1`, writes them): same answers, and a replay
/// of the recordings gives byte for byte the witness the live node gave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures_regenerate_identically() {
    let committed = repo_root().join(ANVIL_TRANSFER_BLOCK.dir);
    let bless = std::env::var_os(BLESS_VAR).is_some_and(|v| v == "1");
    let out = if bless {
        committed.clone()
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("anvil-rpc-{}", std::process::id()))
    };
    std::fs::create_dir_all(&out).unwrap();

    let anvil = Anvil::start_with("bpo2", &["--timestamp", GENESIS_TIMESTAMP]).await;
    mine_fixture_chain(&anvil).await;
    let mut live = Vec::new();
    for block in RECORDED {
        live.push((block, record(anvil.url(), block, &out).await));
    }
    drop(anvil);

    for (block, built) in &live {
        let name = format!("{}-{}.json.gz", block.chain_id, block.number);
        if !bless {
            let fresh = read_fixture(&out.join(&name));
            let kept = read_fixture(&committed.join(&name));
            if let Some(diff) = first_difference(&kept, &fresh, name.clone()) {
                panic!(
                    "the committed recording {name} differs from a fresh one at {diff}; if anvil \
                     or the builder changed on purpose, run `make anvil-fixtures`"
                );
            }
        }
        // The recording replays to exactly the witness the live node gave.
        let replayed = replay(&out, *block).await;
        assert_eq!(replayed.input.encode(), built.input.encode(), "block {}", block.number);
        assert_eq!(replayed.commitment, built.commitment);
    }
    if !bless {
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// The committed recordings replay offline (no anvil) to the blocks of the module docs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_fixtures_replay() {
    let dir = repo_root().join(ANVIL_TRANSFER_BLOCK.dir);
    for (block, hash, txs) in [
        (ANVIL_TRANSFER_BLOCK, BLOCK_2_HASH, 1),
        (ANVIL_STORAGE_BLOCK, BLOCK_4_HASH, 2),
        (ANVIL_EMPTY_BLOCK, BLOCK_5_HASH, 0),
    ] {
        let built = replay(&dir, block).await;
        let c = built.commitment;
        assert_eq!((c.chain_id, c.number, c.block_hash), (ANVIL_CHAIN_ID, block.number, hash));
        assert_eq!(built.validation.transactions, txs, "block {}", block.number);
        eprintln!(
            "block {}: {} txs, {} gas, {} nodes, {} codes, {} input bytes",
            block.number,
            txs,
            built.validation.gas_used,
            built.stats.nodes,
            built.stats.codes,
            built.stats.input_bytes
        );
    }
}

/// A recording client never sends what the fixture format cannot hold: the replay server
/// would not be able to answer it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_client_refuses_unrecordable_methods() {
    let dir = repo_root().join(ANVIL_TRANSFER_BLOCK.dir);
    let (_, server) = ReplayServer::start(&[dir]).await.unwrap();
    let client = RpcClient::recording(server.url(), RpcConfig::default()).unwrap();
    match client.debug_execution_witness(2).await {
        Err(WitnessError::Unsupported { method, message }) => {
            assert_eq!(method, "debug_executionWitness");
            assert!(message.contains("recording mode"), "{message}");
        }
        other => panic!("expected a local refusal, got {other:?}"),
    }
    // A plain client is not recording.
    let plain = RpcClient::new(server.url()).unwrap();
    let nowhere = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("never-written.json.gz");
    assert!(matches!(plain.save_recording(&nowhere).await, Err(WitnessError::Recording { .. })));
}

/// `build-witness --record` through the replay server of a committed recording records the
/// same answers again: the recording holds exactly what a build asks for, nothing less.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_witness_cli_rerecords_a_recording() {
    let block = ANVIL_STORAGE_BLOCK;
    let committed = block.file(&repo_root());
    let (_, server) = ReplayServer::start(&[&committed]).await.unwrap();
    let tmp =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rerecord-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let recording = tmp.join(committed.file_name().unwrap());
    let url = server.url();
    let out = tokio::task::spawn_blocking({
        let (recording, tmp) = (recording.clone(), tmp.clone());
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_build-witness"))
                .args(["--rpc", &url, "--number", &block.number.to_string()])
                .args(["--fork", block.fork.unwrap(), "--out"])
                .arg(tmp.join("witness.bin"))
                .arg("--record")
                .arg(&recording)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("recorded 2 blocks"), "{stdout}");
    assert_eq!(
        first_difference(&read_fixture(&committed), &read_fixture(&recording), "doc".into()),
        None
    );

    // A name the replay server would read the wrong chain id from is refused up front.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_build-witness"))
        .args(["--rpc", &server.url(), "--number", "4", "--fork", "bpo2", "--out"])
        .arg(tmp.join("witness.bin"))
        .arg("--record")
        .arg(tmp.join("block4.json.gz"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("<chain id>-<block>.json.gz"));
    std::fs::remove_dir_all(&tmp).unwrap();
}
