//! Validates the six recorded mainnet blocks straight from the recorded RPC answers
//! (proof nodes at N-1 and N, codes, ancestors), without the RPC layer: a check of the
//! executor alone against real mainnet headers.

use stateless_executor::{
    ChainConfig, EthBlock, StatelessInput,
    deps::alloy_primitives::{B256, Bytes},
    trie::{child_hashes, orphan_candidates},
    validate_block,
};
use std::{collections::BTreeSet, io::Read};

fn load(block: u64) -> serde_json::Value {
    let path = format!(
        "{}/../../shared/fixtures/mainnet-rpc/1-{block}.json.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let path = if std::path::Path::new(&path).exists() {
        path
    } else {
        format!("{}/../fixtures/mainnet-rpc/1-{block}.json.gz", env!("CARGO_MANIFEST_DIR"))
    };
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("fixture"))
        .read_to_string(&mut s)
        .unwrap();
    serde_json::from_str(&s).unwrap()
}

fn input_from_recording(number: u64) -> StatelessInput {
    let rec = load(number);
    let mut blocks: Vec<alloy_rpc_types_eth::Block> = rec["full_blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| serde_json::from_value(pair[1].clone()).expect("rpc block"))
        .collect();
    blocks.sort_by_key(|b| std::cmp::Reverse(b.header.number));
    let target = blocks.iter().position(|b| b.header.number == number).unwrap();
    let block: EthBlock =
        blocks[target].clone().into_consensus().map_transactions(|t| t.into_inner());
    let ancestors = blocks
        .iter()
        .filter(|b| b.header.number < number)
        .map(|b| b.header.inner.clone())
        .collect();
    let mut nodes = BTreeSet::new();
    let mut post = BTreeSet::new();
    for pair in rec["proofs"].as_array().unwrap() {
        let p: alloy_rpc_types_eth::EIP1186AccountProofResponse =
            serde_json::from_value(pair[1].clone()).unwrap();
        let set = if pair[0]["block_no"].as_u64() == Some(number) { &mut post } else { &mut nodes };
        set.extend(p.account_proof.iter().cloned());
        for sp in p.storage_proof {
            set.extend(sp.proof.iter().cloned());
        }
    }
    let referenced = nodes.iter().flat_map(|n| child_hashes(n)).collect();
    let candidates = orphan_candidates(post.iter().map(|b| b.as_ref()), &referenced);
    nodes.extend(candidates.into_iter().map(Bytes::from));
    nodes.extend(post);
    let mut codes = BTreeSet::new();
    for pair in rec["code"].as_array().unwrap() {
        let c: Bytes = serde_json::from_value(pair[1].clone()).unwrap();
        if !c.is_empty() {
            codes.insert(c);
        }
    }
    StatelessInput {
        chain: ChainConfig::mainnet(),
        block,
        ancestors,
        state: nodes.into_iter().collect(),
        codes: codes.into_iter().collect(),
    }
}

fn check(number: u64) {
    let input = input_from_recording(number);
    let bytes = input.encode();
    let decoded = StatelessInput::decode(&bytes).expect("roundtrip");
    assert_eq!(decoded, input);
    let (c, stats) = validate_block(&decoded).unwrap_or_else(|e| panic!("block {number}: {e}"));
    assert_eq!(c.block_hash, input.block.header.hash_slow());
    assert_eq!(c.post_state_root, input.block.header.state_root);
    assert_ne!(c.pre_state_root, B256::ZERO);
    eprintln!(
        "block {number}: {} txs, gas {}, {} nodes, input {} bytes",
        stats.transactions,
        stats.gas_used,
        stats.witness_nodes,
        bytes.len()
    );
}

#[test]
fn homestead_1150000() {
    check(1_150_000)
}
#[test]
fn dao_fork_1920000() {
    check(1_920_000)
}
#[test]
fn spurious_dragon_2675000() {
    check(2_675_000)
}
#[test]
fn byzantium_4370000() {
    check(4_370_000)
}
#[test]
fn paris_15537394() {
    check(15_537_394)
}
#[test]
fn cancun_19426587() {
    check(19_426_587)
}
