//! A verifying key survives its wire form: the decoded key has the setup key's lookups and
//! verifies its proofs; a changed key byte either does not decode, or rejects the proof, or
//! (the lookup budget, below what every chip allows anyway) means the same key.

mod common;

use zkvm_machine::MachineAir;
use zkvm_stark::{
    DecodeError, DefaultConfig, MachineConfig, verify_machine, verifying_key_from_bytes,
};

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn decoded_key_has_the_setup_lookups_and_verifies() {
    for budget in [0, 3] {
        let config = DefaultConfig::build();
        let (pk, vk) =
            zkvm_stark::setup_with_lookup_budget(&config, MachineAir::all(), budget).unwrap();
        let (traces, pvs) = common::traces(&common::events(50, 7));
        let proof = zkvm_stark::prove_machine(&config, &pk, &traces, &pvs).unwrap();

        let bytes = vk.to_bytes();
        let decoded = verifying_key_from_bytes(&config, MachineAir::all(), &bytes).unwrap();
        assert_eq!(decoded.to_bytes(), bytes, "the encoding is canonical");
        assert_eq!(decoded.lookup_budget(), budget);
        assert_eq!(
            format!("{:?}", decoded.common().lookups),
            format!("{:?}", vk.common().lookups),
            "lookups recomputed from the chips are setup's (budget {budget})"
        );
        verify_machine(&config, &decoded, &proof).expect("the decoded key verifies");
    }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn a_changed_key_byte_does_not_verify() {
    let (config, _pk, vk, proof) = common::prove_run!(DefaultConfig, 20, 3);
    let bytes = vk.to_bytes();
    let mut decoded_but_rejected = 0;
    for i in 0..bytes.len() {
        for flip in [1u8, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= flip;
            match verifying_key_from_bytes(&config, MachineAir::all(), &bad) {
                Err(DecodeError::Key(_) | DecodeError::TrailingBytes { .. }) => {}
                Err(e) => panic!("byte {i}: unexpected error {e}"),
                Ok(key) if verify_machine(&config, &key, &proof).is_err() => {
                    decoded_but_rejected += 1;
                }
                Ok(key) => {
                    // Accepted only if the change means nothing: a lookup budget below
                    // what every chip's quotient already allows folds the same lookups.
                    assert_eq!(i, 0, "byte {i} ^ {flip:#x}: a changed key accepted the proof");
                    assert_eq!(
                        format!("{:?}", key.common().lookups),
                        format!("{:?}", vk.common().lookups),
                        "byte {i} ^ {flip:#x}: accepted with other lookups"
                    );
                }
            }
        }
    }
    // The commitment's bytes decode to another commitment: those keys reject the proof.
    assert!(decoded_but_rejected > 0);
    // Truncations and an appended byte never decode.
    for len in 0..bytes.len() {
        assert!(verifying_key_from_bytes(&config, MachineAir::all(), &bytes[..len]).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        verifying_key_from_bytes(&config, MachineAir::all(), &longer).err(),
        Some(DecodeError::TrailingBytes { count: 1 })
    );
}

#[test]
fn a_key_for_other_chips_is_refused() {
    let config = DefaultConfig::build();
    let (_pk, vk) = zkvm_stark::setup(&config, MachineAir::all()).unwrap();
    let bytes = vk.to_bytes();
    // One chip fewer: the preprocessed layout no longer matches.
    let mut airs = MachineAir::all();
    airs.pop();
    assert!(matches!(verifying_key_from_bytes(&config, airs, &bytes), Err(DecodeError::Key(_))));
}
