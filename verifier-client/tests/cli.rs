//! The `verify` binary end to end: one `accepted:`/`rejected:` line and the exit code, with
//! trusted headers from files (JSON, RLP, hex RLP) and from a real JSON-RPC server (the
//! witness builder's replay server over the recorded anvil and mainnet blocks, on
//! 127.0.0.1).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{block_json, commitment, mainnet, repo_root};
use verifier_client::{BlockCommitment, TrustedHeader};
use witness_builder::{ANVIL_TRANSFER_BLOCK, ReplayServer};

/// What one run printed and how it ended.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The run printed exactly one line, starting with `prefix`; returns it.
    fn line(&self, prefix: &str) -> &str {
        let line = self.stdout.trim_end();
        assert!(!line.contains('\n'), "more than one line: {self:?}");
        assert!(line.starts_with(prefix), "expected {prefix:?}: {self:?}");
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        line
    }
}

/// Runs `verify` with `args` on a blocking thread (the replay server lives on the test's
/// runtime).
async fn verify(args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_verify")).args(&args).output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A scratch folder for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("verify-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_teaches_with_examples() {
    let run = verify(args(&["--help"])).await;
    assert_eq!(run.code, 0);
    for needle in ["Examples:", "--rpc URL", "--header FILE", "accepted:", "rejected:", "keccak256"]
    {
        assert!(run.stdout.contains(needle), "--help lacks {needle:?}");
    }
    let run = verify(vec![]).await;
    assert_eq!(run.code, 2, "a usage error: {run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_files_json_rlp_and_hex() {
    let dir = scratch("files");
    let block = ANVIL_TRANSFER_BLOCK;
    let honest = commitment(block).await;
    let json = block_json(block);
    let header = TrustedHeader::from_json_value(&json).unwrap();
    let c = write(&dir, "c.bin", &honest.to_bytes());
    let files = [
        write(&dir, "h.json", &serde_json::to_vec(&json).unwrap()),
        write(&dir, "h.rlp", &header.rlp()),
        write(
            &dir,
            "h.hex",
            format!("0x{}\n", alloy_primitives::hex::encode(header.rlp())).as_bytes(),
        ),
    ];
    let anvil = ["--chain-id", "31337", "--fork", "bpo2"];
    for h in &files {
        let mut a = args(&["--commitment", &c, "--header", h]);
        a.extend(args(&anvil));
        let run = verify(a).await;
        assert_eq!(run.code, 0, "{run:?}");
        let line = run.line("accepted: block 2 (");
        assert!(line.contains(&honest.block_hash.to_string()), "{line}");
        assert!(line.contains("no proof verified"), "the line says no proof was checked");
    }

    // Another parent hash than the trusted header's.
    let mut forged = honest;
    forged.parent_hash.0[0] ^= 0xff;
    let f = write(&dir, "forged.bin", &forged.to_bytes());
    let mut a = args(&["--commitment", &f, "--header", &files[0]]);
    a.extend(args(&anvil));
    let run = verify(a).await;
    assert_eq!(run.code, 1);
    let line = run.line("rejected: parent hash: expected ");
    assert!(line.contains(&forged.parent_hash.to_string()), "{line}");

    // Unpinned rules: a dev chain needs its fork named.
    let run =
        verify(args(&["--commitment", &c, "--header", &files[0], "--chain-id", "31337"])).await;
    assert_eq!(run.code, 1);
    assert!(run.line("rejected: cannot pin the chain rules").contains("--fork"));
    // The default chain is mainnet.
    let run = verify(args(&["--commitment", &c, "--header", &files[0]])).await;
    assert_eq!(run.line("rejected: chain id: expected 1 (trusted), got 31337"), run.stdout.trim());

    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_files_are_rejected_not_panics() {
    let dir = scratch("malformed");
    let honest = commitment(ANVIL_TRANSFER_BLOCK).await;
    let c = write(&dir, "c.bin", &honest.to_bytes());
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty", b"", "rejected: the header is empty"),
        (
            "rlp",
            &[0xf9, 0x02, 0x10, 0xa0, 0x01],
            "rejected: the header is not a valid RLP block header",
        ),
        ("json", b"{\"number\": \"0x2\"", "rejected: the header is not a JSON block header"),
        ("hex", b"0xnothex", "rejected: the header is not valid hex"),
        ("list", b"[1, 2]", "rejected: the header is not a valid RLP block header"),
    ];
    for (name, bytes, expected) in cases {
        let h = write(&dir, name, bytes);
        let run = verify(args(&[
            "--commitment",
            &c,
            "--header",
            &h,
            "--chain-id",
            "31337",
            "--fork",
            "bpo2",
        ]))
        .await;
        assert_eq!(run.code, 1, "{name}: {run:?}");
        run.line(expected);
    }
    // A commitment file that is not a commitment.
    let bad = write(&dir, "bad.bin", b"ZKBC but not 182 bytes");
    let run = verify(args(&["--commitment", &bad])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: not a block commitment: ");
    // Files that do not exist.
    let run = verify(args(&["--commitment", "/nonexistent/c.bin"])).await;
    run.line("rejected: reading /nonexistent/c.bin: ");
    // A key file that is not a key file.
    let run = verify(args(&["--proof", &c, "--vk", &c])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: the verifying key does not decode: bad magic");
    // A proof file that is not a block proof, with the key from the guest ELF.
    let elf = repo_root()
        .join("executor-guest/guest/target/riscv32im-risc0-zkvm-elf/release/stateless-guest");
    let run = verify(args(&["--proof", &c, "--elf", elf.to_str().unwrap()])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: the block proof does not decode: expected at least 190 bytes");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--rpc` against a real JSON-RPC server on 127.0.0.1: the replay server over the recorded
/// anvil blocks (chain id 31337 from the file names).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_path_through_the_replay_server() {
    let dir = scratch("rpc");
    let block = ANVIL_TRANSFER_BLOCK;
    let honest = commitment(block).await;
    let (_, server) = ReplayServer::start(&[repo_root().join(block.dir)]).await.unwrap();
    let url = server.url();

    let c = write(&dir, "c.bin", &honest.to_bytes());
    let run = verify(args(&["--commitment", &c, "--rpc", &url, "--fork", "bpo2"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    let line = run.line(&format!("accepted: block 2 ({}) of chain 31337", honest.block_hash));
    assert!(line.contains(&format!("matches the header from {url}")), "{line}");

    // The proof claims another block hash at the same height.
    let mut forged = honest;
    forged.block_hash.0[5] ^= 1;
    let f = write(&dir, "forged.bin", &forged.to_bytes());
    let run = verify(args(&["--commitment", &f, "--rpc", &url, "--fork", "bpo2"])).await;
    assert_eq!(run.code, 1);
    let line = run.line(&format!("rejected: block hash: expected {}", honest.block_hash));
    assert!(line.contains(&format!("got {} (proof)", forged.block_hash)), "{line}");

    // A block the node does not have.
    let far = BlockCommitment { number: 99, ..honest };
    let f = write(&dir, "far.bin", &far.to_bytes());
    let run = verify(args(&["--commitment", &f, "--rpc", &url, "--fork", "bpo2"])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: the trusted node has no block 99");

    // --rpc takes the chain id from the node: a mainnet node rejects the anvil block.
    let (_, mainnet_server) =
        ReplayServer::start(&[mainnet(19_426_587).file(&repo_root())]).await.unwrap();
    let run = verify(args(&["--commitment", &c, "--rpc", &mainnet_server.url()])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: chain id: expected 1 (trusted), got 31337 (proof)");
    // --chain-id is for header files; the node's word counts with --rpc.
    let run = verify(args(&["--commitment", &c, "--rpc", &url, "--chain-id", "1"])).await;
    assert_eq!(run.code, 2, "a usage error: {run:?}");
    server.shutdown().await;
    mainnet_server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A mainnet block over `--rpc`: mainnet rules pinned without `--fork`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mainnet_block_over_rpc() {
    let dir = scratch("mainnet");
    let block = mainnet(19_426_587);
    let honest = commitment(block).await;
    let (_, server) = ReplayServer::start(&[block.file(&repo_root())]).await.unwrap();
    let c = write(&dir, "c.bin", &honest.to_bytes());
    let run = verify(args(&["--commitment", &c, "--rpc", &server.url()])).await;
    assert_eq!(run.code, 0, "{run:?}");
    run.line("accepted: block 19426587 (");
    // Pinned at an older fork: the rules differ.
    let run =
        verify(args(&["--commitment", &c, "--rpc", &server.url(), "--fork", "shanghai"])).await;
    assert_eq!(run.code, 1);
    run.line("rejected: chain config hash: expected ");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
