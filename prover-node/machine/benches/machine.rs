//! Whole-program prover figures: three programs built with the emulator's assembler at a
//! requested cycle count, each run, traced, proven and verified like a guest. Prints one
//! table row per run; asserts nothing about time.
//!
//! Programs (each stays at or below `2^k` cycles, so the CPU trace is `2^k` rows):
//!
//! * `alu`: a loop of `ADD`, `SUB`, `XOR`, `OR`, `AND`, shifts (immediate and register),
//!   `SLT`/`SLTU`, `MUL`/`MULHU` over a few registers.
//! * `memory`: a loop walking a 4 KiB buffer with stores and loads of every width (`SW`,
//!   `SH`, `SB`, `LW`, `LH`, `LHU`, `LB`, `LBU`), each load reading back earlier stores.
//! * `keccak`: a sponge on a stack buffer: per permutation, XOR a running value into the
//!   34 rate words (`LW`, `XOR`, `SW`: 136 bytes, as a guest hashing its input does), then
//!   `KECCAK_PERMUTE`.
//!
//! Per run: emulation (recording), trace generation, setup (the verifying key of the
//! program: ROM and byte table commitments), proving, verifying (from the proof's
//! bytes). `cycles/s` is over trace generation plus proving; `cells/s` is committed main
//! cells (Σ width × height over chips) over proving alone. Peak RSS is reset before each run
//! (`5` into `/proc/self/clear_refs`) and read from `VmHWM`. The anchors (measured on the
//! development machine): Plonky3 proves 2.4–3.1e7 cells/s, SP1 6.3–6.4k cycles/s; the last
//! two columns are the ratios to 2.75e7 cells/s and 6.35e3 cycles/s.
//!
//! Run: `make bench-prover`, or
//! `RUSTFLAGS="-C target-cpu=native" cargo bench -p zkvm-machine --features emulator --bench machine -- [alu|memory|keccak]... [log2 cycles]...`
//! (log sizes 16 to 22, a list or a range `16..18`; default: every program at 2^16).
//! Peak memory grows about 11 KiB per cycle for `keccak` and 3 KiB per cycle for the others
//! (2^20 cycles: 12 GiB and 3 GiB), so `keccak` at 2^22 needs about 48 GiB.

use std::time::Instant;

use p3_matrix::Matrix;
use zkvm_abi::memory::{PROGRAM_START, STACK_TOP};
use zkvm_abi::{reg, syscall};
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{ElfBuilder, addi, b, ecall, i, li, r, s};
use zkvm_machine::chips::program::ProgramRom;
use zkvm_machine::execution::{ExecutionRecord, program_machine, run_outcome};
use zkvm_stark::{
    DEFAULT_PARAMS, DefaultConfig, MachineConfig, MachineProof, MachineShape, Val, prove_machine,
    security_report, setup, verify_machine,
};

/// Cycles left below `2^k`: at `k = 22` a register untouched since the start (`a0`,
/// written by the epilogue) must still be within the access gadget's `2^24` timestamp gap.
const CYCLE_SLACK: u64 = 16;

/// SP1's whole-program throughput on the development machine, cycles per second.
const SP1_CYCLES_PER_S: f64 = 6.35e3;
/// Plonky3's proving throughput on the development machine, main cells per second.
const P3_CELLS_PER_S: f64 = 2.75e7;

const X3: u8 = 3;
const X4: u8 = 4;
const X5: u8 = 5;
const X6: u8 = 6;
const X7: u8 = 7;
const X8: u8 = 8;
const X9: u8 = 9;
const X10: u8 = 10;
const X11: u8 = 11;
const X12: u8 = 12;
const X13: u8 = 13;
const X14: u8 = 14;

/// A program: a prologue, then `x4 = iterations` and the loop (the body, the counter's
/// decrement and the backward branch), then an epilogue that halts.
struct Shape {
    prologue: Vec<u32>,
    body: Vec<u32>,
    epilogue: Vec<u32>,
}

impl Shape {
    /// The ELF running the body as many times as fits in `max_cycles` (at least once).
    fn build(self, max_cycles: u64) -> Vec<u8> {
        let fixed = (self.prologue.len() + 2 + self.epilogue.len()) as u64;
        let per_iteration = self.body.len() as u64 + 2;
        let iterations = (max_cycles.saturating_sub(fixed) / per_iteration).max(1);
        let mut code = self.prologue;
        code.extend(li(X4, u32::try_from(iterations).expect("iterations fit a register")));
        // Back from the branch to the body's first word.
        let back = -4 * (self.body.len() as i32 + 1);
        code.extend(&self.body);
        code.extend([addi(X4, X4, -1), b(Bne, X4, 0, back)]);
        code.extend(self.epilogue);
        ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).build()
    }
}

/// `a0 = src`, `HALT`.
fn halt_with(src: u8) -> Vec<u32> {
    vec![addi(reg::A0, src, 0), addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32), ecall()]
}

/// The ALU loop (see the module doc).
fn alu_program(max_cycles: u64) -> Vec<u8> {
    let mut prologue = Vec::new();
    prologue.extend(li(X5, 0x1234_5678));
    prologue.extend(li(X6, 0x9e37_79b9));
    prologue.extend(li(X7, 0x0bad_f00d));
    let body = vec![
        r(Add, X5, X5, X6),
        r(Sub, X6, X6, X7),
        r(Xor, X7, X7, X5),
        i(Slli, X8, X5, 7),
        i(Srli, X9, X6, 3),
        r(Sra, X10, X7, X8),
        r(Sll, X11, X6, X9),
        r(Slt, X12, X5, X6),
        r(Sltu, X13, X6, X7),
        r(Mul, X14, X5, X6),
        r(Mulhu, X8, X7, X5),
        r(Add, X5, X5, X14),
        r(Xor, X6, X6, X8),
        r(Or, X9, X10, X11),
        r(And, X10, X9, X12),
        r(Add, X7, X7, X13),
        r(Add, X7, X7, X10),
    ];
    let mut epilogue = vec![r(Xor, X5, X5, X7)];
    epilogue.extend(halt_with(X5));
    Shape { prologue, body, epilogue }.build(max_cycles)
}

/// Where [`memory_program`]'s buffer starts (4 KiB, 8 KiB-aligned, zero at start).
const BUFFER: u32 = PROGRAM_START + 0x1_0000;
const _: () = assert!(BUFFER.is_multiple_of(0x2000));

/// The memory loop (see the module doc): 16 bytes per iteration, wrapping in the buffer.
fn memory_program(max_cycles: u64) -> Vec<u8> {
    let mut prologue = Vec::new();
    prologue.extend(li(X3, BUFFER)); // the cursor
    prologue.extend(li(X11, 0xfff)); // offset mask
    prologue.extend(li(X12, BUFFER));
    prologue.extend(li(X7, 0x0bad_f00d)); // the running value
    let body = vec![
        s(Sw, X7, X3, 0),
        i(Lw, X8, X3, 4), // the previous pass's word
        r(Add, X7, X7, X8),
        s(Sh, X7, X3, 8),
        i(Lh, X8, X3, 10),
        i(Lhu, X9, X3, 8),
        r(Xor, X7, X7, X9),
        s(Sb, X7, X3, 13),
        i(Lb, X8, X3, 12),
        i(Lbu, X9, X3, 13),
        r(Add, X7, X7, X8),
        r(Sub, X7, X7, X9),
        s(Sw, X7, X3, 4),
        addi(X3, X3, 16),
        r(And, X3, X3, X11),
        r(Or, X3, X3, X12),
    ];
    let mut epilogue = vec![i(Lw, X5, X12, 4)];
    epilogue.extend(halt_with(X5));
    Shape { prologue, body, epilogue }.build(max_cycles)
}

/// Where [`keccak_program`] keeps the state: on the stack.
const KECCAK_STATE: u32 = STACK_TOP - 0x1000;
/// The sponge's rate in words (136 bytes, Keccak-256).
const RATE_WORDS: i32 = 34;

/// The Keccak sponge loop (see the module doc).
fn keccak_program(max_cycles: u64) -> Vec<u8> {
    let mut prologue = Vec::new();
    prologue.extend(li(X3, KECCAK_STATE));
    prologue.extend(li(X6, 0x9e37_79b9)); // the step of the running value
    prologue.extend(li(X7, 1)); // the running value
    let mut body = Vec::new();
    for w in 0..RATE_WORDS {
        body.extend([i(Lw, X8, X3, 4 * w), r(Xor, X8, X8, X7), s(Sw, X8, X3, 4 * w)]);
    }
    body.extend([
        r(Add, X7, X7, X6),
        addi(reg::A0, X3, 0),
        addi(reg::SYSCALL_NUMBER, 0, syscall::KECCAK_PERMUTE as i32),
        ecall(),
    ]);
    let mut epilogue = vec![i(Lw, X5, X3, 0)];
    epilogue.extend(halt_with(X5));
    Shape { prologue, body, epilogue }.build(max_cycles)
}

/// A benchmark program: its name and its ELF at (at most) a given cycle count.
type Program = (&'static str, fn(u64) -> Vec<u8>);

const PROGRAMS: [Program; 3] =
    [("alu", alu_program), ("memory", memory_program), ("keccak", keccak_program)];

/// Reset the peak resident set size of this process (Linux; ignored elsewhere).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident set size since the last reset, in MiB (`VmHWM`), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// What one run measured.
struct Row {
    program: &'static str,
    cycles: usize,
    emulate: f64,
    tracegen: f64,
    setup: f64,
    prove: f64,
    cells: usize,
    rss_mib: Option<f64>,
    proof_bytes: usize,
    verify: f64,
    security: String,
}

/// Run, trace, set up, prove and verify `elf`; check the proven exit code.
///
/// 1. `ExecutionRecord::from_run` (the emulator in recording mode).
/// 2. `generate_traces` against the program's ROM, from the image's memory.
/// 3. `setup` of `program_machine(rom)`, `prove_machine`.
/// 4. Encode the proof, decode it and `verify_machine`; `run_outcome` must give the
///    emulator's exit code.
fn measure(program: &'static str, elf: &[u8]) -> Row {
    reset_peak_rss();
    let rom = ProgramRom::from_elf(elf).expect("the program's ROM");

    let t = Instant::now();
    let (record, summary) = ExecutionRecord::from_run(elf, Vec::new()).expect("the program runs");
    let emulate = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut memory = zkvm_machine::execution::image_memory(&rom.memory);
    let traces = record.generate_traces::<Val>(&rom, &mut memory);
    let tracegen = t.elapsed().as_secs_f64();
    let cycles = record.cpu.len();
    drop(record);

    let config = DefaultConfig::build();
    let t = Instant::now();
    let (pk, vk) = setup(&config, program_machine(rom.clone())).expect("setup");
    let setup_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let proof = prove_machine(&config, &pk, &traces.traces, &traces.public_values).expect("prove");
    let prove = t.elapsed().as_secs_f64();

    let cells: usize = traces.traces.iter().map(|m| m.width() * m.height()).sum();
    let log_rows = traces.traces.iter().map(|m| m.height()).max().unwrap_or(1).ilog2() as usize;
    let public_values = traces.public_values.clone();
    drop(traces);

    let bytes = proof.to_bytes();
    drop(proof);
    let t = Instant::now();
    let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes).expect("decode");
    verify_machine(&config, &vk, &decoded).expect("the proof verifies");
    let verify = t.elapsed().as_secs_f64();
    assert_eq!(run_outcome(&rom, &public_values), Ok(summary.exit_code));

    let security = security_report(&DEFAULT_PARAMS, &MachineShape::of(&vk, log_rows));
    Row {
        program,
        cycles,
        emulate,
        tracegen,
        setup: setup_s,
        prove,
        cells,
        rss_mib: peak_rss_mib(),
        proof_bytes: bytes.len(),
        verify,
        security: security.to_string(),
    }
}

const HEADER: [&str; 15] = [
    "program",
    "cycles",
    "emu s",
    "trace s",
    "setup s",
    "prove s",
    "cycles/s",
    "main cells",
    "cells/cyc",
    "cells/s",
    "RSS MiB",
    "proof KiB",
    "verify ms",
    "x SP1",
    "x P3",
];

fn print_row(row: &Row) {
    let per_s = row.cycles as f64 / (row.tracegen + row.prove);
    let cells_per_s = row.cells as f64 / row.prove;
    let rss = row.rss_mib.map_or_else(|| "?".to_string(), |m| format!("{m:.0}"));
    println!(
        "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.3e} | {:.0} | {:.3e} | {} | {:.0} | {:.0} | {:.2} | {:.2} |",
        row.program,
        row.cycles,
        row.emulate,
        row.tracegen,
        row.setup,
        row.prove,
        per_s,
        row.cells as f64,
        row.cells as f64 / row.cycles as f64,
        cells_per_s,
        rss,
        row.proof_bytes as f64 / 1024.0,
        row.verify * 1e3,
        per_s / SP1_CYCLES_PER_S,
        cells_per_s / P3_CELLS_PER_S,
    );
}

/// Program names and log2 cycle counts from the command line (cargo's own `--bench` flag
/// is skipped).
fn parse_args() -> (Vec<Program>, Vec<u32>) {
    let mut programs = Vec::new();
    let mut sizes = Vec::new();
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        if arg == "all" {
            programs.extend(PROGRAMS);
        } else if let Some(&p) =
            PROGRAMS.iter().find(|(name, _)| *name == arg || arg == "mem" && *name == "memory")
        {
            programs.push(p);
        } else if let Some((a, b)) = arg.split_once("..") {
            let (a, b): (u32, u32) =
                (a.parse().expect("a log size"), b.parse().expect("a log size"));
            sizes.extend(a..=b);
        } else if let Ok(k) = arg.parse::<u32>() {
            sizes.push(k);
        } else {
            panic!(
                "unknown argument {arg:?}: expected alu, memory, keccak, all, a log2 cycle count or a range a..b"
            );
        }
    }
    if programs.is_empty() {
        programs.extend(PROGRAMS);
    }
    if sizes.is_empty() {
        sizes.push(16);
    }
    for &k in &sizes {
        assert!(
            (10..=22).contains(&k),
            "log2 cycles {k} outside 10..=22 (one shard is at most 2^22 cycles)"
        );
    }
    (programs, sizes)
}

fn main() {
    let (programs, sizes) = parse_args();
    println!(
        "zkvm-machine bench: default configuration ({} queries, blowup 2^{}), {} CPU(s) available",
        DEFAULT_PARAMS.num_queries,
        DEFAULT_PARAMS.log_blowup,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!(
        "cycles/s: over trace generation + proving; cells/s: committed main cells over proving"
    );
    println!("x SP1: cycles/s / {SP1_CYCLES_PER_S:.3e}; x P3: cells/s / {P3_CELLS_PER_S:.3e}\n");
    println!("| {} |", HEADER.join(" | "));
    println!("|{}", "---|".repeat(HEADER.len()));
    let mut reports = Vec::new();
    for &k in &sizes {
        for &(name, build) in &programs {
            let row = measure(name, &build((1 << k) - CYCLE_SLACK));
            print_row(&row);
            reports.push(format!("{name} 2^{k}: {}", row.security));
        }
    }
    println!();
    for report in reports {
        println!("security: {report}");
    }
}
