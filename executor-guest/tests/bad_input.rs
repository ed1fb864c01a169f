//! Untrusted input never panics and never yields a different accepted block: truncated or
//! garbled bytes, missing or altered trie nodes, wrong bytecode, tampered headers and
//! transactions each give a typed error.

use proptest::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use stateless_executor::deps::alloy_rlp::Decodable;
use stateless_executor::{
    BlockCommitment, ExecutorError, StatelessInput,
    deps::{
        alloy_primitives::{Bytes, U256, b256},
        alloy_rlp,
        alloy_trie::nodes::TrieNode,
    },
    trie::TrieError,
    validate_block,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/inputs/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture")
}

fn small() -> (Vec<u8>, StatelessInput, BlockCommitment) {
    let bytes = fixture("1150000_input_v1.bin");
    let input = StatelessInput::decode(&bytes).expect("fixture decodes");
    let (c, _) = validate_block(&input).expect("fixture validates");
    (bytes, input, c)
}

/// Either rejected, or accepted as the same block with the same pre- and post-state. A flip
/// inside the chain config may change a fork that does not apply to this block: then the
/// commitment differs only in its chain config hash, which the verifier pins.
fn never_a_different_block(bytes: &[u8], honest: &BlockCommitment) -> bool {
    match StatelessInput::decode(bytes).and_then(|i| validate_block(&i)) {
        Err(_) => true,
        Ok((c, _)) => {
            BlockCommitment { chain_config_hash: honest.chain_config_hash, ..c } == *honest
        }
    }
}

#[test]
fn versioned_fixtures_still_decode_and_validate() {
    // The real mainnet hash of block 19426587 (an independent fact, not our output).
    let input = StatelessInput::decode(&fixture("19426587_input_v1.bin")).unwrap();
    let (c, stats) = validate_block(&input).unwrap();
    assert_eq!(
        c.block_hash,
        b256!("f8e2f40d98fe5862bc947c8c83d34799c50fb344d7445d020a8a946d891b62ee")
    );
    assert_eq!(c.number, 19_426_587);
    assert_eq!(stats.transactions, 37);
    assert_eq!(stats.gas_used, 2_633_933);
    let (_, _, c) = small();
    assert_eq!(c.number, 1_150_000);
}

#[test]
fn bad_magic_version_and_trailing_bytes() {
    let (bytes, ..) = small();
    let mut b = bytes.clone();
    b[0] = b'X';
    assert!(matches!(StatelessInput::decode(&b), Err(ExecutorError::BadMagic { .. })));
    let mut b = bytes.clone();
    b[5] = 2;
    assert!(
        matches!(StatelessInput::decode(&b), Err(ExecutorError::UnsupportedVersion(m)) if m.expected == 1 && m.got == 2)
    );
    let mut b = bytes.clone();
    b.push(0);
    assert!(matches!(StatelessInput::decode(&b), Err(ExecutorError::TrailingBytes(1))));
    assert!(matches!(
        StatelessInput::decode(&bytes[..3]),
        Err(ExecutorError::Truncated { expected: 6, got: 3 })
    ));
}

#[test]
fn every_truncation_is_a_typed_error() {
    let (bytes, ..) = small();
    for len in (0..bytes.len()).step_by(7).chain(bytes.len() - 64..bytes.len()) {
        assert!(StatelessInput::decode(&bytes[..len]).is_err(), "prefix of {len} bytes decoded");
    }
}

#[test]
fn random_byte_flips_never_accept_another_block() {
    let (bytes, _, honest) = small();
    let mut rng = StdRng::seed_from_u64(7);
    let mut rejected = 0;
    for _ in 0..400 {
        let mut b = bytes.clone();
        let i = rng.gen_range(0..b.len());
        b[i] ^= 1 << rng.gen_range(0..8);
        assert!(never_a_different_block(&b, &honest), "flip at {i} accepted a different block");
        if StatelessInput::decode(&b).and_then(|x| validate_block(&x)).is_err() {
            rejected += 1;
        }
    }
    assert!(rejected > 300, "only {rejected}/400 flips rejected");
}

#[test]
fn missing_trie_nodes_are_incomplete_witness_errors() {
    let (_, input, honest) = small();
    let mut needed = 0;
    for i in 0..input.state.len() {
        let mut x = input.clone();
        x.state.remove(i);
        match validate_block(&x) {
            Err(ExecutorError::Trie(TrieError::MissingNode(_))) => needed += 1,
            Ok((c, _)) => assert_eq!(c, honest, "dropping node {i} changed the result"),
            Err(e) => panic!("dropping node {i}: unexpected error {e}"),
        }
    }
    // The root node and every node on a read path are required.
    assert!(needed >= input.state.len() / 2, "only {needed}/{} nodes required", input.state.len());
}

#[test]
fn altered_trie_node_is_not_accepted() {
    let (_, input, _) = small();
    // Change the value of every leaf we can find (one at a time): a changed balance.
    let mut tried = 0;
    for i in 0..input.state.len() {
        let Ok(TrieNode::Leaf(mut leaf)) = TrieNode::decode(&mut &input.state[i][..]) else {
            continue;
        };
        let last = leaf.value.len() - 1;
        leaf.value[last] ^= 0x01;
        let mut out = Vec::new();
        alloy_rlp::Encodable::encode(&TrieNode::Leaf(leaf), &mut out);
        let mut x = input.clone();
        x.state[i] = Bytes::from(out);
        match validate_block(&x) {
            Err(ExecutorError::Trie(TrieError::MissingNode(_))) => tried += 1,
            Ok(_) => {} // an unused node (e.g. an orphan candidate) may change freely
            Err(e) => panic!("altered leaf {i}: unexpected error {e}"),
        }
    }
    assert!(tried > 0);
}

#[test]
fn wrong_bytecode_is_missing_code() {
    let (_, input, _) = small();
    assert!(!input.codes.is_empty());
    let mut x = input.clone();
    let mut code = x.codes[0].to_vec();
    code.push(0x00);
    x.codes[0] = Bytes::from(code);
    // A code that is actually executed and no longer hashes to the account's code hash.
    let mut saw = false;
    for i in 0..input.codes.len() {
        let mut y = input.clone();
        let mut code = y.codes[i].to_vec();
        code[0] ^= 0xff;
        y.codes[i] = Bytes::from(code);
        if let Err(ExecutorError::MissingCode(_)) = validate_block(&y) {
            saw = true;
        }
    }
    assert!(saw, "no code change was detected");
}

#[test]
fn tampered_header_fields_are_typed_errors() {
    let (_, input, _) = small();
    let mut x = input.clone();
    x.block.header.gas_used += 1;
    assert!(
        matches!(validate_block(&x), Err(ExecutorError::GasUsed(m)) if m.got + 1 == m.expected)
    );
    let mut x = input.clone();
    x.block.header.state_root.0[0] ^= 1;
    assert!(matches!(validate_block(&x), Err(ExecutorError::StateRoot(_))));
    let mut x = input.clone();
    x.block.header.receipts_root.0[0] ^= 1;
    assert!(matches!(validate_block(&x), Err(ExecutorError::ReceiptsRoot(_))));
    let mut x = input.clone();
    x.block.header.number += 1;
    assert!(matches!(validate_block(&x), Err(ExecutorError::BlockNumber(_))));
    let mut x = input.clone();
    x.block.header.timestamp = x.ancestors[0].timestamp;
    assert!(matches!(validate_block(&x), Err(ExecutorError::TimestampNotAfterParent { .. })));
    let mut x = input.clone();
    x.block.header.difficulty += U256::from(1);
    assert!(matches!(validate_block(&x), Err(ExecutorError::Difficulty(_))));
    let mut x = input.clone();
    x.ancestors[0].state_root.0[0] ^= 1;
    assert!(matches!(
        validate_block(&x),
        Err(ExecutorError::AncestorHashMismatch { index: 0, .. })
    ));
    let mut x = input.clone();
    x.ancestors.clear();
    assert!(matches!(validate_block(&x), Err(ExecutorError::MissingParent)));
}

#[test]
fn tampered_transaction_breaks_the_transactions_root() {
    use stateless_executor::deps::alloy_consensus::TxEnvelope;
    let (_, input, _) = small();
    let mut x = input.clone();
    match &mut x.block.body.transactions[0] {
        TxEnvelope::Legacy(signed) => {
            let (mut tx, sig, _) = signed.clone().into_parts();
            tx.value += U256::from(1);
            *signed = stateless_executor::deps::alloy_consensus::Signed::new_unhashed(tx, sig);
        }
        other => panic!("expected a legacy tx in block 1150000, got {other:?}"),
    }
    assert!(matches!(validate_block(&x), Err(ExecutorError::TransactionsRoot(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes after a valid header never panic the decoder.
    #[test]
    fn decoder_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut b = b"ZKSI\x00\x01".to_vec();
        b.extend(tail);
        let _ = StatelessInput::decode(&b);
    }

    /// Arbitrary witness node sets never panic validation and never accept another block.
    #[test]
    fn garbage_witness_nodes_never_panic(nodes in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..20)) {
        let (_, input, honest) = small();
        let mut x = input.clone();
        x.state = nodes.into_iter().map(Bytes::from).collect();
        match validate_block(&x) {
            Err(_) => {}
            Ok((c, _)) => prop_assert_eq!(c, honest),
        }
    }

    /// Splicing random bytes into the real input never panics or accepts another block.
    #[test]
    fn spliced_input_never_panics(pos in 0usize..67_000, junk in proptest::collection::vec(any::<u8>(), 1..16)) {
        let (bytes, _, honest) = small();
        let mut b = bytes.clone();
        let pos = pos.min(b.len());
        b.splice(pos..pos, junk);
        prop_assert!(never_a_different_block(&b, &honest));
    }
}
