//! The seam between execution and recording: the executor is generic over a [`Tracer`];
//! fast mode uses [`NoTracer`], whose `ENABLED = false` removes every recording branch at
//! compile time, and recording mode uses [`Recorder`].

use crate::events::{
    ExecutionChunk, InstructionEvent, MemoryAccess, MemoryInstructionEvent, RegisterAccess,
    SyscallEvent, timestamp,
};
use crate::instruction::InstructionClass;
use crate::memory::PageTable;

/// Receives what the executor does. Methods are only called when `ENABLED` is true.
pub(crate) trait Tracer {
    /// Whether the executor should record at all.
    const ENABLED: bool;
    /// A register read at sub-step `sub` of `cycle`.
    fn reg_read(&mut self, cycle: u64, sub: u64, reg: u8, value: u32);
    /// A register write at the `rd` sub-step of `cycle`.
    fn reg_write(&mut self, cycle: u64, reg: u8, prev_value: u32, value: u32);
    /// A memory-word access at the memory sub-step of `cycle`.
    fn mem(&mut self, cycle: u64, addr: u32, prev_value: u32, value: u32) -> MemoryAccess;
    /// An executed instruction, with its memory access for loads and stores.
    fn instruction(&mut self, event: InstructionEvent, mem: Option<(u32, MemoryAccess)>);
    /// A completed syscall (`memory_start` / `memory_len` are filled in by the tracer from
    /// `memory_mark`).
    fn syscall(&mut self, event: SyscallEvent);
    /// Number of memory accesses recorded so far in the current chunk.
    fn memory_mark(&self) -> usize;
}

/// Records nothing (fast mode).
pub(crate) struct NoTracer;

impl Tracer for NoTracer {
    const ENABLED: bool = false;
    #[inline(always)]
    fn reg_read(&mut self, _: u64, _: u64, _: u8, _: u32) {}
    #[inline(always)]
    fn reg_write(&mut self, _: u64, _: u8, _: u32, _: u32) {}
    #[inline(always)]
    fn mem(&mut self, _: u64, _: u32, _: u32, _: u32) -> MemoryAccess {
        MemoryAccess::default()
    }
    #[inline(always)]
    fn instruction(&mut self, _: InstructionEvent, _: Option<(u32, MemoryAccess)>) {}
    #[inline(always)]
    fn syscall(&mut self, _: SyscallEvent) {}
    #[inline(always)]
    fn memory_mark(&self) -> usize {
        0
    }
}

/// Records events into a reusable [`ExecutionChunk`] and keeps the last-access timestamp
/// of every register and memory word across chunks.
pub(crate) struct Recorder {
    pub(crate) chunk: ExecutionChunk,
    reg_ts: [u64; 32],
    mem_ts: PageTable<u64>,
}

impl Recorder {
    pub(crate) fn new() -> Self {
        Recorder { chunk: ExecutionChunk::default(), reg_ts: [0; 32], mem_ts: PageTable::new() }
    }
}

impl Tracer for Recorder {
    const ENABLED: bool = true;

    #[inline(always)]
    fn reg_read(&mut self, cycle: u64, sub: u64, reg: u8, value: u32) {
        let ts = timestamp(cycle, sub);
        let slot = &mut self.reg_ts[(reg & 31) as usize];
        let prev_timestamp = core::mem::replace(slot, ts);
        self.chunk.registers.push(RegisterAccess {
            reg,
            value,
            prev_value: value,
            timestamp: ts,
            prev_timestamp,
        });
    }

    #[inline(always)]
    fn reg_write(&mut self, cycle: u64, reg: u8, prev_value: u32, value: u32) {
        let ts = timestamp(cycle, crate::events::SUB_RD);
        let slot = &mut self.reg_ts[(reg & 31) as usize];
        let prev_timestamp = core::mem::replace(slot, ts);
        self.chunk.registers.push(RegisterAccess {
            reg,
            value,
            prev_value,
            timestamp: ts,
            prev_timestamp,
        });
    }

    #[inline(always)]
    fn mem(&mut self, cycle: u64, addr: u32, prev_value: u32, value: u32) -> MemoryAccess {
        let ts = timestamp(cycle, crate::events::SUB_MEMORY);
        let prev_timestamp = self.mem_ts.replace(addr, ts);
        let access = MemoryAccess { addr, value, prev_value, timestamp: ts, prev_timestamp };
        self.chunk.memory.push(access);
        access
    }

    #[inline(always)]
    fn instruction(&mut self, event: InstructionEvent, mem: Option<(u32, MemoryAccess)>) {
        let c = &mut self.chunk;
        match event.instruction.opcode.class() {
            InstructionClass::Alu => c.alu.push(event),
            InstructionClass::MulDiv => c.mul_div.push(event),
            InstructionClass::Upper => c.upper.push(event),
            InstructionClass::Branch => c.branch.push(event),
            InstructionClass::Jump => c.jump.push(event),
            InstructionClass::System => c.system.push(event),
            class @ (InstructionClass::Load | InstructionClass::Store) => {
                let (addr, access) = mem.unwrap_or_default();
                let e = MemoryInstructionEvent { step: event, addr, access };
                if class == InstructionClass::Load { c.load.push(e) } else { c.store.push(e) }
            }
        }
    }

    fn syscall(&mut self, mut event: SyscallEvent) {
        event.memory_len = self.chunk.memory.len() - event.memory_start;
        self.chunk.syscalls.push(event);
    }

    fn memory_mark(&self) -> usize {
        self.chunk.memory.len()
    }
}
