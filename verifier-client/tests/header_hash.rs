//! Trusted headers: the hash is recomputed from the header itself, for headers of every
//! era the recorded blocks cover, from JSON (as `eth_getBlockByNumber` returns it), binary
//! RLP and hex RLP; malformed headers are typed errors, never panics.

mod common;

use alloy_primitives::{B256, keccak256};
use common::{block_json, mainnet, recorded_blocks};
use proptest::prelude::*;
use serde_json::{Value, json};
use verifier_client::{TrustedHeader, VerifyError};
use witness_builder::{
    ANVIL_EMPTY_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_TRANSFER_BLOCK, RecordedBlock,
};

/// Recorded blocks by era, with the header fields each era adds.
const ERAS: [(u64, &str); 6] = [
    (1_150_000, "Homestead: 15 fields, proof of work"),
    (1_920_000, "DAO fork: extra data dao-hard-fork"),
    (4_370_000, "Byzantium: pre-London, no base fee"),
    (15_537_394, "Paris: London base fee, difficulty 0 after the merge"),
    (19_426_587, "Cancun: Shanghai withdrawals root, blob gas, beacon root"),
    (2_675_000, "Spurious Dragon"),
];

fn hash_field(block: &Value) -> B256 {
    serde_json::from_value(block["hash"].clone()).unwrap()
}

/// Every recorded header (the block and its recorded ancestors) of `block` hashes to its
/// recorded hash from JSON, from RLP and from hex RLP, and a JSON without `hash` gives the
/// same hash.
fn check_recording(block: RecordedBlock, era: &str) {
    for (n, json) in recorded_blocks(block) {
        let expected = hash_field(&json);
        let from_json =
            TrustedHeader::from_json_value(&json).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert_eq!(from_json.hash(), expected, "block {n} ({era}) from JSON");
        assert_eq!(from_json.header().number, n);

        let rlp = from_json.rlp();
        assert_eq!(keccak256(&rlp), expected);
        let from_rlp = TrustedHeader::from_rlp(&rlp).unwrap();
        assert_eq!(from_rlp, from_json, "block {n} from RLP");
        let hex = format!("  0x{}\n", alloy_primitives::hex::encode(&rlp));
        assert_eq!(TrustedHeader::from_file_bytes(hex.as_bytes()).unwrap(), from_json);
        assert_eq!(TrustedHeader::from_file_bytes(&rlp).unwrap(), from_json);

        // The file forms: the block object, and the whole JSON-RPC response.
        let text = serde_json::to_vec(&json).unwrap();
        assert_eq!(TrustedHeader::from_file_bytes(&text).unwrap(), from_json);
        let response = json!({"jsonrpc": "2.0", "id": 1, "result": json});
        let text = serde_json::to_vec(&response).unwrap();
        assert_eq!(TrustedHeader::from_file_bytes(&text).unwrap(), from_json);

        // Without its `hash` field the header hashes the same: it is computed, not read.
        let mut bare = json.clone();
        bare.as_object_mut().unwrap().remove("hash");
        assert_eq!(TrustedHeader::from_json_value(&bare).unwrap().hash(), expected);
    }
}

#[test]
fn recorded_mainnet_headers_hash_to_their_recorded_hashes() {
    for (number, era) in ERAS {
        check_recording(mainnet(number), era);
    }
}

#[test]
fn recorded_anvil_headers_hash_to_their_recorded_hashes() {
    // Prague/Osaka fields: requests hash; blob gas fields; parent beacon root (zero).
    for block in [ANVIL_TRANSFER_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_EMPTY_BLOCK] {
        check_recording(block, "BPO2: requests hash");
    }
}

/// The fields of each era are really there (so the tests above cover them).
#[test]
fn eras_have_their_fields() {
    let h = |n| TrustedHeader::from_json_value(&block_json(mainnet(n))).unwrap();
    let homestead = h(1_150_000);
    assert!(homestead.header().base_fee_per_gas.is_none());
    let paris = h(15_537_394);
    assert!(paris.header().base_fee_per_gas.is_some());
    assert!(paris.header().withdrawals_root.is_none());
    let cancun = h(19_426_587);
    assert!(cancun.header().withdrawals_root.is_some());
    assert!(cancun.header().blob_gas_used.is_some());
    assert!(cancun.header().parent_beacon_block_root.is_some());
    assert!(cancun.header().requests_hash.is_none());
    let anvil = TrustedHeader::from_json_value(&block_json(ANVIL_TRANSFER_BLOCK)).unwrap();
    assert!(anvil.header().requests_hash.is_some());
}

/// A JSON header whose fields were altered no longer matches its own `hash` field.
#[test]
fn altered_json_header_is_a_hash_mismatch() {
    let json = block_json(mainnet(19_426_587));
    let recorded = hash_field(&json);
    let mut altered = json.clone();
    altered["gasUsed"] = json!("0x1");
    match TrustedHeader::from_json_value(&altered) {
        Err(VerifyError::HeaderJsonHash { expected, got }) => {
            assert_eq!(expected, recorded);
            assert_ne!(got, recorded);
        }
        other => panic!("expected HeaderJsonHash, got {other:?}"),
    }
    // A field of a later fork changes the hash: a Prague `requestsHash` added to this Cancun
    // header makes the recorded `hash` wrong for it.
    let mut later = json.clone();
    later["requestsHash"] = json!(B256::repeat_byte(7));
    assert!(matches!(
        TrustedHeader::from_json_value(&later),
        Err(VerifyError::HeaderJsonHash { expected, .. }) if expected == recorded
    ));
    // A key this verifier does not know is ignored (as `size` and `totalDifficulty` are). Had
    // it been a header field, the node's `hash` would cover it and differ from the recomputed
    // one, so the header is rejected rather than trusted under a wrong hash.
    let mut unknown = json;
    unknown["someFutureRoot"] = json!(B256::repeat_byte(8));
    assert_eq!(TrustedHeader::from_json_value(&unknown).unwrap().hash(), recorded);
    unknown["hash"] = json!(B256::repeat_byte(9));
    assert!(matches!(
        TrustedHeader::from_json_value(&unknown),
        Err(VerifyError::HeaderJsonHash { .. })
    ));
}

#[test]
fn malformed_headers_are_typed_errors() {
    let json = block_json(mainnet(1_150_000));
    let rlp = TrustedHeader::from_json_value(&json).unwrap().rlp();

    assert_eq!(TrustedHeader::from_file_bytes(b""), Err(VerifyError::HeaderEmpty));
    assert_eq!(TrustedHeader::from_file_bytes(b" \n\t"), Err(VerifyError::HeaderEmpty));
    assert_eq!(TrustedHeader::from_rlp(&[]), Err(VerifyError::HeaderEmpty));
    // Truncated RLP.
    for cut in [1, 2, 10, rlp.len() / 2, rlp.len() - 1] {
        assert!(
            matches!(TrustedHeader::from_rlp(&rlp[..cut]), Err(VerifyError::HeaderRlp(_))),
            "cut at {cut}"
        );
    }
    // Trailing bytes.
    let mut long = rlp.clone();
    long.extend_from_slice(&[0x80, 0x80]);
    assert_eq!(TrustedHeader::from_rlp(&long), Err(VerifyError::HeaderTrailingBytes { got: 2 }));
    // Not a list / not a header.
    assert!(matches!(TrustedHeader::from_rlp(&[0x80]), Err(VerifyError::HeaderRlp(_))));
    assert!(matches!(TrustedHeader::from_rlp(&[0xc0]), Err(VerifyError::HeaderRlp(_))));
    // Non-canonical: the list's length written in the long form although it fits the short one
    // is refused by the decoder; a header re-encoded with a longer length prefix is too.
    let mut padded = vec![0xba, 0x00, 0x00];
    padded[1..].copy_from_slice(&((rlp.len() - 3) as u16).to_be_bytes());
    padded.extend_from_slice(&rlp[3..]);
    assert!(TrustedHeader::from_rlp(&padded).is_err(), "long-form length prefix");
    // Hex that is not hex, or odd.
    assert!(matches!(TrustedHeader::from_file_bytes(b"0xzz"), Err(VerifyError::HeaderHex { .. })));
    assert!(matches!(TrustedHeader::from_file_bytes(b"0xf9f"), Err(VerifyError::HeaderHex { .. })));
    // JSON that is not a header.
    for text in [
        &b"{not json"[..],
        b"{}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}",
        b"{\"number\":\"0x1\"}",
        b"{\"parentHash\": 7}",
    ] {
        assert!(
            matches!(TrustedHeader::from_file_bytes(text), Err(VerifyError::HeaderJson { .. })),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
    let mut bad_hash = json;
    bad_hash["hash"] = json!("0x1234");
    assert!(matches!(
        TrustedHeader::from_json_value(&bad_hash),
        Err(VerifyError::HeaderJson { .. })
    ));
}

/// The header of block 19426587 (loaded once for the proptests).
fn cancun_header() -> &'static TrustedHeader {
    static HEADER: std::sync::OnceLock<TrustedHeader> = std::sync::OnceLock::new();
    HEADER.get_or_init(|| TrustedHeader::from_json_value(&block_json(mainnet(19_426_587))).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never panic the header decoders.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..700)) {
        let _ = TrustedHeader::from_file_bytes(&bytes);
        let _ = TrustedHeader::from_rlp(&bytes);
    }

    /// A flipped byte of a real RLP header is an error or a header with another hash.
    #[test]
    fn flipped_header_bytes_never_keep_the_hash(pos in 0usize..540, bit in 0u8..8) {
        let header = cancun_header();
        let mut rlp = header.rlp();
        let pos = pos % rlp.len();
        rlp[pos] ^= 1 << bit;
        if let Ok(other) = TrustedHeader::from_rlp(&rlp) {
            prop_assert_ne!(other.hash(), header.hash());
        }
    }
}
