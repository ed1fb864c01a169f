//! Helpers shared by the verifier's tests: the repository's recorded blocks.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;
use verifier_client::{BlockCommitment, TrustPolicy};
use witness_builder::{
    RecordedBlock, ReplayServer, RpcClient, build_witness, builder::chain_config_for,
};

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A recorded mainnet block.
pub fn mainnet(number: u64) -> RecordedBlock {
    RecordedBlock { chain_id: 1, number, fork: None, dir: "fixtures/mainnet-rpc" }
}

/// The parsed recording of `block`.
pub fn load(block: RecordedBlock) -> Value {
    let raw = std::fs::read(block.file(&repo_root())).expect("fixture file is readable");
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut text).expect("fixture gunzips");
    serde_json::from_slice(&text).expect("fixture is JSON")
}

/// The recorded block objects (`eth_getBlockByNumber(n, true)` answers) of a recording,
/// by number.
pub fn recorded_blocks(block: RecordedBlock) -> Vec<(u64, Value)> {
    load(block)["full_blocks"]
        .as_array()
        .expect("full_blocks")
        .iter()
        .map(|pair| (pair[0]["block_no"].as_u64().expect("block_no"), pair[1].clone()))
        .collect()
}

/// The recorded block object of `block` itself.
pub fn block_json(block: RecordedBlock) -> Value {
    recorded_blocks(block)
        .into_iter()
        .find(|(n, _)| *n == block.number)
        .map(|(_, b)| b)
        .expect("the block is recorded")
}

/// The real commitment of a recorded block: its witness built through the replay server and
/// validated by the stateless executor (what a proof of it would attest).
pub async fn commitment(block: RecordedBlock) -> BlockCommitment {
    let (_, server) = ReplayServer::start(&[block.file(&repo_root())]).await.unwrap();
    let client = RpcClient::new(server.url()).unwrap();
    let chain = chain_config_for(block.chain_id, block.fork).unwrap();
    let built = build_witness(&client, block.number, chain).await.unwrap();
    server.shutdown().await;
    built.commitment
}

/// The rules a recorded block was built under.
pub fn policy(block: RecordedBlock) -> TrustPolicy {
    TrustPolicy::for_chain(&chain_config_for(block.chain_id, block.fork).unwrap())
}
