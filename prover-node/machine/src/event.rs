//! Plain-integer events that trace generation reads.
//!
//! They carry what the emulator's `InstructionEvent` carries for an ALU instruction
//! (`a = b op c`), with the opcode already mapped to its `EXECUTION` number (see
//! [`crate::opcode`]).

/// One ALU operation: `a = b op c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AluEvent {
    /// The `EXECUTION` opcode (see [`crate::opcode`]).
    pub opcode: u8,
    /// The result.
    pub a: u32,
    /// The first operand (`rs1`).
    pub b: u32,
    /// The second operand (`rs2` or the immediate).
    pub c: u32,
}

impl AluEvent {
    /// An `ADD`: `a = b + c` (wrapping).
    pub const fn add(b: u32, c: u32) -> Self {
        AluEvent { opcode: crate::opcode::ADD, a: b.wrapping_add(c), b, c }
    }

    /// A `SUB`: `a = b − c` (wrapping).
    pub const fn sub(b: u32, c: u32) -> Self {
        AluEvent { opcode: crate::opcode::SUB, a: b.wrapping_sub(c), b, c }
    }

    /// The event of an executed instruction, or `None` if no chip implements its
    /// operation yet.
    #[cfg(feature = "emulator")]
    pub fn from_instruction(event: &zkvm_emulator::events::InstructionEvent) -> Option<Self> {
        let opcode = crate::opcode::execution_opcode(event.instruction.opcode as u8)?;
        Some(AluEvent { opcode, a: event.a, b: event.b, c: event.c })
    }
}

/// Timestamps per cycle, on the emulator's timeline and on a shard's (cycle `n` owns the
/// timestamps `4·(n + 1) + sub`, `sub < 4`).
pub const TIMESTAMPS_PER_CYCLE: u64 = 4;

/// A timestamp of the emulator's run (cycles counted from the run's start) on the timeline
/// of a shard that starts at cycle `start_cycle`, where timestamps restart: the run's cycle
/// `n` is the shard's cycle `n − start_cycle`. A timestamp before the shard (an access of an
/// earlier shard, or the run's initial state) becomes 0, the shard's initial state.
pub const fn shard_timestamp(start_cycle: u64, ts: u64) -> u64 {
    let shift = TIMESTAMPS_PER_CYCLE * start_cycle;
    if ts < shift + TIMESTAMPS_PER_CYCLE { 0 } else { ts - shift }
}
