//! The IO syscalls: `INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT` (see `DESIGN.md`, "As built
//! (IO syscalls)").
//!
//! Two chips share the work:
//!
//! * [`call`] (`IoCallChip`): one row per IO syscall, in execution order. It answers the
//!   CPU's `SYSCALL` message (fixing the result written to `a0`), reads `a1` itself,
//!   keeps the two stream cursors (input bytes consumed, output bytes appended), decides
//!   how many bytes move (`min(a1, remaining)` for a read, `a1` for a commit), and sends
//!   one `IO_TRANSFER` message per call that moves bytes.
//! * [`bytes`] (`IoBytesChip`): one row per aligned RAM word a transfer touches, a call's
//!   rows consecutive. Its first row receives the `IO_TRANSFER` message; each row makes one
//!   read-modify-write access to its word at `clk + 2` and puts each moved byte on the `IO`
//!   bus: input bytes are received (from the input sponge) and written, output bytes are
//!   read and sent (to the output sponge).
//!
//! # The `IO_TRANSFER` message
//!
//! `(stream, clk, word, lane, position, count)`, [`IO_TRANSFER_MESSAGE_WIDTH`] elements:
//!
//! | element | value |
//! | --- | --- |
//! | `stream` | [`IO_INPUT_STREAM`](crate::bus::IO_INPUT_STREAM) (`READ_INPUT`) or [`IO_OUTPUT_STREAM`](crate::bus::IO_OUTPUT_STREAM) (`COMMIT_OUTPUT`) |
//! | `clk` | the `ECALL`'s `clk`; the words are accessed at `clk + 2` |
//! | `word` | `a0 >> 2`, the word address of the first byte (an integer below 2^30) |
//! | `lane` | `a0 & 3`, the first byte's offset in that word |
//! | `position` | the stream position of the first byte (the cursor before the call) |
//! | `count` | the number of bytes moved, `1..2^24` |

pub mod bytes;
pub mod call;

#[cfg(test)]
pub(crate) mod tests;

use alloc::vec::Vec;

pub use bytes::IoBytesChip;
pub use call::{IoCallChip, IoCallPublicValues};

/// Width of an `IO_TRANSFER` message: `(stream, clk, word, lane, position, count)`.
pub const IO_TRANSFER_MESSAGE_WIDTH: usize = 6;

/// The syscall numbers the IO chips answer.
pub const IO_SYSCALLS: [u32; 3] =
    [zkvm_abi::syscall::INPUT_LEN, zkvm_abi::syscall::READ_INPUT, zkvm_abi::syscall::COMMIT_OUTPUT];

/// Timestamp offset (from the call's `clk`) of the `a1` read and of the RAM accesses: the
/// emulator's `SUB_MEMORY`, which no register access of the CPU uses (it reads at `clk`,
/// `clk + 1` and writes at `clk + 3`), and no load or store shares (an `ECALL` cycle).
pub const TS_IO: u32 = 2;

/// One RAM word an IO syscall touches, in plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoWordAccess {
    /// The word address (byte address / 4).
    pub word: u32,
    /// The word before the call.
    pub prev: u32,
    /// The word after the call (`prev` for `COMMIT_OUTPUT`).
    pub new: u32,
    /// Timestamp of the word's previous access (0: its initial value).
    pub prev_ts: u64,
}

/// One IO syscall (`INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT`), in plain integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoCallEvent {
    /// Timestamp of the `ECALL`'s cycle (sub-step 0, the CPU's `clk`).
    pub clk: u64,
    /// The syscall number (`t0`): one of [`IO_SYSCALLS`].
    pub number: u32,
    /// `a0` before the call (the pointer of `READ_INPUT` and `COMMIT_OUTPUT`).
    pub a0: u32,
    /// `a1` before the call (the length of `READ_INPUT` and `COMMIT_OUTPUT`).
    pub a1: u32,
    /// The value written to `a0`.
    pub result: u32,
    /// Timestamp of the previous access to `a1` (register `x11`), before the read at
    /// `clk + 2`.
    pub a1_prev_ts: u64,
    /// The RAM words the call touches, by increasing address (one per aligned word).
    pub words: Vec<IoWordAccess>,
}

impl IoCallEvent {
    /// The number of bytes the call moves: the result of `READ_INPUT`, `a1` for
    /// `COMMIT_OUTPUT`, 0 for `INPUT_LEN`.
    pub fn count(&self) -> u32 {
        match self.number {
            zkvm_abi::syscall::READ_INPUT => self.result,
            zkvm_abi::syscall::COMMIT_OUTPUT => self.a1,
            _ => 0,
        }
    }

    /// The stream the call moves bytes on (`None` for `INPUT_LEN`).
    pub fn stream(&self) -> Option<u8> {
        match self.number {
            zkvm_abi::syscall::READ_INPUT => Some(crate::bus::IO_INPUT_STREAM),
            zkvm_abi::syscall::COMMIT_OUTPUT => Some(crate::bus::IO_OUTPUT_STREAM),
            _ => None,
        }
    }
}

/// A call that moves bytes, with its stream position: what `IO_TRANSFER` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// The call.
    pub call: &'a IoCallEvent,
    /// Its stream ([`crate::bus::IO_INPUT_STREAM`] or [`crate::bus::IO_OUTPUT_STREAM`]).
    pub stream: u8,
    /// The stream position of its first byte.
    pub position: u32,
    /// The number of bytes it moves (not 0).
    pub count: u32,
}

/// The two stream cursors: input bytes consumed and output bytes appended (stream
/// positions, counted from the start of the run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursors {
    /// The position of the next input byte to read.
    pub input: u32,
    /// The position of the next output byte to commit.
    pub output: u32,
}

/// The stream cursors before each call, from `start` (the cursors when the shard starts).
pub fn cursors(calls: &[IoCallEvent], start: Cursors) -> Vec<Cursors> {
    let mut cursor = start;
    calls
        .iter()
        .map(|call| {
            let before = cursor;
            match call.stream() {
                Some(crate::bus::IO_INPUT_STREAM) => cursor.input += call.count(),
                Some(_) => cursor.output += call.count(),
                None => {}
            }
            before
        })
        .collect()
}

/// The stream cursors after the calls, from `start`.
pub fn cursors_after(calls: &[IoCallEvent], start: Cursors) -> Cursors {
    Cursors { input: start.input + input_read_len(calls), output: start.output + output_len(calls) }
}

/// The calls that move bytes, in order, with their stream positions (the cursors start at
/// `start`).
pub fn transfers(calls: &[IoCallEvent], start: Cursors) -> Vec<Transfer<'_>> {
    calls
        .iter()
        .zip(cursors(calls, start))
        .filter_map(|(call, before)| {
            let stream = call.stream()?;
            let position =
                if stream == crate::bus::IO_INPUT_STREAM { before.input } else { before.output };
            let count = call.count();
            (count != 0).then_some(Transfer { call, stream, position, count })
        })
        .collect()
}

/// The output stream the calls commit: each `COMMIT_OUTPUT`'s bytes in order, read off the
/// words it touched.
pub fn output_bytes(calls: &[IoCallEvent]) -> Vec<u8> {
    let mut output = Vec::new();
    for t in transfers(calls, Cursors::default())
        .iter()
        .filter(|t| t.stream == crate::bus::IO_OUTPUT_STREAM)
    {
        let start = (t.call.a0 & 3) as usize;
        let bytes: Vec<u8> = t.call.words.iter().flat_map(|w| w.prev.to_le_bytes()).collect();
        output.extend_from_slice(&bytes[start..start + t.count as usize]);
    }
    output
}

/// Number of input bytes the calls read (consecutive positions from the input cursor).
pub fn input_read_len(calls: &[IoCallEvent]) -> u32 {
    calls.iter().filter(|c| c.number == zkvm_abi::syscall::READ_INPUT).map(|c| c.result).sum()
}

/// Number of output bytes the calls commit.
pub fn output_len(calls: &[IoCallEvent]) -> u32 {
    calls.iter().filter(|c| c.number == zkvm_abi::syscall::COMMIT_OUTPUT).map(|c| c.a1).sum()
}

/// The IO syscalls of a recorded chunk, with their RAM accesses as the emulator recorded
/// them, on the shard's timeline (timestamps restart at the chunk's first cycle, see
/// [`crate::event::shard_timestamp`]). `a1_prev_ts` is left 0: the CPU's trace generation
/// replays the `a1` read, and the words' previous timestamps, on its own register file and
/// RAM.
///
/// # Panics
///
/// If a call's accesses are not one per word, in increasing address order, at the
/// cycle's memory sub-step (the emulator's contract).
#[cfg(any(test, feature = "emulator"))]
pub fn events_from_chunk(chunk: &zkvm_emulator::ExecutionChunk) -> Vec<IoCallEvent> {
    use zkvm_emulator::events::{SUB_MEMORY, SUB_RS1, timestamp};
    let local = |ts: u64| crate::event::shard_timestamp(chunk.start_cycle, ts);
    chunk
        .syscalls
        .iter()
        .filter(|call| IO_SYSCALLS.contains(&call.number))
        .map(|call| {
            let ts = timestamp(call.cycle, SUB_MEMORY);
            let accesses = &chunk.memory[call.memory_start..call.memory_start + call.memory_len];
            let words: Vec<IoWordAccess> = accesses
                .iter()
                .map(|access| {
                    assert_eq!(access.addr % 4, 0, "IO access to an unaligned word");
                    assert_eq!(access.timestamp, ts, "IO access not at SUB_MEMORY");
                    IoWordAccess {
                        word: access.addr / 4,
                        prev: access.prev_value,
                        new: access.value,
                        prev_ts: local(access.prev_timestamp),
                    }
                })
                .collect();
            assert!(
                words.windows(2).all(|w| w[1].word == w[0].word + 1),
                "IO words not consecutive"
            );
            IoCallEvent {
                clk: local(timestamp(call.cycle, SUB_RS1)),
                number: call.number,
                a0: call.args[0],
                a1: call.args[1],
                result: call.result,
                a1_prev_ts: 0,
                words,
            }
        })
        .collect()
}
