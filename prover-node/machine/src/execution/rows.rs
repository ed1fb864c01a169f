//! Each chip's rows for a recorded chunk, counted from the emulator's events without
//! generating a trace: what a cut by capacity needs to know while a shard grows (see
//! DESIGN.md, "The row counts the cut needs"). `rows_test` pins every count to the height
//! trace generation gives.

use alloc::collections::BTreeSet;

use zkvm_emulator::ExecutionChunk;
use zkvm_emulator::Opcode;

use super::chip_index::{self as c, COUNT};
use crate::chips::io::IO_SYSCALLS;
use crate::chips::keccak::ROWS_PER_PERMUTATION;
use crate::chips::noop_syscall::NOOP_SYSCALLS;
use crate::io_digest::num_blocks;
use crate::memory_root::{PAGE_BLOCKS, PAGE_WORDS, PAGE_WORDS_LOG, TREE_DEPTH};

/// The chip an `EXECUTION` message of `op` (after `ProgramRom`'s immediate and branch
/// mapping) goes to.
fn execution_chip(op: Opcode) -> usize {
    use Opcode::*;
    match op {
        Add | Addi | Sub | Beq | Bne => c::ADD_SUB,
        And | Andi | Or | Ori | Xor | Xori => c::BITWISE,
        Sll | Slli | Srl | Srli | Sra | Srai => c::SHIFT,
        Slt | Slti | Sltu | Sltiu | Blt | Bge | Bltu | Bgeu => c::LT,
        Mul | Mulh | Mulhsu | Mulhu => c::MUL,
        Div | Divu | Rem | Remu => c::DIVREM,
        other => unreachable!("{other:?} sends no EXECUTION message"),
    }
}

/// Each chip's rows (before padding) for the shard `chunk` records; the fixed-height chips
/// (program, registers, byte table) are 0.
pub fn shard_rows(chunk: &ExecutionChunk) -> [usize; COUNT] {
    let mut counter = RowCounter::default();
    counter.update(chunk);
    counter.rows()
}

/// [`shard_rows`] kept up to date as a chunk grows: [`RowCounter::update`] reads only the
/// events recorded since its last call (a new chunk starts the count again), so asking
/// after every step of a recording costs the chunk's length once.
#[derive(Debug, Clone, Default)]
pub struct RowCounter {
    /// The chunk counted (its index), and how many of each event list were read.
    chunk: Option<u64>,
    seen: Seen,
    /// Counts by instruction and syscall (the set-based chips are filled in by `rows`).
    counts: [usize; COUNT],
    pages: BTreeSet<u32>,
    ancestors: BTreeSet<(usize, u32)>,
    keccak: usize,
    read: usize,
    committed: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Seen {
    alu: usize,
    mul_div: usize,
    branch: usize,
    jump: usize,
    load: usize,
    store: usize,
    syscalls: usize,
    memory: usize,
    instructions: usize,
}

impl RowCounter {
    /// Count the events `chunk` recorded since the last call.
    pub fn update(&mut self, chunk: &ExecutionChunk) {
        let grown = |seen: usize, now: usize| seen <= now;
        let same_chunk = self.chunk == Some(chunk.index)
            && grown(self.seen.alu, chunk.alu.len())
            && grown(self.seen.mul_div, chunk.mul_div.len())
            && grown(self.seen.branch, chunk.branch.len())
            && grown(self.seen.jump, chunk.jump.len())
            && grown(self.seen.load, chunk.load.len())
            && grown(self.seen.store, chunk.store.len())
            && grown(self.seen.syscalls, chunk.syscalls.len())
            && grown(self.seen.memory, chunk.memory.len());
        if !same_chunk {
            *self = RowCounter { chunk: Some(chunk.index), ..RowCounter::default() };
        }
        let counts = &mut self.counts;
        // ALU and MUL/DIV instructions send their operation unless rd is x0 (a no-op row).
        for e in chunk.alu[self.seen.alu..].iter().chain(&chunk.mul_div[self.seen.mul_div..]) {
            if e.instruction.rd != 0 {
                counts[execution_chip(e.instruction.opcode)] += 1;
            }
        }
        // Branches send their comparison; loads, stores and JALR their address ADD.
        for e in &chunk.branch[self.seen.branch..] {
            counts[execution_chip(e.instruction.opcode)] += 1;
        }
        counts[c::ADD_SUB] += chunk.jump[self.seen.jump..]
            .iter()
            .filter(|e| e.instruction.opcode == Opcode::Jalr)
            .count();
        let memory_instructions =
            chunk.load.len() - self.seen.load + chunk.store.len() - self.seen.store;
        counts[c::ADD_SUB] += memory_instructions;
        counts[c::LOAD_STORE] += memory_instructions;
        // The touched pages and their ancestors in the memory tree.
        for access in &chunk.memory[self.seen.memory..] {
            let page = (access.addr >> 2) >> PAGE_WORDS_LOG;
            if self.pages.insert(page) {
                self.ancestors.extend((1..=TREE_DEPTH).map(|level| (level, page >> level)));
            }
        }
        // Syscalls.
        for s in &chunk.syscalls[self.seen.syscalls..] {
            let [a0, a1, _] = s.args;
            if s.number == zkvm_abi::syscall::KECCAK_PERMUTE {
                self.keccak += 1;
            } else if NOOP_SYSCALLS.contains(&s.number) {
                counts[c::NOOP_SYSCALL] += 1;
            } else if IO_SYSCALLS.contains(&s.number) {
                counts[c::IO_CALL] += 1;
                let count = match s.number {
                    zkvm_abi::syscall::READ_INPUT => s.result,
                    zkvm_abi::syscall::COMMIT_OUTPUT => a1,
                    _ => 0,
                } as usize;
                if count > 0 {
                    counts[c::IO_BYTES] += ((a0 & 3) as usize + count).div_ceil(4);
                }
                match s.number {
                    zkvm_abi::syscall::READ_INPUT => self.read += count,
                    zkvm_abi::syscall::COMMIT_OUTPUT => self.committed += count,
                    _ => {}
                }
            }
        }
        self.seen = Seen {
            alu: chunk.alu.len(),
            mul_div: chunk.mul_div.len(),
            branch: chunk.branch.len(),
            jump: chunk.jump.len(),
            load: chunk.load.len(),
            store: chunk.store.len(),
            syscalls: chunk.syscalls.len(),
            memory: chunk.memory.len(),
            instructions: chunk.instruction_count(),
        };
    }

    /// Each chip's rows (before padding) for what was counted; 0 for the fixed-height chips.
    pub fn rows(&self) -> [usize; COUNT] {
        let mut rows = self.counts;
        rows[c::CPU] = self.seen.instructions;
        rows[c::RAM] = PAGE_WORDS * self.pages.len();
        // Each page hashed twice: before and after the shard.
        rows[c::PAGE] = 2 * PAGE_BLOCKS * self.pages.len();
        // With no page touched, the Merkle chip still proves the (unchanged) root.
        rows[c::MERKLE] = self.ancestors.len().max(1);
        // At least one (all-zero) permutation.
        rows[c::KECCAK] = ROWS_PER_PERMUTATION * self.keccak.max(1);
        rows[c::INPUT_SPONGE] = num_blocks(self.read);
        rows[c::OUTPUT_SPONGE] = num_blocks(self.committed);
        rows
    }
}

/// The most rows one cycle can add to each chip, for the chips a cut can bound: one
/// instruction is one CPU row and at most one operation row; a load, store or
/// `KECCAK_PERMUTE` touches at most two new pages (the Keccak state is 200 bytes), each 256
/// RAM rows, 2 × 64 page rows and 22 Merkle ancestors; a `KECCAK_PERMUTE` is 24 rows. The
/// IO bytes and sponge chips (and the RAM pages of an IO call) grow with a call's length,
/// which is not known before the call: 0 here, checked after the shard is recorded.
pub const MAX_ROWS_PER_CYCLE: [usize; COUNT] = {
    let mut m = [1; COUNT];
    let mut i = 0;
    while i < c::FIXED_HEIGHT.len() {
        m[c::FIXED_HEIGHT[i]] = 0;
        i += 1;
    }
    m[c::RAM] = 2 * PAGE_WORDS;
    m[c::PAGE] = 2 * 2 * PAGE_BLOCKS;
    m[c::MERKLE] = 2 * TREE_DEPTH;
    m[c::KECCAK] = ROWS_PER_PERMUTATION;
    m[c::IO_BYTES] = 0;
    m[c::INPUT_SPONGE] = 0;
    m[c::OUTPUT_SPONGE] = 0;
    m
};

/// Most bytes one IO call (`READ_INPUT`, `COMMIT_OUTPUT`) moves in a run proven in fixed
/// shapes: the block-validator guest reads its input in pieces of this size. A cut keeps
/// room for one such call in every chip whose shape can hold one; a longer call can
/// overflow a shape (the prover's `ShapeOverflow`).
pub const MAX_IO_CALL_BYTES: usize = 16 * 1024;

/// The most rows one IO call of [`MAX_IO_CALL_BYTES`] adds: its words, sponge blocks and
/// pages (one more page when unaligned), and the call's row.
pub const IO_CALL_ROWS: [usize; COUNT] = {
    let pages = MAX_IO_CALL_BYTES / (4 * PAGE_WORDS) + 1;
    let mut m = [0; COUNT];
    m[c::CPU] = 1;
    m[c::IO_CALL] = 1;
    m[c::IO_BYTES] = MAX_IO_CALL_BYTES / 4 + 1;
    m[c::INPUT_SPONGE] = MAX_IO_CALL_BYTES / crate::io_digest::IO_BLOCK_BYTES + 1;
    m[c::OUTPUT_SPONGE] = MAX_IO_CALL_BYTES / crate::io_digest::IO_BLOCK_BYTES + 1;
    m[c::RAM] = pages * PAGE_WORDS;
    m[c::PAGE] = pages * 2 * PAGE_BLOCKS;
    m[c::MERKLE] = pages * TREE_DEPTH;
    m
};

/// A cut by capacity: a shard ends before any chip could pass its rows in `caps` (a shard
/// shape's heights). [`CapacityCut::room`] is the emulator's `room` callback.
#[derive(Debug, Clone)]
pub struct CapacityCut {
    caps: [usize; COUNT],
    counter: RowCounter,
}

impl CapacityCut {
    /// Every chip's rows for `chunk` so far ([`RowCounter::rows`], from the counter the cut
    /// keeps: after the last `room` call only the last step's events are new).
    pub fn rows(&mut self, chunk: &ExecutionChunk) -> [usize; COUNT] {
        self.counter.update(chunk);
        self.counter.rows()
    }

    /// A cut at `caps` rows per chip (0 for a chip means no bound: the fixed-height chips).
    pub fn new(caps: [usize; COUNT]) -> Self {
        CapacityCut { caps, counter: RowCounter::default() }
    }

    /// How many more cycles `chunk` can take with every bounded chip within its cap: the
    /// least over the chips of free rows over [`MAX_ROWS_PER_CYCLE`]; and 0 (end the shard)
    /// once a chip that can hold an IO call of [`MAX_IO_CALL_BYTES`] has no room left for
    /// one ([`IO_CALL_ROWS`]).
    pub fn room(&mut self, chunk: &ExecutionChunk) -> u64 {
        let rows = self.rows(chunk);
        let no_room_for_io = (0..COUNT).any(|chip| {
            let (cap, need) = (self.caps[chip], IO_CALL_ROWS[chip]);
            cap > 0 && need > 0 && cap >= 2 * need && cap.saturating_sub(rows[chip]) < need
        });
        if no_room_for_io {
            return 0;
        }
        (0..COUNT)
            .filter(|&chip| self.caps[chip] > 0 && MAX_ROWS_PER_CYCLE[chip] > 0)
            .map(|chip| {
                (self.caps[chip].saturating_sub(rows[chip]) / MAX_ROWS_PER_CYCLE[chip]) as u64
            })
            .min()
            .unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use p3_matrix::Matrix;

    use super::{RowCounter, shard_rows};
    use crate::chips::height_at_least;
    use crate::chips::program::ProgramRom;
    use crate::execution::chip_index as c;
    use crate::execution::programs::{keccak_program, mixed, sharded_io_program, sum_loop};
    use crate::execution::{ExecutionRecord, image_memory};
    use crate::testing::F;

    /// Run `elf` in shards of `cut` cycles and check that every chip's counted rows pad to
    /// the height its trace has. Returns the number of shards.
    fn check_counts(elf: &[u8], input: &[u8], cut: u64) -> usize {
        let rom = ProgramRom::from_elf(elf).expect("rom");
        let mut memory = image_memory(&rom.memory);
        let mut cursors = (0, 0);
        let mut shards = 0;
        // The counter follows the chunk as it grows (asked every 7 cycles, as a cut by
        // capacity asks) and must end where a count of the whole chunk does.
        let counter = core::cell::RefCell::new(RowCounter::default());
        let room = |chunk: &zkvm_emulator::ExecutionChunk| {
            counter.borrow_mut().update(chunk);
            7
        };
        let mut emulator = zkvm_emulator::Emulator::new(elf, input.to_vec()).expect("loads");
        emulator
            .execute_recording_with_room(cut, room, |chunk| {
                let counted = shard_rows(chunk);
                counter.borrow_mut().update(chunk);
                assert_eq!(counter.borrow().rows(), counted, "shard {shards}: incremental count");
                let record = ExecutionRecord::from_chunk(chunk, input, cursors.0, cursors.1);
                let end = record.shard_end();
                cursors = (end.input_cursor, end.output_cursor);
                let traces = record.generate_traces::<F>(&rom, &mut memory);
                for (chip, (&rows, trace)) in counted.iter().zip(&traces.traces).enumerate() {
                    if c::FIXED_HEIGHT.contains(&chip) {
                        continue;
                    }
                    assert_eq!(
                        height_at_least(rows, 0),
                        trace.height(),
                        "shard {shards}, chip {chip}: {rows} rows counted"
                    );
                }
                // Counts that are exact, not only to the power of two.
                assert_eq!(counted[c::CPU], record.cpu.len());
                assert_eq!(counted[c::IO_CALL], record.io.len());
                shards += 1;
            })
            .expect("runs");
        shards
    }

    #[test]
    fn counted_rows_pad_to_the_generated_heights() {
        let io_input: alloc::vec::Vec<u8> =
            (0..23u8).map(|i| i.wrapping_mul(91).wrapping_add(7)).collect();
        for (elf, input, cut) in [
            (sum_loop(300), &[][..], 200),
            (sum_loop(300), &[][..], 1 << 20),
            (mixed(40), &[][..], 97),
            (keccak_program(), &[][..], 1 << 12),
            (keccak_program(), &[][..], 50),
            (sharded_io_program(), &io_input[..], 24),
            (sharded_io_program(), &io_input[..], 1 << 20),
        ] {
            assert!(check_counts(&elf, input, cut) >= 1);
        }
    }

    #[test]
    fn a_capacity_cut_keeps_every_bounded_chip_within_its_cap() {
        use super::{CapacityCut, MAX_ROWS_PER_CYCLE};
        // Caps small enough to cut often: Keccak (2 permutations), RAM (2 pages), the CPU.
        let mut caps = [0usize; c::COUNT];
        for chip in 0..c::COUNT {
            if MAX_ROWS_PER_CYCLE[chip] > 0 {
                caps[chip] = 1 << 12;
            }
        }
        caps[c::KECCAK] = 2 * 24;
        caps[c::RAM] = 2 * 256;
        caps[c::PAGE] = 4 * 64;
        for elf in [keccak_program(), mixed(40), sum_loop(300)] {
            let mut cut = CapacityCut::new(caps);
            let mut shards = alloc::vec::Vec::new();
            let mut emulator = zkvm_emulator::Emulator::new(&elf, alloc::vec::Vec::new()).unwrap();
            emulator
                .execute_recording_with_room(
                    1 << 20,
                    |chunk| cut.room(chunk),
                    |chunk| shards.push(shard_rows(chunk)),
                )
                .expect("runs");
            for (k, rows) in shards.iter().enumerate() {
                for chip in 0..c::COUNT {
                    if caps[chip] > 0 && MAX_ROWS_PER_CYCLE[chip] > 0 {
                        assert!(
                            rows[chip] <= caps[chip],
                            "shard {k}, chip {chip}: {} rows",
                            rows[chip]
                        );
                    }
                }
            }
            // The cut did cut: the Keccak run needs several shards at these caps.
            if elf == keccak_program() {
                assert!(shards.len() > 1, "{} shards", shards.len());
            }
        }
    }
}
