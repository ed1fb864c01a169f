//! `RpcDb` as revm sees it, over the replay server: the pre-state of mainnet blocks.

mod common;

use std::str::FromStr;

use alloy_primitives::{Address, B256, KECCAK256_EMPTY, U256, keccak256};
use common::fixture_file;
use revm::Database;
use witness_builder::{ReplayServer, RpcClient, RpcDb, WitnessError};

fn addr(s: &str) -> Address {
    Address::from_str(s).unwrap()
}

const MINER: &str = "0xdae56d85ff707b3d19427f23d8b03b7b76da1006";
const PERMIT2: &str = "0x000000000022d473030f116ddee9f6b43ac78ba3";
const BEACON_ROOTS: &str = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02";
const SYSTEM: &str = "0xfffffffffffffffffffffffffffffffffffffffe";

/// Reads accounts, slots, code and a block hash of block 19,426,587's parent through revm's
/// `Database` trait, then checks the access record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_cancun_parent_state() {
    let (_, server) = ReplayServer::start(&[fixture_file(19_426_587)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let db = RpcDb::new(client, 19_426_587).await.unwrap();
    assert_eq!(
        db.state_root(),
        B256::from_str("0x33e670fd10cbfcc83ac2ccd320628a0c9f675eff1d77c090d4dc709c329a0fdc")
            .unwrap()
    );

    let (db, ()) = db
        .run_blocking(|db| {
            // An externally owned account: the fee recipient.
            let miner = db.basic(addr(MINER)).unwrap().expect("miner exists");
            assert_eq!(miner.balance, U256::from(5_744_842_474_565_557_600u64));
            assert_eq!(miner.code_hash, KECCAK256_EMPTY);
            // Cached: the second read gives the same answer without a request.
            assert_eq!(db.basic(addr(MINER)).unwrap().unwrap().balance, miner.balance);

            // A contract: code fetched, hash checked, served by hash afterwards.
            let permit2 = db.basic(addr(PERMIT2)).unwrap().expect("Permit2 exists");
            assert_eq!(permit2.nonce, 1);
            let code = permit2.code.clone().unwrap();
            assert!(!code.is_empty());
            assert_eq!(keccak256(code.original_bytes()), permit2.code_hash);
            assert_eq!(db.code_by_hash(permit2.code_hash).unwrap(), code);
            let slot = U256::from_str(
                "0x9d79ca2281fdb36492478642961f0d8e9fd2791ec5f6da12485ffe87a1bce405",
            )
            .unwrap();
            assert_eq!(
                db.storage(addr(PERMIT2), slot).unwrap(),
                U256::from_str("0x100006614a73bffffffffffffffffffffffffffffffffffffffff").unwrap()
            );

            // EIP-4788's contract, two of its ring-buffer slots (both zero before Cancun).
            let beacon = db.basic(addr(BEACON_ROOTS)).unwrap().unwrap();
            assert_eq!(beacon.code.as_ref().unwrap().len(), 97);
            assert_eq!(db.storage(addr(BEACON_ROOTS), U256::from(0x1ffd)).unwrap(), U256::ZERO);
            assert_eq!(db.storage(addr(BEACON_ROOTS), U256::from(0x3ffc)).unwrap(), U256::ZERO);

            // The system address does not exist (exclusion proof); its storage is zero
            // without asking the node.
            assert!(db.basic(addr(SYSTEM)).unwrap().is_none());
            assert_eq!(db.storage(addr(SYSTEM), U256::from(1)).unwrap(), U256::ZERO);

            // BLOCKHASH of the parent.
            assert_eq!(
                db.block_hash(19_426_586).unwrap(),
                B256::from_str(
                    "0xdb672c41cfd47c84ddb478ffde5a09b76964f77dceca0e62bdf719c965d73e7f"
                )
                .unwrap()
            );

            // Something the recording does not hold is a typed error, not a panic.
            let err = db.basic(addr("0x1234567890123456789012345678901234567890")).unwrap_err();
            assert!(matches!(err, WitnessError::NotRecorded { .. }), "{err}");
            let err = db.block_hash(19_426_500).unwrap_err();
            assert!(matches!(err, WitnessError::NotRecorded { .. }), "{err}");
            let err = db.code_by_hash(B256::with_last_byte(1)).unwrap_err();
            assert!(matches!(err, WitnessError::CodeNotFetched { .. }), "{err}");
        })
        .await
        .unwrap();

    let record = db.into_access_record();
    assert_eq!(record.block, 19_426_587);
    assert_eq!(record.parent.number(), 19_426_586);
    let addresses: Vec<Address> = record.addresses().into_iter().collect();
    let mut expected = vec![addr(PERMIT2), addr(BEACON_ROOTS), addr(MINER), addr(SYSTEM)];
    expected.sort();
    assert_eq!(addresses, expected);
    assert!(record.accounts[&addr(SYSTEM)].info.is_none());
    assert_eq!(
        record.slots(&addr(BEACON_ROOTS)).into_iter().collect::<Vec<_>>(),
        vec![B256::left_padding_from(&[0x1f, 0xfd]), B256::left_padding_from(&[0x3f, 0xfc])]
    );
    assert_eq!(record.slots(&addr(SYSTEM)).len(), 1);
    // The pre-state proofs to ask for: every account, with its slots.
    let requests = record.proof_requests();
    assert_eq!(requests.len(), 4);
    let permit2 = requests.iter().find(|(a, _)| *a == addr(PERMIT2)).unwrap();
    assert_eq!(permit2.1.len(), 1);
    assert!(requests.iter().any(|(a, s)| *a == addr(MINER) && s.is_empty()));
    assert_eq!(record.codes.len(), 2);
    assert!(record.codes.keys().all(|h| keccak256(&record.codes[h]) == *h));
    assert_eq!(record.ancestor_headers.keys().copied().collect::<Vec<_>>(), vec![19_426_586]);
    server.shutdown().await;
}

/// Before EIP-161 (Spurious Dragon, block 2,675,000) an empty account can exist: the database
/// says so from the proof, and revm sees `Some` with zero fields, not `None`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_spurious_dragon_empty_account_exists() {
    let (_, server) = ReplayServer::start(&[fixture_file(2_675_000)]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let db = RpcDb::new(client, 2_675_000).await.unwrap();
    let (_, (four, absent)) = db
        .run_blocking(|db| {
            let four = db.basic(addr("0x0000000000000000000000000000000000000004")).unwrap();
            let absent = db.basic(addr("0x0d4fb20ab97b4b97c9783c55260c8cba8c51e650")).unwrap();
            (four, absent)
        })
        .await
        .unwrap();
    let four = four.expect("0x04 exists as an empty account before block 2,675,000");
    assert_eq!((four.nonce, four.balance, four.code_hash), (0, U256::ZERO, KECCAK256_EMPTY));
    assert!(absent.is_none());
    server.shutdown().await;
}

/// The database also works from a plain thread holding a handle of a multi-thread runtime.
#[test]
fn usable_from_a_plain_thread() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let (server, mut db) = rt.block_on(async {
        let (_, server) = ReplayServer::start(&[fixture_file(1_150_000)]).await.unwrap();
        let client = RpcClient::new(server.url()).unwrap();
        let db = RpcDb::new(client, 1_150_000).await.unwrap();
        (server, db)
    });
    let balance = std::thread::spawn(move || {
        db.basic(addr("0x0000000000000000000000000000000000000000")).unwrap().unwrap().balance
    })
    .join()
    .unwrap();
    assert_eq!(balance, U256::from_str("0x110e24d4e18edd4beab").unwrap());
    rt.block_on(server.shutdown());
}
