//! The proof's wire format: round trip, and malformed bytes give typed errors, never a
//! panic (neither in decoding nor in the verifier).

mod common;

use common::prove_run;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_stark::{
    DecodeError, DefaultConfig, HighSecurityConfig, MachineProof, PROOF_FORMAT_VERSION,
    VerifyError, verify_machine,
};

fn decode_and_verify(
    config: &DefaultConfig,
    vk: &zkvm_stark::VerifyingKey<DefaultConfig, zkvm_machine::MachineAir>,
    bytes: &[u8],
) -> Result<(), VerifyError> {
    let proof = MachineProof::<DefaultConfig>::from_bytes(bytes)?;
    verify_machine(config, vk, &proof)
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn proof_round_trips_through_bytes() {
    let (config, _pk, vk, proof) = prove_run!(DefaultConfig, 100, 1);
    let bytes = proof.to_bytes();
    assert_eq!(&bytes[..4], b"ZKVP");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), PROOF_FORMAT_VERSION);
    let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.to_bytes(), bytes);
    verify_machine(&config, &vk, &decoded).unwrap();
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn header_errors_are_typed() {
    let (_config, _pk, _vk, proof) = prove_run!(DefaultConfig, 16, 2);
    let bytes = proof.to_bytes();

    assert_eq!(
        MachineProof::<DefaultConfig>::from_bytes(&bytes[..5]).err(),
        Some(DecodeError::TooShort { expected: 8, got: 5 })
    );
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert!(matches!(
        MachineProof::<DefaultConfig>::from_bytes(&bad),
        Err(DecodeError::BadMagic { .. })
    ));
    let mut bad = bytes.clone();
    bad[4] = 9;
    assert_eq!(
        MachineProof::<DefaultConfig>::from_bytes(&bad).err(),
        Some(DecodeError::UnsupportedVersion { expected: PROOF_FORMAT_VERSION, got: 9 })
    );
    assert_eq!(
        MachineProof::<HighSecurityConfig>::from_bytes(&bytes).err(),
        Some(DecodeError::ConfigMismatch { expected: 2, got: 1 })
    );
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        MachineProof::<DefaultConfig>::from_bytes(&long).err(),
        Some(DecodeError::TrailingBytes { count: 1 })
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn truncated_proofs_give_typed_errors() {
    let (config, _pk, vk, proof) = prove_run!(DefaultConfig, 16, 3);
    let bytes = proof.to_bytes();
    let mut rng = SmallRng::seed_from_u64(3);
    let mut cuts: Vec<usize> = (0..40).map(|_| rng.gen_range(0..bytes.len())).collect();
    cuts.extend([0, 1, 8, 9, bytes.len() - 1]);
    for cut in cuts {
        match decode_and_verify(&config, &vk, &bytes[..cut]) {
            Err(VerifyError::Decode(_)) => {}
            other => panic!("truncation at {cut} gave {other:?}"),
        }
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn flipped_bytes_give_typed_errors() {
    let (config, _pk, vk, proof) = prove_run!(DefaultConfig, 16, 4);
    let bytes = proof.to_bytes();
    let mut rng = SmallRng::seed_from_u64(4);
    let (mut decode, mut rejected) = (0, 0);
    for _ in 0..300 {
        let mut bad = bytes.clone();
        let at = rng.gen_range(0..bad.len());
        bad[at] ^= 1 << rng.gen_range(0..8);
        match decode_and_verify(&config, &vk, &bad) {
            Err(VerifyError::Decode(_)) => decode += 1,
            Err(VerifyError::Panicked(reason)) => {
                panic!("the backend verifier panicked on a flip at byte {at}: {reason}")
            }
            Err(_) => rejected += 1,
            Ok(()) => panic!("a proof with byte {at} flipped verified"),
        }
    }
    println!("300 flips: {decode} failed to decode, {rejected} rejected by the verifier");
}
