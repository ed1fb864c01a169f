//! Runs one BlockchainTest through the stateless executor.

use crate::{
    error::{BlockError, TestError},
    fixture::{Account, Block, BlockchainTest},
    network::{NetworkSpec, network},
    state::{PlainAccount, PlainState, Witness, apply_bundle, witness},
};
use alloy_consensus::Header;
use alloy_primitives::{B256, U256, hex};
use alloy_rlp::Decodable;
use revm::database::BundleState;
use stateless_executor::{EthBlock, Mismatch, StatelessInput, validate_block_with_diff};
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, OnceLock},
};

/// How far back the ancestors of a block's input reach (what BLOCKHASH can read).
pub const MAX_ANCESTORS: usize = 256;

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every check held.
    Passed,
    /// The first check that failed.
    Failed(TestError),
    /// Not run, with the reason (an unsupported network).
    Skipped(String),
}

/// A block the runner knows: the genesis or an accepted block.
struct Known {
    header: Header,
    /// Total difficulty up to and including this block.
    td: U256,
    /// For TTD networks: the first block of this chain whose parent's total difficulty
    /// reached the TTD, if one has (at or before this block).
    paris_block: Option<u64>,
    /// Full state after this block.
    state: Arc<PlainState>,
    /// Tries of `state`, built when a child needs them.
    witness: OnceLock<Witness>,
}

impl Known {
    fn witness(&self) -> Result<&Witness, TestError> {
        if let Some(w) = self.witness.get() {
            return Ok(w);
        }
        let w = witness(&self.state)?;
        Ok(self.witness.get_or_init(|| w))
    }
}

/// What importing one block produced.
struct Imported {
    hash: B256,
    header: Header,
    paris_block: Option<u64>,
    bundle: BundleState,
}

/// Runs `test`:
///
/// 1. Build the chain config from `network` (skip the test if it is unknown).
/// 2. Build the genesis state from `pre`; check its root against the genesis header and
///    that `genesisRLP` hashes to the genesis header's hash.
/// 3. Import each block in order (see [`import_block`]): blocks with `expectException`
///    must be rejected, others accepted with the test's hash; each accepted block's state
///    is the parent's with the block's diff applied.
/// 4. Compare the state at `lastblockhash` with `postState` (exactly) or `postStateHash`.
///
/// # Assumptions
/// None about the test's contents: malformed data is a failure, never a panic.
pub fn run_test(test: &BlockchainTest) -> Outcome {
    let spec = match network(&test.network) {
        Ok(spec) => spec,
        Err(reason) => return Outcome::Skipped(reason),
    };
    match run(test, &spec) {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    }
}

fn run(test: &BlockchainTest, spec: &NetworkSpec) -> Result<(), TestError> {
    // 2. Genesis.
    let mut pre = PlainState::new();
    for (address, account) in &test.pre {
        pre.insert(*address, plain_account(address, account)?);
    }
    let genesis = EthBlock::decode(&mut test.genesis_rlp.as_ref())
        .map_err(|e| TestError::GenesisDecode(e.to_string()))?;
    let genesis_hash = genesis.header.hash_slow();
    if genesis_hash != test.genesis_block_header.hash {
        return Err(TestError::GenesisHash(Mismatch::new(
            test.genesis_block_header.hash,
            genesis_hash,
        )));
    }
    let genesis_witness = witness(&pre)?;
    let expected_root = test.genesis_block_header.state_root.unwrap_or(genesis.header.state_root);
    for expected in [expected_root, genesis.header.state_root] {
        if genesis_witness.root != expected {
            return Err(TestError::GenesisStateRoot(Mismatch::new(expected, genesis_witness.root)));
        }
    }
    let mut known: HashMap<B256, Known> = HashMap::new();
    known.insert(
        genesis_hash,
        Known {
            td: genesis.header.difficulty,
            header: genesis.header,
            paris_block: None,
            state: Arc::new(pre),
            witness: OnceLock::from(genesis_witness),
        },
    );

    // 3. Blocks.
    for (index, block) in test.blocks.iter().enumerate() {
        let imported = import_block(spec, &known, block);
        match (imported, &block.expect_exception) {
            (Err(_), Some(_)) => {}
            (Err(error), None) => return Err(TestError::ValidBlockRejected { index, error }),
            (Ok(_), Some(exception)) => {
                return Err(TestError::InvalidBlockAccepted {
                    index,
                    exception: exception.clone(),
                });
            }
            (Ok(imported), None) => {
                if let Some(expected) = block.block_header.as_ref().map(|h| h.hash)
                    && imported.hash != expected
                {
                    let mismatch = Mismatch::new(expected, imported.hash);
                    return Err(TestError::BlockHash { index, mismatch });
                }
                let parent = &known[&imported.header.parent_hash];
                let state = apply_bundle(&parent.state, &imported.bundle)?;
                let td = parent.td + imported.header.difficulty;
                known.insert(
                    imported.hash,
                    Known {
                        header: imported.header,
                        td,
                        paris_block: imported.paris_block,
                        state: Arc::new(state),
                        witness: OnceLock::new(),
                    },
                );
            }
        }
    }

    // 4. Post-state.
    let last =
        known.get(&test.lastblockhash).ok_or(TestError::UnknownLastBlock(test.lastblockhash))?;
    match (&test.post_state, test.post_state_hash) {
        (Some(post), _) => compare_post_state(post, &last.state),
        (None, Some(expected)) => {
            let got = last.witness()?.root;
            if got != expected {
                return Err(TestError::PostStateRoot(Mismatch::new(expected, got)));
            }
            Ok(())
        }
        (None, None) => Err(TestError::NoPostState),
    }
}

/// Imports one block on top of a known parent:
///
/// 1. Decode the RLP as a block; it must be canonical (nothing trailing, re-encodes to the
///    same bytes).
/// 2. Find the parent among the known blocks; resolve the chain config (Paris by TTD).
/// 3. Build the stateless input: ancestors (parent first, up to [`MAX_ANCESTORS`]), every
///    trie node and code of the parent's full state.
/// 4. Round-trip the input through its wire format, then validate it.
fn import_block(
    spec: &NetworkSpec,
    known: &HashMap<B256, Known>,
    block: &Block,
) -> Result<Imported, BlockError> {
    // 1. Decode.
    let bytes = hex::decode(block.rlp.trim()).map_err(|_| BlockError::Hex)?;
    let mut buf = bytes.as_slice();
    let decoded = EthBlock::decode(&mut buf).map_err(|e| BlockError::Decode(e.to_string()))?;
    if !buf.is_empty() {
        return Err(BlockError::NonCanonical("trailing bytes"));
    }
    if alloy_rlp::encode(&decoded) != bytes {
        return Err(BlockError::NonCanonical("re-encoding differs"));
    }

    // 2. Parent and rules.
    let parent_hash = decoded.header.parent_hash;
    let parent = known.get(&parent_hash).ok_or(BlockError::UnknownParent(parent_hash))?;
    let paris_block = match spec.ttd {
        Some(ttd) if parent.paris_block.is_none() && parent.td >= ttd => {
            Some(decoded.header.number)
        }
        _ => parent.paris_block,
    };
    let chain = spec.config_for(paris_block);

    // 3. Input.
    let mut ancestors = vec![parent.header.clone()];
    while ancestors.len() < MAX_ANCESTORS {
        let next = ancestors.last().expect("non-empty").parent_hash;
        match known.get(&next) {
            Some(k) => ancestors.push(k.header.clone()),
            None => break,
        }
    }
    let witness = parent.witness().map_err(|e| BlockError::RoundTrip(e.to_string()))?;
    let input = StatelessInput {
        chain,
        block: decoded,
        ancestors,
        state: witness.nodes.clone(),
        codes: witness.codes.clone(),
    };

    // 4. Wire format, then validation.
    let wire = input.encode();
    let input2 = StatelessInput::decode(&wire).map_err(|e| BlockError::RoundTrip(e.to_string()))?;
    if input2 != input {
        return Err(BlockError::RoundTrip("decoded input differs from the encoded one".into()));
    }
    let (commitment, _stats, bundle) = validate_block_with_diff(&input2)?;
    Ok(Imported { hash: commitment.block_hash, header: input2.block.header, paris_block, bundle })
}

fn plain_account(
    address: &alloy_primitives::Address,
    account: &Account,
) -> Result<PlainAccount, TestError> {
    let nonce = u64::try_from(account.nonce).map_err(|_| TestError::NonceOverflow(*address))?;
    let storage: BTreeMap<U256, U256> =
        account.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
    Ok(PlainAccount { balance: account.balance, nonce, code: account.code.clone(), storage })
}

/// Compares the state with `postState`: the same accounts, each with the same balance,
/// nonce, code and non-zero storage.
pub fn compare_post_state(
    post: &BTreeMap<alloy_primitives::Address, Account>,
    state: &PlainState,
) -> Result<(), TestError> {
    for (address, expected) in post {
        let address = *address;
        let got = state.get(&address).ok_or(TestError::MissingAccount(address))?;
        if expected.balance != got.balance {
            let mismatch = Mismatch::new(expected.balance, got.balance);
            return Err(TestError::Balance { address, mismatch });
        }
        if expected.nonce != U256::from(got.nonce) {
            let mismatch = Mismatch::new(expected.nonce, U256::from(got.nonce));
            return Err(TestError::Nonce { address, mismatch });
        }
        let expected_code = plain_account(&address, expected)?;
        if expected_code.code_hash() != got.code_hash() {
            let mismatch = Mismatch::new(expected_code.code_hash(), got.code_hash());
            return Err(TestError::Code { address, mismatch });
        }
        let slots = expected_code.storage.keys().chain(got.storage.keys());
        for slot in slots {
            let want = expected_code.storage.get(slot).copied().unwrap_or_default();
            let have = got.storage.get(slot).copied().unwrap_or_default();
            if want != have {
                let mismatch = Mismatch::new(want, have);
                return Err(TestError::Storage { address, slot: *slot, mismatch });
            }
        }
    }
    if let Some(extra) = state.keys().find(|a| !post.contains_key(*a)) {
        return Err(TestError::ExtraAccount(*extra));
    }
    Ok(())
}
