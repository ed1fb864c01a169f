//! Trace generation of the CPU.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::air::{CLK_STEP, TS_RD, TS_RS1, TS_RS2};
use super::columns::{CpuCols, CpuPublicValues, NUM_CPU_COLS, NUM_CPU_PUBLIC_VALUES};
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::chips::io::{self, IoCallEvent};
use crate::chips::keccak::{self, KeccakPermuteEvent};
use crate::chips::load_store::{LoadStoreEvent, TS_MEMORY};
use crate::chips::memory::RegisterFile;
use crate::chips::noop_syscall::{NOOP_SYSCALLS, NoopSyscallEvent};
use crate::chips::program::ProgramRom;
use crate::chips::ram::Ram;
use crate::event::AluEvent;
use crate::execution::ShardStart;
use crate::memory_root::SparseMemory;
use crate::opcode;
use crate::word::Word;

/// One executed instruction, as the emulator records it (`InstructionEvent`): `b` is the
/// `rs1` value, `c` the `rs2` value or the immediate, `a` the value written to `rd` (for
/// `ECALL`: `b = t0`, `c = a0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuEvent {
    /// Address of the instruction.
    pub pc: u32,
    /// Address of the next instruction.
    pub next_pc: u32,
    /// Value written to `rd`.
    pub a: u32,
    /// First operand.
    pub b: u32,
    /// Second operand.
    pub c: u32,
}

/// The CPU's trace and what the other chips' traces need from it (`'m`: the shard's
/// initial memory, which the RAM reads).
#[derive(Debug, Clone)]
pub struct CpuTrace<'m, F> {
    /// The main trace.
    pub trace: RowMajorMatrix<F>,
    /// The public values ([`CpuPublicValues`]).
    pub public_values: Vec<F>,
    /// The `EXECUTION` messages sent, in order.
    pub alu: Vec<AluEvent>,
    /// Executions of each ROM row.
    pub rom_counts: Vec<u32>,
    /// The register file after the last row (for the registers chip).
    pub registers: RegisterFile,
    /// The loads and stores, in order (for the load/store chip).
    pub memory: Vec<LoadStoreEvent>,
    /// The RAM after the last row (for the RAM boundary, page and Merkle chips).
    pub ram: Ram<'m>,
    /// The `KECCAK_PERMUTE` calls, in order, with the previous timestamps of the replay.
    pub keccak: Vec<KeccakPermuteEvent>,
    /// The debug syscalls (no-ops), in order.
    pub noop_syscalls: Vec<NoopSyscallEvent>,
    /// The IO syscalls, in order, with the previous timestamps of the replay (`a1`'s and
    /// every word's).
    pub io: Vec<IoCallEvent>,
}

/// The result `a` of the `EXECUTION` operation a branch sends.
fn branch_result(exec_opcode: u8, b: u32, c: u32) -> u32 {
    match exec_opcode {
        opcode::SUB => b.wrapping_sub(c),
        opcode::SLT => ((b as i32) < (c as i32)) as u32,
        opcode::SLTU => (b < c) as u32,
        other => panic!("branch with EXECUTION opcode {other}"),
    }
}

/// Fill the CPU trace from the executed instructions, in order, starting at the program's
/// entry with the initial registers and the RAM holding `memory` (the shard's initial
/// memory; hashed, see [`SparseMemory::update_pages`]); record the byte-table requests the
/// constraints send.
///
/// 1. For each event: take its ROM row; replay its register accesses on a register file
///    (timestamps `clk + 0/1/3`, `clk = 4·(row + 1)`), checking the values against the
///    event; for loads, stores and `JALR` compute `addr = b + offset` (an `ADD`), and
///    replay loads and stores on the RAM (from `memory`, at `clk + 2`);
///    derive `a` for branches; count the ROM row; collect the `EXECUTION` messages.
/// 2. Pad with rows that stay at the end `pc`, keep the halted flag and the exit code.
///
/// # Panics
///
/// If an event does not match the ROM or the replayed registers (the record is not a run
/// of this program: a bug of the caller).
pub fn generate_trace<'m, F: Field>(
    rom: &ProgramRom,
    memory: &'m SparseMemory,
    events: &[CpuEvent],
    bytes: &mut ByteRecord,
) -> CpuTrace<'m, F> {
    let start = ShardStart::initial(rom.entry);
    generate_trace_with_syscalls(rom, &start, memory, events, &[], &[], bytes, 0)
}

/// [`generate_trace`] for a shard with syscalls, from `start` (its first `pc` and its
/// registers; timestamps restart at 0 in every shard): `keccak_calls` are the shard's
/// `KECCAK_PERMUTE` calls in order (their `clk`, pointer, input and output), `io_calls` its
/// `INPUT_LEN`, `READ_INPUT` and `COMMIT_OUTPUT` calls in order (`clk`, `a0`, `a1`,
/// result, and the words touched with their values before and after); the previous
/// timestamps are recomputed by the replay. Each non-`HALT` `ECALL` sends `(t0, a0,
/// result, clk)` and writes the result to `a0` at `clk + 3`; a `KECCAK_PERMUTE` replays
/// its 50 word accesses on the RAM at `clk + 2` (so the RAM boundary includes the state);
/// an IO syscall replays the read of `a1` (`x11`) on the register file at `clk + 2` and
/// the access to every word it touches on the RAM at `clk + 2`; a debug syscall
/// (`PHASE_MARK`) is a no-op whose result is `a0`. The trace has at least `min_height` rows
/// (0 or a power of two; padding rows as below it: the clock runs on, the pc stays).
///
/// # Panics
///
/// As [`generate_trace`]; also if a syscall has no chip (only `HALT`, the IO syscalls,
/// `KECCAK_PERMUTE` and `PHASE_MARK` are proven), or the recorded calls do not match the
/// run (a word's previous value or `a1` differs from the replay's).
// The shard's start, memory, events, the syscalls' own events, the byte record and the
// height: each a different part of the shard, named at every call.
#[allow(clippy::too_many_arguments)]
pub fn generate_trace_with_syscalls<'m, F: Field>(
    rom: &ProgramRom,
    start: &ShardStart,
    memory: &'m SparseMemory,
    events: &[CpuEvent],
    keccak_calls: &[KeccakPermuteEvent],
    io_calls: &[IoCallEvent],
    bytes: &mut ByteRecord,
    min_height: usize,
) -> CpuTrace<'m, F> {
    let mut keccak_calls = keccak_calls.iter();
    let mut keccak_out = Vec::new();
    let mut io_calls = io_calls.iter();
    let mut io_out = Vec::new();
    let mut noop_syscalls = Vec::new();
    let halt = zkvm_abi::syscall::HALT;
    let height = height_at_least(events.len(), min_height);
    let mut values = F::zero_vec(height * NUM_CPU_COLS);
    let mut registers = RegisterFile::new(start.registers);
    let mut ram = Ram::new(memory);
    let mut memory = Vec::new();
    let mut rom_counts = vec![0u32; rom.instructions.len()];
    let mut alu = Vec::new();
    let exit_code = events
        .iter()
        .find(|e| rom.get(e.pc).is_some_and(|r| r.is_halt) && e.b == halt)
        .map_or(0, |e| e.c);
    let mut halted = false;
    let mut pc = start.pc;
    let start_pc = pc;

    let rows = values.chunks_exact_mut(NUM_CPU_COLS);
    for (i, row) in rows.enumerate() {
        let cols: &mut CpuCols<F> = row.borrow_mut();
        let clk = CLK_STEP as u64 * (i as u64 + 1);
        cols.clk = F::from_u64(clk);
        cols.exit_code = Word::from_u32(exit_code);
        let Some(event) = events.get(i) else {
            // Padding: stay at the end pc; a = 0.
            cols.pc = F::from_u32(pc);
            cols.next_pc = F::from_u32(pc);
            cols.a_is_zero = F::ONE;
            cols.halted = F::from_bool(halted);
            continue;
        };
        assert_eq!(event.pc, pc, "row {i}: event pc does not follow the previous next_pc");
        let inst = *rom
            .get(event.pc)
            .unwrap_or_else(|| panic!("row {i}: no executable instruction at {:#x}", event.pc));
        rom_counts[rom.row_of(event.pc)] += 1;
        cols.is_real = F::ONE;
        cols.pc = F::from_u32(event.pc);
        cols.instruction = inst.to_cols();

        // Operands, read through the register file.
        let b = if inst.reads_rs1 {
            let (value, prev_ts) =
                registers.access(inst.rs1, registers.values[inst.rs1 as usize], clk);
            cols.rs1_access.populate(clk + TS_RS1 as u64, prev_ts, bytes);
            value
        } else {
            0
        };
        let c = if inst.reads_rs2 {
            let ts = clk + TS_RS2 as u64;
            let (value, prev_ts) =
                registers.access(inst.rs2, registers.values[inst.rs2 as usize], ts);
            cols.rs2_access.populate(ts, prev_ts, bytes);
            value
        } else if inst.imm_c {
            inst.imm
        } else {
            0
        };
        if inst.reads_rs1 {
            assert_eq!(b, event.b, "row {i} ({:#x}): rs1 value", event.pc);
        }
        if inst.reads_rs2 || inst.imm_c {
            assert_eq!(c, event.c, "row {i} ({:#x}): second operand", event.pc);
        }

        // The address of loads, stores and JALR.
        let addr = b.wrapping_add(inst.offset);
        if inst.is_load || inst.is_store || inst.is_jalr {
            alu.push(AluEvent { opcode: opcode::ADD, a: addr, b, c: inst.offset });
            cols.addr = Word::from_u32(addr);
        }
        // The RAM access of loads and stores.
        let mut loaded = 0;
        if inst.is_load || inst.is_store {
            let ts = clk + TS_MEMORY as u64;
            let (prev, _) = ram.read(addr >> 2);
            let (value, new) = LoadStoreEvent::execute(inst.opcode, addr, c, prev);
            let (_, prev_ts) = ram.access(addr >> 2, new, ts);
            memory.push(LoadStoreEvent {
                opcode: inst.opcode,
                clk,
                addr,
                value,
                prev,
                new,
                prev_ts,
            });
            loaded = value;
        }

        // A syscall (an ECALL whose t0 is not HALT): its chip's work, and its result.
        let is_syscall = inst.is_halt && b != halt;
        let mut syscall_result = 0;
        if is_syscall {
            let t0_sum: u32 = b.to_le_bytes().iter().map(|&l| l as u32).sum();
            cols.is_syscall = F::ONE;
            cols.t0_sum_inv = F::from_u32(t0_sum).inverse();
            if b == zkvm_abi::syscall::KECCAK_PERMUTE {
                let call = *keccak_calls.next().unwrap_or_else(|| {
                    panic!("row {i} ({:#x}): KECCAK_PERMUTE with no recorded call", event.pc)
                });
                assert_eq!((call.clk, call.ptr), (clk, c), "row {i}: KECCAK_PERMUTE call");
                let ts = clk + keccak::TS_MEMORY as u64;
                let mut replayed = call;
                for w in 0..keccak::STATE_WORDS {
                    let word = (c >> 2) + w as u32;
                    let (prev, prev_ts) = ram.access(word, call.output[w], ts);
                    assert_eq!(prev, call.input[w], "row {i}: Keccak state word {w} input");
                    replayed.prev_ts[w] = prev_ts;
                }
                keccak_out.push(replayed);
                syscall_result = 0;
            } else if NOOP_SYSCALLS.contains(&b) {
                noop_syscalls.push(NoopSyscallEvent { clk, a0: c });
                syscall_result = c;
            } else if io::IO_SYSCALLS.contains(&b) {
                let mut call = io_calls
                    .next()
                    .unwrap_or_else(|| {
                        panic!("row {i} ({:#x}): IO syscall {b:#x} with no recorded call", event.pc)
                    })
                    .clone();
                assert_eq!((call.clk, call.number, call.a0), (clk, b, c), "row {i}: IO call");
                let ts = clk + io::TS_IO as u64;
                let a1 = zkvm_abi::reg::A1;
                let (value, prev_ts) = registers.access(a1, registers.values[a1 as usize], ts);
                assert_eq!(value, call.a1, "row {i}: IO call's a1");
                call.a1_prev_ts = prev_ts;
                for (w, word) in call.words.iter_mut().enumerate() {
                    let (prev, prev_ts) = ram.access(word.word, word.new, ts);
                    assert_eq!(prev, word.prev, "row {i}: IO call's word {w}");
                    word.prev_ts = prev_ts;
                }
                syscall_result = call.result;
                io_out.push(call);
            } else {
                panic!(
                    "row {i} ({:#x}): syscall {b:#x} has no chip yet (proven: HALT, \
                     INPUT_LEN, READ_INPUT, COMMIT_OUTPUT, KECCAK_PERMUTE, PHASE_MARK)",
                    event.pc
                );
            }
        }

        // The result.
        let a = if is_syscall {
            syscall_result
        } else if inst.rd_from_imm {
            inst.imm
        } else if inst.is_branch {
            branch_result(inst.exec_opcode, b, c)
        } else if inst.sends_execution {
            event.a
        } else if inst.is_load {
            loaded
        } else if inst.is_store {
            c
        } else {
            0
        };
        if inst.writes_rd {
            let ts = clk + TS_RD as u64;
            assert_eq!(a, event.a, "row {i} ({:#x}): rd value", event.pc);
            let (prev, prev_ts) = registers.access(inst.rd, a, ts);
            cols.rd_access.populate(ts, prev_ts, bytes);
            cols.rd_prev = Word::from_u32(prev);
        }
        if is_syscall {
            let ts = clk + TS_RD as u64;
            assert_eq!(a, event.a, "row {i} ({:#x}): syscall result", event.pc);
            let (prev, prev_ts) = registers.access(zkvm_abi::reg::A0, a, ts);
            cols.rd_access.populate(ts, prev_ts, bytes);
            cols.rd_prev = Word::from_u32(prev);
        }
        if inst.sends_execution {
            alu.push(AluEvent { opcode: inst.exec_opcode, a, b, c });
        }
        cols.a = Word::from_u32(a);
        cols.b = Word::from_u32(b);
        cols.c = Word::from_u32(c);

        // a == 0, and the branch decision.
        let a_sum: u32 = a.to_le_bytes().iter().map(|&l| l as u32).sum();
        cols.a_is_zero = F::from_bool(a_sum == 0);
        cols.a_sum_inv = F::from_u32(a_sum).try_inverse().unwrap_or(F::ZERO);
        let taken = inst.is_branch && (a == 0) == inst.branch_if_zero;
        cols.branch_taken = F::from_bool(taken);
        let next_pc = if inst.is_jalr {
            cols.jalr_lsb = F::from_u32(addr & 1);
            bytes.add(ByteOp::Range, 4 * (addr >> 24), 0);
            addr & !1
        } else if inst.is_jump || taken {
            inst.target
        } else {
            event.pc + 4
        };
        assert_eq!(next_pc, event.next_pc, "row {i} ({:#x}): next pc", event.pc);
        cols.next_pc = F::from_u32(next_pc);

        halted |= inst.is_halt && !is_syscall;
        cols.halted = F::from_bool(halted);
        pc = next_pc;
    }

    assert!(io_calls.next().is_none(), "recorded IO calls the run did not make");

    let mut public_values = F::zero_vec(NUM_CPU_PUBLIC_VALUES);
    let pv: &mut CpuPublicValues<F> = public_values.as_mut_slice().borrow_mut();
    pv.start_pc = F::from_u32(start_pc);
    pv.end_pc = F::from_u32(pc);
    pv.halted = F::from_bool(halted);
    pv.exit_code = Word::from_u32(if halted { exit_code } else { 0 });
    CpuTrace {
        trace: RowMajorMatrix::new(values, NUM_CPU_COLS),
        public_values,
        alu,
        rom_counts,
        registers,
        memory,
        ram,
        keccak: keccak_out,
        noop_syscalls,
        io: io_out,
    }
}
