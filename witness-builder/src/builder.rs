//! Witness assembly: from an RPC node to a verified [`StatelessInput`] for block `n`.
//!
//! [`build_witness`] steps, in order:
//! 1. Fetch block `n` with full transactions (and its ommer headers), check its hash.
//! 2. If the node offers `debug_executionWitness`, take its state nodes, codes and headers.
//! 3. Otherwise execute the block natively on an [`RpcDb`] over the parent state (the same
//!    alloy-evm executor the guest runs) to discover every touched account and slot.
//! 4. `eth_getProof` at `n - 1` for every touched account with its touched slots (pre-state
//!    nodes), and at `n` for every modified account with its modified slots; from the
//!    post-state proofs derive the pre-state siblings that deletions collapse onto.
//! 5. Ancestor headers: the parent, and back to the lowest block BLOCKHASH read (and up to
//!    six more for ommer validation), as a contiguous hash chain.
//! 6. Verify: run the stateless executor on the assembled input; only a witness that
//!    re-executes to the header's roots is returned.
//!
//! # Assumptions
//! The node serves archive state for `n - 1` and `n` (else a `NodeLacksHistory` error).

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use alloy_primitives::{Address, B256, Bytes, map::B256Set};
use futures_util::future::join_all;
use stateless_executor::{
    BlockCommitment, ChainConfig, EthBlock, StatelessInput, ValidationStats,
    deps::alloy_consensus::Header,
    execute::{NoIntermediateRoot, execute_block, recover_senders},
    trie::{child_hashes, orphan_candidates},
    validate_block,
};

use crate::{
    error::{Result, WitnessError},
    rpc::{RpcBlock, RpcClient},
    rpc_db::RpcDb,
};

/// How the state part of the witness was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WitnessSource {
    /// The node's `debug_executionWitness`.
    ExecutionWitness,
    /// Native pre-execution plus `eth_getProof` at `n - 1` and `n`.
    Proofs,
}

/// Figures of one witness build.
#[derive(Debug, Clone)]
pub struct BuildStats {
    /// Where the state nodes came from.
    pub source: WitnessSource,
    /// Accounts touched by the block.
    pub accounts: usize,
    /// Storage slots touched by the block.
    pub slots: usize,
    /// Distinct trie nodes in the witness.
    pub nodes: usize,
    /// Bytecodes in the witness.
    pub codes: usize,
    /// Ancestor headers in the witness.
    pub ancestors: usize,
    /// Size of the encoded input.
    pub input_bytes: usize,
    /// Time to fetch and assemble.
    pub build_time: Duration,
    /// Time of the native stateless verification.
    pub verify_time: Duration,
}

/// A witness that the stateless executor accepted.
#[derive(Debug, Clone)]
pub struct BuiltWitness {
    /// The input, ready to encode.
    pub input: StatelessInput,
    /// The commitment the executor produced from it.
    pub commitment: BlockCommitment,
    /// Execution figures.
    pub validation: ValidationStats,
    /// Build figures.
    pub stats: BuildStats,
}

/// Converts an RPC block into the consensus block type (ommer headers supplied separately).
pub fn consensus_block(block: &RpcBlock, ommers: Vec<Header>) -> EthBlock {
    let mut b: EthBlock = block.block.clone().into_consensus().map_transactions(|t| t.into_inner());
    b.body.ommers = ommers;
    b
}

/// Builds and verifies the witness of block `number`. See the module docs for the steps.
pub async fn build_witness(
    client: &RpcClient,
    number: u64,
    chain: ChainConfig,
) -> Result<BuiltWitness> {
    let started = Instant::now();
    // 1. The block and its ommers.
    let rpc_block = client.get_block_by_number(number, true).await?;
    rpc_block.check_header_hash()?;
    let ommers = fetch_ommers(client, &rpc_block).await?;
    let block = consensus_block(&rpc_block, ommers);

    // 2. The node's own witness, where it has one.
    let (state, codes, mut lowest_ancestor, source, accounts, slots) =
        match client.debug_execution_witness(number).await {
            Ok(w) => {
                let lowest = w
                    .headers
                    .iter()
                    .filter_map(|h| h.get("number").and_then(|n| n.as_str()))
                    .filter_map(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
                    .min()
                    .unwrap_or(number - 1);
                (w.state, w.codes, lowest, WitnessSource::ExecutionWitness, 0, 0)
            }
            Err(WitnessError::Unsupported { .. }) | Err(WitnessError::Rpc { .. }) => {
                let p = witness_from_proofs(client, number, &chain, &block).await?;
                (p.nodes, p.codes, p.lowest_ancestor, WitnessSource::Proofs, p.accounts, p.slots)
            }
            Err(e) => return Err(e),
        };

    // 5. Ancestors: parent back to the lowest block BLOCKHASH read; six more for ommers.
    if !block.body.ommers.is_empty() {
        lowest_ancestor = lowest_ancestor.min(number.saturating_sub(7));
    }
    let ancestors = fetch_ancestors(client, number, lowest_ancestor).await?;

    let input = StatelessInput { chain, block, ancestors, state, codes };
    let build_time = started.elapsed();

    // 6. Verify natively before handing it out.
    let verify_started = Instant::now();
    let encoded = input.encode();
    let (commitment, validation) = validate_block(&input)
        .map_err(|e| WitnessError::WitnessRejected { block: number, reason: e.to_string() })?;
    let stats = BuildStats {
        source,
        accounts,
        slots,
        nodes: input.state.len(),
        codes: input.codes.len(),
        ancestors: input.ancestors.len(),
        input_bytes: encoded.len(),
        build_time,
        verify_time: verify_started.elapsed(),
    };
    Ok(BuiltWitness { input, commitment, validation, stats })
}

async fn fetch_ommers(client: &RpcClient, block: &RpcBlock) -> Result<Vec<Header>> {
    let mut out = Vec::new();
    for i in 0..block.block.uncles.len() {
        let raw = client
            .call_raw(
                "eth_getUncleByBlockHashAndIndex",
                serde_json::json!([block.hash(), format!("{i:#x}")]),
                Some(block.number()),
            )
            .await?;
        let h: alloy_rpc_types_eth::Header =
            serde_json::from_value(raw).map_err(|e| WitnessError::Decode {
                method: "eth_getUncleByBlockHashAndIndex".into(),
                detail: e.to_string(),
            })?;
        if h.inner.hash_slow() != block.block.uncles[i] {
            return Err(WitnessError::HeaderHashMismatch {
                block: h.inner.number,
                expected: block.block.uncles[i],
                got: h.inner.hash_slow(),
            });
        }
        out.push(h.inner);
    }
    Ok(out)
}

async fn fetch_ancestors(client: &RpcClient, number: u64, lowest: u64) -> Result<Vec<Header>> {
    let numbers: Vec<u64> = (lowest.min(number - 1)..number).rev().collect();
    let blocks = join_all(numbers.iter().map(|n| client.get_block_by_number(*n, false))).await;
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        let b = b?;
        b.check_header_hash()?;
        out.push(b.block.header.inner);
    }
    Ok(out)
}

struct ProofWitness {
    nodes: Vec<Bytes>,
    codes: Vec<Bytes>,
    lowest_ancestor: u64,
    accounts: usize,
    slots: usize,
}

/// Steps 3 and 4: native pre-execution on the RPC state, then proofs at `n - 1` and `n`.
async fn witness_from_proofs(
    client: &RpcClient,
    number: u64,
    chain: &ChainConfig,
    block: &EthBlock,
) -> Result<ProofWitness> {
    let senders = recover_senders(chain, block)
        .map_err(|e| WitnessError::WitnessRejected { block: number, reason: e.to_string() })?;
    let db = RpcDb::new(client.clone(), number).await?;
    let chain_c = chain.clone();
    let block_c = block.clone();
    let (db, outcome) = db
        .run_blocking(move |db| {
            // The error as text: `ExecutorError` is large, and only its message is kept.
            execute_block::<_, NoIntermediateRoot>(&chain_c, &block_c, &senders, db, None)
                .map_err(|e| e.to_string())
        })
        .await?;
    let outcome = outcome.map_err(|e| WitnessError::WitnessRejected {
        block: number,
        reason: format!("native execution: {e}"),
    })?;
    let record = db.into_access_record();

    // Pre-state: every account loaded and every slot read. A slot written without being read
    // belongs to an account created in this block, whose storage starts empty; every other
    // SSTORE reads the original value first.
    let mut pre_requests: BTreeMap<Address, BTreeSet<B256>> = BTreeMap::new();
    for a in record.accounts.keys() {
        pre_requests.entry(*a).or_default().extend(record.slots(a));
    }
    // Accounts the block changed, with the slots it changed.
    let mut post_requests: BTreeMap<Address, BTreeSet<B256>> = BTreeMap::new();
    for (address, acc) in &outcome.bundle.state {
        let slots = acc.storage.iter().filter(|(_, s)| s.is_changed()).map(|(k, _)| B256::from(*k));
        post_requests.entry(*address).or_default().extend(slots);
        pre_requests.entry(*address).or_default();
    }
    let slots = pre_requests.values().map(BTreeSet::len).sum();

    let pre = join_all(pre_requests.iter().map(|(a, s)| {
        let s: Vec<B256> = s.iter().copied().collect();
        async move { client.get_proof(*a, &s, number - 1).await }
    }))
    .await;
    let post = join_all(post_requests.iter().map(|(a, s)| {
        let s: Vec<B256> = s.iter().copied().collect();
        async move { client.get_proof(*a, &s, number).await }
    }))
    .await;

    let mut nodes: BTreeSet<Bytes> = BTreeSet::new();
    for p in pre {
        let p = p?;
        nodes.extend(p.account_proof);
        p.storage_proof.into_iter().for_each(|s| nodes.extend(s.proof));
    }
    let mut post_nodes: BTreeSet<Bytes> = BTreeSet::new();
    for p in post {
        let p = p?;
        post_nodes.extend(p.account_proof);
        p.storage_proof.into_iter().for_each(|s| post_nodes.extend(s.proof));
    }
    // Pre-state siblings that deletions collapse onto: derived from post-state nodes, kept
    // only when a pre-state node commits to their hash (the executor checks that anyway).
    let referenced: B256Set = nodes.iter().flat_map(|n| child_hashes(n)).collect();
    let candidates = orphan_candidates(post_nodes.iter().map(|b| b.as_ref()), &referenced);
    nodes.extend(candidates.into_iter().map(Bytes::from));
    // Post-state nodes that are also unchanged pre-state nodes (same hash referenced).
    nodes.extend(
        post_nodes.into_iter().filter(|n| referenced.contains(&alloy_primitives::keccak256(n))),
    );

    let lowest_ancestor = record.ancestor_headers.keys().next().copied().unwrap_or(number - 1);
    Ok(ProofWitness {
        nodes: nodes.into_iter().collect(),
        codes: record.codes.into_values().collect(),
        lowest_ancestor,
        accounts: pre_requests.len(),
        slots,
    })
}

/// The chain config for a node: mainnet for chain id 1; for any other chain (a dev node such
/// as anvil) every fork up to `fork` active from genesis.
pub fn chain_config_for(chain_id: u64, fork: Option<&str>) -> Result<ChainConfig> {
    match (chain_id, fork) {
        (1, None) => Ok(ChainConfig::mainnet()),
        (id, Some(name)) => {
            let fork = stateless_executor::chain::FORKS
                .iter()
                .find(|f| f.name().eq_ignore_ascii_case(name))
                .copied()
                .ok_or_else(|| WitnessError::Decode {
                    method: "--fork".into(),
                    detail: format!("unknown fork {name:?}; expected one of {:?}", fork_names()),
                })?;
            Ok(ChainConfig::all_forks_until(id, fork))
        }
        (id, None) => Err(WitnessError::Decode {
            method: "eth_chainId".into(),
            detail: format!(
                "chain id {id} is not mainnet: name its rules with --fork (e.g. --fork prague)"
            ),
        }),
    }
}

fn fork_names() -> Vec<&'static str> {
    stateless_executor::chain::FORKS.iter().map(|f| f.name()).collect()
}
