//! Recording mode: same results as fast mode, chunks that tile the run, and an event
//! stream that is a consistent memory-checking transcript (every access's previous value
//! and timestamp are those of the last access to the same register or word).

mod support;

use rand::SeedableRng;
use rand::rngs::StdRng;
use std::collections::HashMap;
use support::*;
use zkvm_abi::syscall;
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{self, addi, li};
use zkvm_emulator::events::{InstructionEvent, timestamp};
use zkvm_emulator::instruction::{alu, branch_taken};
use zkvm_emulator::{Emulator, ExecutionChunk, InstructionClass};

/// Replays a chunk stream and checks it against itself and the initial memory.
struct Checker {
    initial: Emulator,
    regs: [(u32, u64); 32],
    mem: HashMap<u32, (u32, u64)>,
    next_cycle: u64,
    next_index: u64,
    last_registers: [u32; 32],
    last_pc: u32,
    chunks: usize,
}

impl Checker {
    fn new(initial: Emulator) -> Self {
        let regs = initial.registers().map(|v| (v, 0));
        Checker {
            last_registers: *initial.registers(),
            last_pc: initial.pc(),
            initial,
            regs,
            mem: HashMap::new(),
            next_cycle: 0,
            next_index: 0,
            chunks: 0,
        }
    }

    fn check(&mut self, c: &ExecutionChunk) {
        // Chunks tile the run and hand over the machine state.
        assert_eq!(c.index, self.next_index);
        assert_eq!(c.start_cycle, self.next_cycle);
        assert_eq!(c.start_pc, self.last_pc);
        assert_eq!(c.start_registers, self.last_registers);
        assert_eq!(c.instruction_count() as u64, c.cycles());
        self.next_index += 1;
        self.next_cycle = c.end_cycle;
        self.last_pc = c.end_pc;
        self.last_registers = c.end_registers;
        self.chunks += 1;

        for a in &c.registers {
            let (value, ts) = &mut self.regs[a.reg as usize];
            assert_eq!((a.prev_value, a.prev_timestamp), (*value, *ts), "{a:?}");
            assert!(a.timestamp > a.prev_timestamp);
            assert!(a.timestamp >= timestamp(c.start_cycle, 0));
            assert!(a.timestamp < timestamp(c.end_cycle, 0));
            if a.reg == 0 {
                assert_eq!(a.value, 0);
            }
            *value = a.value;
            *ts = a.timestamp;
        }
        for a in &c.memory {
            assert_eq!(a.addr % 4, 0);
            let initial = (self.initial.memory().load_word(a.addr), 0);
            let (value, ts) = self.mem.entry(a.addr).or_insert(initial);
            assert_eq!((a.prev_value, a.prev_timestamp), (*value, *ts), "{a:?}");
            assert!(a.timestamp > a.prev_timestamp);
            *value = a.value;
            *ts = a.timestamp;
        }

        // Instruction events: one per cycle, with operands that explain the result.
        let mut all: Vec<InstructionEvent> = Vec::new();
        for list in [&c.alu, &c.mul_div, &c.upper, &c.branch, &c.jump, &c.system] {
            all.extend(list.iter().copied());
        }
        for e in c.load.iter().chain(&c.store) {
            assert_eq!(e.access.addr, e.addr & !3);
            all.push(e.step);
        }
        all.sort_by_key(|e| e.cycle);
        for (k, e) in all.iter().enumerate() {
            assert_eq!(e.cycle, c.start_cycle + k as u64);
            let op = e.instruction.opcode;
            match op.class() {
                InstructionClass::Alu | InstructionClass::MulDiv => {
                    if e.instruction.rd != 0 {
                        assert_eq!(e.a, alu(op, e.b, e.c), "{e:?}");
                    }
                    assert_eq!(e.next_pc, e.pc + 4);
                }
                InstructionClass::Branch => {
                    let taken = branch_taken(op, e.b, e.c);
                    let target =
                        if taken { e.pc.wrapping_add(e.instruction.imm) } else { e.pc + 4 };
                    assert_eq!(e.next_pc, target);
                }
                _ => {}
            }
        }
        for s in &c.syscalls {
            assert!(s.memory_start + s.memory_len <= c.memory.len());
            if s.number == syscall::KECCAK_PERMUTE {
                assert_eq!(s.memory_len, 50);
            }
        }
    }
}

fn check_program(elf: &[u8], input: Vec<u8>, chunk_cycles: u64) -> usize {
    check_program_with_room(elf, input, chunk_cycles, |_| u64::MAX)
}

/// [`check_program`] with chunks also cut by `room` ([`Emulator::execute_recording_with_room`]).
fn check_program_with_room(
    elf: &[u8],
    input: Vec<u8>,
    chunk_cycles: u64,
    room: impl FnMut(&ExecutionChunk) -> u64,
) -> usize {
    let mut fast = Emulator::new(elf, input.clone()).unwrap();
    let expected = fast.execute().unwrap();
    let mut checker = Checker::new(Emulator::new(elf, input.clone()).unwrap());
    let mut rec = Emulator::new(elf, input).unwrap();
    let mut last_exit = None;
    let summary = rec
        .execute_recording_with_room(chunk_cycles, room, |c| {
            assert!(last_exit.is_none(), "chunk after the halting chunk");
            assert!(c.cycles() <= chunk_cycles.max(1));
            checker.check(c);
            last_exit = c.exit_code;
        })
        .unwrap();
    assert_eq!(summary, expected);
    assert_eq!(last_exit, Some(expected.exit_code));
    assert_eq!(checker.next_cycle, expected.cycles);
    assert_eq!(rec.registers(), fast.registers());
    assert_eq!(&checker.last_registers, fast.registers());
    // Replaying the recorded writes gives the final memory.
    for (&addr, &(value, _)) in &checker.mem {
        assert_eq!(fast.memory().load_word(addr), value, "{addr:#x}");
    }
    checker.chunks
}

#[test]
fn random_programs_record_consistently_at_every_chunk_size() {
    for seed in 0..30 {
        let mut rng = StdRng::seed_from_u64(1000 + seed);
        let elf = random_program(&mut rng, 150).elf(Target::Zkvm);
        for chunk_cycles in [1, 7, 100, u64::MAX] {
            let chunks = check_program(&elf, Vec::new(), chunk_cycles);
            if chunk_cycles == u64::MAX {
                assert_eq!(chunks, 1);
            }
        }
    }
}

#[test]
fn syscalls_record_their_memory_and_registers() {
    let mut p = TestProgram::new();
    let b = &mut p.body;
    // read_input to an unaligned pointer, keccak on scratch, commit output.
    b.extend(li(5, syscall::INPUT_LEN));
    b.push(asm::ecall());
    b.push(addi(11, 10, 0));
    b.push(addi(10, BASE, 3));
    b.extend(li(5, syscall::READ_INPUT));
    b.push(asm::ecall());
    b.push(addi(10, BASE, 200));
    b.extend(li(5, syscall::KECCAK_PERMUTE));
    b.push(asm::ecall());
    b.push(addi(10, BASE, 1));
    b.push(addi(11, 0, 300));
    b.extend(li(5, syscall::COMMIT_OUTPUT));
    b.push(asm::ecall());
    b.push(asm::fence());
    b.push(asm::i(Sltiu, 0, 1, 5));
    let elf = p.elf(Target::Zkvm);
    let input: Vec<u8> = (0..37).collect();
    for chunk_cycles in [1, 3, 1 << 20] {
        check_program(&elf, input.clone(), chunk_cycles);
    }

    let mut syscalls = Vec::new();
    Emulator::run_recording(&elf, input, 1 << 20, |c| {
        syscalls.extend(c.syscalls.iter().map(|s| (s.number, s.result, s.memory_len)));
    })
    .unwrap();
    assert_eq!(
        syscalls,
        vec![
            (syscall::INPUT_LEN, 37, 0),
            (syscall::READ_INPUT, 37, 10), // bytes 3..40 span words 0..=9
            (syscall::KECCAK_PERMUTE, 0, 50),
            (syscall::COMMIT_OUTPUT, 0, 76), // bytes 1..301 span words 0..=75
            (syscall::HALT, 0, 0),
        ]
    );
}

#[test]
fn phase_marks_record_like_fast_mode_and_write_no_register() {
    let mut p = TestProgram::new();
    let b = &mut p.body;
    for phase in [3, 1, 3] {
        b.push(addi(10, 0, phase));
        b.extend(li(5, syscall::PHASE_MARK));
        b.push(asm::ecall());
        b.push(addi(1, 10, 1));
    }
    let elf = p.elf(Target::Zkvm);
    // `check_program` compares the summaries, marks included, with fast mode, and replays
    // the register transcript (a write of `a0` by the mark would break it).
    for chunk_cycles in [1, 2, 5, 1 << 20] {
        check_program(&elf, Vec::new(), chunk_cycles);
    }
    let mut marks = Vec::new();
    let summary = Emulator::run_recording(&elf, Vec::new(), 4, |c| {
        for s in c.syscalls.iter().filter(|s| s.number == syscall::PHASE_MARK) {
            assert_eq!((s.result, s.memory_len), (s.args[0], 0));
            marks.push((s.args[0], s.cycle));
        }
    })
    .unwrap();
    assert_eq!(summary.phase_marks, marks);
    assert_eq!(marks.iter().map(|m| m.0).collect::<Vec<_>>(), [3, 1, 3]);
}

#[test]
fn chunk_size_zero_means_one() {
    let elf = zkvm_elf(&[addi(1, 0, 1)]);
    let mut n = 0;
    let summary = Emulator::run_recording(&elf, Vec::new(), 0, |c| {
        assert_eq!(c.cycles(), 1);
        n += 1;
    })
    .unwrap();
    assert_eq!(n, summary.cycles);
}

#[test]
fn chunks_cut_by_room_record_consistently() {
    // A cut by capacity: at most 5 loads and stores per chunk, the room re-asked as the
    // chunk grows. The chunks still make up the run
    // exactly (the checker replays them against fast mode), and none exceeds the budget.
    let mut cut_somewhere = false;
    for seed in 0..20 {
        let mut rng = StdRng::seed_from_u64(2000 + seed);
        let elf = random_program(&mut rng, 150).elf(Target::Zkvm);
        let memory_ops = |c: &ExecutionChunk| (c.load.len() + c.store.len()) as u64;
        // Free capacity over the most one cycle can add (one access).
        let room = |c: &ExecutionChunk| 5u64.saturating_sub(memory_ops(c));
        let chunks = check_program_with_room(&elf, Vec::new(), 1000, room);
        let mut most = 0;
        Emulator::run_recording(&elf, Vec::new(), u64::MAX, |c| most = memory_ops(c)).unwrap();
        let mut cut = Vec::new();
        Emulator::new(&elf, Vec::new())
            .unwrap()
            .execute_recording_with_room(1000, room, |c| cut.push(memory_ops(c)))
            .unwrap();
        assert_eq!(cut.len(), chunks);
        assert!(cut.iter().all(|&n| n <= 5), "seed {seed}: {cut:?}");
        assert!(most <= 5 || chunks > 1, "seed {seed}: {most} memory ops in one chunk");
        cut_somewhere |= chunks > 1;
    }
    assert!(cut_somewhere, "some random program has more than 5 memory operations");
    // A room of 0 still takes one cycle per chunk.
    let elf = zkvm_elf(&[addi(1, 0, 1), addi(2, 0, 2)]);
    let mut n = 0;
    let summary = Emulator::new(&elf, Vec::new())
        .unwrap()
        .execute_recording_with_room(
            100,
            |_| 0,
            |c| {
                assert_eq!(c.cycles(), 1);
                n += 1;
            },
        )
        .unwrap();
    assert_eq!(n, summary.cycles);
}
