//! Prover figures for the `ADD`/`SUB` chip (with the driver and the byte table): proving
//! time and cells per second for traces of 2^16 to 2^20 rows, proof size, verify time,
//! and the security of the configuration. Prints figures; asserts nothing about time.
//!
//! Run: `RUSTFLAGS="-C target-cpu=native" cargo bench -p zkvm-stark --bench prove`
//! (add `--features parallel` for multi-threaded proving; `-- 16 18` for a range).

use std::time::Instant;

use p3_matrix::Matrix;
use zkvm_machine::{AluEvent, MachineAir, MachineRecord};
use zkvm_stark::{
    DEFAULT_PARAMS, DefaultConfig, MachineConfig, MachineProof, MachineShape, ProvingKey, Val,
    VerifyingKey, prove_machine, security_report, setup, setup_with_lookup_budget, verify_machine,
};

fn events(n: usize) -> Vec<AluEvent> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
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

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (from, to) = match args.as_slice() {
        [a, b, ..] => (*a, *b),
        [a] => (*a, *a),
        [] => (16, 20),
    };
    let threads = if cfg!(feature = "parallel") {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    println!("zkvm-stark bench: default configuration, {threads} thread(s)");

    let config = DefaultConfig::build();
    let t = Instant::now();
    let (_pk, vk) = setup(&config, MachineAir::all()).expect("setup");
    println!("setup (byte table commitment): {:.2} s", t.elapsed().as_secs_f64());
    for (name, budget) in
        [("unpacked LogUp columns (setup)", 0), ("same-bus packing to degree 3", 3)]
    {
        let (pk, vk) = setup_with_lookup_budget(&config, MachineAir::all(), budget).expect("setup");
        println!("\n{name}:");
        run(&config, &pk, &vk, from, to);
    }

    for log_rows in [16, 20, 22] {
        let report = security_report(&DEFAULT_PARAMS, &MachineShape::of(&vk, log_rows));
        println!("security: {report}");
    }
}

fn run(
    config: &DefaultConfig,
    pk: &ProvingKey<DefaultConfig, MachineAir>,
    vk: &VerifyingKey<DefaultConfig, MachineAir>,
    from: usize,
    to: usize,
) {
    println!(
        "{:>6} {:>10} {:>10} {:>12} {:>14} {:>14} {:>11} {:>10}",
        "log n",
        "tracegen s",
        "prove s",
        "add_sub c/s",
        "all cells/s",
        "cycles/s",
        "proof B",
        "verify ms"
    );
    for log_n in from..=to {
        let n = 1usize << log_n;
        let events = events(n);

        let t = Instant::now();
        let traces = MachineRecord { alu: events }.generate_traces::<Val>();
        let tracegen = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let proof =
            prove_machine(config, pk, &traces.traces, &traces.public_values).expect("prove");
        let prove = t.elapsed().as_secs_f64();

        let bytes = proof.to_bytes();
        let t = Instant::now();
        let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes).expect("decode");
        verify_machine(config, vk, &decoded).expect("verify");
        let verify = t.elapsed().as_secs_f64();

        let add_sub_cells = traces.traces[1].width() * traces.traces[1].height();
        let all_cells: usize = traces.traces.iter().map(|t| t.width() * t.height()).sum();
        println!(
            "{:>6} {:>10.3} {:>10.3} {:>12.3e} {:>14.3e} {:>14.3e} {:>11} {:>10.1}",
            log_n,
            tracegen,
            prove,
            add_sub_cells as f64 / prove,
            all_cells as f64 / prove,
            n as f64 / prove,
            bytes.len(),
            verify * 1e3
        );
    }
}
