//! Tampered witnesses of the default small block (anvil block 2, one ether transfer,
//! `fixtures/anvil-rpc/31337-2.json.gz`) through the RISC-V guest in the emulator: the guest
//! never commits the honest block's commitment for a witness that is not the honest one.
//!
//! These become proof-level tests once block proofs exist: what the guest commits (or that
//! it exits non-zero) is exactly what a proof of the run would attest.
//!
//! The witness's state is a set of Merkle-Patricia trie nodes that the guest uses only where
//! a parent node commits to their keccak hash, starting from the parent header's state root;
//! the parent header is used only if it hashes to the block's parent hash. So a change to the
//! witness state can be pushed, one consistent layer at a time, up this chain of hashes, and
//! each layer is caught by the next check:
//!
//! | tamper | what stops it | guest |
//! | --- | --- | --- |
//! | a node changed (a leaf re-encoded) | its parent still commits to the old node's hash: the old node is missing | exit 3, nothing committed |
//! | the path re-hashed up to a new root | the parent header's state root commits to the old root: the old root node is missing | exit 3 |
//! | the parent header's state root set to the new root | the block's parent hash commits to the old parent header | exit 3 |
//! | the block's parent hash set to the forged parent | the block re-executes on the forged state to another post-state root than its header's | exit 3 |
//! | the block's state root set to that root | nothing inside the guest: it is a valid block *of another chain* | exit 0, commits another block hash and parent hash, which the verifier's header-trust check rejects |
//!
//! The last row is why a verifier must check the commitment against a header it trusts
//! (`verifier-client`): the proof shows the block valid, the header shows it is the user's.
//!
//! Tampers: (a) the sender's balance (its account leaf), (b) a storage value (the EIP-2935
//! history contract's slot 0, the only leaf of its storage trie, read when block 2 writes slot
//! 1), (c) the transaction (its value, with and without re-signing it with the sender's dev
//! key, and with the header's transactions root fixed up).
//!
//! Each test runs the native executor on the tampered input first and asserts the exact
//! error (the guest only reports an exit code), then the guest, which must agree.

use guest_tests::{BlockCase, STATELESS_GUEST, exit, guest_elf, recorded_input, run_guest};
use k256::ecdsa::SigningKey;
use stateless_executor::deps::alloy_consensus::{
    Header, SignableTransaction, Signed, TxEnvelope, proofs::calculate_transaction_root,
};
use stateless_executor::deps::alloy_primitives::{
    Address, B256, Bytes, Signature, U256, address, b256, keccak256,
};
use stateless_executor::deps::alloy_rlp::{self, Decodable};
use stateless_executor::deps::alloy_trie::{Nibbles, TrieAccount, nodes::TrieNode};
use stateless_executor::trie::{NodeStore, SparseTrie, TrieError};
use stateless_executor::{BlockCommitment, ExecutorError, StatelessInput, validate_block};
use verifier_client::{TrustPolicy, TrustedHeader, VerifyError, check_commitment};
use witness_builder::{ANVIL_TRANSFER_BLOCK, builder::chain_config_for};

/// The sender of block 2's transfer: anvil's dev account 1.
const SENDER: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
/// Its private key (anvil's well-known dev key 1, from the default test mnemonic).
const SENDER_KEY: B256 =
    b256!("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
/// The EIP-2935 block-hash history contract (its storage holds recent block hashes).
const HISTORY: Address = address!("0x0000F90827F1C53a10cb7A02335B175320002935");

/// What the guest did with an input.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    exit_code: u32,
    output: Vec<u8>,
}

fn run(input: &StatelessInput) -> Outcome {
    let run = run_guest(&guest_elf(STATELESS_GUEST), input.encode()).expect("runs to HALT");
    Outcome { exit_code: run.summary.exit_code, output: run.summary.output }
}

/// The guest rejects `input` (exit 3, nothing committed) and the native executor rejects it
/// with `expected`.
fn assert_rejected(input: &StatelessInput, expected: ExecutorError) {
    assert_eq!(validate_block(input).err(), Some(expected), "native executor");
    assert_eq!(run(input), Outcome { exit_code: exit::INVALID_BLOCK, output: vec![] }, "guest");
}

/// The default block and the honest commitment.
async fn honest() -> BlockCase {
    let case = recorded_input(ANVIL_TRANSFER_BLOCK).await;
    assert_eq!(case.input.block.body.transactions.len(), 1);
    assert_eq!(run(&case.input), Outcome { exit_code: 0, output: case.commitment.clone() });
    case
}

/// The leaf node in `state` at the end of `key`'s path in the trie rooted at `root`, with
/// the value it holds.
fn leaf_of(state: &[Bytes], root: B256, key: &Nibbles) -> (usize, Vec<u8>) {
    let store = NodeStore::new(state.iter());
    let value = SparseTrie::from_root(root)
        .get(&store, key)
        .expect("the witness covers the key")
        .expect("the key is in the trie")
        .to_vec();
    let index = state
        .iter()
        .position(|node| match TrieNode::decode(&mut &node[..]) {
            Ok(TrieNode::Leaf(leaf)) => leaf.value == value && key.ends_with(&leaf.key),
            _ => false,
        })
        .expect("the leaf is a hashed node of the witness");
    (index, value)
}

/// `state[index]` with its leaf value replaced by `value` (the same path).
fn with_leaf_value(state: &[Bytes], index: usize, value: Vec<u8>) -> Bytes {
    let Ok(TrieNode::Leaf(mut leaf)) = TrieNode::decode(&mut &state[index][..]) else {
        panic!("node {index} is not a leaf");
    };
    leaf.value = value;
    alloy_rlp::encode(TrieNode::Leaf(leaf)).into()
}

/// Replaces `state[index]` by `node`, then re-hashes every node above it: wherever a node
/// holds the old hash (a branch or extension child, or an account's storage root) it gets the
/// new one, up to the node nobody references — the new root, returned. Every replaced hash
/// is referenced exactly once (asserted), so the result is a consistent trie.
fn replace_and_rehash(state: &mut [Bytes], index: usize, node: Bytes) -> B256 {
    let (mut old, mut new) = (keccak256(&state[index]), keccak256(&node));
    state[index] = node;
    loop {
        let holders: Vec<usize> = (0..state.len())
            .filter(|&i| state[i].windows(32).any(|w| w == old.as_slice()))
            .collect();
        match holders.as_slice() {
            [] => return new,
            [i] => {
                let at = state[*i].windows(32).position(|w| w == old.as_slice()).unwrap();
                let mut bytes = state[*i].to_vec();
                bytes[at..at + 32].copy_from_slice(new.as_slice());
                old = keccak256(&state[*i]);
                new = keccak256(&bytes);
                state[*i] = bytes.into();
            }
            many => panic!("hash {old} is referenced by {} nodes", many.len()),
        }
    }
}

/// The rows of the module docs after the first: starting from `input` whose state was
/// re-hashed to `new_root`, push the forgery up one layer at a time and assert each check
/// that stops it; the last layer is a valid block of another chain, whose commitment the
/// guest commits and the verifier's header-trust check rejects.
fn escalate(case: &BlockCase, mut input: StatelessInput, new_root: B256) {
    let honest_parent = input.ancestors[0].clone();
    let honest_header = input.block.header.clone();
    let honest_commitment = BlockCommitment::from_bytes(&case.commitment).unwrap();

    // Re-hashed to a new root: the parent header commits to the old root.
    assert_rejected(&input, ExecutorError::Trie(TrieError::MissingNode(honest_parent.state_root)));

    // The parent header forged to commit to the new root: the block commits to the old parent.
    input.ancestors[0].state_root = new_root;
    let forged_parent = input.ancestors[0].hash_slow();
    assert!(matches!(
        validate_block(&input),
        Err(ExecutorError::AncestorHashMismatch { index: 0, .. })
    ));
    assert_eq!(run(&input), Outcome { exit_code: exit::INVALID_BLOCK, output: vec![] });

    // The block forged to the forged parent: the forged state gives another post-state root.
    input.block.header.parent_hash = forged_parent;
    let post_root = match validate_block(&input) {
        Err(ExecutorError::StateRoot(m)) => {
            assert_eq!(m.expected, honest_header.state_root);
            m.got
        }
        other => panic!("expected a state-root mismatch, got {other:?}"),
    };
    assert_ne!(post_root, honest_header.state_root);
    assert_eq!(run(&input), Outcome { exit_code: exit::INVALID_BLOCK, output: vec![] });

    // The block's state root forged too: a valid block, but not block 2 of the trusted chain.
    input.block.header.state_root = post_root;
    accepted_as_another_block(&input, &honest_header, honest_commitment);
}

/// `input` is a valid block other than the honest one: the guest exits with 0 and commits
/// its commitment (not the honest one: another block hash), and the header-trust check
/// against the honest header — the one the user trusts — rejects it on its block hash.
fn accepted_as_another_block(
    input: &StatelessInput,
    honest_header: &Header,
    honest: BlockCommitment,
) {
    let (forged, _) = validate_block(input).expect("a consistent forgery is a valid block");
    let outcome = run(input);
    assert_eq!(outcome, Outcome { exit_code: exit::SUCCESS, output: forged.to_bytes().to_vec() });
    assert_ne!(forged, honest);
    assert_ne!(forged.block_hash, honest.block_hash);
    assert_eq!((forged.chain_id, forged.number), (honest.chain_id, honest.number));

    let trusted = TrustedHeader::from_header(honest_header.clone());
    let chain = chain_config_for(ANVIL_TRANSFER_BLOCK.chain_id, ANVIL_TRANSFER_BLOCK.fork).unwrap();
    let policy = TrustPolicy::for_chain(&chain);
    assert_eq!(check_commitment(&honest, &trusted, &policy), Ok(()));
    assert_eq!(
        check_commitment(&forged, &trusted, &policy),
        Err(VerifyError::BlockHash { expected: honest.block_hash, got: forged.block_hash })
    );
}

/// The sender's account leaf (its index in the witness state) re-encoded with one more
/// ether of balance.
fn sender_leaf_with_more_balance(case: &BlockCase) -> (usize, Bytes) {
    let root = case.input.ancestors[0].state_root;
    let key = Nibbles::unpack(keccak256(SENDER));
    let (index, value) = leaf_of(&case.input.state, root, &key);
    let mut account: TrieAccount = alloy_rlp::decode_exact(&value).unwrap();
    account.balance += U256::from(10).pow(U256::from(18));
    (index, with_leaf_value(&case.input.state, index, alloy_rlp::encode(account)))
}

/// (a) The sender's balance, raised by one ether in its account leaf.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_balance_never_commits_the_honest_block() {
    let case = honest().await;
    let root = case.input.ancestors[0].state_root;
    let (index, leaf) = sender_leaf_with_more_balance(&case);

    // Only the leaf re-encoded: the branch above it commits to the honest leaf, which is
    // now missing (the sender cannot be read at all).
    let mut input = case.input.clone();
    let honest_leaf = keccak256(&input.state[index]);
    input.state[index] = leaf.clone();
    assert_rejected(&input, ExecutorError::Trie(TrieError::MissingNode(honest_leaf)));

    // The same leaf with the path re-hashed to a new root, then the rest of the ladder.
    let mut input = case.input.clone();
    let new_root = replace_and_rehash(&mut input.state, index, leaf);
    assert_ne!(new_root, root);
    escalate(&case, input, new_root);
}

/// (b) A storage value: slot 0 of the EIP-2935 history contract (block 1 stored the genesis
/// hash there). Block 2 writes slot 1, so its witness proves slot 1 absent, which ends at
/// slot 0's leaf, and the post-state root re-encodes that leaf next to the new slot 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_storage_never_commits_the_honest_block() {
    let case = honest().await;
    let root = case.input.ancestors[0].state_root;
    let (_, account) = leaf_of(&case.input.state, root, &Nibbles::unpack(keccak256(HISTORY)));
    let account: TrieAccount = alloy_rlp::decode_exact(&account).unwrap();
    let slot_key = Nibbles::unpack(keccak256(B256::ZERO));
    let (index, value) = leaf_of(&case.input.state, account.storage_root, &slot_key);
    let genesis_hash: U256 = alloy_rlp::decode_exact(&value).unwrap();
    assert_eq!(B256::from(genesis_hash), case.input.ancestors[0].parent_hash, "slot 0 = genesis");
    let leaf =
        with_leaf_value(&case.input.state, index, alloy_rlp::encode(genesis_hash ^ U256::from(1)));

    // Only the leaf: it is the whole storage trie, so the account's storage root commits to
    // the honest leaf, which is missing.
    let mut input = case.input.clone();
    assert_eq!(keccak256(&input.state[index]), account.storage_root, "the leaf is the root");
    input.state[index] = leaf.clone();
    assert_rejected(&input, ExecutorError::Trie(TrieError::MissingNode(account.storage_root)));

    // Re-hashed through the account's storage root and the account trie to a new state root.
    let mut input = case.input.clone();
    let new_root = replace_and_rehash(&mut input.state, index, leaf);
    assert_ne!(new_root, root);
    escalate(&case, input, new_root);
}

/// The one transaction of the block with its value raised by one wei, signed again with the
/// sender's key (so the sender is unchanged) when `resign`, else keeping the old signature.
fn tampered_transaction(case: &BlockCase, resign: bool) -> TxEnvelope {
    let TxEnvelope::Eip1559(signed) = &case.input.block.body.transactions[0] else {
        panic!("block 2's transfer is an EIP-1559 transaction");
    };
    let key = SigningKey::from_slice(SENDER_KEY.as_slice()).unwrap();
    let sign = |tx: &stateless_executor::deps::alloy_consensus::TxEip1559| {
        let (sig, recid) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).unwrap();
        let (r, s) =
            (U256::from_be_slice(&sig.r().to_bytes()), U256::from_be_slice(&sig.s().to_bytes()));
        Signature::new(r, s, recid.is_y_odd())
    };
    // The key is the sender's: signing the honest transaction gives anvil's signature
    // (RFC 6979 signatures are deterministic).
    assert_eq!(&sign(signed.tx()), signed.signature());
    let mut tx = signed.tx().clone();
    tx.value += U256::from(1);
    let signature = if resign { sign(&tx) } else { *signed.signature() };
    TxEnvelope::Eip1559(Signed::new_unhashed(tx, signature))
}

/// (c) The transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_transaction_never_commits_the_honest_block() {
    let case = honest().await;
    let honest_header = case.input.block.header.clone();
    let honest_commitment = BlockCommitment::from_bytes(&case.commitment).unwrap();

    // Re-signed, header untouched: the body no longer matches the header's transactions
    // root (checked before any state is read).
    let mut input = case.input.clone();
    input.block.body.transactions[0] = tampered_transaction(&case, true);
    let new_tx_root = calculate_transaction_root(&input.block.body.transactions);
    assert_rejected(
        &input,
        ExecutorError::TransactionsRoot(stateless_executor::Mismatch::new(
            honest_header.transactions_root,
            new_tx_root,
        )),
    );

    // Not re-signed, transactions root fixed: the signature now recovers another sender,
    // whose account the witness does not cover.
    let mut input = case.input.clone();
    input.block.body.transactions[0] = tampered_transaction(&case, false);
    input.block.header.transactions_root =
        calculate_transaction_root(&input.block.body.transactions);
    let err = validate_block(&input).expect_err("another sender");
    assert!(matches!(err, ExecutorError::Trie(TrieError::MissingNode(_))), "{err}");
    assert_eq!(run(&input), Outcome { exit_code: exit::INVALID_BLOCK, output: vec![] });

    // Re-signed, transactions root fixed: a consistent body, but the recipient gets one more
    // wei than the header's state root says.
    let mut input = case.input.clone();
    input.block.body.transactions[0] = tampered_transaction(&case, true);
    input.block.header.transactions_root = new_tx_root;
    let post_root = match validate_block(&input) {
        Err(ExecutorError::StateRoot(m)) => {
            assert_eq!(m.expected, honest_header.state_root);
            m.got
        }
        other => panic!("expected a state-root mismatch, got {other:?}"),
    };
    assert_eq!(run(&input), Outcome { exit_code: exit::INVALID_BLOCK, output: vec![] });

    // And the state root fixed: a valid block on the honest parent, not the trusted block 2.
    input.block.header.state_root = post_root;
    accepted_as_another_block(&input, &honest_header, honest_commitment);
    let (forged, _) = validate_block(&input).unwrap();
    assert_eq!(forged.parent_hash, honest_commitment.parent_hash, "same parent, other block");
    assert_eq!(forged.pre_state_root, honest_commitment.pre_state_root);
}

/// Proof level: the balance forgery with its path re-hashed and the parent header forged to
/// the new root (the guest stops at the ancestor check: one shard). The zkVM proves that run
/// — exit code 3, nothing committed — and the light verifier refuses it as a proof of block
/// 2; so does the same proof with the honest claims (exit 0, the honest commitment) pasted
/// beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof_of_a_tampered_witness_is_not_a_proof_of_the_block() {
    use verifier_client::block_proof::{self, BlockProof, BlockVerifyingKey};

    let case = honest().await;
    let (index, leaf) = sender_leaf_with_more_balance(&case);
    let mut input = case.input.clone();
    let new_root = replace_and_rehash(&mut input.state, index, leaf);
    input.ancestors[0].state_root = new_root;

    let elf = guest_elf(STATELESS_GUEST);
    let program = zkvm::Program::from_elf(&elf).unwrap();
    let prover = zkvm::Prover::<zkvm::DefaultConfig>::new(&program).unwrap();
    let (proof, stats) = prover
        .prove_with(&input.encode(), zkvm::ProveOptions::default(), |_| {})
        .expect("the tampered run proves");
    assert_eq!((proof.exit_code, proof.output.len()), (exit::INVALID_BLOCK, 0));
    println!("tampered run: {} cycles, {} shard(s)", stats.cycles, stats.shards.len());

    let honest = BlockCommitment::from_bytes(&case.commitment).unwrap();
    let vk = BlockVerifyingKey::from_elf(&elf).unwrap();
    let block = BlockProof { commitment: honest, proof };
    assert_eq!(
        block_proof::verify(&vk, &block),
        Err(VerifyError::GuestExitCode { expected: 0, got: exit::INVALID_BLOCK })
    );
    // The honest claims beside the same shards: the proven exit code and output disagree.
    let mut forged = BlockProof::from_bytes(&block.to_bytes()).unwrap();
    forged.proof.exit_code = exit::SUCCESS;
    forged.proof.output = case.commitment.clone();
    assert!(matches!(block_proof::verify(&vk, &forged), Err(VerifyError::Proof(_))));
}
