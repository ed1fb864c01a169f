//! Unit tests of the machine on our emulator alone: faults, syscalls, ELF checks.

use zkvm_abi::memory::{MEMORY_END, STACK_TOP};
use zkvm_abi::syscall;
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{self, ElfBuilder, addi, b, i, jal, jalr, li, r, s};
use zkvm_emulator::elf::{PF_R, PF_W, PF_X};
use zkvm_emulator::{EmuError, Emulator};

const CODE: u32 = 0x0001_0000;
const DATA: u32 = 0x0010_0000;

/// `code` at [`CODE`] plus 4 KiB of zeroed data at [`DATA`] (pointed to by `x31`).
fn elf(code: &[u32]) -> Vec<u8> {
    let mut full = li(31, DATA).to_vec();
    full.extend(code);
    ElfBuilder::new(CODE).code(CODE, &full).data(DATA, &[], 4096).build()
}

/// Set `t0` to `number` and `ecall`.
fn sys(number: u32) -> Vec<u32> {
    let mut v = li(5, number).to_vec();
    v.push(asm::ecall());
    v
}

fn halt(exit: u32) -> Vec<u32> {
    let mut v = li(10, exit).to_vec();
    v.extend(sys(syscall::HALT));
    v
}

fn run(code: &[u32]) -> Result<zkvm_emulator::ExecutionSummary, EmuError> {
    Emulator::run(&elf(code), Vec::new())
}

/// `pc` of the instruction at index `k` of the `code` passed to [`elf`].
fn pc_of(k: u32) -> u32 {
    CODE + 8 + 4 * k
}

// ---- syscalls --------------------------------------------------------------------------

#[test]
fn halt_returns_exit_code_and_counts_cycles() {
    let summary = run(&halt(42)).unwrap();
    assert_eq!(summary.exit_code, 42);
    assert_eq!(summary.cycles, 2 + 5); // li x31, li a0, li t0, ecall
    assert!(summary.output.is_empty());
}

#[test]
fn initial_stack_pointer_is_stack_top() {
    let mut code = vec![r(Add, 10, 2, 0)];
    code.extend(sys(syscall::HALT));
    assert_eq!(run(&code).unwrap().exit_code, STACK_TOP);
}

#[test]
fn input_is_read_in_pieces_and_output_committed() {
    let mut code = Vec::new();
    code.extend(sys(syscall::INPUT_LEN));
    code.push(addi(20, 10, 0)); // x20 = total length
    // Read 3 bytes to DATA+1 (unaligned), then up to 100 bytes to DATA+4.
    code.push(addi(10, 31, 1));
    code.push(addi(11, 0, 3));
    code.extend(sys(syscall::READ_INPUT));
    code.push(addi(21, 10, 0)); // 3
    code.push(addi(10, 31, 4));
    code.push(addi(11, 0, 100));
    code.extend(sys(syscall::READ_INPUT));
    code.push(addi(22, 10, 0)); // 5
    code.extend(sys(syscall::INPUT_LEN));
    code.push(addi(23, 10, 0)); // 0
    // Commit DATA+1 .. DATA+9 (8 bytes, unaligned) and then x20..x23 as bytes.
    code.push(addi(10, 31, 1));
    code.push(addi(11, 0, 8));
    code.extend(sys(syscall::COMMIT_OUTPUT));
    for (k, reg) in [20u8, 21, 22, 23].into_iter().enumerate() {
        code.push(s(Sb, reg, 31, 64 + k as i32));
    }
    code.push(addi(10, 31, 64));
    code.push(addi(11, 0, 4));
    code.extend(sys(syscall::COMMIT_OUTPUT));
    code.extend(halt(0));
    let summary = Emulator::run(&elf(&code), b"abcdefgh".to_vec()).unwrap();
    assert_eq!(summary.output, b"abcdefgh\x08\x03\x05\x00");
}

#[test]
fn keccak_permute_of_zero_state_matches_known_vector() {
    let mut code = Vec::new();
    code.push(addi(10, 31, 0));
    code.extend(sys(syscall::KECCAK_PERMUTE));
    code.push(addi(24, 10, 0)); // result (0)
    code.push(i(Lw, 20, 31, 0));
    code.push(i(Lw, 21, 31, 4));
    code.push(addi(10, 31, 0));
    code.push(addi(11, 0, 200));
    code.extend(sys(syscall::COMMIT_OUTPUT));
    code.extend(halt(0));
    let summary = run(&code).unwrap();
    let lane0 = u64::from_le_bytes(summary.output[0..8].try_into().unwrap());
    assert_eq!(lane0, 0xF125_8F79_40E1_DDE7);
    // Last lane of Keccak-f[1600](0), from the Keccak team's reference vectors.
    let lane24 = u64::from_le_bytes(summary.output[192..200].try_into().unwrap());
    assert_eq!(lane24, 0xEAF1_FF7B_5CEC_A249);
}

#[test]
fn keccak_permute_faults_on_bad_pointers() {
    let mut code = vec![addi(10, 31, 2)];
    code.extend(sys(syscall::KECCAK_PERMUTE));
    assert!(matches!(run(&code), Err(EmuError::MisalignedAccess { width: 4, .. })));

    let mut code = li(10, MEMORY_END - 100).to_vec();
    code.extend(sys(syscall::KECCAK_PERMUTE));
    assert!(matches!(run(&code), Err(EmuError::AddressOutOfRange { len: 200, .. })));

    let mut code = li(10, CODE).to_vec();
    code.extend(sys(syscall::KECCAK_PERMUTE));
    assert!(matches!(run(&code), Err(EmuError::StoreToCode { .. })));
}

#[test]
fn read_input_into_code_faults() {
    let mut code = li(10, CODE + 4).to_vec();
    code.push(addi(11, 0, 4));
    code.extend(sys(syscall::READ_INPUT));
    let err = Emulator::run(&elf(&code), vec![1, 2, 3, 4]).unwrap_err();
    assert!(matches!(err, EmuError::StoreToCode { addr, .. } if addr == CODE + 4), "{err}");
}

#[test]
fn commit_output_out_of_range_faults() {
    let mut code = li(10, 0x100).to_vec();
    code.push(addi(11, 0, 4));
    code.extend(sys(syscall::COMMIT_OUTPUT));
    assert!(matches!(run(&code), Err(EmuError::AddressOutOfRange { addr: 0x100, .. })));
}

#[test]
fn phase_marks_are_recorded_and_change_nothing() {
    let mut code = vec![addi(10, 0, 7)]; // cycle 2
    code.extend(sys(syscall::PHASE_MARK)); // ecall at cycle 5
    code.push(addi(20, 10, 0)); // x20 = a0 after the mark: still 7
    code.push(addi(10, 0, 9));
    code.extend(sys(syscall::PHASE_MARK)); // ecall at cycle 10
    code.extend(sys(syscall::PHASE_MARK)); // the same phase again, at cycle 13
    code.push(s(Sb, 20, 31, 0));
    code.push(addi(10, 31, 0));
    code.push(addi(11, 0, 1));
    code.extend(sys(syscall::COMMIT_OUTPUT));
    code.extend(halt(0));
    let summary = run(&code).unwrap();
    assert_eq!(summary.output, [7], "a0 survives the mark; marks are not output");
    assert_eq!(summary.phase_marks, [(7, 5), (9, 10), (9, 13)]);
    assert_eq!(summary.unmarked_cycles(), 5);
    assert_eq!(summary.phase_cycles(), [(7, 5), (9, summary.cycles - 10)]);
    let total: u64 = summary.phase_cycles().iter().map(|(_, c)| c).sum();
    assert_eq!(total + summary.unmarked_cycles(), summary.cycles);
}

#[test]
fn a_run_without_marks_has_no_phases() {
    let summary = run(&halt(0)).unwrap();
    assert!(summary.phase_marks.is_empty());
    assert!(summary.phase_cycles().is_empty());
    assert_eq!(summary.unmarked_cycles(), summary.cycles);
}

#[test]
fn unknown_and_reserved_syscalls_fault() {
    let err = run(&sys(0x77)).unwrap_err();
    assert_eq!(err, EmuError::UnknownSyscall { pc: pc_of(2), number: 0x77 });
    for number in [
        syscall::SECP256K1_RECOVER,
        syscall::SHA256_COMPRESS,
        syscall::BN254_ADD,
        syscall::BN254_MUL,
        syscall::BN254_PAIRING,
        syscall::BIGINT_MODEXP,
    ] {
        let err = run(&sys(number)).unwrap_err();
        assert_eq!(err, EmuError::UnimplementedSyscall { pc: pc_of(2), number });
    }
}

// ---- faults ------------------------------------------------------------------------------

#[test]
fn misaligned_loads_and_stores_fault() {
    for (op, off, width) in [(Lw, 2, 4), (Lh, 1, 2), (Lhu, 3, 2), (Lw, 1, 4)] {
        let err = run(&[i(op, 1, 31, off)]).unwrap_err();
        assert_eq!(
            err,
            EmuError::MisalignedAccess { pc: pc_of(0), addr: DATA + off as u32, width }
        );
    }
    for (op, off, width) in [(Sw, 2, 4), (Sh, 1, 2), (Sw, 3, 4)] {
        let err = run(&[s(op, 1, 31, off)]).unwrap_err();
        assert_eq!(
            err,
            EmuError::MisalignedAccess { pc: pc_of(0), addr: DATA + off as u32, width }
        );
    }
    // Byte accesses are never misaligned.
    let mut code = vec![s(Sb, 0, 31, 3), i(Lbu, 1, 31, 3)];
    code.extend(halt(0));
    assert!(run(&code).is_ok());
}

#[test]
fn out_of_range_accesses_fault() {
    for addr in [0u32, 0x0000_fffc, MEMORY_END, 0xffff_fffc] {
        let mut code = li(1, addr).to_vec();
        code.push(i(Lw, 2, 1, 0));
        let err = run(&code).unwrap_err();
        assert_eq!(err, EmuError::AddressOutOfRange { pc: pc_of(2), addr, len: 4 });
        let mut code = li(1, addr).to_vec();
        code.push(s(Sb, 2, 1, 0));
        let err = run(&code).unwrap_err();
        assert_eq!(err, EmuError::AddressOutOfRange { pc: pc_of(2), addr, len: 1 });
    }
    // The last addressable word works, and so does unmapped-but-addressable memory.
    let mut code = li(1, MEMORY_END - 4).to_vec();
    code.extend([s(Sw, 31, 1, 0), i(Lw, 10, 1, 0)]);
    code.extend(sys(syscall::HALT));
    assert_eq!(run(&code).unwrap().exit_code, DATA);
}

#[test]
fn stores_to_code_fault_and_loads_from_code_work() {
    let mut code = li(1, CODE).to_vec();
    code.push(i(Lw, 10, 1, 0)); // reading code is allowed
    code.push(s(Sb, 0, 1, 5));
    let err = run(&code).unwrap_err();
    assert_eq!(err, EmuError::StoreToCode { pc: pc_of(3), addr: CODE + 5 });
}

#[test]
fn executing_data_faults() {
    let mut code = li(1, DATA).to_vec();
    code.push(jalr(0, 1, 0));
    assert_eq!(run(&code).unwrap_err(), EmuError::ExecuteNonCode { pc: DATA });
}

#[test]
fn misaligned_pc_faults() {
    // auipc x1, 0 ; jalr x0, 10(x1): target is 2 bytes past an instruction.
    let code = [asm::auipc(1, 0), jalr(0, 1, 10)];
    assert_eq!(run(&code).unwrap_err(), EmuError::ExecuteNonCode { pc: pc_of(0) + 10 });
    // A branch to a misaligned target, and falling off the end of code.
    let code = [b(Beq, 0, 0, 6)];
    assert_eq!(run(&code).unwrap_err(), EmuError::ExecuteNonCode { pc: pc_of(0) + 6 });
    assert_eq!(run(&[]).unwrap_err(), EmuError::ExecuteNonCode { pc: pc_of(0) });
}

#[test]
fn illegal_instructions_fault_only_when_executed() {
    // A CSR instruction, the all-zero word, FENCE.I, and an OP with a bad funct7.
    for word in [0x3401_1073u32, 0, 0x0000_100f, 0x4000_1033] {
        let err = run(&[word]).unwrap_err();
        assert_eq!(err, EmuError::IllegalInstruction { pc: pc_of(0), word });
        // Jumped over, the same word is harmless (data in a code segment).
        let mut code = vec![jal(0, 8), word];
        code.extend(halt(0));
        assert!(run(&code).is_ok());
    }
}

#[test]
fn ebreak_faults() {
    assert_eq!(run(&[asm::ebreak()]).unwrap_err(), EmuError::Breakpoint { pc: pc_of(0) });
}

#[test]
fn cycle_limit_is_enforced() {
    let elf = elf(&[jal(0, 0)]);
    let err = Emulator::new(&elf, Vec::new()).unwrap().with_cycle_limit(1000).execute();
    assert_eq!(err.unwrap_err(), EmuError::CycleLimitExceeded { limit: 1000 });
    let err = Emulator::new(&elf, Vec::new())
        .unwrap()
        .with_cycle_limit(1000)
        .execute_recording(64, |_| {});
    assert_eq!(err.unwrap_err(), EmuError::CycleLimitExceeded { limit: 1000 });
    // A program that needs exactly the limit is fine.
    let code = halt(9);
    let elf2 = self::elf(&code);
    let summary = Emulator::new(&elf2, Vec::new()).unwrap().with_cycle_limit(7).execute();
    assert_eq!(summary.unwrap().cycles, 7);
    let err = Emulator::new(&elf2, Vec::new()).unwrap().with_cycle_limit(6).execute();
    assert_eq!(err.unwrap_err(), EmuError::CycleLimitExceeded { limit: 6 });
}

// ---- ELF checks ----------------------------------------------------------------------------

fn valid_elf() -> Vec<u8> {
    elf(&halt(0))
}

fn set16(f: &mut [u8], at: usize, v: u16) {
    f[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn set32(f: &mut [u8], at: usize, v: u32) {
    f[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn load(f: &[u8]) -> EmuError {
    Emulator::new(f, Vec::new()).unwrap_err()
}

#[test]
fn elf_header_errors_are_typed() {
    assert!(Emulator::new(&valid_elf(), Vec::new()).is_ok());
    assert!(matches!(load(&[]), EmuError::ElfTruncated { expected: 16, got: 0, .. }));
    assert!(matches!(
        load(&valid_elf()[..40]),
        EmuError::ElfTruncated { expected: 52, got: 40, .. }
    ));

    let mut f = valid_elf();
    f[0] = b'X';
    assert_eq!(load(&f), EmuError::ElfBadMagic { expected: *b"\x7fELF", got: *b"XELF" });
    let mut f = valid_elf();
    f[4] = 2;
    assert_eq!(load(&f), EmuError::ElfBadClass { expected: 1, got: 2 });
    let mut f = valid_elf();
    f[5] = 2;
    assert_eq!(load(&f), EmuError::ElfBadEndianness { expected: 1, got: 2 });
    let mut f = valid_elf();
    set16(&mut f, 16, 3);
    assert_eq!(load(&f), EmuError::ElfBadType { expected: 2, got: 3 });
    let mut f = valid_elf();
    set16(&mut f, 18, 62);
    assert_eq!(load(&f), EmuError::ElfBadMachine { expected: 243, got: 62 });
    let mut f = valid_elf();
    set16(&mut f, 42, 56);
    assert_eq!(load(&f), EmuError::ElfBadProgramHeaderSize { expected: 32, got: 56 });
    let mut f = valid_elf();
    set16(&mut f, 44, 1000);
    assert!(matches!(load(&f), EmuError::ElfTruncated { what: "program headers", .. }));
    let mut f = valid_elf();
    set32(&mut f, 24, DATA);
    assert_eq!(load(&f), EmuError::ElfEntryNotExecutable { entry: DATA });
    let mut f = valid_elf();
    set32(&mut f, 24, CODE + 2);
    assert_eq!(load(&f), EmuError::ElfEntryNotExecutable { entry: CODE + 2 });
}

#[test]
fn elf_segment_errors_are_typed() {
    let code = asm::to_bytes(&halt(0));
    let build = |segs: &[(u32, &[u8], u32, u32)]| {
        let mut e = ElfBuilder::new(CODE);
        for &(vaddr, data, mem, flags) in segs {
            e = e.segment(vaddr, data, mem, flags);
        }
        e.build()
    };
    let x = PF_R | PF_X;
    let w = PF_R | PF_W;
    let n = code.len() as u32;
    assert!(Emulator::new(&build(&[(CODE, &code, n, x)]), Vec::new()).is_ok());
    assert_eq!(
        load(&build(&[(CODE, &code, n, x), (CODE + 8, &[], 16, w)])),
        EmuError::ElfOverlappingSegments { first: CODE, second: CODE + 8 }
    );
    assert_eq!(
        load(&build(&[(CODE, &code, n, x), (0x1000, &[1], 16, w)])),
        EmuError::ElfSegmentOutOfRange {
            vaddr: 0x1000,
            mem_size: 16,
            start: 0x1_0000,
            end: MEMORY_END
        }
    );
    assert!(matches!(
        load(&build(&[(CODE, &code, n, x), (MEMORY_END - 8, &[], 16, w)])),
        EmuError::ElfSegmentOutOfRange { .. }
    ));
    assert!(matches!(
        load(&build(&[(CODE, &code, n, x), (0xffff_f000, &[], 0x2000, w)])),
        EmuError::ElfSegmentOutOfRange { .. }
    ));
    assert_eq!(
        load(&build(&[(CODE, &code, n - 2, x)])),
        EmuError::ElfSegmentFileSizeTooLarge { vaddr: CODE, file_size: n, mem_size: n - 2 }
    );
    assert_eq!(
        load(&build(&[(CODE, &code, n + 2, x)])),
        EmuError::ElfMisalignedCodeSegment { vaddr: CODE, mem_size: n + 2 }
    );
    assert!(matches!(
        load(&build(&[(CODE, &code, 128 << 20, x)])),
        EmuError::ElfCodeTooLarge { got, .. } if got == 128 << 20
    ));
    assert_eq!(
        load(&build(&[
            (CODE, &code, n, x),
            (CODE + 0x100, &[], 4, w),
            (CODE + 0x200, &code, n, x)
        ])),
        EmuError::ElfDataInsideCode { vaddr: CODE + 0x100 }
    );
    assert_eq!(
        load(&build(&[(DATA, &code, n, w)])),
        EmuError::ElfEntryNotExecutable { entry: CODE }
    );
    // A segment whose file bytes run past the end of the file.
    let mut f = build(&[(CODE, &code, n, x)]);
    set32(&mut f, 52 + 16, 0x10_0000);
    set32(&mut f, 52 + 20, 0x10_0000);
    assert!(matches!(load(&f), EmuError::ElfTruncated { what: "segment data", .. }));
}

#[test]
fn random_corruptions_never_panic() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(7);
    let good = elf(&[addi(1, 1, 1), jal(0, -4)]);
    for _ in 0..3000 {
        let mut f = good.clone();
        for _ in 0..rng.gen_range(1..6) {
            let at =
                if rng.gen_bool(0.7) { rng.gen_range(0..84) } else { rng.gen_range(0..f.len()) };
            f[at] = rng.r#gen();
        }
        if rng.gen_bool(0.1) {
            f.truncate(rng.gen_range(0..f.len()));
        }
        if let Ok(emu) = Emulator::new(&f, Vec::new()) {
            let _ = emu.with_cycle_limit(10_000).execute();
        }
    }
}
