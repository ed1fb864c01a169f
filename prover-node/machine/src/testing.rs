//! Helpers shared by the chips' tests: seeded events, whole-machine proving, tampering.

extern crate std;

use alloc::vec::Vec;

use p3_koala_bear::KoalaBear;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use zkvm_stark::{DefaultConfig, MachineConfig, VerifyError, prove_machine, setup, verify_machine};

use crate::{AluEvent, MachineAir, MachineRecord};

/// The field the tests prove over.
pub type F = KoalaBear;

/// Index of each chip in [`MachineAir::all`].
pub const DRIVER: usize = 0;
/// Index of the `ADD`/`SUB` chip.
pub const ADD_SUB: usize = 1;
/// Index of the byte table.
pub const BYTE: usize = 2;

/// Index of the chip named `name` in [`MachineAir::all`].
pub fn chip_index(name: &str) -> usize {
    MachineAir::all().iter().position(|chip| chip.name() == name).expect("no chip of that name")
}

/// The event of the emulator's `op` on `(b, c)`: the `EXECUTION` opcode it maps to, and
/// the result from the emulator's reference `alu`.
pub fn reference_event(op: zkvm_emulator::instruction::Opcode, b: u32, c: u32) -> AluEvent {
    let opcode = crate::opcode::execution_opcode(op as u8).expect("an EXECUTION opcode");
    AluEvent { opcode, a: zkvm_emulator::instruction::alu(op, b, c), b, c }
}

/// Operands at the edges of a word: zero, one, all ones, the signed extremes and their
/// neighbours, limb boundaries, and two patterns with every limb different.
pub const EDGE_WORDS: [u32; 16] = [
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x100,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0x8000_0001,
    u32::MAX - 1,
    u32::MAX,
    0x0123_4567,
    0xdead_beef,
    0x00ff_00ff,
];

/// Edge cases first (carries through every limb, wrap-around, borrows), then seeded random
/// `ADD`s and `SUB`s.
pub fn alu_events(seed: u64, n: usize) -> Vec<AluEvent> {
    let mut events = alloc::vec![
        AluEvent::add(0, 0),
        AluEvent::add(u32::MAX, 1),
        AluEvent::add(0x00ff_ffff, 1),
        AluEvent::add(u32::MAX, u32::MAX),
        AluEvent::sub(0, 1),
        AluEvent::sub(0x0100_0000, 1),
        AluEvent::sub(5, 5),
        AluEvent::sub(0x8000_0000, u32::MAX),
    ];
    let mut rng = SmallRng::seed_from_u64(seed);
    while events.len() < n {
        let (b, c) = (rng.r#gen::<u32>(), rng.r#gen::<u32>());
        events.push(if rng.r#gen::<bool>() { AluEvent::add(b, c) } else { AluEvent::sub(b, c) });
    }
    events.truncate(n);
    events
}

/// The traces of a machine running `events`.
pub fn machine_traces(events: &[AluEvent]) -> (Vec<RowMajorMatrix<F>>, Vec<Vec<F>>) {
    let record = MachineRecord { alu: events.to_vec() };
    let traces = record.generate_traces::<F>();
    (traces.traces, traces.public_values)
}

/// Prove the traces with the default configuration and verify the proof (through its
/// byte encoding, as a verifier would receive it).
pub fn prove_and_verify(
    traces: &[RowMajorMatrix<F>],
    public_values: &[Vec<F>],
) -> Result<(), VerifyError> {
    let config = DefaultConfig::build();
    let (pk, vk) = setup(&config, MachineAir::all()).expect("setup");
    let proof = prove_machine(&config, &pk, traces, public_values).expect("prove");
    let bytes = proof.to_bytes();
    let decoded = zkvm_stark::MachineProof::<DefaultConfig>::from_bytes(&bytes)?;
    verify_machine(&config, &vk, &decoded)
}

/// Change one cell of one chip's trace.
pub fn set_cell(traces: &mut [RowMajorMatrix<F>], chip: usize, row: usize, col: usize, value: F) {
    let width = traces[chip].width;
    traces[chip].values[row * width + col] = value;
}

/// Read one cell.
pub fn cell(traces: &[RowMajorMatrix<F>], chip: usize, row: usize, col: usize) -> F {
    let width = traces[chip].width;
    traces[chip].values[row * width + col]
}

/// Assert the verifier rejected the proof through its own checks (constraints at `zeta`,
/// bus balance), not through a decoding failure or a contained panic.
pub fn assert_rejected(result: Result<(), VerifyError>) {
    match result {
        Err(VerifyError::Stark(reason)) | Err(VerifyError::Lookup(reason)) => {
            std::eprintln!("rejected as expected: {reason}");
        }
        other => panic!("expected the verifier to reject, got {other:?}"),
    }
}

/// Prove `events` on the ALU test machine with cells of chip `name` changed by `change`
/// (given every trace and the chip's index) and expect the verifier to reject.
pub fn assert_alu_change_rejected(
    events: &[AluEvent],
    name: &str,
    change: impl FnOnce(&mut [RowMajorMatrix<F>], usize),
) {
    let (mut traces, pvs) = machine_traces(events);
    change(&mut traces, chip_index(name));
    assert_rejected(prove_and_verify(&traces, &pvs));
}

/// The `u32` whose little-endian byte limbs are `limbs` (canonical values, each a byte).
pub fn u32_of(limbs: impl Into<[F; 4]>) -> u32 {
    use p3_field::PrimeField32;
    limbs.into().iter().rev().fold(0, |acc, l| acc << 8 | l.as_canonical_u32())
}

/// Assert the verifier rejected the proof because the constraints of chip `chip` (its
/// index in the proof's instances) do not hold at `zeta`. The verifier checks every chip's
/// constraints before the buses' balance, so a forgery that also unbalances a bus still
/// reports the first chip whose constraints fail.
pub fn assert_constraint_rejected(result: Result<(), VerifyError>, chip: usize) {
    match result {
        Err(VerifyError::Stark(reason)) if reason.contains(&std::format!("Some({chip})")) => {
            std::eprintln!("rejected by chip {chip}'s constraints as expected: {reason}");
        }
        other => panic!("expected chip {chip}'s constraints to reject, got {other:?}"),
    }
}
