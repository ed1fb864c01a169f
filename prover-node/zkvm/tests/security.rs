//! Security of both configurations on the whole machine of a real program (every chip of
//! `program_machine`, stream sponges and Keccak included), at shard heights up to the
//! largest one a proof may have (2^22 rows).

use zkvm::{DefaultConfig, HighSecurityConfig, Program, ProgramVerifyingKey};
use zkvm_abi::{reg, syscall};
use zkvm_emulator::asm::{ElfBuilder, addi, ecall};

/// The largest trace a shard may have (`zkvm::MAX_CYCLES` CPU rows, padded).
const LOG_MAX_ROWS: usize = 22;

fn program() -> Program {
    let code = [addi(reg::A0, 0, 0), addi(reg::T0, 0, syscall::HALT as i32), ecall()];
    let elf = ElfBuilder::new(zkvm_abi::memory::PROGRAM_START)
        .code(zkvm_abi::memory::PROGRAM_START, &code)
        .build();
    Program::from_elf(&elf).unwrap()
}

#[test]
fn default_config_has_at_least_100_conjectured_bits_up_to_the_largest_shard() {
    let vk = ProgramVerifyingKey::<DefaultConfig>::new(&program()).unwrap();
    for log_rows in [16, 18, 20, LOG_MAX_ROWS] {
        let report = vk.security(log_rows);
        println!("default, 2^{log_rows} rows: {report}");
        assert!(report.conjectured_bits >= 100.0, "2^{log_rows} rows: {report}");
    }
}

#[test]
fn high_security_config_has_at_least_128_conjectured_bits_up_to_the_largest_shard() {
    let vk = ProgramVerifyingKey::<HighSecurityConfig>::new(&program()).unwrap();
    for log_rows in [16, 18, 20, LOG_MAX_ROWS] {
        let report = vk.security(log_rows);
        println!("128-bit, 2^{log_rows} rows: {report}");
        assert!(report.conjectured_bits >= 128.0, "2^{log_rows} rows: {report}");
    }
}
