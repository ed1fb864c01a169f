//! `prove-block` end to end on the built-in default block (block 2 of the recorded anvil
//! chain: one ether transfer, ~11.8 M guest cycles), then the light verifier on its proof
//! file: accepted with the native commitment, under the key derived from the ELF and under
//! the key file prove-block writes; a dropped, repeated or reordered shard, a changed header
//! commitment and flipped bytes are rejected, by the in-memory and the streamed
//! verifier alike. An interrupted proof resumes from its kept
//! shards.

use std::process::Command;

use verifier_client::VerifyError;
use verifier_client::block_proof::{self, BlockProof, BlockVerifyingKey};

#[test]
fn default_block_is_proven_and_verified_end_to_end() {
    let dir = std::env::temp_dir().join(format!("prove-block-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("block.proof");
    let run = Command::new(env!("CARGO_BIN_EXE_prove-block"))
        .arg("--out")
        .arg(&out)
        .arg("--keep-shards")
        .output()
        .expect("prove-block runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "prove-block failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{stdout}");
    assert!(stdout.contains("block 2 proven"), "{stdout}");

    let bytes = std::fs::read(&out).unwrap();
    let elf = std::fs::read(prover_node::emulate::default_guest_elf()).expect("make guest");
    let vk = BlockVerifyingKey::from_elf(&elf).expect("key");
    let honest = || BlockProof::from_bytes(&bytes).expect("decodes");
    let commitment = block_proof::verify(&vk, &honest()).expect("the proof is accepted");
    assert_eq!((commitment.chain_id, commitment.number), (31337, 2));

    // The key file beside the proof is the ELF's key: same program id, same verdict.
    let key_file = BlockVerifyingKey::from_bytes(&std::fs::read(out.with_extension("vk")).unwrap())
        .expect("the key file decodes");
    assert_eq!(key_file.program_id(), vk.program_id());
    assert!(stdout.contains(&format!("program id        {}", vk.program_id())), "{stdout}");
    key_file.check_program_id(&vk.program_id()).unwrap();
    assert!(matches!(
        key_file.check_program_id(&"00".repeat(32)),
        Err(VerifyError::ProgramId { .. })
    ));
    assert_eq!(block_proof::verify(&key_file, &honest()), Ok(commitment));
    let shards = honest().proof.shards.len();
    assert!(shards >= 2, "{shards} shards");

    // The streamed verifier (what `verify` and prove-block's self-check run) agrees.
    assert_eq!(block_proof::verify_reader(&vk, &bytes[..]), Ok(commitment));
    let rejected = |proof: BlockProof| match block_proof::verify(&vk, &proof) {
        Ok(c) => panic!("a forged block proof was accepted: {c:?}"),
        Err(e) => {
            assert_eq!(block_proof::verify_reader(&vk, &proof.to_bytes()[..]), Err(e.clone()));
            e
        }
    };
    // A dropped, a repeated and two swapped shards.
    let mut p = honest();
    p.proof.shards.remove(1);
    assert!(matches!(rejected(p), VerifyError::Proof(_)));
    let mut p = honest();
    let again = honest().proof.shards.remove(0);
    p.proof.shards.insert(1, again);
    assert!(matches!(rejected(p), VerifyError::Proof(_)));
    let mut p = honest();
    p.proof.shards.swap(0, 1);
    assert!(matches!(rejected(p), VerifyError::Proof(_)));
    // The header's commitment claims another block.
    let mut p = honest();
    p.commitment.number += 1;
    assert_eq!(rejected(p), VerifyError::HeaderCommitmentMismatch);
    // Flipped bytes in the header, in the output and deep in a shard: a typed error.
    for at in [5, 20, 200, bytes.len() / 2, bytes.len() - 10] {
        let mut b = bytes.clone();
        b[at] ^= 0x40;
        let accepted =
            BlockProof::from_bytes(&b).is_ok_and(|p| block_proof::verify(&vk, &p).is_ok());
        assert!(!accepted, "byte {at} flipped was accepted");
        assert!(block_proof::verify_reader(&vk, &b[..]).is_err(), "byte {at} flipped, streamed");
    }

    // An interrupted proof resumes: the kept shards (all but the last, as if proving had
    // stopped there) are reused, the last one is proven, the file verifies again, and the
    // shard directory is removed once the proof is checked.
    let spool = dir.join("block.proof.shards");
    let kept: Vec<_> = std::fs::read_dir(&spool)
        .expect("--keep-shards keeps the shard directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".zkvp"))
        .collect();
    assert_eq!(kept.len(), shards);
    std::fs::remove_file(spool.join(format!("shard-{:06}.zkvp", shards - 1))).unwrap();
    std::fs::remove_file(&out).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_prove-block"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("prove-block runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the resumed run failed:\n{stdout}\n{stderr}");
    let resumed = shards - 1;
    assert!(stderr.contains(&format!("resuming: {resumed} of {shards} shard(s)")), "{stderr}");
    assert!(stdout.contains(&format!("resumed         {resumed} of {shards} shards")), "{stdout}");
    let again = BlockProof::from_bytes(&std::fs::read(&out).unwrap()).expect("decodes");
    assert_eq!(block_proof::verify(&vk, &again), Ok(commitment));
    assert!(!spool.exists(), "the shard directory is removed after a checked proof");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_mode_reports_the_shards_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("prove-block-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_prove-block"))
        .arg("--plan")
        .current_dir(&dir)
        .output()
        .expect("prove-block runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("--- plan (nothing proven) ---"), "{stdout}");
    assert!(stdout.contains("cycles            11773398"), "{stdout}");
    assert!(stdout.contains("shards            6 of up to 2097152 cycles"), "{stdout}");
    assert!(stdout.contains("  keccak            2778"), "{stdout}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no proof or key written");
    std::fs::remove_dir_all(&dir).ok();
}
