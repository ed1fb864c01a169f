//! The BlockchainTests JSON format: only the fields the runner reads.
//!
//! One file maps test names to [`BlockchainTest`]s. Hex strings become typed values on
//! parse, except each block's `rlp`, kept as text: a block whose bytes do not even decode
//! as hex is one the client must reject, not a malformed test.

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One test: a genesis, blocks to import in order, and the expected end state.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockchainTest {
    /// Fork rules, e.g. `Cancun` or `FrontierToHomesteadAt5`.
    pub network: String,
    /// The genesis header's hash and state root.
    pub genesis_block_header: HeaderRef,
    /// The genesis block's RLP.
    #[serde(rename = "genesisRLP")]
    pub genesis_rlp: Bytes,
    /// Genesis state.
    pub pre: BTreeMap<Address, Account>,
    /// Blocks, in import order.
    pub blocks: Vec<Block>,
    /// Expected state at `lastblockhash` (when the test lists it in full).
    #[serde(default)]
    pub post_state: Option<BTreeMap<Address, Account>>,
    /// Expected state root at `lastblockhash` (when the state is too large to list).
    #[serde(default)]
    pub post_state_hash: Option<B256>,
    /// Hash of the chain head after all blocks were imported.
    pub lastblockhash: B256,
}

/// The header fields the runner checks against (the rest is in the RLP).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderRef {
    /// Header hash.
    pub hash: B256,
    /// State root (present on genesis headers).
    #[serde(default)]
    pub state_root: Option<B256>,
}

/// One account of `pre` or `postState`.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce (a U256 in the format; must fit in 64 bits).
    pub nonce: U256,
    /// Contract code, empty for an externally owned account.
    #[serde(default)]
    pub code: Bytes,
    /// Storage slots; zero values mean absent.
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

/// One block to import.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// The block's RLP as hex text (may be deliberately malformed).
    pub rlp: String,
    /// Present when the block must be rejected; names the expected reason(s).
    #[serde(default)]
    pub expect_exception: Option<String>,
    /// Present for valid blocks: the hash the block must have.
    #[serde(default)]
    pub block_header: Option<HeaderRef>,
}

/// Parses a whole file: test name → test.
pub fn parse_file(text: &str) -> Result<BTreeMap<String, BlockchainTest>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Lists a file's test names without parsing the tests (cheap: values are skipped).
pub fn test_names(text: &str) -> Result<Vec<String>, serde_json::Error> {
    let map: BTreeMap<String, serde::de::IgnoredAny> = serde_json::from_str(text)?;
    Ok(map.into_keys().collect())
}
