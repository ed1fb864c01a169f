//! Test programs built with the emulator's assembler, and whole-program proving helpers.

extern crate std;

use alloc::vec;
use alloc::vec::Vec;

use p3_matrix::dense::RowMajorMatrix;
use zkvm_abi::{memory::PROGRAM_START, reg, syscall};
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{self, ElfBuilder, addi, b, ecall, i, jal, li, r};
use zkvm_stark::{
    DefaultConfig, MachineConfig, MachineProof, VerifyError, VerifyingKey, prove_machine, setup,
    verify_machine,
};

use super::{ExecutionRecord, program_machine};
use crate::MachineAir;
use crate::chips::program::ProgramRom;
use crate::testing::F;

const X1: u8 = 1;
const X2: u8 = 2;
const X3: u8 = 3;
const X4: u8 = 4;
const X6: u8 = 6;
const X7: u8 = 7;
const X8: u8 = 8;
const X9: u8 = 9;

/// The end of a program: `a0 = src`, `t0 = HALT`, `ECALL`.
fn halt_with(src: u8) -> [u32; 3] {
    [addi(reg::A0, src, 0), addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32), ecall()]
}

fn elf(code: &[u32]) -> Vec<u8> {
    ElfBuilder::new(PROGRAM_START).code(PROGRAM_START, code).build()
}

/// Sum `n + (n − 1) + ... + 1` in a loop (`ADD`, `ADDI`, `BNE`), then `SUB` it from 0 and
/// back, and halt with the sum as exit code: `3n + 9` cycles.
pub fn sum_loop(n: u32) -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X1, n)); // 0, 4
    code.push(addi(X2, 0, 0)); // 8
    code.push(r(Add, X2, X2, X1)); // 12: loop
    code.push(addi(X1, X1, -1)); // 16
    code.push(b(Bne, X1, 0, -8)); // 20
    code.push(r(Sub, X3, 0, X2)); // 24: x3 = -sum
    code.push(r(Sub, X2, 0, X3)); // 28: x2 = sum
    code.push(r(Add, 0, X2, X2)); // 32: a NOP (rd = x0)
    code.extend(halt_with(X2));
    elf(&code)
}

/// A loop over every other operation class the CPU covers: `LUI`, `AUIPC`, `XOR`, shifts,
/// `SLTU`, `BLT`, `JAL`, `BGEU`, `BEQ`, `OR`/`ANDI`, and branches both taken and not.
pub fn mixed(rounds: i32) -> Vec<u8> {
    let mut code = vec![
        asm::lui(X6, 0x1234_5000), // 0
        asm::auipc(X7, 0x1000),    // 4
        addi(X1, 0, rounds),       // 8
        addi(X2, 0, 1),            // 12
        r(Xor, X2, X2, X6),        // 16: loop
        i(Slli, X3, X2, 3),        // 20
        i(Srli, X4, X2, 5),        // 24
        r(Add, X2, X3, X4),        // 28
        r(Sltu, X8, X2, X6),       // 32
        r(Add, X2, X2, X8),        // 36
        addi(X1, X1, -1),          // 40
        b(Blt, 0, X1, -28),        // 44: while 0 < x1
        b(Beq, X1, X6, 8),         // 48: not taken
        jal(X9, 8),                // 52: skip the next word
        addi(X2, 0, 0),            // 56 (skipped)
        b(Bgeu, X2, 0, 8),         // 60: always taken
        addi(X2, 0, 0),            // 64 (skipped)
        r(Or, X2, X2, X7),         // 68
        i(Andi, X2, X2, 0x7ff),    // 72
    ];
    code.extend(halt_with(X2));
    elf(&code)
}

/// A recorded run of `elf`: its ROM, record, traces and public values.
pub struct Run {
    /// The program's ROM.
    pub rom: ProgramRom,
    /// The executed instructions.
    pub record: ExecutionRecord,
    /// The emulator's exit code.
    pub exit_code: u32,
    /// One trace per chip of `program_machine(rom)`.
    pub traces: Vec<RowMajorMatrix<F>>,
    /// One list of public values per chip.
    pub public_values: Vec<Vec<F>>,
}

/// Run `elf` in the emulator and generate the machine's traces.
pub fn run(elf: &[u8]) -> Run {
    let rom = ProgramRom::from_elf(elf).expect("rom");
    let (record, summary) = ExecutionRecord::from_run(elf, Vec::new()).expect("run");
    let traces = record.generate_traces::<F>(&rom);
    Run {
        rom,
        record,
        exit_code: summary.exit_code,
        traces: traces.traces,
        public_values: traces.public_values,
    }
}

/// The verifying key of `rom`'s machine.
pub fn verifying_key(rom: &ProgramRom) -> VerifyingKey<DefaultConfig, MachineAir> {
    let config = DefaultConfig::build();
    setup(&config, program_machine(rom.clone())).expect("setup").1
}

/// Prove `traces` for `rom`'s machine (decoded from bytes, as a verifier receives it).
pub fn prove(
    rom: &ProgramRom,
    traces: &[RowMajorMatrix<F>],
    public_values: &[Vec<F>],
) -> Result<MachineProof<DefaultConfig>, VerifyError> {
    let config = DefaultConfig::build();
    let (pk, _vk) = setup(&config, program_machine(rom.clone())).expect("setup");
    let start = std::time::Instant::now();
    let proof = prove_machine(&config, &pk, traces, public_values).expect("prove");
    let bytes = proof.to_bytes();
    std::eprintln!(
        "proved {} CPU rows in {:.2?} ({} proof bytes)",
        traces[super::chip_index::CPU].height(),
        start.elapsed(),
        bytes.len()
    );
    Ok(MachineProof::<DefaultConfig>::from_bytes(&bytes)?)
}

/// Prove and verify against the same program's key.
pub fn prove_and_verify(
    rom: &ProgramRom,
    traces: &[RowMajorMatrix<F>],
    public_values: &[Vec<F>],
) -> Result<(), VerifyError> {
    let proof = prove(rom, traces, public_values)?;
    let config = DefaultConfig::build();
    verify_machine(&config, &verifying_key(rom), &proof)
}

use p3_matrix::Matrix as _;

/// Where [`keccak_program`] keeps its state: on the stack, below `STACK_TOP`.
pub const KECCAK_STATE: u32 = zkvm_abi::memory::STACK_TOP - 0x1000;

/// The state word [`keccak_program`] exits with (the high half of lane 3).
pub const KECCAK_EXIT_WORD: usize = 7;

/// The 50 words [`keccak_program`] stores: `1, 1 + K, 1 + 2K, ...` with `K = 0x9e37_79b9`.
pub fn keccak_program_input() -> [u32; 50] {
    core::array::from_fn(|w| 1u32.wrapping_add(0x9e37_79b9u32.wrapping_mul(w as u32)))
}

/// Fill the 25-lane state at [`KECCAK_STATE`] with [`keccak_program_input`] (a store
/// loop), call `KECCAK_PERMUTE` on it twice, load word [`KECCAK_EXIT_WORD`] and halt with
/// it as the exit code.
pub fn keccak_program() -> Vec<u8> {
    let mut code = Vec::new();
    code.extend(li(X3, KECCAK_STATE)); // 0, 4: the state pointer
    code.extend(li(X6, 0x9e37_79b9)); // 8, 12: the step
    code.extend([
        addi(X7, 0, 1),                                               // 16: the first word
        addi(X4, 0, 50),                                              // 20: words left
        addi(X8, X3, 0),                                              // 24: the cursor
        asm::s(Sw, X7, X8, 0),                                        // 28: loop
        r(Add, X7, X7, X6),                                           // 32
        addi(X8, X8, 4),                                              // 36
        addi(X4, X4, -1),                                             // 40
        b(Bne, X4, 0, -16),                                           // 44
        addi(reg::A0, X3, 0),                                         // 48
        addi(reg::SYSCALL_NUMBER, 0, syscall::KECCAK_PERMUTE as i32), // 52
        ecall(),              // 56: the first permutation (a0 = 0 after it)
        addi(reg::A0, X3, 0), // 60
        ecall(),              // 64: the second
        i(Lw, X9, X3, 4 * KECCAK_EXIT_WORD as i32), // 68
    ]);
    code.extend(halt_with(X9));
    elf(&code)
}

/// Set `a0 = 7`, mark phase 7 with the debug `PHASE_MARK` syscall, then halt with `a0`
/// (still 7: the mark changes nothing).
pub fn phase_mark_program() -> Vec<u8> {
    let mut code = vec![addi(reg::A0, 0, 7)];
    code.extend(li(reg::SYSCALL_NUMBER, syscall::PHASE_MARK));
    code.push(ecall());
    code.extend([addi(reg::SYSCALL_NUMBER, 0, syscall::HALT as i32), ecall()]);
    elf(&code)
}
