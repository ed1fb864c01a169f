//! The machine: state, the instruction loop (shared by fast and recording mode) and the
//! syscalls.

use crate::EmuError;
use crate::elf::{ElfImage, parse_elf};
use crate::events::{ExecutionChunk, InstructionEvent, SUB_RS1, SUB_RS2, SyscallEvent};
use crate::instruction::{Instruction, Opcode, alu, branch_taken};
use crate::memory::Memory;
use crate::tracer::{NoTracer, Recorder, Tracer};
use zkvm_abi::memory::{MEMORY_END, MEMORY_START, STACK_TOP, is_addressable};
use zkvm_abi::reg;
use zkvm_abi::syscall::{KECCAK_STATE_BYTES, KECCAK_STATE_WORDS, Syscall};

/// Default cycle limit: 2^36 instructions.
pub const DEFAULT_CYCLE_LIMIT: u64 = 1 << 36;

/// What a halted run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionSummary {
    /// `a0` at the `HALT` syscall.
    pub exit_code: u32,
    /// Bytes committed with `COMMIT_OUTPUT`, in order.
    pub output: Vec<u8>,
    /// Instructions executed, the `HALT` `ecall` included.
    pub cycles: u64,
    /// `(phase id, cycle)` of every `PHASE_MARK` syscall, in execution order (the cycle is
    /// that of the marking `ecall`). A profiling side channel: not part of the output.
    pub phase_marks: Vec<(u32, u64)>,
}

impl ExecutionSummary {
    /// Cycles spent in each phase, one entry per phase id in the order the ids were first
    /// marked. A mark at cycle `c` starts its phase at `c` (the marking `ecall` counts to
    /// it) and the phase lasts until the next mark or the end of the run; a phase marked
    /// more than once sums its spans. Cycles before the first mark are in no phase
    /// ([`ExecutionSummary::unmarked_cycles`]).
    pub fn phase_cycles(&self) -> Vec<(u32, u64)> {
        let mut totals: Vec<(u32, u64)> = Vec::new();
        for (i, &(id, start)) in self.phase_marks.iter().enumerate() {
            let end = self.phase_marks.get(i + 1).map_or(self.cycles, |&(_, c)| c);
            let span = end.saturating_sub(start);
            match totals.iter_mut().find(|(p, _)| *p == id) {
                Some((_, total)) => *total += span,
                None => totals.push((id, span)),
            }
        }
        totals
    }

    /// Cycles before the first phase mark (all of them when nothing was marked).
    pub fn unmarked_cycles(&self) -> u64 {
        self.phase_marks.first().map_or(self.cycles, |&(_, c)| c)
    }
}

/// The decoded code span: one entry per word of `[base, base + 4 * insts.len())`.
#[derive(Debug, Clone)]
struct Program {
    base: u32,
    /// `None` for words that are not legal instructions or lie between code segments.
    insts: Vec<Option<Instruction>>,
    /// `[start, end)` of each executable segment.
    code_segments: Vec<(u32, u32)>,
}

impl Program {
    fn len_bytes(&self) -> u32 {
        (self.insts.len() * 4) as u32
    }

    /// The fault for fetching at `pc`, which is known not to hold a decoded instruction.
    #[cold]
    fn fetch_fault(&self, pc: u32, memory: &Memory) -> EmuError {
        let in_code =
            pc.is_multiple_of(4) && self.code_segments.iter().any(|&(s, e)| pc >= s && pc < e);
        if in_code {
            EmuError::IllegalInstruction { pc, word: memory.load_word(pc) }
        } else {
            EmuError::ExecuteNonCode { pc }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Io {
    input: Vec<u8>,
    input_pos: usize,
    output: Vec<u8>,
    /// `(phase id, cycle)` of each `PHASE_MARK`.
    phase_marks: Vec<(u32, u64)>,
}

/// An RV32IM machine loaded with a program.
///
/// Create it with [`Emulator::new`], then run it to completion with
/// [`Emulator::execute`] (fast) or [`Emulator::execute_recording`] (emits events in
/// chunks). [`Emulator::run`] and [`Emulator::run_recording`] do both steps at once.
#[derive(Debug, Clone)]
pub struct Emulator {
    regs: [u32; 32],
    pc: u32,
    cycle: u64,
    cycle_limit: u64,
    exit_code: Option<u32>,
    memory: Memory,
    program: Program,
    io: Io,
}

impl Emulator {
    /// Load an ELF executable and its private input.
    ///
    /// 1. Parse and check the ELF ([`parse_elf`]).
    /// 2. Copy every segment into zeroed memory.
    /// 3. Decode every word of the code span once (illegal words fault only if executed).
    /// 4. Set `pc` to the entry point and `sp` to [`STACK_TOP`]; other registers are 0.
    pub fn new(elf: &[u8], input: Vec<u8>) -> Result<Self, EmuError> {
        Ok(Self::from_image(&parse_elf(elf)?, input))
    }

    /// Load a program checked by [`parse_elf`] (see [`Emulator::new`]).
    fn from_image(image: &ElfImage, input: Vec<u8>) -> Self {
        let mut memory = Memory::new();
        for seg in &image.segments {
            for (i, &byte) in seg.data.iter().enumerate() {
                if byte != 0 {
                    memory.store_byte(seg.vaddr + i as u32, byte);
                }
            }
        }
        let (base, end) = image.code_span().unwrap_or((0, 0));
        let code_segments: Vec<(u32, u32)> = image
            .segments
            .iter()
            .filter(|s| s.executable)
            .map(|s| (s.vaddr, s.vaddr + s.mem_size))
            .collect();
        let insts = (base..end)
            .step_by(4)
            .map(|addr| {
                let in_code = code_segments.iter().any(|&(s, e)| addr >= s && addr < e);
                if in_code { Instruction::decode(memory.load_word(addr)) } else { None }
            })
            .collect();
        let mut regs = [0; 32];
        regs[reg::SP as usize] = STACK_TOP;
        Emulator {
            regs,
            pc: image.entry,
            cycle: 0,
            cycle_limit: DEFAULT_CYCLE_LIMIT,
            exit_code: None,
            memory,
            program: Program { base, insts, code_segments },
            io: Io { input, ..Io::default() },
        }
    }

    /// Set the cycle limit; running past it fails with [`EmuError::CycleLimitExceeded`].
    pub fn with_cycle_limit(mut self, limit: u64) -> Self {
        self.cycle_limit = limit;
        self
    }

    /// Load and run to completion in fast mode.
    pub fn run(elf: &[u8], input: Vec<u8>) -> Result<ExecutionSummary, EmuError> {
        Emulator::new(elf, input)?.execute()
    }

    /// Load and run to completion in recording mode, handing each chunk of at most
    /// `chunk_cycles` cycles to `on_chunk` (see [`Emulator::execute_recording`]).
    pub fn run_recording(
        elf: &[u8],
        input: Vec<u8>,
        chunk_cycles: u64,
        on_chunk: impl FnMut(&ExecutionChunk),
    ) -> Result<ExecutionSummary, EmuError> {
        Emulator::new(elf, input)?.execute_recording(chunk_cycles, on_chunk)
    }

    /// Run until `HALT` in fast mode (no recording, no allocation per step).
    pub fn execute(&mut self) -> Result<ExecutionSummary, EmuError> {
        match self.run_until(&mut NoTracer, self.cycle_limit)? {
            Some(exit_code) => Ok(self.summary(exit_code)),
            None => Err(EmuError::CycleLimitExceeded { limit: self.cycle_limit }),
        }
    }

    /// Run until `HALT`, recording events.
    ///
    /// 1. Execute at most `chunk_cycles` cycles (at least 1) into a reused chunk buffer.
    /// 2. Fill in the chunk's boundary state and hand it to `on_chunk`.
    /// 3. Clear the buffers and repeat until the program halts; the last chunk has
    ///    `exit_code` set.
    ///
    /// Memory use is bounded by the chunk size plus the machine's memory and a timestamp
    /// per touched word, whatever the length of the run.
    ///
    /// # Assumptions
    /// On a fault the partial chunk is dropped and the error returned: a faulting run has
    /// nothing to prove.
    pub fn execute_recording(
        &mut self,
        chunk_cycles: u64,
        on_chunk: impl FnMut(&ExecutionChunk),
    ) -> Result<ExecutionSummary, EmuError> {
        self.execute_recording_with_room(chunk_cycles, |_| u64::MAX, on_chunk)
    }

    /// [`Emulator::execute_recording`], where a chunk may also end early: before each step
    /// `room(&chunk so far)` says how many more cycles the chunk may take, the emulator runs
    /// at most that many, and a `0` ends the chunk (a cut by capacity: `room` knows what
    /// each cycle can add to a trace). A chunk always takes at least one cycle, so a run
    /// progresses whatever `room` answers.
    ///
    /// # Errors
    ///
    /// As [`Emulator::execute_recording`].
    pub fn execute_recording_with_room(
        &mut self,
        chunk_cycles: u64,
        mut room: impl FnMut(&ExecutionChunk) -> u64,
        mut on_chunk: impl FnMut(&ExecutionChunk),
    ) -> Result<ExecutionSummary, EmuError> {
        let chunk_cycles = chunk_cycles.max(1);
        let mut recorder = Recorder::new();
        let mut index = 0;
        loop {
            let chunk = &mut recorder.chunk;
            chunk.clear();
            chunk.index = index;
            chunk.start_cycle = self.cycle;
            chunk.start_pc = self.pc;
            chunk.start_registers = self.regs;
            let stop = self.cycle.saturating_add(chunk_cycles).min(self.cycle_limit);
            let mut exit = None;
            while exit.is_none() && self.cycle < stop {
                let free =
                    room(&recorder.chunk).max(u64::from(self.cycle == recorder.chunk.start_cycle));
                if free == 0 {
                    break;
                }
                exit = self.run_until(&mut recorder, self.cycle.saturating_add(free).min(stop))?;
            }
            if exit.is_none() && self.cycle >= self.cycle_limit {
                return Err(EmuError::CycleLimitExceeded { limit: self.cycle_limit });
            }
            let chunk = &mut recorder.chunk;
            chunk.end_cycle = self.cycle;
            chunk.end_pc = self.pc;
            chunk.end_registers = self.regs;
            chunk.exit_code = exit;
            on_chunk(chunk);
            if let Some(exit_code) = exit {
                return Ok(self.summary(exit_code));
            }
            index += 1;
        }
    }

    fn summary(&self, exit_code: u32) -> ExecutionSummary {
        ExecutionSummary {
            exit_code,
            output: self.io.output.clone(),
            cycles: self.cycle,
            phase_marks: self.io.phase_marks.clone(),
        }
    }

    /// The registers (`x0..x31`).
    pub fn registers(&self) -> &[u32; 32] {
        &self.regs
    }

    /// The program counter.
    pub fn pc(&self) -> u32 {
        self.pc
    }

    /// Cycles executed so far.
    pub fn cycles(&self) -> u64 {
        self.cycle
    }

    /// The exit code, once halted.
    pub fn exit_code(&self) -> Option<u32> {
        self.exit_code
    }

    /// The machine's memory.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Bytes committed so far.
    pub fn output(&self) -> &[u8] {
        &self.io.output
    }

    /// `(phase id, cycle)` of the `PHASE_MARK` syscalls so far, in execution order.
    pub fn phase_marks(&self) -> &[(u32, u64)] {
        &self.io.phase_marks
    }

    /// The instruction loop: runs until `HALT` (returns its exit code) or until
    /// `self.cycle == stop` (returns `None`). On a fault, `pc` and `cycle` stay at the
    /// faulting instruction.
    #[inline(always)]
    fn run_until<T: Tracer>(&mut self, tracer: &mut T, stop: u64) -> Result<Option<u32>, EmuError> {
        if let Some(code) = self.exit_code {
            return Ok(Some(code));
        }
        let Emulator { regs, pc: pc_ref, cycle: cycle_ref, memory, program, io, exit_code, .. } =
            self;
        let mut pc = *pc_ref;
        let mut cycle = *cycle_ref;
        let code_base = program.base;
        let code_bytes = program.len_bytes();
        let code = &program.insts[..];

        let result = loop {
            if cycle >= stop {
                break Ok(None);
            }
            let off = pc.wrapping_sub(code_base);
            let inst = match code.get((off >> 2) as usize) {
                Some(Some(inst)) if off & 3 == 0 => *inst,
                _ => break Err(program.fetch_fault(pc, memory)),
            };
            let rd = (inst.rd & 31) as usize;
            let b = regs[(inst.rs1 & 31) as usize];
            let rs2v = regs[(inst.rs2 & 31) as usize];
            let imm = inst.imm;
            let prev_rd = if T::ENABLED { regs[rd] } else { 0 };
            let mut next_pc = pc.wrapping_add(4);
            let mut mem_rec = None;

            macro_rules! load {
                ($width:expr, $extract:expr) => {{
                    let addr = b.wrapping_add(imm);
                    if !addr.is_multiple_of($width) {
                        break Err(EmuError::MisalignedAccess { pc, addr, width: $width });
                    }
                    if !(MEMORY_START..MEMORY_END).contains(&addr) {
                        break Err(EmuError::AddressOutOfRange { pc, addr, len: $width });
                    }
                    let word = memory.load_word(addr);
                    if T::ENABLED {
                        mem_rec = Some((addr, tracer.mem(cycle, addr & !3, word, word)));
                    }
                    let shift = (addr & 3) * 8;
                    #[allow(clippy::redundant_closure_call)]
                    let value = ($extract)(word >> shift);
                    regs[rd] = value;
                }};
            }
            macro_rules! store {
                ($width:expr, $mask:expr) => {{
                    let addr = b.wrapping_add(imm);
                    if !addr.is_multiple_of($width) {
                        break Err(EmuError::MisalignedAccess { pc, addr, width: $width });
                    }
                    if !(MEMORY_START..MEMORY_END).contains(&addr) {
                        break Err(EmuError::AddressOutOfRange { pc, addr, len: $width });
                    }
                    if addr.wrapping_sub(code_base) < code_bytes {
                        break Err(EmuError::StoreToCode { pc, addr });
                    }
                    let shift = (addr & 3) * 8;
                    let mask: u32 = $mask << shift;
                    let prev = memory.load_word(addr);
                    let value = (prev & !mask) | ((rs2v << shift) & mask);
                    memory.store_word(addr, value);
                    if T::ENABLED {
                        mem_rec = Some((addr, tracer.mem(cycle, addr & !3, prev, value)));
                    }
                }};
            }
            macro_rules! branch {
                ($op:expr) => {
                    if branch_taken($op, b, rs2v) {
                        next_pc = pc.wrapping_add(imm);
                    }
                };
            }
            macro_rules! op {
                ($op:expr, $c:expr) => {
                    regs[rd] = alu($op, b, $c)
                };
            }

            use Opcode::*;
            match inst.opcode {
                Lui => regs[rd] = imm,
                Auipc => regs[rd] = pc.wrapping_add(imm),
                Jal => {
                    regs[rd] = next_pc;
                    next_pc = pc.wrapping_add(imm);
                }
                Jalr => {
                    regs[rd] = next_pc;
                    next_pc = b.wrapping_add(imm) & !1;
                }
                Beq => branch!(Beq),
                Bne => branch!(Bne),
                Blt => branch!(Blt),
                Bge => branch!(Bge),
                Bltu => branch!(Bltu),
                Bgeu => branch!(Bgeu),
                Lb => load!(1, |w: u32| w as u8 as i8 as u32),
                Lh => load!(2, |w: u32| w as u16 as i16 as u32),
                Lw => load!(4, |w: u32| w),
                Lbu => load!(1, |w: u32| w & 0xff),
                Lhu => load!(2, |w: u32| w & 0xffff),
                Sb => store!(1, 0xff),
                Sh => store!(2, 0xffff),
                Sw => store!(4, 0xffff_ffff),
                Addi => op!(Addi, imm),
                Slti => op!(Slti, imm),
                Sltiu => op!(Sltiu, imm),
                Xori => op!(Xori, imm),
                Ori => op!(Ori, imm),
                Andi => op!(Andi, imm),
                Slli => op!(Slli, imm),
                Srli => op!(Srli, imm),
                Srai => op!(Srai, imm),
                Add => op!(Add, rs2v),
                Sub => op!(Sub, rs2v),
                Sll => op!(Sll, rs2v),
                Slt => op!(Slt, rs2v),
                Sltu => op!(Sltu, rs2v),
                Xor => op!(Xor, rs2v),
                Srl => op!(Srl, rs2v),
                Sra => op!(Sra, rs2v),
                Or => op!(Or, rs2v),
                And => op!(And, rs2v),
                Mul => op!(Mul, rs2v),
                Mulh => op!(Mulh, rs2v),
                Mulhsu => op!(Mulhsu, rs2v),
                Mulhu => op!(Mulhu, rs2v),
                Div => op!(Div, rs2v),
                Divu => op!(Divu, rs2v),
                Rem => op!(Rem, rs2v),
                Remu => op!(Remu, rs2v),
                Fence => {}
                Ebreak => break Err(EmuError::Breakpoint { pc }),
                Ecall => {
                    let a0 = regs[reg::A0 as usize];
                    match syscall(regs, memory, io, program, tracer, cycle, pc) {
                        Err(e) => break Err(e),
                        Ok(halt) => {
                            if T::ENABLED {
                                tracer.instruction(
                                    InstructionEvent {
                                        cycle,
                                        pc,
                                        next_pc,
                                        instruction: inst,
                                        a: regs[reg::A0 as usize],
                                        b: regs[reg::T0 as usize],
                                        c: a0,
                                    },
                                    None,
                                );
                            }
                            if let Some(code) = halt {
                                cycle += 1;
                                pc = next_pc;
                                *exit_code = Some(code);
                                break Ok(Some(code));
                            }
                        }
                    }
                }
            }
            regs[0] = 0;

            if T::ENABLED && inst.opcode != Ecall {
                let op = inst.opcode;
                if op.reads_rs1() {
                    tracer.reg_read(cycle, SUB_RS1, inst.rs1, b);
                }
                if op.uses_rs2() {
                    tracer.reg_read(cycle, SUB_RS2, inst.rs2, rs2v);
                }
                let a = if op.writes_rd() {
                    tracer.reg_write(cycle, inst.rd, prev_rd, regs[rd]);
                    regs[rd]
                } else {
                    0
                };
                let c = if op.uses_rs2() { rs2v } else { imm };
                tracer.instruction(
                    InstructionEvent { cycle, pc, next_pc, instruction: inst, a, b, c },
                    mem_rec,
                );
            }
            cycle += 1;
            pc = next_pc;
        };
        *pc_ref = pc;
        *cycle_ref = cycle;
        result
    }
}

/// Check that `[addr, addr + len)` may be accessed by a syscall (`write`: and stored to).
fn check_range(
    program: &Program,
    pc: u32,
    addr: u32,
    len: u32,
    write: bool,
) -> Result<(), EmuError> {
    if len == 0 {
        return Ok(());
    }
    if !is_addressable(addr, len) {
        return Err(EmuError::AddressOutOfRange { pc, addr, len });
    }
    let code_end = program.base + program.len_bytes();
    if write && addr < code_end && addr + len > program.base {
        return Err(EmuError::StoreToCode { pc, addr: addr.max(program.base) });
    }
    Ok(())
}

/// Execute the `ECALL` at `pc`. Returns `Some(exit code)` for `HALT`.
#[inline(never)]
fn syscall<T: Tracer>(
    regs: &mut [u32; 32],
    memory: &mut Memory,
    io: &mut Io,
    program: &Program,
    tracer: &mut T,
    cycle: u64,
    pc: u32,
) -> Result<Option<u32>, EmuError> {
    let number = regs[reg::SYSCALL_NUMBER as usize];
    let args = reg::SYSCALL_ARGS.map(|r| regs[r as usize]);
    let syscall = match Syscall::from_u32(number) {
        None => return Err(EmuError::UnknownSyscall { pc, number }),
        Some(s) if s.is_reserved() => return Err(EmuError::UnimplementedSyscall { pc, number }),
        Some(s) => s,
    };
    let memory_start = tracer.memory_mark();
    if T::ENABLED {
        tracer.reg_read(cycle, SUB_RS1, reg::SYSCALL_NUMBER, number);
        for (r, v) in reg::SYSCALL_ARGS.into_iter().zip(args) {
            tracer.reg_read(cycle, SUB_RS1, r, v);
        }
    }
    let [a0, a1, _] = args;
    let result = match syscall {
        Syscall::Halt => a0,
        Syscall::InputLen => (io.input.len() - io.input_pos) as u32,
        Syscall::ReadInput => {
            let remaining = io.input.len() - io.input_pos;
            let n = (a1 as usize).min(remaining);
            check_range(program, pc, a0, n as u32, true)?;
            let bytes = &io.input[io.input_pos..io.input_pos + n];
            write_bytes(memory, tracer, cycle, a0, bytes);
            io.input_pos += n;
            n as u32
        }
        Syscall::CommitOutput => {
            check_range(program, pc, a0, a1, false)?;
            read_bytes(memory, tracer, cycle, a0, a1, &mut io.output);
            0
        }
        Syscall::KeccakPermute => {
            if a0 % 4 != 0 {
                return Err(EmuError::MisalignedAccess { pc, addr: a0, width: 4 });
            }
            check_range(program, pc, a0, KECCAK_STATE_BYTES, true)?;
            let mut words = [0u32; KECCAK_STATE_WORDS];
            for (i, w) in words.iter_mut().enumerate() {
                *w = memory.load_word(a0 + 4 * i as u32);
            }
            let mut state = [0u64; 25];
            for (lane, pair) in state.iter_mut().zip(words.chunks_exact(2)) {
                *lane = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
            }
            keccak::Keccak::new().with_f1600(|f| f(&mut state));
            for (i, &prev) in words.iter().enumerate() {
                let lane = state[i / 2];
                let value = if i % 2 == 0 { lane as u32 } else { (lane >> 32) as u32 };
                let addr = a0 + 4 * i as u32;
                memory.store_word(addr, value);
                if T::ENABLED {
                    tracer.mem(cycle, addr, prev, value);
                }
            }
            0
        }
        // A debug syscall: noted beside the run, no register or memory changes.
        Syscall::PhaseMark => {
            io.phase_marks.push((a0, cycle));
            a0
        }
        // Reserved syscalls were rejected above.
        _ => return Err(EmuError::UnimplementedSyscall { pc, number }),
    };
    let halted = syscall == Syscall::Halt;
    // HALT does not return and debug syscalls leave every register as it was.
    if !halted && !syscall.is_debug() {
        let prev = core::mem::replace(&mut regs[reg::SYSCALL_RESULT as usize], result);
        if T::ENABLED {
            tracer.reg_write(cycle, reg::SYSCALL_RESULT, prev, result);
        }
    }
    if T::ENABLED {
        tracer.syscall(SyscallEvent {
            cycle,
            pc,
            number,
            args,
            result,
            memory_start,
            memory_len: 0,
        });
    }
    Ok(halted.then_some(a0))
}

/// Store `bytes` at `addr`, one word at a time, recording one access per word.
fn write_bytes<T: Tracer>(
    memory: &mut Memory,
    tracer: &mut T,
    cycle: u64,
    addr: u32,
    bytes: &[u8],
) {
    let mut i = 0;
    while i < bytes.len() {
        let word_addr = (addr + i as u32) & !3;
        let prev = memory.load_word(word_addr);
        let mut word = prev.to_le_bytes();
        while i < bytes.len() && (addr + i as u32) & !3 == word_addr {
            word[((addr + i as u32) & 3) as usize] = bytes[i];
            i += 1;
        }
        let value = u32::from_le_bytes(word);
        memory.store_word(word_addr, value);
        if T::ENABLED {
            tracer.mem(cycle, word_addr, prev, value);
        }
    }
}

/// Append `len` bytes at `addr` to `out`, recording one read per word.
fn read_bytes<T: Tracer>(
    memory: &Memory,
    tracer: &mut T,
    cycle: u64,
    addr: u32,
    len: u32,
    out: &mut Vec<u8>,
) {
    let mut i = 0;
    while i < len {
        let word_addr = (addr + i) & !3;
        let word = memory.load_word(word_addr);
        let bytes = word.to_le_bytes();
        while i < len && (addr + i) & !3 == word_addr {
            out.push(bytes[((addr + i) & 3) as usize]);
            i += 1;
        }
        if T::ENABLED {
            tracer.mem(cycle, word_addr, word, word);
        }
    }
}
