//! Shared by the integration tests: a small machine run, proven.

#![allow(dead_code)]

use p3_matrix::dense::RowMajorMatrix;
use zkvm_machine::{AluEvent, MachineRecord};
use zkvm_stark::Val;

/// Seeded ADD/SUB events.
pub fn events(n: usize, seed: u64) -> Vec<AluEvent> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        // xorshift64*: deterministic, no dependency.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    };
    (0..n)
        .map(
            |i| {
                if i % 2 == 0 {
                    AluEvent::add(next(), next())
                } else {
                    AluEvent::sub(next(), next())
                }
            },
        )
        .collect()
}

/// Traces and public values of the machine running `events`.
pub fn traces(events: &[AluEvent]) -> (Vec<RowMajorMatrix<Val>>, Vec<Vec<Val>>) {
    let t = MachineRecord { alu: events.to_vec() }.generate_traces::<Val>();
    (t.traces, t.public_values)
}

/// Keys and a proof of a small run under a configuration.
macro_rules! prove_run {
    ($config:ty, $n:expr, $seed:expr) => {{
        let config = <$config as zkvm_stark::MachineConfig>::build();
        let (pk, vk) = zkvm_stark::setup(&config, zkvm_machine::MachineAir::all()).expect("setup");
        let (traces, pvs) = common::traces(&common::events($n, $seed));
        let proof = zkvm_stark::prove_machine(&config, &pk, &traces, &pvs).expect("prove");
        (config, pk, vk, proof)
    }};
}
pub(crate) use prove_run;
