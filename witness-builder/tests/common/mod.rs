//! Helpers shared by the integration tests: the repo's fixture files and their raw contents.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;

/// The six recorded mainnet blocks and their transaction counts (fixtures README).
pub const BLOCKS: [(u64, usize); 6] = [
    (1_150_000, 9),
    (1_920_000, 4),
    (2_675_000, 15),
    (4_370_000, 97),
    (15_537_394, 80),
    (19_426_587, 37),
];

/// `fixtures/mainnet-rpc/` of this repository.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mainnet-rpc")
}

/// The fixture file of one block.
pub fn fixture_file(block: u64) -> PathBuf {
    fixtures_dir().join(format!("1-{block}.json.gz"))
}

/// The parsed contents of one block's fixture file.
pub fn load_fixture(block: u64) -> Value {
    let raw = std::fs::read(fixture_file(block)).expect("fixture file is readable");
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut text).expect("fixture gunzips");
    serde_json::from_slice(&text).expect("fixture is JSON")
}

/// The `[request, response]` pairs under `key`.
pub fn pairs<'a>(doc: &'a Value, key: &str) -> Vec<(&'a Value, &'a Value)> {
    doc[key].as_array().expect("list of pairs").iter().map(|p| (&p[0], &p[1])).collect()
}
