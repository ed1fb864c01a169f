//! Tests of the program ROM: decoding, the fixed columns, a corrupted multiplicity, and a
//! proof of another program the verifying key must reject.

use core::borrow::Borrow;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;
use zkvm_emulator::{Instruction, Opcode};

use super::*;
use crate::chips::cpu::tests::assert_unbalanced;
use crate::execution::chip_index::PROGRAM;
use crate::execution::programs::{mixed, prove, run, sum_loop, verifying_key};
use crate::opcode;
use crate::testing::{F, cell, set_cell};

const CODE: (u32, u32) = (0x1_0000, 0x1_0100);

#[test]
fn decoding_follows_the_table() {
    let pc = 0x1_0010;
    let d = |op, rd, rs1, rs2, imm: i32| {
        RomInstruction::decode(pc, Some(Instruction::new(op, rd, rs1, rs2, imm as u32)), CODE)
    };
    let addi = d(Opcode::Addi, 3, 4, 0, -5);
    assert!(addi.sends_execution && addi.imm_c && addi.writes_rd && !addi.reads_rs2);
    assert_eq!((addi.exec_opcode, addi.imm), (opcode::ADD, -5i32 as u32));
    let nop = d(Opcode::Add, 0, 1, 2, 0);
    assert!(nop.executable && !nop.sends_execution && !nop.writes_rd && !nop.reads_rs1);
    let bge = d(Opcode::Bge, 0, 1, 2, -16);
    assert!(bge.is_branch && bge.branch_if_zero && bge.reads_rs2);
    assert_eq!((bge.exec_opcode, bge.target), (opcode::SLT, pc - 16));
    let bne_out = d(Opcode::Bne, 0, 1, 2, 0x1000);
    assert!(!bne_out.branch_if_zero);
    assert_eq!(bne_out.target, UNREACHABLE_TARGET);
    let jal = d(Opcode::Jal, 1, 0, 0, 8);
    assert!(jal.is_jump && jal.rd_from_imm);
    assert_eq!((jal.imm, jal.target), (pc + 4, pc + 8));
    let auipc = d(Opcode::Auipc, 5, 0, 0, 0x2000);
    assert_eq!(auipc.imm, pc + 0x2000);
    let ecall = d(Opcode::Ecall, 0, 0, 0, 0);
    assert!(ecall.is_halt && ecall.reads_rs1 && ecall.reads_rs2);
    assert_eq!((ecall.rs1, ecall.rs2), (zkvm_abi::reg::T0, zkvm_abi::reg::A0));
    assert!(!d(Opcode::Ebreak, 0, 0, 0, 0).executable);
    let lw = d(Opcode::Lw, 0, 4, 0, -8);
    assert!(lw.executable && lw.is_load && lw.reads_rs1 && !lw.writes_rd && !lw.sends_execution);
    assert_eq!((lw.rs1, lw.offset), (4, -8i32 as u32));
    let sh = d(Opcode::Sh, 0, 4, 5, 6);
    assert!(sh.is_store && sh.reads_rs1 && sh.reads_rs2 && !sh.writes_rd && !sh.imm_c);
    assert_eq!((sh.rs2, sh.offset), (5, 6));
    let jalr = d(Opcode::Jalr, 1, 6, 0, 12);
    assert!(jalr.is_jalr && jalr.rd_from_imm && jalr.writes_rd && !jalr.is_jump);
    assert_eq!((jalr.imm, jalr.offset, jalr.rs1), (pc + 4, 12, 6));
    assert!(!RomInstruction::decode(pc, None, CODE).executable);
}

#[test]
fn execution_opcodes_agree_with_the_alu_chips() {
    for op in Opcode::ALL {
        if matches!(op.class(), zkvm_emulator::InstructionClass::Alu) {
            let r = RomInstruction::decode(0x1_0000, Some(Instruction::new(op, 1, 2, 3, 0)), CODE);
            assert_eq!(Some(r.exec_opcode), opcode::execution_opcode(op as u8), "{op:?}");
        }
    }
}

#[test]
fn preprocessed_rows_hold_the_code() {
    let rom = ProgramRom::from_elf(&sum_loop(3)).unwrap();
    let table = rom.preprocessed_trace::<F>();
    assert_eq!(table.width(), NUM_PROGRAM_PREPROCESSED_COLS);
    assert_eq!(table.height(), rom.height());
    for (i, inst) in rom.instructions.iter().enumerate() {
        let row = table.row_slice(i).unwrap();
        let cols: &ProgramPreprocessedCols<F> = (*row).borrow();
        assert_eq!(cols.pc, F::from_u32(rom.base + 4 * i as u32));
        assert_eq!(cols.executable, F::from_bool(inst.executable));
    }
    let pad = table.row_slice(table.height() - 1).unwrap();
    assert!(rom.instructions.len() < table.height() && pad.iter().all(|v| *v == F::ZERO));
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "run with --release: the debug constraint checker panics first"
)]
fn corrupt_multiplicity_is_rejected() {
    let mut run = run(&sum_loop(40));
    let loop_row = run.rom.row_of(run.rom.base + 12);
    let old = cell(&run.traces, PROGRAM, loop_row, 0);
    assert_eq!(old, F::from_u32(40));
    set_cell(&mut run.traces, PROGRAM, loop_row, 0, old + F::ONE);
    assert_unbalanced(prove(&run.rom, &run.traces, &run.public_values).and_then(|proof| {
        zkvm_stark::verify_machine(
            &zkvm_stark::DefaultConfig::build(),
            &verifying_key(&run.rom),
            &proof,
        )
    }));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug builds; run with --release")]
fn proof_of_another_program_is_rejected() {
    // Same shape of run (a sum loop), different code: the ROM commitment differs.
    let ours = run(&sum_loop(40));
    let theirs = run(&sum_loop(41));
    assert_ne!(ours.rom, theirs.rom);
    let proof = prove(&theirs.rom, &theirs.traces, &theirs.public_values).unwrap();
    let config = zkvm_stark::DefaultConfig::build();
    zkvm_stark::verify_machine(&config, &verifying_key(&theirs.rom), &proof)
        .expect("their proof verifies under their key");
    let result = zkvm_stark::verify_machine(&config, &verifying_key(&ours.rom), &proof);
    assert!(result.is_err(), "another program's proof was accepted");
    std::eprintln!("rejected as expected: {result:?}");
    // A program of another shape too.
    let other = run(&mixed(3));
    let proof = prove(&other.rom, &other.traces, &other.public_values).unwrap();
    assert!(zkvm_stark::verify_machine(&config, &verifying_key(&ours.rom), &proof).is_err());
}

extern crate std;
use zkvm_stark::MachineConfig as _;

#[test]
fn image_spans_the_non_zero_words() {
    let code = [0u8, 0, 0, 0, 0x13, 0, 0, 0];
    let data = [0u8, 0, 0, 0, 0, 0xab, 0, 0];
    let image = MemoryImage::from_segments([(0x1_0000, &code[..]), (0x1_0010, &data[..])]);
    assert_eq!(image.start, (0x1_0004 >> 2));
    assert_eq!(image.words, [0x13, 0, 0, 0, 0xab00]);
    assert_eq!(image.end(), (0x1_0014 >> 2) + 1);
    assert_eq!(image.get(0x1_0014 >> 2), 0xab00);
    assert_eq!(image.get(0x1_0000 >> 2), 0);
    assert_eq!(image.get(0x2_0000 >> 2), 0);
    assert_eq!(MemoryImage::from_segments([(0x1_0000, &[0u8; 4][..])]), MemoryImage::default());
}

#[test]
fn image_memory_holds_the_image() {
    use crate::memory_root::{EMPTY_ROOT, SparseMemory};
    let image = MemoryImage { start: 0x4000 + 255, words: alloc::vec![7, 0, 0x0102_0304] };
    let mut memory = image_memory(&image);
    for w in 0x4000..0x4000 + 300 {
        assert_eq!(memory.word(w), image.get(w), "word {w:#x}");
    }
    let expected = SparseMemory::from_words([(0x40ff, 7), (0x4101, 0x0102_0304)]).unwrap().root();
    assert_eq!(memory.root(), expected);
    assert_eq!(image_memory(&MemoryImage::default()).root(), EMPTY_ROOT);
}
