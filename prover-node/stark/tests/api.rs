//! The proving API refuses traces that do not fit the key, with typed errors.

mod common;

use p3_matrix::dense::RowMajorMatrix;
use zkvm_machine::MachineAir;
use zkvm_stark::{
    DefaultConfig, MachineConfig, ProveError, Val, VerifyError, prove_machine, setup,
};

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn traces_that_do_not_fit_the_key_are_refused() {
    let config = DefaultConfig::build();
    let (pk, _vk) = setup(&config, MachineAir::all()).unwrap();
    let (traces, pvs) = common::traces(&common::events(10, 1));
    let chips = MachineAir::all().len();
    assert_eq!(traces.len(), chips);

    let err = prove_machine(&config, &pk, &traces[..2], &pvs).err();
    assert_eq!(err, Some(ProveError::TraceCount { expected: chips, got: 2 }));

    let mut wrong = traces.clone();
    wrong[1] = RowMajorMatrix::new(vec![Val::default(); 16 * 3], 3);
    assert!(matches!(
        prove_machine(&config, &pk, &wrong, &pvs),
        Err(ProveError::TraceWidth { chip: 1, got: 3, .. })
    ));

    let mut wrong = traces.clone();
    let width = wrong[2].width;
    wrong[2] = RowMajorMatrix::new(vec![Val::default(); 1024 * width], width);
    assert!(matches!(
        prove_machine(&config, &pk, &wrong, &pvs),
        Err(ProveError::PreprocessedHeight { chip: 2, expected: 65536, got: 1024 })
    ));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn public_values_for_the_wrong_chip_count_are_refused() {
    let (config, _pk, vk, mut proof) = common::prove_run!(DefaultConfig, 10, 2);
    proof.public_values.pop();
    let chips = MachineAir::all().len();
    assert_eq!(
        zkvm_stark::verify_machine(&config, &vk, &proof),
        Err(VerifyError::PublicValuesCount { expected: chips, got: chips - 1 })
    );
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn high_security_config_proves_and_verifies() {
    let (config, _pk, vk, proof) = common::prove_run!(zkvm_stark::HighSecurityConfig, 100, 3);
    let bytes = proof.to_bytes();
    let decoded =
        zkvm_stark::MachineProof::<zkvm_stark::HighSecurityConfig>::from_bytes(&bytes).unwrap();
    zkvm_stark::verify_machine(&config, &vk, &decoded).unwrap();
    println!("128-bit configuration: proof of 100 ADD/SUB is {} bytes", bytes.len());
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn packed_lookups_prove_verify_and_reject() {
    let config = DefaultConfig::build();
    let (pk, vk) = zkvm_stark::setup_with_lookup_budget(&config, MachineAir::all(), 3).unwrap();
    let (mut traces, pvs) = common::traces(&common::events(200, 5));
    let proof = prove_machine(&config, &pk, &traces, &pvs).unwrap();
    zkvm_stark::verify_machine(&config, &vk, &proof).unwrap();

    // One byte-table multiplicity too many must still unbalance the bus. (Release only:
    // in debug builds Plonky3's checker panics before the verifier runs.)
    if !cfg!(debug_assertions) {
        let width = traces[2].width;
        traces[2].values[5 * width] += Val::new(1);
        let proof = prove_machine(&config, &pk, &traces, &pvs).unwrap();
        assert!(matches!(
            zkvm_stark::verify_machine(&config, &vk, &proof),
            Err(VerifyError::Lookup(_))
        ));
    }

    assert_eq!(
        zkvm_stark::setup_with_lookup_budget(&config, MachineAir::all(), 4).err(),
        Some(ProveError::LookupBudget { max: 3, got: 4 })
    );
}
