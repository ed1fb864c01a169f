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
use crate::chips::program::ProgramRom;
use crate::testing::F;
use crate::{MachineAir, MachineTraces};

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

/// `LUI x6`, then `ECALL` with the initial `t0 = 0` (`HALT`) and `a0 = 0`: a run that never
/// accesses `x0` (2 cycles, exit code 0).
pub fn halt_without_x0() -> Vec<u8> {
    elf(&[asm::lui(X6, 0x1234_5000), ecall()])
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

/// The machine's traces of `record`, a run of `rom` from its entry (the memory starts as
/// the image).
pub fn traces_from_entry(rom: &ProgramRom, record: &ExecutionRecord) -> MachineTraces<F> {
    let mut memory = super::image_memory(&rom.memory);
    record.generate_traces::<F>(rom, &mut memory)
}

/// Run `elf` in the emulator and generate the machine's traces.
pub fn run(elf: &[u8]) -> Run {
    let rom = ProgramRom::from_elf(elf).expect("rom");
    let (record, summary) = ExecutionRecord::from_run(elf, Vec::new()).expect("run");
    let traces = traces_from_entry(&rom, &record);
    Run {
        rom,
        record,
        exit_code: summary.exit_code,
        traces: traces.traces,
        public_values: traces.public_values,
    }
}

/// The shards of a run of `elf` on `input`, cut every `shard_cycles` cycles, each with its
/// traces and public values (`exit_code` is the run's).
pub fn run_shards(elf: &[u8], input: &[u8], shard_cycles: u64) -> Vec<Run> {
    let rom = ProgramRom::from_elf(elf).expect("rom");
    let (records, summary) =
        ExecutionRecord::from_run_in_shards(elf, input.to_vec(), shard_cycles).expect("run");
    let mut memory = super::image_memory(&rom.memory);
    records
        .into_iter()
        .map(|record| {
            let traces = record.generate_traces::<F>(&rom, &mut memory);
            Run {
                rom: rom.clone(),
                record,
                exit_code: summary.exit_code,
                traces: traces.traces,
                public_values: traces.public_values,
            }
        })
        .collect()
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

/// Where [`io_program`] and [`echo_program`] keep their buffer: on the stack, below
/// `STACK_TOP`.
pub const IO_BUFFER: u32 = zkvm_abi::memory::STACK_TOP - 0x2000;

/// What [`io_program`] fills its buffer's 8 words with before reading into it.
pub const IO_FILL: u32 = 0xa5a5_a5a5;

/// The `READ_INPUT` calls of [`io_program`]: `(offset in the buffer, max length)`.
pub const IO_READS: [(u32, u32); 8] =
    [(3, 0), (3, 1), (6, 3), (9, 5), (15, 9), (26, 100), (30, 4), (31, 0)];

/// The `COMMIT_OUTPUT` calls of [`io_program`]: `(offset in the buffer, length)`.
pub const IO_COMMITS: [(u32, u32); 2] = [(5, 7), (2, 0)];

/// The IO syscalls end to end: fill the buffer at [`IO_BUFFER`] with [`IO_FILL`], call
/// `INPUT_LEN`, the reads of [`IO_READS`] (unaligned pointers; lengths 0, 1, 3, 5, 9, one
/// past the end of a 20-byte input that returns fewer, one at the end that returns 0),
/// `INPUT_LEN` again, the commits of [`IO_COMMITS`] (7 unaligned bytes, then none), load the
/// buffer's words back, and halt with their XOR plus the sum of every call's result.
pub fn io_program() -> Vec<u8> {
    use zkvm_abi::syscall::{COMMIT_OUTPUT, INPUT_LEN, READ_INPUT};
    let mut code = Vec::new();
    code.extend(li(X3, IO_BUFFER));
    code.extend(li(X6, IO_FILL));
    for w in 0..8 {
        code.push(asm::s(Sw, X6, X3, 4 * w));
    }
    code.push(addi(X8, 0, 0)); // the sum of the results
    let call = |code: &mut Vec<u32>, number: u32, ptr: Option<(u32, u32)>| {
        if let Some((offset, len)) = ptr {
            code.push(addi(reg::A0, X3, offset as i32));
            code.push(addi(reg::A1, 0, len as i32));
        }
        code.push(addi(reg::SYSCALL_NUMBER, 0, number as i32));
        code.push(ecall());
        code.push(r(Add, X8, X8, reg::A0));
    };
    call(&mut code, INPUT_LEN, None);
    for read in IO_READS {
        call(&mut code, READ_INPUT, Some(read));
    }
    call(&mut code, INPUT_LEN, None);
    for commit in IO_COMMITS {
        call(&mut code, COMMIT_OUTPUT, Some(commit));
    }
    code.push(addi(X9, 0, 0));
    for w in 0..8 {
        code.push(i(Lw, X7, X3, 4 * w));
        code.push(r(Xor, X9, X9, X7));
    }
    code.push(r(Add, X9, X9, X8));
    code.extend(halt_with(X9));
    elf(&code)
}

/// What [`io_program`] does on `input`, computed directly: the results of its calls in
/// order, its output, and its exit code.
pub fn io_program_expected(input: &[u8]) -> (Vec<u32>, Vec<u8>, u32) {
    let mut buffer = [0u8; 32];
    for w in buffer.chunks_exact_mut(4) {
        w.copy_from_slice(&IO_FILL.to_le_bytes());
    }
    let mut cursor = 0usize;
    let mut results = vec![input.len() as u32];
    for (offset, max) in IO_READS {
        let n = (max as usize).min(input.len() - cursor);
        buffer[offset as usize..offset as usize + n].copy_from_slice(&input[cursor..cursor + n]);
        cursor += n;
        results.push(n as u32);
    }
    results.push((input.len() - cursor) as u32);
    let mut output = Vec::new();
    for (offset, len) in IO_COMMITS {
        output.extend_from_slice(&buffer[offset as usize..(offset + len) as usize]);
        results.push(0);
    }
    let xor =
        buffer.chunks_exact(4).fold(0u32, |acc, w| acc ^ u32::from_le_bytes(w.try_into().unwrap()));
    let sum = results.iter().fold(0u32, |acc, &r| acc.wrapping_add(r));
    (results, output, xor.wrapping_add(sum))
}

/// Read the whole input into the buffer at [`IO_BUFFER`]` + 1` with `READ_INPUT`s of at most
/// 7 bytes until one returns 0, commit the buffer back, and halt with the input's length.
pub fn echo_program() -> Vec<u8> {
    use zkvm_abi::syscall::{COMMIT_OUTPUT, READ_INPUT};
    let mut code = Vec::new();
    code.extend(li(X3, IO_BUFFER + 1)); // 0, 4: the write cursor
    code.extend([
        addi(X4, 0, 0),                                  // 8: bytes read
        addi(reg::A0, X3, 0),                            // 12: loop
        addi(reg::A1, 0, 7),                             // 16
        addi(reg::SYSCALL_NUMBER, 0, READ_INPUT as i32), // 20
        ecall(),                                         // 24
        r(Add, X3, X3, reg::A0),                         // 28
        r(Add, X4, X4, reg::A0),                         // 32
        b(Bne, reg::A0, 0, -24),                         // 36
    ]);
    code.extend(li(reg::A0, IO_BUFFER + 1));
    code.extend([
        addi(reg::A1, X4, 0),
        addi(reg::SYSCALL_NUMBER, 0, COMMIT_OUTPUT as i32),
        ecall(),
    ]);
    code.extend(halt_with(X4));
    elf(&code)
}

/// Where [`sharded_io_program`] keeps the bytes it commits (its data image).
pub const SHARDED_IO_DATA: u32 = PROGRAM_START + 0x1000;

/// The data image of [`sharded_io_program`]: 64 bytes `37·i + 11`.
pub fn sharded_io_data() -> Vec<u8> {
    (0..64u32).map(|i| (37 * i + 11) as u8).collect()
}

/// IO spread over the run so that it can be cut into shards anywhere while every RAM word
/// stays the image's at each shard's start (no word is written by one shard and read by a
/// later one): a loop of `INPUT_LEN`, a `READ_INPUT` of up to 5 bytes into a fresh 8-byte
/// slot (at offset 1: unaligned), a `COMMIT_OUTPUT` of the next 3 bytes of the data image,
/// until a read returns 0; then a countdown of 40 iterations (80 cycles without IO); halt
/// with the sum of every `INPUT_LEN` and `READ_INPUT` result. The output is the data image's
/// first `3·(reads + 1)` bytes.
pub fn sharded_io_program() -> Vec<u8> {
    use zkvm_abi::syscall::{COMMIT_OUTPUT, INPUT_LEN, READ_INPUT};
    let sys = |n: u32| addi(reg::SYSCALL_NUMBER, 0, n as i32);
    let mut code = Vec::new();
    code.extend(li(X3, IO_BUFFER + 1)); // 0, 4: the read slot
    code.extend(li(X9, SHARDED_IO_DATA)); // 8, 12: the commit pointer
    code.extend([
        addi(X8, 0, 0),          // 16: the sum of the results
        sys(INPUT_LEN),          // 20: loop
        ecall(),                 // 24
        r(Add, X8, X8, reg::A0), // 28
        addi(reg::A0, X3, 0),    // 32
        addi(reg::A1, 0, 5),     // 36
        sys(READ_INPUT),         // 40
        ecall(),                 // 44
        r(Add, X8, X8, reg::A0), // 48
        addi(X4, reg::A0, 0),    // 52: bytes read
        addi(X3, X3, 8),         // 56
        addi(reg::A0, X9, 0),    // 60
        addi(reg::A1, 0, 3),     // 64
        sys(COMMIT_OUTPUT),      // 68
        ecall(),                 // 72
        addi(X9, X9, 3),         // 76
        b(Bne, X4, 0, -60),      // 80: to the loop while bytes were read
        addi(X6, 0, 40),         // 84
        addi(X6, X6, -1),        // 88: countdown
        b(Bne, X6, 0, -4),       // 92
    ]);
    code.extend(halt_with(X8));
    ElfBuilder::new(PROGRAM_START)
        .code(PROGRAM_START, &code)
        .data(SHARDED_IO_DATA, &sharded_io_data(), 0x100)
        .build()
}

/// A recorded run of `elf` on `input`, with its traces and the emulator's summary.
pub fn run_io(elf: &[u8], input: &[u8]) -> (Run, zkvm_emulator::ExecutionSummary) {
    let rom = ProgramRom::from_elf(elf).expect("rom");
    let (record, summary) = ExecutionRecord::from_run(elf, input.to_vec()).expect("run");
    let traces = traces_from_entry(&rom, &record);
    let run = Run {
        rom,
        exit_code: summary.exit_code,
        traces: traces.traces,
        public_values: traces.public_values,
        record,
    };
    (run, summary)
}

/// Prove `run` for [`program_machine`] and verify the proof (through its byte encoding),
/// printing the proving time and proof size.
pub fn prove_and_verify_io(run: &Run) -> Result<(), VerifyError> {
    let config = DefaultConfig::build();
    let (pk, vk) = setup(&config, program_machine(run.rom.clone())).expect("setup");
    let start = std::time::Instant::now();
    let proof = prove_machine(&config, &pk, &run.traces, &run.public_values).expect("prove");
    let bytes = proof.to_bytes();
    std::eprintln!(
        "proved {} CPU rows with IO in {:.2?} ({} proof bytes)",
        run.traces[super::chip_index::CPU].height(),
        start.elapsed(),
        bytes.len()
    );
    let decoded = MachineProof::<DefaultConfig>::from_bytes(&bytes)?;
    verify_machine(&config, &vk, &decoded)
}
