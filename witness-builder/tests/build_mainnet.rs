//! The six recorded mainnet blocks through the real RPC client and the replay server:
//! build the witness, re-execute it statelessly, and match the header's roots and hash.

use std::path::PathBuf;

use stateless_executor::{ChainConfig, StatelessInput, validate_block};
use witness_builder::{ReplayServer, RpcClient, WitnessSource, build_witness};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mainnet-rpc")
}

async fn check(number: u64) {
    let file = fixtures().join(format!("1-{number}.json.gz"));
    let (_addr, handle) = ReplayServer::start(&[file]).await.expect("replay server");
    let client = RpcClient::new(handle.url()).unwrap();
    let built = build_witness(&client, number, ChainConfig::mainnet())
        .await
        .unwrap_or_else(|e| panic!("block {number}: {e}"));
    let header = &built.input.block.header;
    assert_eq!(
        built.stats.source,
        WitnessSource::Proofs,
        "the replay server has no debug_executionWitness"
    );
    assert_eq!(built.commitment.number, number);
    assert_eq!(built.commitment.block_hash, header.hash_slow());
    assert_eq!(built.commitment.post_state_root, header.state_root);
    assert_eq!(built.commitment.pre_state_root, built.input.ancestors[0].state_root);
    // The encoded witness decodes and validates to the same commitment on its own.
    let decoded = StatelessInput::decode(&built.input.encode()).unwrap();
    assert_eq!(validate_block(&decoded).unwrap().0, built.commitment);
    eprintln!(
        "block {number}: {} bytes, {} nodes, {} codes, built {:?}, verified {:?}",
        built.stats.input_bytes,
        built.stats.nodes,
        built.stats.codes,
        built.stats.build_time,
        built.stats.verify_time
    );
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn homestead_1150000() {
    check(1_150_000).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dao_fork_1920000() {
    check(1_920_000).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spurious_dragon_2675000() {
    check(2_675_000).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byzantium_4370000() {
    check(4_370_000).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paris_15537394() {
    check(15_537_394).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancun_19426587() {
    check(19_426_587).await
}
