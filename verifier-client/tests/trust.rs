//! The header-trust check on real commitments (witnesses built from the recordings and
//! validated by the stateless executor, i.e. what a proof of them attests), against the
//! recorded headers: the honest commitment is accepted, and every field that disagrees with
//! the trusted header or the pinned rules is rejected with its own reason.

mod common;

use alloy_primitives::B256;
use common::{block_json, commitment, mainnet, policy, recorded_blocks};
use verifier_client::{
    BlockCommitment, TrustPolicy, TrustedHeader, VerifyError, check_commitment, check_policy,
};
use witness_builder::{ANVIL_TRANSFER_BLOCK, RecordedBlock};

fn trusted(block: RecordedBlock) -> TrustedHeader {
    TrustedHeader::from_json_value(&block_json(block)).unwrap()
}

fn flip(h: B256) -> B256 {
    let mut h = h;
    h.0[31] ^= 1;
    h
}

/// Every way `honest` can disagree with `header` / `policy`, each with its reason.
fn check_rejections(honest: BlockCommitment, header: &TrustedHeader, policy: &TrustPolicy) {
    assert_eq!(check_commitment(&honest, header, policy), Ok(()));
    let h = header.header();

    let c = BlockCommitment { block_hash: flip(honest.block_hash), ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::BlockHash { expected: header.hash(), got: c.block_hash })
    );
    let c = BlockCommitment { parent_hash: flip(honest.parent_hash), ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::ParentHash { expected: h.parent_hash, got: c.parent_hash })
    );
    let c = BlockCommitment { number: honest.number + 1, ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::BlockNumber { expected: h.number, got: h.number + 1 })
    );
    let c = BlockCommitment { post_state_root: flip(honest.post_state_root), ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::PostStateRoot { expected: h.state_root, got: c.post_state_root })
    );
    let c = BlockCommitment { chain_id: honest.chain_id + 1, ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::ChainId { expected: policy.chain_id, got: c.chain_id })
    );
    let c = BlockCommitment { chain_config_hash: flip(honest.chain_config_hash), ..honest };
    assert_eq!(
        check_commitment(&c, header, policy),
        Err(VerifyError::ChainConfigHash {
            expected: policy.chain_config_hash,
            got: c.chain_config_hash
        })
    );
    // The pre-state root is the parent's, not in this header: the proof binds it.
    let c = BlockCommitment { pre_state_root: flip(honest.pre_state_root), ..honest };
    assert_eq!(check_commitment(&c, header, policy), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_anvil_block_against_its_header() {
    let block = ANVIL_TRANSFER_BLOCK;
    let honest = commitment(block).await;
    check_rejections(honest, &trusted(block), &policy(block));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancun_mainnet_block_against_its_header() {
    let block = mainnet(19_426_587);
    let honest = commitment(block).await;
    assert_eq!(policy(block), TrustPolicy::mainnet());
    check_rejections(honest, &trusted(block), &TrustPolicy::mainnet());
}

/// The header of the parent (a real header of the same chain, one block off) is not the
/// trusted header of the proven block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_of_another_block_is_rejected() {
    let block = ANVIL_TRANSFER_BLOCK;
    let honest = commitment(block).await;
    let (n, parent) = recorded_blocks(block).into_iter().find(|(n, _)| *n == 1).unwrap();
    let parent = TrustedHeader::from_json_value(&parent).unwrap();
    assert_eq!(
        check_commitment(&honest, &parent, &policy(block)),
        Err(VerifyError::BlockNumber { expected: n, got: 2 })
    );
    // A header of the right number but of another chain (a forged sibling: one field
    // changed) has another hash.
    let mut sibling = trusted(block).header().clone();
    sibling.timestamp += 1;
    let sibling = TrustedHeader::from_header(sibling);
    assert!(matches!(
        check_commitment(&honest, &sibling, &policy(block)),
        Err(VerifyError::BlockHash { .. })
    ));
}

/// Other rules pinned: a mainnet policy for the anvil block, an anvil chain pinned at an
/// older fork.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_rules_are_rejected() {
    let block = ANVIL_TRANSFER_BLOCK;
    let honest = commitment(block).await;
    assert_eq!(
        check_policy(&honest, &TrustPolicy::mainnet()),
        Err(VerifyError::ChainId { expected: 1, got: 31337 })
    );
    let prague = witness_builder::builder::chain_config_for(31337, Some("prague")).unwrap();
    let prague = TrustPolicy::for_chain(&prague);
    assert_eq!(
        check_policy(&honest, &prague),
        Err(VerifyError::ChainConfigHash {
            expected: prague.chain_config_hash,
            got: honest.chain_config_hash
        })
    );
}
