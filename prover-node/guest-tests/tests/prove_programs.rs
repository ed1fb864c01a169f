//! Rust guest programs proven and verified end to end with the zkVM (`zkvm::prove` /
//! `zkvm::verify`): `keccak-io` (reads its input, hashes it through the `KECCAK_PERMUTE`
//! precompile, commits the hash) and `fib` (a loop over a heap vector, a non-zero exit
//! code). The verified public values must equal the emulator's run and the reference
//! implementations; a proof is not accepted for another input or under the other
//! program's key. Run in release (`cargo test --release`).

use guest_tests::{FIB, KECCAK_IO, small_program_elf};
use sha3::{Digest, Keccak256};
use zkvm::{DefaultConfig, Program, Prover, ZkvmError, verify};

fn prover(name: &str) -> Prover<DefaultConfig> {
    let elf = small_program_elf(name).unwrap_or_else(|e| panic!("{e}"));
    Prover::new(&Program::from_elf(&elf).expect("the guest loads")).expect("keys")
}

#[test]
fn keccak_io_guest_proves_and_verifies() {
    let prover = prover(KECCAK_IO);
    // Two blocks of the Keccak sponge (two KECCAK_PERMUTE calls) and an empty input.
    for input in [vec![], (0..200u32).map(|i| (i * 7 + 3) as u8).collect::<Vec<u8>>()] {
        let (proof, stats) = prover.prove_with_stats(&input).expect("proves");
        let bytes = proof.to_bytes();
        println!(
            "keccak-io on {} bytes: {} cycles, traces {:.2} s, prove {:.2} s, {} cells, proof {} bytes",
            input.len(),
            stats.cycles,
            stats.trace_s,
            stats.prove_s,
            stats.cells(),
            bytes.len()
        );
        let proof = zkvm::Proof::<DefaultConfig>::from_bytes(&bytes).expect("decodes");
        let public = verify(prover.verifying_key(), &proof).expect("verifies");
        assert_eq!(public.output, Keccak256::digest(&input).to_vec());
        assert_eq!(public.exit_code, 0);
        public.check_input(&input).expect("the proof is for this input");
        let mut other = input.clone();
        other.push(1);
        assert!(matches!(public.check_input(&other), Err(ZkvmError::InputMismatch { .. })));
    }
}

#[test]
fn fib_guest_proves_and_verifies_with_its_exit_code() {
    let prover = prover(FIB);
    let n: u32 = 300;
    let input = n.to_le_bytes();
    let proof = prover.prove(&input).expect("proves");
    let public = verify(prover.verifying_key(), &proof).expect("verifies");
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    assert_eq!(public.output, a.to_le_bytes());
    assert_eq!(public.exit_code, n % 256);
    public.check_input(&input).expect("the proof is for this input");

    // Bad input: exit code 1, nothing committed, still a valid proof of that run.
    let public = verify(prover.verifying_key(), &prover.prove(&[1, 2, 3]).unwrap()).unwrap();
    assert_eq!((public.exit_code, public.output.len()), (1, 0));

    // Under the other program's key: rejected.
    let keccak = self::prover(KECCAK_IO);
    let e = verify(keccak.verifying_key(), &proof).unwrap_err();
    assert!(matches!(e, ZkvmError::ProgramMismatch { .. }), "{e}");
}
