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
    let mut rows = [0usize; COUNT];
    rows[c::CPU] = chunk.instruction_count();
    // ALU and MUL/DIV instructions send their operation unless rd is x0 (a no-op row).
    for e in chunk.alu.iter().chain(&chunk.mul_div) {
        if e.instruction.rd != 0 {
            rows[execution_chip(e.instruction.opcode)] += 1;
        }
    }
    // Branches send their comparison; loads, stores and JALR their address ADD.
    for e in &chunk.branch {
        rows[execution_chip(e.instruction.opcode)] += 1;
    }
    rows[c::ADD_SUB] += chunk.jump.iter().filter(|e| e.instruction.opcode == Opcode::Jalr).count();
    let memory_instructions = chunk.load.len() + chunk.store.len();
    rows[c::ADD_SUB] += memory_instructions;
    rows[c::LOAD_STORE] = memory_instructions;
    // The touched pages and their ancestors in the memory tree.
    let pages: BTreeSet<u32> =
        chunk.memory.iter().map(|a| (a.addr >> 2) >> PAGE_WORDS_LOG).collect();
    let ancestors: BTreeSet<(usize, u32)> = pages
        .iter()
        .flat_map(|&p| (1..=TREE_DEPTH).map(move |level| (level, p >> level)))
        .collect();
    rows[c::RAM] = PAGE_WORDS * pages.len();
    // Each page hashed twice: before and after the shard.
    rows[c::PAGE] = 2 * PAGE_BLOCKS * pages.len();
    // With no page touched, the Merkle chip still proves the (unchanged) root.
    rows[c::MERKLE] = ancestors.len().max(1);
    // Syscalls.
    let (mut keccak, mut read, mut committed) = (0, 0usize, 0usize);
    for s in &chunk.syscalls {
        let [a0, a1, _] = s.args;
        if s.number == zkvm_abi::syscall::KECCAK_PERMUTE {
            keccak += 1;
        } else if NOOP_SYSCALLS.contains(&s.number) {
            rows[c::NOOP_SYSCALL] += 1;
        } else if IO_SYSCALLS.contains(&s.number) {
            rows[c::IO_CALL] += 1;
            let count = match s.number {
                zkvm_abi::syscall::READ_INPUT => s.result,
                zkvm_abi::syscall::COMMIT_OUTPUT => a1,
                _ => 0,
            } as usize;
            if count > 0 {
                rows[c::IO_BYTES] += ((a0 & 3) as usize + count).div_ceil(4);
            }
            match s.number {
                zkvm_abi::syscall::READ_INPUT => read += count,
                zkvm_abi::syscall::COMMIT_OUTPUT => committed += count,
                _ => {}
            }
        }
    }
    // At least one (all-zero) permutation.
    rows[c::KECCAK] = ROWS_PER_PERMUTATION * keccak.max(1);
    rows[c::INPUT_SPONGE] = num_blocks(read);
    rows[c::OUTPUT_SPONGE] = num_blocks(committed);
    rows
}

#[cfg(test)]
mod tests {
    use p3_matrix::Matrix;

    use super::shard_rows;
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
        zkvm_emulator::Emulator::run_recording(elf, input.to_vec(), cut, |chunk| {
            let counted = shard_rows(chunk);
            let record = ExecutionRecord::from_chunk(chunk, input, cursors.0, cursors.1);
            let end = record.shard_end();
            cursors = (end.input_cursor, end.output_cursor);
            let traces = record.generate_traces::<F>(&rom, &mut memory);
            for (chip, (&rows, trace)) in counted.iter().zip(&traces.traces).enumerate() {
                if [c::PROGRAM, c::REGISTERS, c::BYTE].contains(&chip) {
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
}
