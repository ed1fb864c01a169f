//! The committed subset of the suite (`fixtures/ethereum-tests-subset/`) through the library
//! entry point, and negative tests: a tampered copy of a passing test must fail.

use alloy_primitives::{Address, U256};
use spec_tests::{
    Counts, Outcome, RunOptions, TestError, fixture::parse_file, run_suite, run_test,
};
use std::path::{Path, PathBuf};

fn subset_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/ethereum-tests-subset")
}

const SHANGHAI_EXAMPLE: &str = "ValidBlocks/bcExample/shanghaiExample.json";

fn counts(passed: usize, failed: usize, skipped: usize) -> Counts {
    Counts { passed, failed, skipped }
}

#[test]
fn subset_passes() {
    let report = run_suite(&subset_dir(), &RunOptions::default()).expect("subset readable");
    for f in report.failures() {
        eprintln!("{} ({}): {:?}", f.name, f.file, f.outcome);
    }
    assert_eq!(report.totals(), counts(19, 0, 1));
    let by = report.by_network();
    assert_eq!(by["Cancun"], counts(8, 0, 0));
    assert_eq!(by["Constantinople"], counts(0, 0, 1));
    for transition in [
        "FrontierToHomesteadAt5",
        "HomesteadToDaoAt5",
        "BerlinToLondonAt5",
        "ArrowGlacierToParisAtDiffC0000",
        "ParisToShanghaiAtTime15k",
    ] {
        assert_eq!(by[transition], counts(1, 0, 0), "{transition}");
    }
}

#[test]
fn filter_selects_by_name_or_path() {
    let opts =
        RunOptions { filter: Some("bcHomesteadToDao".into()), jobs: Some(1), progress: false };
    let report = run_suite(&subset_dir(), &opts).expect("subset readable");
    assert_eq!(report.totals(), counts(1, 0, 0));
    let opts = RunOptions { filter: Some("no such test".into()), ..RunOptions::default() };
    assert_eq!(run_suite(&subset_dir(), &opts).unwrap().totals(), counts(0, 0, 0));
}

/// EIP-7610: creating onto an account with storage but no code and nonce 0 collides, as
/// if it had code: the create transaction, or the nested CREATE2, fails, consumes all the
/// gas it was given, and only the creator's nonce is bumped. revm alone lets both succeed.
#[test]
fn eip7610_create_onto_storage_collides() {
    for (file, name) in [
        // A create transaction whose address (sender, nonce 0) holds storage slot 0 = 1.
        (
            "GeneralStateTests/stCreate2/RevertInCreateInInitCreate2Paris.json",
            "RevertInCreateInInitCreate2Paris_d0g0v0_Cancun",
        ),
        // A contract's CREATE2 onto an address holding storage.
        (
            "GeneralStateTests/stExtCodeHash/dynamicAccountOverwriteEmpty_Paris.json",
            "dynamicAccountOverwriteEmpty_Paris_d0g0v0_Cancun",
        ),
    ] {
        let text = std::fs::read_to_string(subset_dir().join(file)).unwrap();
        let tests = parse_file(&text).unwrap();
        let (got, test) = tests.into_iter().next().unwrap();
        assert_eq!(got, name);
        assert_eq!(run_test(&test), Outcome::Passed, "{name}");
    }
}

fn shanghai_example() -> spec_tests::fixture::BlockchainTest {
    let text = std::fs::read_to_string(subset_dir().join(SHANGHAI_EXAMPLE)).unwrap();
    let (_, test) = parse_file(&text).unwrap().into_iter().next().unwrap();
    assert_eq!(run_test(&test), Outcome::Passed);
    test
}

#[test]
fn tampered_post_state_balance_fails() {
    let mut test = shanghai_example();
    let post = test.post_state.as_mut().unwrap();
    let (address, account) = post.iter_mut().next().unwrap();
    let address: Address = *address;
    let expected = account.balance + U256::from(1);
    account.balance = expected;
    match run_test(&test) {
        Outcome::Failed(TestError::Balance { address: a, mismatch }) => {
            assert_eq!(a, address);
            assert_eq!(mismatch.expected, expected);
            assert_eq!(mismatch.got, expected - U256::from(1));
        }
        other => panic!("tampered balance must fail, got {other:?}"),
    }
}

#[test]
fn valid_block_marked_invalid_fails_and_invalid_block_marked_valid_fails() {
    let mut test = shanghai_example();
    test.blocks[0].expect_exception = Some("TamperedException".into());
    assert!(matches!(
        run_test(&test),
        Outcome::Failed(TestError::InvalidBlockAccepted { index: 0, .. })
    ));

    let text = std::fs::read_to_string(
        subset_dir().join("InvalidBlocks/bcInvalidHeaderTest/wrongGasUsed.json"),
    )
    .unwrap();
    let (_, mut test) = parse_file(&text).unwrap().into_iter().next().unwrap();
    assert_eq!(run_test(&test), Outcome::Passed);
    test.blocks[0].expect_exception = None;
    assert!(matches!(
        run_test(&test),
        Outcome::Failed(TestError::ValidBlockRejected { index: 0, .. })
    ));
}

#[test]
fn tampered_copy_on_disk_fails_the_cli() {
    // The file, not the parsed test, is tampered: the whole path (walk, parse, run, summary,
    // exit code) must report the failure.
    let text = std::fs::read_to_string(subset_dir().join(SHANGHAI_EXAMPLE)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let test = json.as_object_mut().unwrap().values_mut().next().unwrap();
    let post = test["postState"].as_object_mut().unwrap();
    let account = post.values_mut().next().unwrap();
    account["balance"] = serde_json::Value::String("0x01".into());
    let dir = std::env::temp_dir().join(format!("spec-tests-tampered-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tampered.json"), serde_json::to_string(&json).unwrap()).unwrap();

    let report = run_suite(&dir, &RunOptions::default()).unwrap();
    assert_eq!(report.totals(), counts(0, 1, 0));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spec-tests"))
        .args(["run", "--quiet"])
        .arg(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a failed test must fail the process");
    assert_eq!(stdout.lines().last(), Some("0 passed, 1 failed, 0 skipped"), "{stdout}");
    assert!(stdout.contains("balance: expected 1, got"), "{stdout}");
}
