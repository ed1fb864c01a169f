//! Emulator throughput benchmark: an ALU-heavy loop and a memory-heavy loop, each run in
//! fast and in recording mode, printing cycles and MHz.
//!
//! Run with `RUSTFLAGS="-C target-cpu=native" cargo run --release -p zkvm-emulator --bin emu-bench`.
//! An optional argument scales the loop count (default 1.0, about 80 M cycles each).

use std::time::Instant;
use zkvm_abi::memory::PROGRAM_START;
use zkvm_abi::syscall;
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{self, ElfBuilder, addi, b, i, li, r, s};
use zkvm_emulator::{Emulator, ExecutionChunk};

const DATA: u32 = 0x0010_0000;

fn halt() -> Vec<u32> {
    let mut v = li(5, syscall::HALT).to_vec();
    v.extend(li(10, 0));
    v.push(asm::ecall());
    v
}

/// 10 instructions per iteration, no memory traffic.
fn alu_program(iterations: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(5, iterations));
    code.extend(li(6, 0x1234_5678));
    code.extend(li(7, 0x9abc_def1));
    let body = [
        r(Add, 8, 6, 7),
        r(Xor, 6, 8, 7),
        i(Slli, 9, 6, 3),
        r(Sub, 7, 9, 8),
        r(Mul, 10, 7, 6),
        i(Srai, 11, 10, 7),
        r(Sltu, 12, 11, 6),
        r(Or, 7, 7, 12),
        addi(5, 5, -1),
    ];
    code.extend(body);
    code.push(b(Bne, 5, 0, -(body.len() as i32) * 4));
    code.extend(halt());
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).build()
}

/// 10 instructions per iteration, 5 of them loads or stores, over a 64 KiB window.
fn memory_program(iterations: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(5, iterations));
    code.extend(li(20, DATA));
    code.extend(li(21, 0xfffc)); // window mask
    code.extend(li(22, 0));
    let body = [
        r(And, 23, 22, 21),
        r(Add, 23, 23, 20),
        s(Sw, 5, 23, 0),
        i(Lw, 24, 23, 0),
        s(Sb, 24, 23, 1),
        i(Lh, 25, 23, 2),
        s(Sh, 25, 23, 0),
        addi(22, 22, 68),
        addi(5, 5, -1),
    ];
    code.extend(body);
    code.push(b(Bne, 5, 0, -(body.len() as i32) * 4));
    code.extend(halt());
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, &code).data(DATA, &[], 0x1_0000).build()
}

fn report(name: &str, mode: &str, cycles: u64, secs: f64) {
    println!(
        "{name:<8} {mode:<10} {cycles:>12} cycles {secs:>8.3} s {:>9.1} MHz",
        cycles as f64 / secs / 1e6
    );
}

fn main() {
    let scale: f64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let iterations = (8_000_000.0 * scale) as u32;
    for (name, elf) in [("alu", alu_program(iterations)), ("memory", memory_program(iterations))] {
        let start = Instant::now();
        let summary = Emulator::run(&elf, Vec::new()).expect("fast run");
        report(name, "fast", summary.cycles, start.elapsed().as_secs_f64());

        let start = Instant::now();
        let mut events = 0usize;
        let mut chunks = 0usize;
        let summary = Emulator::run_recording(&elf, Vec::new(), 1 << 20, |c: &ExecutionChunk| {
            chunks += 1;
            events += c.instruction_count() + c.memory.len() + c.registers.len();
        })
        .expect("recording run");
        report(name, "recording", summary.cycles, start.elapsed().as_secs_f64());
        println!("         {chunks} chunks, {events} events");
    }
}
