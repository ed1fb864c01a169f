//! The real `RpcClient` over HTTP against the replay server over the repo's mainnet recordings.

mod common;

use std::collections::HashMap;
use std::str::FromStr;

use alloy_consensus::TxEnvelope;
use alloy_consensus::proofs::calculate_transaction_root;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_trie::{Nibbles, proof::verify_proof};
use common::{BLOCKS, fixture_file, fixtures_dir, load_fixture, pairs};
use futures_util::future::try_join_all;
use serde_json::{Value, json};
use witness_builder::rpc::hex_u64;
use witness_builder::rpc_db::verify_account;
use witness_builder::{ReplayServer, RpcClient, WitnessError};

fn addr(s: &str) -> Address {
    Address::from_str(s).unwrap()
}

fn u256(v: &Value) -> U256 {
    U256::from_str(v.as_str().unwrap()).unwrap()
}

/// Every recorded block comes back through the client, parses (all transactions), hashes to its
/// reported hash, and its transactions re-encode to the header's transactions root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_every_recorded_block() {
    let (_, server) = ReplayServer::start(&[fixtures_dir()]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    assert_eq!(client.chain_id().await.unwrap(), 1);
    assert_eq!(client.block_number().await.unwrap(), 19_426_587);

    for (number, tx_count) in BLOCKS {
        for n in [number - 1, number] {
            let full = client.get_block_by_number(n, true).await.unwrap();
            assert_eq!(full.number(), n);
            full.check_header_hash().unwrap();
            let txs: Vec<TxEnvelope> =
                full.block.transactions.txns().map(|t| t.inner.inner().clone()).collect();
            assert_eq!(txs.len(), full.raw["transactions"].as_array().unwrap().len());
            if n == number {
                assert_eq!(txs.len(), tx_count, "block {n}");
            }
            assert_eq!(
                calculate_transaction_root(&txs),
                full.block.header.inner.transactions_root,
                "transactions root of block {n}"
            );
            // The hash-only form lists the same hashes.
            let light = client.get_block_by_number(n, false).await.unwrap();
            light.check_header_hash().unwrap();
            let hashes: Vec<B256> = light.block.transactions.hashes().collect();
            let full_hashes: Vec<B256> = full.block.transactions.hashes().collect();
            assert_eq!(hashes, full_hashes);
            assert!(light.raw["transactions"].as_array().unwrap().iter().all(Value::is_string));
        }
    }
    // Known header facts: the parent link of the first Cancun block and its parent's state root.
    let b = client.get_block_by_number(19_426_587, false).await.unwrap();
    assert_eq!(
        b.hash(),
        B256::from_str("0xf8e2f40d98fe5862bc947c8c83d34799c50fb344d7445d020a8a946d891b62ee")
            .unwrap()
    );
    assert_eq!(
        b.block.header.inner.parent_hash,
        B256::from_str("0xdb672c41cfd47c84ddb478ffde5a09b76964f77dceca0e62bdf719c965d73e7f")
            .unwrap()
    );
    assert_eq!(b.block.header.inner.blob_gas_used, Some(0));
    server.shutdown().await;
}

/// Every recorded `eth_getProof` is served as recorded; its account proof's root node hashes to
/// the state root of the block it was taken at, it verifies (inclusion or exclusion), and so do
/// its storage proofs against the account's storage root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_proof_is_served_and_consistent() {
    let (_, server) = ReplayServer::start(&[fixtures_dir()]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let mut checked = 0usize;
    let mut absent = 0usize;
    for (number, _) in BLOCKS {
        let doc = load_fixture(number);
        let mut roots = HashMap::new();
        for n in [number - 1, number] {
            let b = client.get_block_by_number(n, false).await.unwrap();
            roots.insert(n, b.block.header.inner.state_root);
        }
        let requests = pairs(&doc, "proofs");
        let answers = try_join_all(requests.iter().map(|(req, _)| {
            let client = client.clone();
            async move {
                let a = addr(req["address"].as_str().unwrap());
                let slots: Vec<B256> = req["indices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| B256::from_str(s.as_str().unwrap()).unwrap())
                    .collect();
                client.get_proof(a, &slots, req["block_no"].as_u64().unwrap()).await
            }
        }))
        .await
        .unwrap();
        for ((req, recorded), got) in requests.iter().zip(answers) {
            let n = req["block_no"].as_u64().unwrap();
            let recorded: EIP1186AccountProofResponse =
                serde_json::from_value((*recorded).clone()).unwrap();
            assert_eq!(got, recorded);
            let root = roots[&n];
            assert_eq!(keccak256(&got.account_proof[0]), root, "{n} {}", got.address);
            let state = verify_account(&got, root, n).unwrap();
            match state {
                None => absent += 1,
                Some(s) => {
                    for sp in &got.storage_proof {
                        let key = Nibbles::unpack(keccak256(sp.key.as_b256()));
                        let value = (!sp.value.is_zero()).then(|| alloy_rlp::encode(sp.value));
                        verify_proof(s.storage_root, key, value, &sp.proof).unwrap();
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 34 + 246 + 44 + 232 + 206 + 166);
    assert_eq!(absent, 3 + 2 + 5 + 4 + 8);
    server.shutdown().await;
}

/// Spurious Dragon's state clearing in one account: 0x…04 exists as an empty account before
/// block 2,675,000 and is gone after it, which only the proofs (not the fields) can tell.
#[tokio::test]
async fn empty_account_existence_follows_the_proof() {
    let (_, server) = ReplayServer::start(&[fixture_file(2_675_000)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let four = addr("0x0000000000000000000000000000000000000004");
    for (n, exists) in [(2_674_999, true), (2_675_000, false)] {
        let root =
            client.get_block_by_number(n, false).await.unwrap().block.header.inner.state_root;
        let proof = client.get_proof(four, &[], n).await.unwrap();
        let state = verify_account(&proof, root, n).unwrap();
        assert_eq!(state.is_some(), exists, "block {n}");
        if let Some(s) = state {
            assert_eq!((s.nonce, s.balance), (0, U256::ZERO));
        }
        // An answer whose fields do not match its proof is rejected.
        let mut forged = proof.clone();
        forged.balance = U256::from(1);
        assert!(matches!(
            verify_account(&forged, root, n),
            Err(WitnessError::AccountProofInvalid { .. })
        ));
    }
    server.shutdown().await;
}

/// Asking for a subset of a recorded request's slots (in another order and another hex
/// padding) gives exactly those storage proofs, in the order asked.
#[tokio::test]
async fn subset_proof_returns_requested_slots_in_order() {
    let (_, server) = ReplayServer::start(&[fixture_file(19_426_587)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let doc = load_fixture(19_426_587);
    let (req, recorded) = pairs(&doc, "proofs")
        .into_iter()
        .find(|(r, _)| r["indices"].as_array().unwrap().len() >= 3)
        .expect("a recorded request with three slots");
    let a = addr(req["address"].as_str().unwrap());
    let n = req["block_no"].as_u64().unwrap();
    let slots = req["indices"].as_array().unwrap();
    let entries = recorded["storageProof"].as_array().unwrap();

    // Typed: slots 2 and 0, as 32-byte words.
    let wanted = [slots[2].clone(), slots[0].clone()];
    let typed: Vec<B256> =
        wanted.iter().map(|s| B256::from_str(s.as_str().unwrap()).unwrap()).collect();
    let got = client.get_proof(a, &typed, n).await.unwrap();
    assert_eq!(got.storage_proof.len(), 2);
    for (sp, i) in got.storage_proof.iter().zip([2usize, 0]) {
        assert_eq!(sp.key.as_b256(), typed[if i == 2 { 0 } else { 1 }]);
        assert_eq!(sp.value, u256(&entries[i]["value"]));
        let proof: Vec<Bytes> = serde_json::from_value(entries[i]["proof"].clone()).unwrap();
        assert_eq!(sp.proof, proof);
    }
    assert_eq!(got.account_proof.len(), recorded["accountProof"].as_array().unwrap().len());

    // Raw: the same slot in short hex padding matches the 32-byte recording.
    let short = format!("{:#x}", u256(&slots[1]));
    let raw: Value =
        client.call_raw("eth_getProof", json!([a, [short], hex_u64(n)]), Some(n)).await.unwrap();
    assert_eq!(raw["storageProof"], json!([entries[1]]));

    // The empty subset is the account proof alone.
    let none = client.get_proof(a, &[], n).await.unwrap();
    assert!(none.storage_proof.is_empty());
    assert_eq!(none.storage_hash, got.storage_hash);
    server.shutdown().await;
}

/// Requests outside the recordings give typed errors, never a panic or a made-up answer.
#[tokio::test]
async fn unrecorded_requests_are_typed_errors() {
    let (_, server) = ReplayServer::start(&[fixture_file(19_426_587)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let someone = addr("0x1234567890123456789012345678901234567890");
    let miner = addr("0xdae56d85ff707b3d19427f23d8b03b7b76da1006");
    match client.get_balance(someone, 19_426_586).await {
        Err(WitnessError::NotRecorded { method, params }) => {
            assert_eq!(method, "eth_getBalance");
            assert!(params.contains("0x1234567890123456789012345678901234567890"), "{params}");
        }
        other => panic!("expected NotRecorded, got {other:?}"),
    }
    // A slot that no recorded request of this account asked for.
    let err = client.get_proof(miner, &[B256::with_last_byte(7)], 19_426_586).await.unwrap_err();
    assert!(matches!(err, WitnessError::NotRecorded { .. }), "{err}");
    // A block that is not recorded.
    let err = client.get_block_by_number(1, false).await.unwrap_err();
    assert!(matches!(err, WitnessError::NotRecorded { .. }), "{err}");
    // Recorded account, other block.
    let err = client.get_balance(miner, 19_000_000).await.unwrap_err();
    assert!(matches!(err, WitnessError::NotRecorded { .. }), "{err}");
    // Unknown methods are -32601, which the client reads as Unsupported.
    let err = client.debug_execution_witness(19_426_587).await.unwrap_err();
    assert!(
        matches!(err, WitnessError::Unsupported { ref method, .. } if method == "debug_executionWitness")
    );
    server.shutdown().await;
}

/// Every recorded balance, nonce, code and storage answer comes back as recorded, and a few
/// are checked against values known from the block explorer's view of the same state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balances_nonces_codes_and_storage() {
    let (_, server) = ReplayServer::start(&[fixture_file(19_426_587)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let doc = load_fixture(19_426_587);
    for (req, resp) in pairs(&doc, "balance") {
        let a = addr(req["address"].as_str().unwrap());
        let n = req["block_no"].as_u64().unwrap();
        assert_eq!(client.get_balance(a, n).await.unwrap(), u256(resp));
    }
    for (req, resp) in pairs(&doc, "transaction_count") {
        let a = addr(req["address"].as_str().unwrap());
        let n = req["block_no"].as_u64().unwrap();
        assert_eq!(U256::from(client.get_transaction_count(a, n).await.unwrap()), u256(resp));
    }
    for (req, resp) in pairs(&doc, "code") {
        let a = addr(req["address"].as_str().unwrap());
        let n = req["block_no"].as_u64().unwrap();
        let code = client.get_code(a, n).await.unwrap();
        assert_eq!(code, Bytes::from_str(resp.as_str().unwrap()).unwrap());
    }
    for (req, resp) in pairs(&doc, "storage") {
        let a = addr(req["address"].as_str().unwrap());
        let n = req["block_no"].as_u64().unwrap();
        let slot = B256::from(u256(&req["index"]).to_be_bytes());
        assert_eq!(client.get_storage_at(a, slot, n).await.unwrap(), u256(resp));
    }

    // The fee recipient of block 19,426,587 before and after it.
    let miner = addr("0xdae56d85ff707b3d19427f23d8b03b7b76da1006");
    assert_eq!(
        client.get_balance(miner, 19_426_586).await.unwrap(),
        U256::from(5_744_842_474_565_557_600u64)
    );
    assert_eq!(
        client.get_balance(miner, 19_426_587).await.unwrap(),
        U256::from(5_772_814_154_173_376_378u64)
    );
    // EIP-4788's beacon-roots contract: nonce 1, 97 bytes of code, hash matches.
    let beacon = addr("0x000f3df6d732807ef1319fb7b8bb8522d0beac02");
    assert_eq!(client.get_transaction_count(beacon, 19_426_586).await.unwrap(), 1);
    let code = client.get_code(beacon, 19_426_586).await.unwrap();
    assert_eq!(code.len(), 97);
    let proof = client.get_proof(beacon, &[], 19_426_586).await.unwrap();
    assert_eq!(keccak256(&code), proof.code_hash);
    // Permit2 storage, a 32-byte slot.
    let permit2 = addr("0x000000000022d473030f116ddee9f6b43ac78ba3");
    let slot = B256::from_str("0x9d79ca2281fdb36492478642961f0d8e9fd2791ec5f6da12485ffe87a1bce405")
        .unwrap();
    assert_eq!(
        client.get_storage_at(permit2, slot, 19_426_586).await.unwrap(),
        U256::from_str("0x100006614a73bffffffffffffffffffffffffffffffffffffffff").unwrap()
    );
    server.shutdown().await;
}

/// A JSON-RPC batch is answered element by element, ids kept, errors in place.
#[tokio::test]
async fn batch_requests() {
    let (_, server) = ReplayServer::start(&[fixture_file(1_150_000)]).await.unwrap();
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_getBalance",
         "params": ["0x0000000000000000000000000000000000000000", "0x118c2f"]},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance",
         "params": ["0x0000000000000000000000000000000000000001", "0x118c2f"]},
        {"jsonrpc": "2.0", "id": 4, "method": "eth_nope", "params": []},
    ]);
    let http = reqwest::Client::new();
    let answer: Value =
        http.post(server.url()).json(&batch).send().await.unwrap().json().await.unwrap();
    let answer = answer.as_array().unwrap();
    assert_eq!(answer.len(), 4);
    assert_eq!(answer[0], json!({"jsonrpc": "2.0", "id": 1, "result": "0x1"}));
    assert_eq!(answer[1]["id"], "b");
    assert_eq!(answer[1]["result"], "0x110e24d4e18edd4beab");
    assert_eq!(answer[2]["error"]["code"], -32001);
    assert!(
        answer[2]["error"]["message"].as_str().unwrap().starts_with("not recorded: eth_getBalance")
    );
    assert_eq!(answer[3]["error"]["code"], -32601);
    server.shutdown().await;
}

/// Shutting the server down frees its port: the client then sees a transport error.
#[tokio::test]
async fn shutdown_stops_serving() {
    let (addr, server) = ReplayServer::start(&[fixture_file(1_150_000)]).await.unwrap();
    assert!(addr.ip().is_loopback());
    let config = witness_builder::RpcConfig {
        max_retries: 1,
        initial_backoff: std::time::Duration::from_millis(5),
        ..Default::default()
    };
    let client = RpcClient::with_config(server.url(), config).unwrap();
    assert_eq!(client.chain_id().await.unwrap(), 1);
    server.shutdown().await;
    let err = client.chain_id().await.unwrap_err();
    assert!(matches!(err, WitnessError::Transport { attempts: 2, .. }), "{err}");
}
