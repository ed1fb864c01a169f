//! End-to-end tests of the prover and verifier API: honest proofs verify and return the
//! right public values; a malicious prover (one changed cell of a trace, a skipped
//! instruction) and a tampered proof (flipped bytes, swapped public values, another
//! program, another input) are rejected with a typed error.
//!
//! Run in release (`cargo test --release -p zkvm`): in debug builds Plonky3's constraint
//! checker panics on a forged trace before the verifier can reject it.

use core::mem::offset_of;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;
use zkvm::spool::{SpoolDir, SpoolRun};
use zkvm::{
    DefaultConfig, Program, ProgramVerifyingKey, Proof, ProveOptions, Prover, ZkvmError,
    input_digest, verify,
};
use zkvm_abi::{reg, syscall};
use zkvm_emulator::Opcode::*;
use zkvm_emulator::asm::{ElfBuilder, addi, b, ecall, i, jal, r};
use zkvm_machine::chips::cpu::CpuCols;
use zkvm_machine::chips::load_store::LoadStoreCols;
use zkvm_machine::chips::load_store::opcodes::{LB, LBU};
use zkvm_machine::chips::memory::{RegisterFinalCols, RegistersPublicValues};
use zkvm_machine::execution::chip_index;
use zkvm_stark::Val;

const X8: u8 = 8;
const X9: u8 = 9;
const X18: u8 = 18;
const X19: u8 = 19;
const X20: u8 = 20;
const X21: u8 = 21;

/// Reads its whole input into a stack buffer, sums its bytes with `LBU` loads, commits the
/// input back as output and halts with the sum as exit code.
fn echo_sum() -> Vec<u8> {
    let sys = |n: u32| addi(reg::T0, 0, n as i32);
    let mut code = vec![
        sys(syscall::INPUT_LEN),     // 0
        ecall(),                     // 1
        addi(X9, reg::A0, 0),        // 2: x9 = len
        addi(X8, reg::SP, -2048),    // 3: x8 = buffer
        addi(reg::A0, X8, 0),        // 4
        addi(reg::A1, X9, 0),        // 5
        sys(syscall::READ_INPUT),    // 6
        ecall(),                     // 7
        addi(X18, 0, 0),             // 8: sum
        addi(X19, 0, 0),             // 9: i
        b(Beq, X19, X9, 6 * 4),      // 10: loop
        r(Add, X20, X8, X19),        // 11
        i(Lbu, X21, X20, 0),         // 12
        r(Add, X18, X18, X21),       // 13
        addi(X19, X19, 1),           // 14
        jal(0, -5 * 4),              // 15
        addi(reg::A0, X8, 0),        // 16: done
        addi(reg::A1, X9, 0),        // 17
        sys(syscall::COMMIT_OUTPUT), // 18
        ecall(),                     // 19
        addi(reg::A0, X18, 0),       // 20
        sys(syscall::HALT),          // 21
        ecall(),                     // 22
    ];
    code.shrink_to_fit();
    ElfBuilder::new(zkvm_abi::memory::PROGRAM_START)
        .code(zkvm_abi::memory::PROGRAM_START, &code)
        .build()
}

/// Halts with exit code 7 without any IO.
fn halt_seven() -> Vec<u8> {
    let code = [addi(reg::A0, 0, 7), addi(reg::T0, 0, syscall::HALT as i32), ecall()];
    ElfBuilder::new(zkvm_abi::memory::PROGRAM_START)
        .code(zkvm_abi::memory::PROGRAM_START, &code)
        .build()
}

struct Fixture {
    prover: Prover<DefaultConfig>,
}

impl Fixture {
    fn new(elf: &[u8]) -> Self {
        let program = Program::from_elf(elf).expect("program loads");
        Fixture { prover: Prover::new(&program).expect("keys") }
    }

    fn vk(&self) -> &ProgramVerifyingKey<DefaultConfig> {
        self.prover.verifying_key()
    }

    fn prove(&self, input: &[u8]) -> Proof<DefaultConfig> {
        self.prover.prove(input).expect("proves")
    }

    /// Prove with one change to the traces (a malicious prover).
    fn prove_forged(
        &self,
        input: &[u8],
        forge: impl FnOnce(&mut zkvm_machine::MachineTraces<Val>),
    ) -> Proof<DefaultConfig> {
        let mut forge = Some(forge);
        let hook = |shard: usize, traces: &mut zkvm_machine::MachineTraces<Val>| {
            assert_eq!(shard, 0, "these programs prove in one shard");
            (forge.take().expect("one shard"))(traces);
        };
        self.prover
            .prove_with_trace_hook(input, ProveOptions::default(), hook)
            .expect("a forged trace still proves")
    }
}

const INPUT: &[u8] = b"the quick brown fox jumps over the lazy dog";

fn byte_sum(bytes: &[u8]) -> u32 {
    bytes.iter().map(|&b| u32::from(b)).sum()
}

fn set(traces: &mut zkvm_machine::MachineTraces<Val>, chip: usize, row: usize, col: usize, v: Val) {
    let t = &mut traces.traces[chip];
    let w = t.width();
    t.values[row * w + col] = v;
}

fn get(traces: &zkvm_machine::MachineTraces<Val>, chip: usize, row: usize, col: usize) -> Val {
    let t = &traces.traces[chip];
    t.values[row * t.width() + col]
}

/// Rows of the CPU trace whose `pc` is instruction `index` of the program.
fn cpu_rows_at(traces: &zkvm_machine::MachineTraces<Val>, index: u32) -> Vec<usize> {
    let pc = Val::from_u32(zkvm_abi::memory::PROGRAM_START + 4 * index);
    let pc_col = offset_of!(CpuCols<u8>, pc);
    let real_col = offset_of!(CpuCols<u8>, is_real);
    (0..traces.traces[chip_index::CPU].height())
        .filter(|&row| {
            get(traces, chip_index::CPU, row, real_col) == Val::ONE
                && get(traces, chip_index::CPU, row, pc_col) == pc
        })
        .collect()
}

fn assert_rejected(result: Result<zkvm::PublicValues, ZkvmError>) -> ZkvmError {
    match result {
        Ok(pv) => panic!("a forged proof was accepted: {pv:?}"),
        Err(e) => e,
    }
}

/// A forged trace must be caught by the STARK itself (constraints or bus balance), not by
/// a later check of the claims beside the proof.
fn assert_stark_rejected(result: Result<zkvm::PublicValues, ZkvmError>) {
    let e = assert_rejected(result);
    let stark = match &e {
        ZkvmError::Shard { source, .. } => matches!(**source, ZkvmError::Stark(_)),
        _ => false,
    };
    assert!(stark, "expected a STARK rejection, got: {e}");
}

#[test]
fn forging_hook_baseline_verifies() {
    // The hook path with no change proves and verifies: the rejections below are the
    // forgeries', not the hook's.
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |_| {});
    assert_eq!(verify(fx.vk(), &proof).expect("verifies").exit_code, byte_sum(INPUT));
}

#[test]
fn honest_proof_verifies_with_public_values() {
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove(INPUT);
    let pv = verify(fx.vk(), &proof).expect("an honest proof verifies");
    assert_eq!(pv.program_id, fx.vk().program_id());
    assert_eq!(pv.output, INPUT);
    assert_eq!(pv.exit_code, byte_sum(INPUT));
    assert_eq!(pv.input_len as usize, INPUT.len());
    // The program reads all of its input: the digest is the whole input's.
    assert_eq!(pv.input_read as usize, INPUT.len());
    assert_eq!(pv.input_slices.len(), 1);
    assert_eq!(pv.input_slices[0].digest, input_digest(INPUT).unwrap());
    pv.check_input(INPUT).expect("the proven input is INPUT");
    // The serialized proof round-trips and still verifies.
    let bytes = proof.to_bytes();
    let decoded = Proof::<DefaultConfig>::from_bytes(&bytes).expect("decodes");
    assert_eq!(verify(fx.vk(), &decoded).expect("verifies"), pv);
}

#[test]
fn empty_input_and_no_io_programs_verify() {
    let fx = Fixture::new(&echo_sum());
    let pv = verify(fx.vk(), &fx.prove(b"")).expect("verifies");
    assert_eq!((pv.output.len(), pv.exit_code, pv.input_len, pv.input_read), (0, 0, 0, 0));
    assert_eq!(pv.input_slices[0].digest, input_digest(b"").unwrap());

    let fx = Fixture::new(&halt_seven());
    let pv = verify(fx.vk(), &fx.prove(b"ignored input")).expect("verifies");
    assert_eq!(pv.exit_code, 7);
    assert!(pv.output.is_empty());
    // The input was never read: the proof commits to its length only (the digest is of
    // the bytes read, none), so an input of another length is refused and one of the same
    // length, which the program could not tell apart, is accepted.
    assert_eq!((pv.input_len, pv.input_read), (13, 0));
    assert_eq!(pv.input_slices[0].digest, input_digest(b"").unwrap());
    pv.check_input(b"ignored input").expect("input length committed");
    assert!(pv.check_input(b"other input").is_err());
    pv.check_input(b"other input!!").expect("the unread bytes are not bound");
}

#[test]
fn verifying_key_from_the_elf_matches_the_provers() {
    let program = Program::from_elf(&echo_sum()).unwrap();
    let vk = ProgramVerifyingKey::<DefaultConfig>::new(&program).unwrap();
    let fx = Fixture::new(&echo_sum());
    assert_eq!(vk.program_id(), fx.vk().program_id());
    verify(&vk, &fx.prove(INPUT)).expect("verifies under an independently built key");
}

#[test]
fn plan_matches_what_proving_commits() {
    let fx = Fixture::new(&echo_sum());
    let options = ProveOptions { shard_cycles: 64, ..ProveOptions::default() };
    let plans = fx.prover.plan(INPUT, options, |_| {}).unwrap();
    let (proof, stats) = fx.prover.prove_with(INPUT, options, |_| {}).unwrap();
    assert!(plans.len() > 2, "{} shards", plans.len());
    assert_eq!(plans.len(), proof.shards.len());
    for (plan, shard) in plans.iter().zip(&stats.shards) {
        assert_eq!(
            (plan.index, plan.cycles, plan.cells()),
            (shard.index, shard.cycles, shard.cells)
        );
        assert_eq!(plan.shape().len(), fx.vk().stark_key().airs().len());
    }
    assert_eq!(plans[0].traces, stats.traces);
    assert_eq!(plans.iter().map(|p| p.cycles).sum::<u64>(), stats.cycles);
}

#[test]
fn verifying_key_file_round_trips_and_verifies() {
    let fx = Fixture::new(&echo_sum());
    let bytes = fx.vk().to_bytes();
    assert_eq!(&bytes[..4], b"ZKVK");
    let decoded = ProgramVerifyingKey::<DefaultConfig>::from_bytes(&bytes).expect("decodes");
    assert_eq!(decoded.program_id(), fx.vk().program_id(), "the id is recomputed from the file");
    assert_eq!(decoded.to_bytes(), bytes);
    assert_eq!(decoded.initial_root(), fx.vk().initial_root());
    assert_eq!(decoded.entry(), zkvm_abi::memory::PROGRAM_START);
    let public = verify(&decoded, &fx.prove(INPUT)).expect("a key from the file verifies");
    assert_eq!(public.exit_code, byte_sum(INPUT));
    // Another configuration's key file is refused by this configuration.
    let high = Prover::<zkvm::HighSecurityConfig>::new(&Program::from_elf(&echo_sum()).unwrap())
        .unwrap()
        .verifying_key()
        .to_bytes();
    assert!(matches!(
        ProgramVerifyingKey::<DefaultConfig>::from_bytes(&high),
        Err(ZkvmError::Key(m)) if m.contains("configuration")
    ));
}

#[test]
fn a_changed_key_file_does_not_verify_the_proof() {
    let fx = Fixture::new(&halt_seven());
    let proof = fx.prove(b"");
    let bytes = fx.vk().to_bytes();
    let (mut refused, mut other_id) = (0, 0);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        match ProgramVerifyingKey::<DefaultConfig>::from_bytes(&bad) {
            Err(ZkvmError::Key(_)) => refused += 1,
            Err(e) => panic!("byte {i}: unexpected error {e}"),
            Ok(key) if key.to_bytes() == bytes => panic!("byte {i}: decoded to the same key"),
            Ok(key) => {
                // Every byte is hashed into the id, so the proof's program id no longer
                // matches: a changed key never verifies a proof made for the real one.
                assert_ne!(key.program_id(), fx.vk().program_id(), "byte {i}");
                assert!(
                    matches!(verify(&key, &proof), Err(ZkvmError::ProgramMismatch { .. })),
                    "byte {i}"
                );
                other_id += 1;
            }
        }
    }
    assert!(refused > 0 && other_id > 0, "refused {refused}, other id {other_id}");
    for len in 0..bytes.len() {
        assert!(ProgramVerifyingKey::<DefaultConfig>::from_bytes(&bytes[..len]).is_err());
    }
    // Another program's key: another id, the proof is refused.
    let other = Fixture::new(&echo_sum());
    let key = ProgramVerifyingKey::<DefaultConfig>::from_bytes(&other.vk().to_bytes()).unwrap();
    assert!(matches!(verify(&key, &proof), Err(ZkvmError::ProgramMismatch { .. })));
}

// ---- a malicious prover: one changed cell, or a skipped instruction ----

#[test]
fn changed_register_write_is_rejected() {
    // The `ADD x18, x18, x21` of the first loop iteration writes sum + 1.
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |t| {
        let row = cpu_rows_at(t, 13)[0];
        let col = offset_of!(CpuCols<u8>, a);
        let v = get(t, chip_index::CPU, row, col);
        set(t, chip_index::CPU, row, col, v + Val::ONE);
    });
    assert_stark_rejected(verify(fx.vk(), &proof));
}

#[test]
fn changed_memory_read_is_rejected() {
    // The first `LBU` returns another byte (the load/store chip's view of the word).
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |t| {
        let chip = chip_index::LOAD_STORE;
        let lbu = offset_of!(LoadStoreCols<u8>, ops) + usize::from(LBU - LB);
        let row = (0..t.traces[chip].height())
            .find(|&row| get(t, chip, row, lbu) == Val::ONE)
            .expect("an LBU row");
        let col = offset_of!(LoadStoreCols<u8>, prev);
        let v = get(t, chip, row, col);
        set(t, chip, row, col, v + Val::ONE);
    });
    assert_stark_rejected(verify(fx.vk(), &proof));
}

#[test]
fn changed_exit_code_is_rejected() {
    // In the trace: every row's exit code and the public value say sum + 1.
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |t| {
        let col = offset_of!(CpuCols<u8>, exit_code);
        for row in 0..t.traces[chip_index::CPU].height() {
            let v = get(t, chip_index::CPU, row, col);
            set(t, chip_index::CPU, row, col, v + Val::ONE);
        }
        let pv = &mut t.public_values[chip_index::CPU];
        let at = offset_of!(zkvm_machine::chips::cpu::CpuPublicValues<u8>, exit_code);
        pv[at] += Val::ONE;
    });
    assert_stark_rejected(verify(fx.vk(), &proof));

    // In the claim beside the proof.
    let mut proof = fx.prove(INPUT);
    proof.exit_code += 1;
    let e = assert_rejected(verify(fx.vk(), &proof));
    assert!(matches!(e, ZkvmError::ExitCodeMismatch { .. }), "{e}");
}

#[test]
fn changed_output_is_rejected() {
    let fx = Fixture::new(&echo_sum());
    // The claim beside the proof: one byte, or one byte more.
    let mut proof = fx.prove(INPUT);
    proof.output[3] ^= 1;
    let e = assert_rejected(verify(fx.vk(), &proof));
    assert!(matches!(e, ZkvmError::OutputMismatch { reason: "digest" }), "{e}");
    let mut proof = fx.prove(INPUT);
    proof.output.push(0);
    let e = assert_rejected(verify(fx.vk(), &proof));
    assert!(matches!(e, ZkvmError::OutputMismatch { reason: "length" }), "{e}");

    // In the proof: the output digest's public value (the honest output then mismatches).
    let proof = fx.prove_forged(INPUT, |t| {
        t.public_values[chip_index::OUTPUT_SPONGE][1] += Val::ONE;
    });
    assert_stark_rejected(verify(fx.vk(), &proof));
}

#[test]
fn changed_initial_register_is_rejected() {
    // x25, which the program never touches, starts (and so ends) at 5 instead of 0: a
    // consistent register file, so the STARK accepts it, but not the ABI's initial one.
    let fx = Fixture::new(&echo_sum());
    let x25 = 25;
    let proof = fx.prove_forged(INPUT, |t| {
        let pv = &mut t.public_values[chip_index::REGISTERS];
        let (start, end) = (
            offset_of!(RegistersPublicValues<u8>, start),
            offset_of!(RegistersPublicValues<u8>, end),
        );
        pv[start + 4 * x25] = Val::from_u8(5);
        pv[end + 4 * x25] = Val::from_u8(5);
        set(
            t,
            chip_index::REGISTERS,
            x25,
            offset_of!(RegisterFinalCols<u8>, value),
            Val::from_u8(5),
        );
    });
    let e = assert_rejected(verify(fx.vk(), &proof));
    assert!(
        matches!(e, ZkvmError::Chain { shard: 0, .. }),
        "a first shard that does not start with the ABI's registers: {e}"
    );
}

#[test]
fn skipped_instruction_is_rejected() {
    // Drop the CPU row of the loop's `ADD x18, x18, x21` (the rows after it move up).
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |t| {
        let row = cpu_rows_at(t, 13)[0];
        let trace = &mut t.traces[chip_index::CPU];
        let w = trace.width();
        let h = trace.height();
        trace.values.copy_within((row + 1) * w..h * w, row * w);
    });
    assert_stark_rejected(verify(fx.vk(), &proof));
}

// ---- tampered proofs ----

#[test]
fn flipped_proof_bytes_are_rejected_without_panic() {
    let fx = Fixture::new(&echo_sum());
    let bytes = fx.prove(INPUT).to_bytes();
    let mut rejected = 0;
    // Every header byte, then a spread over the body.
    let positions: Vec<usize> =
        (0..64).chain((64..bytes.len()).step_by(bytes.len() / 120)).collect();
    for &at in &positions {
        let mut forged = bytes.clone();
        forged[at] ^= 0x5a;
        let result = Proof::<DefaultConfig>::from_bytes(&forged).and_then(|p| verify(fx.vk(), &p));
        match result {
            Err(_) => rejected += 1,
            Ok(pv) => {
                // A flip inside the output claim that is also the proven digest is
                // impossible; any acceptance is a soundness bug.
                panic!("flip at byte {at} accepted: {pv:?}")
            }
        }
    }
    assert_eq!(rejected, positions.len());
    // Truncated proofs.
    for len in [0, 7, 47, 48, bytes.len() / 2, bytes.len() - 1] {
        assert!(Proof::<DefaultConfig>::from_bytes(&bytes[..len]).is_err(), "truncated to {len}");
    }
}

#[test]
fn swapped_public_values_are_rejected() {
    // Two runs of one program on different inputs: the second's public values (input
    // digest and length, output digest, exit code) moved into the first's proof.
    let fx = Fixture::new(&echo_sum());
    let a = fx.prove(INPUT);
    let b = fx.prove(b"another input");
    let mut forged = fx.prove(INPUT);
    forged.shards[0].public_values = b.shards[0].public_values.clone();
    forged.output = b.output.clone();
    forged.exit_code = b.exit_code;
    assert_stark_rejected(verify(fx.vk(), &forged));
    // One chip's only: the input sponge's.
    let mut forged = a;
    forged.shards[0].public_values[chip_index::INPUT_SPONGE] =
        b.shards[0].public_values[chip_index::INPUT_SPONGE].clone();
    assert_stark_rejected(verify(fx.vk(), &forged));
}

#[test]
fn proof_for_another_program_is_rejected() {
    let echo = Fixture::new(&echo_sum());
    let seven = Fixture::new(&halt_seven());
    let proof = seven.prove(b"");
    let e = assert_rejected(verify(echo.vk(), &proof));
    assert!(matches!(e, ZkvmError::ProgramMismatch { .. }), "{e}");
    // With the header's program id rewritten: the preprocessed commitment differs.
    let mut proof = seven.prove(b"");
    proof.program_id = echo.vk().program_id();
    assert_stark_rejected(verify(echo.vk(), &proof));
}

#[test]
fn proof_for_another_input_is_rejected() {
    let fx = Fixture::new(&echo_sum());
    let pv = verify(fx.vk(), &fx.prove(INPUT)).expect("verifies");
    let e = pv.check_input(b"the quick brown fox jumps over the lazy cat").unwrap_err();
    assert!(matches!(e, ZkvmError::InputMismatch { .. }), "{e}");
    assert!(pv.check_input(&INPUT[..INPUT.len() - 1]).is_err());
}

#[test]
fn bad_requests_are_typed_errors() {
    assert!(matches!(Program::from_elf(b"not an elf"), Err(ZkvmError::Program(_))));
    // A program that faults (jumps to an address with no code).
    let code = [jal(0, 4096)];
    let elf = ElfBuilder::new(zkvm_abi::memory::PROGRAM_START)
        .code(zkvm_abi::memory::PROGRAM_START, &code)
        .build();
    let fx = Fixture::new(&elf);
    assert!(matches!(fx.prover.prove(b""), Err(ZkvmError::Fault(_))));
}

#[test]
fn changed_input_byte_in_the_sponge_is_rejected() {
    // The input sponge hashes one byte other than the one the program read (the digest
    // public value recomputed to match the forged byte would need a new Poseidon2 chain:
    // here the byte alone changes, so the `IO` bus no longer balances).
    let fx = Fixture::new(&echo_sum());
    let proof = fx.prove_forged(INPUT, |t| {
        let chip = chip_index::INPUT_SPONGE;
        let col = offset_of!(zkvm_machine::chips::io_sponge::IoSpongeCols<u8>, bytes) + 5;
        let v = get(t, chip, 0, col);
        set(t, chip, 0, col, v + Val::ONE);
    });
    assert_stark_rejected(verify(fx.vk(), &proof));
}

#[test]
fn high_security_configuration_proves_and_verifies() {
    // The 128-bit configuration through the same API; its proofs are not accepted under
    // the default configuration (another program id and another header).
    let program = Program::from_elf(&echo_sum()).unwrap();
    let prover = Prover::<zkvm::HighSecurityConfig>::new(&program).unwrap();
    let proof = prover.prove(INPUT).expect("proves");
    let bytes = proof.to_bytes();
    let decoded = Proof::<zkvm::HighSecurityConfig>::from_bytes(&bytes).expect("decodes");
    let pv = verify(prover.verifying_key(), &decoded).expect("verifies");
    assert_eq!((pv.output.as_slice(), pv.exit_code), (INPUT, byte_sum(INPUT)));
    assert_ne!(pv.program_id, Fixture::new(&echo_sum()).vk().program_id());
    assert!(matches!(Proof::<DefaultConfig>::from_bytes(&bytes), Err(ZkvmError::Decode(_))));
    println!("128-bit proof: {} bytes; {}", bytes.len(), prover.verifying_key().security(16));
}

#[test]
fn proof_from_another_initial_memory_is_rejected() {
    // A valid proof of the same run from the image plus one word the program never reads:
    // the STARK accepts it (the shard is consistent with its own `root_in`), the check of
    // `root_in` against the image's root does not.
    use zkvm_machine::execution::{self, ExecutionRecord, OutcomeError};
    let elf = echo_sum();
    let fx = Fixture::new(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let (record, _) = ExecutionRecord::from_run(&elf, INPUT.to_vec()).unwrap();
    let mut memory = execution::image_memory(&program.rom().memory);
    memory.set_word(0x7000_0000 >> 2, 42).unwrap();
    let forged = record.generate_traces::<Val>(program.rom(), &mut memory);
    let proof = fx.prove_forged(INPUT, |t| *t = forged);
    let e = assert_rejected(verify(fx.vk(), &proof));
    assert!(
        matches!(&e, ZkvmError::Shard { shard: 0, source }
            if matches!(**source, ZkvmError::Outcome(OutcomeError::MemoryRootIn { .. }))),
        "{e}"
    );
}

/// `echo_sum` on [`INPUT`] (~280 cycles) cut into shards of 64 cycles.
fn sharded_proof(fx: &Fixture, input: &[u8]) -> Proof<DefaultConfig> {
    let options = ProveOptions { shard_cycles: 64, ..ProveOptions::default() };
    let (proof, stats) = fx.prover.prove_with(input, options, |_| {}).expect("proves");
    assert_eq!(stats.shards.len(), proof.shards.len());
    proof
}

#[test]
fn a_run_in_shards_chains_and_verifies() {
    let fx = Fixture::new(&echo_sum());
    let proof = sharded_proof(&fx, INPUT);
    assert!(proof.shards.len() >= 4, "{} shards", proof.shards.len());
    let pv = verify(fx.vk(), &proof).expect("an honest sharded proof verifies");
    assert_eq!(pv.shards, proof.shards.len());
    assert_eq!((pv.output.as_slice(), pv.exit_code), (INPUT, byte_sum(INPUT)));
    // The input is read in shard 0: one slice per shard, the later ones empty.
    assert_eq!(pv.input_slices.len(), proof.shards.len());
    assert_eq!(pv.input_read as usize, INPUT.len());
    pv.check_input(INPUT).expect("the proven input");
    assert!(pv.check_input(b"the quick brown fox jumps over the lazy cat").is_err());
    // The same public values as the one-shard proof, except the shard count and slices.
    let whole = verify(fx.vk(), &fx.prove(INPUT)).expect("verifies");
    assert_eq!(
        (whole.output, whole.exit_code, whole.input_len),
        (pv.output, pv.exit_code, pv.input_len)
    );
    // The encoding round-trips.
    let decoded = Proof::<DefaultConfig>::from_bytes(&proof.to_bytes()).expect("decodes");
    assert_eq!(decoded.shards.len(), proof.shards.len());
    verify(fx.vk(), &decoded).expect("verifies after decoding");
}

fn chain_error(result: Result<zkvm::PublicValues, ZkvmError>) -> (usize, &'static str) {
    match assert_rejected(result) {
        ZkvmError::Chain { shard, reason } => (shard, reason),
        // The memory link is checked first: a shard whose root in is not the previous
        // shard's root out (or the image's, for shard 0).
        ZkvmError::Shard { shard, source }
            if matches!(
                *source,
                ZkvmError::Outcome(zkvm_machine::execution::OutcomeError::MemoryRootIn { .. })
            ) =>
        {
            (shard, "memory root in")
        }
        e => panic!("expected a broken chain, got: {e}"),
    }
}

#[test]
fn dropped_reordered_repeated_or_foreign_shards_are_rejected() {
    let fx = Fixture::new(&echo_sum());
    let honest = || sharded_proof(&fx, INPUT);
    let n = honest().shards.len();

    // A middle shard dropped: the next one does not start where the one before ended.
    let mut p = honest();
    p.shards.remove(2);
    assert_eq!(
        chain_error(verify(fx.vk(), &p)),
        (2, "does not start where the previous shard ended")
    );
    // The last shard dropped: the run never halts.
    let mut p = honest();
    p.shards.pop();
    assert_eq!(chain_error(verify(fx.vk(), &p)), (n - 2, "the last shard does not halt"));
    // The first shard dropped: the run does not start at the entry.
    let mut p = honest();
    p.shards.remove(0);
    assert_eq!(chain_error(verify(fx.vk(), &p)).0, 0);
    // Two shards swapped.
    let mut p = honest();
    p.shards.swap(1, 2);
    assert_eq!(chain_error(verify(fx.vk(), &p)).0, 1);
    // A shard repeated.
    let mut p = honest();
    let again = honest().shards.remove(1);
    p.shards.insert(2, again);
    assert_eq!(chain_error(verify(fx.vk(), &p)).0, 2);
    // A shard of a run on another input (same program, same cut): its state in is that
    // run's, not this one's.
    let other = sharded_proof(&fx, b"THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG");
    let mut p = honest();
    let foreign = other.shards.into_iter().nth(1).expect("a second shard");
    p.shards[1] = foreign;
    assert_eq!(chain_error(verify(fx.vk(), &p)).0, 1);
    // No shard at all.
    let mut p = honest();
    p.shards.clear();
    assert_eq!(chain_error(verify(fx.vk(), &p)), (0, "the proof has no shard"));
    // The claimed output or exit code of the whole run changed.
    let mut p = honest();
    p.exit_code += 1;
    assert!(matches!(assert_rejected(verify(fx.vk(), &p)), ZkvmError::ExitCodeMismatch { .. }));
    let mut p = honest();
    p.output.push(0);
    assert!(matches!(assert_rejected(verify(fx.vk(), &p)), ZkvmError::OutputMismatch { .. }));
}

#[test]
fn a_forged_trace_in_a_later_shard_is_rejected() {
    // A malicious prover changes one register write in shard 2 only: that shard's STARK
    // rejects it, and the error names the shard.
    let fx = Fixture::new(&echo_sum());
    let options = ProveOptions { shard_cycles: 64, ..ProveOptions::default() };
    let proof = fx
        .prover
        .prove_with_trace_hook(INPUT, options, |shard, t| {
            if shard == 2 {
                let col = offset_of!(CpuCols<u8>, a);
                let v = t.traces[chip_index::CPU].get(5, col).expect("a cell");
                set(t, chip_index::CPU, 5, col, v + Val::ONE);
            }
        })
        .expect("a forged trace still proves");
    match assert_rejected(verify(fx.vk(), &proof)) {
        ZkvmError::Shard { shard: 2, source } => {
            assert!(matches!(*source, ZkvmError::Stark(_)), "{source}")
        }
        e => panic!("expected shard 2's STARK to reject, got: {e}"),
    }
}

/// `verify` of the decoded bytes and `verify_reader` over the same bytes: the same answer.
fn verify_streamed(
    fx: &Fixture,
    proof: &Proof<DefaultConfig>,
) -> Result<zkvm::PublicValues, ZkvmError> {
    let bytes = proof.to_bytes();
    let in_memory = Proof::<DefaultConfig>::from_bytes(&bytes).and_then(|p| verify(fx.vk(), &p));
    let streamed = zkvm::verify_reader(fx.vk(), &bytes[..]);
    assert_eq!(streamed, in_memory, "the streamed verifier disagrees");
    streamed
}

#[test]
fn the_streamed_verifier_agrees_on_honest_and_broken_chains() {
    let fx = Fixture::new(&echo_sum());
    let honest = || sharded_proof(&fx, INPUT);
    let n = honest().shards.len();
    // More shards than one batch (two per core), so the chain crosses batches.
    let batch = 2 * std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(n >= 4, "{n} shards (batches of {batch})");
    let pv = verify_streamed(&fx, &honest()).expect("an honest proof verifies streamed");
    assert_eq!((pv.shards, pv.output.as_slice()), (n, INPUT));
    let mut cases: Vec<(&str, Proof<DefaultConfig>)> = Vec::new();
    let mut p = honest();
    p.shards.remove(2);
    cases.push(("middle shard dropped", p));
    let mut p = honest();
    p.shards.pop();
    cases.push(("last shard dropped", p));
    let mut p = honest();
    p.shards.swap(n - 2, n - 1);
    cases.push(("last two swapped", p));
    let mut p = honest();
    let again = honest().shards.remove(1);
    p.shards.insert(2, again);
    cases.push(("shard repeated", p));
    let mut p = honest();
    p.exit_code += 1;
    cases.push(("exit code claimed", p));
    let mut p = honest();
    p.output.push(0);
    cases.push(("output claimed", p));
    let mut p = honest();
    p.program_id.0[0] ^= 1;
    cases.push(("another program", p));
    for (what, proof) in cases {
        assert!(verify_streamed(&fx, &proof).is_err(), "{what} accepted");
    }
}

#[test]
fn a_malformed_stream_is_a_typed_error_at_the_shard_it_reaches() {
    let fx = Fixture::new(&echo_sum());
    let proof = sharded_proof(&fx, INPUT);
    let bytes = proof.to_bytes();
    // Truncated anywhere: a decode error (never a panic, never accepted).
    let last_shard_len = proof.shards.last().map(|s| s.to_bytes().len()).expect("a shard");
    for len in
        [0, 7, 47, 48, 60, bytes.len() / 2, bytes.len() - last_shard_len - 4, bytes.len() - 1]
    {
        match zkvm::verify_reader(fx.vk(), &bytes[..len]) {
            Err(ZkvmError::Decode(m)) => assert!(m.contains("before the end"), "{len}: {m}"),
            other => panic!("truncated to {len}: {other:?}"),
        }
    }
    // Cut exactly before the last shard: the count announces one more than there is.
    let cut = bytes.len() - last_shard_len - 4;
    let last = proof.shards.len() - 1;
    assert_eq!(
        zkvm::verify_reader(fx.vk(), &bytes[..cut]),
        Err(ZkvmError::Decode(format!(
            "shard {last} length: expected 4 bytes, got 0 before the end"
        )))
    );
    // Bytes after the last shard.
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        zkvm::verify_reader(fx.vk(), &long[..]),
        Err(ZkvmError::Decode("trailing bytes after the last shard".into()))
    );
    // A shard count of zero, and one far beyond the file: typed, no huge allocation.
    let count_at = zkvm::PROGRAM_PROOF_HEADER_LEN + proof.output.len();
    for count in [0u32, u32::MAX] {
        let mut forged = bytes.clone();
        forged[count_at..count_at + 4].copy_from_slice(&count.to_le_bytes());
        assert!(
            matches!(zkvm::verify_reader(fx.vk(), &forged[..]), Err(ZkvmError::Decode(_))),
            "count {count}"
        );
    }
    // A shard length far beyond the file: read as far as the file goes, then refused.
    let mut forged = bytes.clone();
    forged[count_at + 4..count_at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(zkvm::verify_reader(fx.vk(), &forged[..]), Err(ZkvmError::Decode(_))));
    // A flipped byte in a later shard's body: that shard is rejected, by name.
    let mut forged = bytes.clone();
    let at = bytes.len() - last_shard_len / 2;
    forged[at] ^= 0x5a;
    match zkvm::verify_reader(fx.vk(), &forged[..]) {
        Err(ZkvmError::Shard { shard, .. }) => assert_eq!(shard, last),
        Err(ZkvmError::Decode(m)) => assert!(m.starts_with(&format!("shard {last}:")), "{m}"),
        other => panic!("a flipped byte in the last shard: {other:?}"),
    }
}

#[test]
fn the_chain_verifier_refuses_shards_out_of_order_or_missing() {
    use zkvm::chain::{ChainVerifier, ProofHeader, check_shard};
    let fx = Fixture::new(&echo_sum());
    let proof = sharded_proof(&fx, INPUT);
    let header = || ProofHeader {
        program_id: proof.program_id,
        exit_code: proof.exit_code,
        output: proof.output.clone(),
        shard_count: proof.shards.len(),
    };
    let checked = |k: usize| check_shard(fx.vk(), k, &proof.shards[k]).expect("an honest shard");
    // Shard 1 pushed first.
    let mut chain = ChainVerifier::new(fx.vk(), header()).expect("a header");
    assert_eq!(
        chain.push(checked(1)).map_err(|e| e.to_string()),
        Err("shard 1: checked out of order".into())
    );
    // Shard 0 alone, then finish: the others are missing.
    let mut chain = ChainVerifier::new(fx.vk(), header()).expect("a header");
    chain.push(checked(0)).expect("shard 0 links");
    assert_eq!(chain.next_index(), 1);
    assert!(matches!(chain.finish(), Err(ZkvmError::Chain { shard: 1, .. })));
    // A header that announces fewer shards than are pushed.
    let mut chain =
        ChainVerifier::new(fx.vk(), ProofHeader { shard_count: 1, ..header() }).expect("a header");
    // Shard 0 of a longer run does not halt: as the last of one it is refused.
    assert!(matches!(chain.push(checked(0)), Err(ZkvmError::Chain { shard: 0, .. })));
    // A shard's index is the one it was checked at: shard 1 checked as shard 0 is linked
    // as shard 0 and fails the entry check.
    let as_first = check_shard(fx.vk(), 0, &proof.shards[1]).expect("its STARK verifies");
    let mut chain = ChainVerifier::new(fx.vk(), header()).expect("a header");
    assert!(chain.push(as_first).is_err());
    // All in order: the same public values as `verify`.
    let mut chain = ChainVerifier::new(fx.vk(), header()).expect("a header");
    for k in 0..proof.shards.len() {
        chain.push(checked(k)).expect("links");
    }
    assert_eq!(chain.finish(), verify(fx.vk(), &proof));
}

#[test]
fn shard_sizes_outside_the_limit_are_refused() {
    let fx = Fixture::new(&echo_sum());
    for shard_cycles in [0, zkvm::MAX_CYCLES + 1] {
        let e = fx.prover.prove_with(
            INPUT,
            ProveOptions { shard_cycles, ..ProveOptions::default() },
            |_| {},
        );
        assert!(matches!(e, Err(ZkvmError::ShardCycles { .. })), "{shard_cycles}");
    }
}

/// A fresh directory for a spool test.
fn spool_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zkvm-spool-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `echo_sum` on [`INPUT`] in shards of 64 cycles, spooled in `dir`: the opened spool,
/// the shards it already held, the run summary.
fn open_spool(
    fx: &Fixture,
    dir: &std::path::Path,
) -> (SpoolDir<DefaultConfig>, u64, zkvm::RunSummary) {
    let summary = fx.prover.execute(INPUT).expect("runs");
    let run = SpoolRun::new(fx.vk().program_id(), INPUT, summary.cycles, 64);
    let (spool, kept) = SpoolDir::open(dir, &run).expect("opens");
    (spool, kept, summary)
}

fn prove_spooled(
    fx: &Fixture,
    spool: &mut SpoolDir<DefaultConfig>,
    summary: &zkvm::RunSummary,
) -> Result<zkvm::ProveStats, ZkvmError> {
    let options = ProveOptions { shard_cycles: 64, ..ProveOptions::default() };
    fx.prover.prove_into(INPUT, summary, options, spool, |_| {}, |_, _| {})
}

/// The spooled shards assembled into a proof file after `prefix`, read back and decoded.
fn assemble(
    spool: &SpoolDir<DefaultConfig>,
    fx: &Fixture,
    summary: &zkvm::RunSummary,
    shards: usize,
) -> Proof<DefaultConfig> {
    let out = spool.dir().join("assembled.proof");
    let written = spool
        .write_proof(
            &out,
            b"HEAD",
            fx.vk().program_id(),
            summary.exit_code,
            &summary.output,
            shards as u32,
        )
        .expect("writes");
    let bytes = std::fs::read(&out).expect("reads");
    assert_eq!(bytes.len() as u64, written);
    assert_eq!(&bytes[..4], b"HEAD");
    Proof::from_bytes(&bytes[4..]).expect("decodes")
}

#[test]
fn an_interrupted_spooled_proof_resumes_and_verifies() {
    let fx = Fixture::new(&echo_sum());
    let dir = spool_dir("resume");
    let (mut spool, kept, summary) = open_spool(&fx, &dir);
    assert_eq!(kept, 0);
    let first = prove_spooled(&fx, &mut spool, &summary).expect("proves");
    let n = first.shards.len();
    assert!(n >= 4, "{n} shards");
    assert!(first.shards.iter().all(|s| !s.resumed && s.prove_s > 0.0));
    // An interruption: shards 1 and 3 were never written.
    for k in [1, 3] {
        std::fs::remove_file(dir.join(format!("shard-{k:06}.zkvp"))).expect("removes");
    }
    let (mut spool, kept, summary) = open_spool(&fx, &dir);
    assert_eq!(kept, n as u64 - 2);
    let second = prove_spooled(&fx, &mut spool, &summary).expect("resumes");
    let resumed: Vec<usize> = second.shards.iter().filter(|s| s.resumed).map(|s| s.index).collect();
    let expected: Vec<usize> = (0..n).filter(|k| ![1, 3].contains(k)).collect();
    assert_eq!(resumed, expected);
    assert!(second.shards.iter().filter(|s| s.resumed).all(|s| s.prove_s == 0.0));
    let proof = assemble(&spool, &fx, &summary, n);
    let pv = verify(fx.vk(), &proof).expect("the assembled proof verifies");
    assert_eq!((pv.output.as_slice(), pv.exit_code, pv.shards), (INPUT, byte_sum(INPUT), n));
    // A shard missing when assembling is an error, not a shorter proof.
    std::fs::remove_file(dir.join("shard-000002.zkvp")).expect("removes");
    let e = spool.write_proof(&dir.join("x.proof"), &[], fx.vk().program_id(), 0, &[], n as u32);
    assert!(matches!(e, Err(ZkvmError::Spool(_))), "{e:?}");
    spool.remove().expect("removes");
    assert!(!dir.exists());
}

#[test]
fn a_spool_of_another_run_or_with_a_foreign_shard_is_refused() {
    let fx = Fixture::new(&echo_sum());
    let dir = spool_dir("foreign");
    let (mut spool, _, summary) = open_spool(&fx, &dir);
    prove_spooled(&fx, &mut spool, &summary).expect("proves");
    // Another cut of the same run: the manifest names the field that differs.
    let other = SpoolRun::new(fx.vk().program_id(), INPUT, summary.cycles, 32);
    match SpoolDir::<DefaultConfig>::open(&dir, &other) {
        Err(ZkvmError::Spool(reason)) => {
            assert!(
                reason.contains("expected `shard-cycles 32`, got `shard-cycles 64`"),
                "{reason}"
            )
        }
        other => panic!("expected a refused manifest, got {:?}", other.map(|(_, k)| k)),
    }
    // Another input.
    let other = SpoolRun::new(fx.vk().program_id(), b"another input", summary.cycles, 64);
    assert!(matches!(SpoolDir::<DefaultConfig>::open(&dir, &other), Err(ZkvmError::Spool(_))));
    // A kept shard that is not this run's shard 2 (shard 0's proof under its name).
    std::fs::copy(dir.join("shard-000000.zkvp"), dir.join("shard-000002.zkvp")).expect("copies");
    let (mut spool, _, summary) = open_spool(&fx, &dir);
    match prove_spooled(&fx, &mut spool, &summary) {
        Err(ZkvmError::Spool(reason)) => {
            assert!(reason.contains("shard 2 has other public values"), "{reason}")
        }
        other => panic!("expected the foreign shard refused, got {other:?}"),
    }
    // A kept shard that does not decode.
    std::fs::write(dir.join("shard-000002.zkvp"), b"ZKVP garbage").expect("writes");
    match prove_spooled(&fx, &mut spool, &summary) {
        Err(ZkvmError::Spool(reason)) => assert!(reason.contains("does not decode"), "{reason}"),
        other => panic!("expected the broken shard refused, got {other:?}"),
    }
    spool.remove().expect("removes");
}

#[test]
fn a_kept_shard_with_a_broken_stark_is_refused_on_resume_and_by_the_verifier() {
    // A kept proof with this run's public values but a changed STARK (a shard of another
    // build, a disk error): resuming refuses it at once, and a proof assembled with it is
    // rejected by the verifier at that shard.
    let fx = Fixture::new(&echo_sum());
    let dir = spool_dir("broken");
    let (mut spool, _, summary) = open_spool(&fx, &dir);
    let n = prove_spooled(&fx, &mut spool, &summary).expect("proves").shards.len();
    let path = dir.join("shard-000001.zkvp");
    let honest = std::fs::read(&path).expect("reads");
    let original = zkvm_stark::MachineProof::<DefaultConfig>::from_bytes(&honest).expect("decodes");
    // Flip bytes from the end (the STARK's openings) until the proof still decodes with the
    // same public values.
    let broken = (1..honest.len())
        .map(|back| {
            let mut bytes = honest.clone();
            let at = bytes.len() - back;
            bytes[at] ^= 1;
            bytes
        })
        .find(|bytes| {
            zkvm_stark::MachineProof::<DefaultConfig>::from_bytes(bytes)
                .is_ok_and(|p| p.public_values == original.public_values)
        })
        .expect("a flipped byte that still decodes");
    std::fs::write(&path, broken).expect("writes");
    match prove_spooled(&fx, &mut spool, &summary) {
        Err(ZkvmError::Spool(reason)) => {
            assert!(reason.contains("shard 1 does not verify"), "{reason}")
        }
        other => panic!("expected the broken kept shard refused, got {other:?}"),
    }
    let proof = assemble(&spool, &fx, &summary, n);
    match assert_rejected(verify(fx.vk(), &proof)) {
        ZkvmError::Shard { shard: 1, .. } => {}
        e => panic!("expected shard 1 rejected, got: {e}"),
    }
    spool.remove().expect("removes");
}

#[test]
fn fixed_shapes_prove_every_shard_in_a_catalogue_shape() {
    use zkvm_machine::execution::shape::{is_catalogue_shape, shard_shape};
    let fx = Fixture::new(&echo_sum());
    let options = ProveOptions { shard_cycles: 64, fixed_shapes: true };
    let (proof, stats) = fx.prover.prove_with(INPUT, options, |_| {}).expect("proves");
    assert!(proof.shards.len() >= 4, "{} shards", proof.shards.len());
    let pv = verify(fx.vk(), &proof).expect("a fixed-shape proof verifies");
    assert_eq!((pv.output.as_slice(), pv.exit_code), (INPUT, byte_sum(INPUT)));
    assert!(pv.fixed_shapes, "the verifier sees catalogue shapes");
    let natural = fx
        .prover
        .prove_with(INPUT, ProveOptions { shard_cycles: 64, fixed_shapes: false }, |_| {})
        .expect("proves")
        .0;
    assert!(!verify(fx.vk(), &natural).expect("verifies").fixed_shapes);
    // Every shard's heights are a catalogue shape: S(6) for all but the last, which takes
    // the smallest that holds it.
    let plans = fx.prover.plan(INPUT, options, |_| {}).expect("plans");
    assert_eq!(plans.len(), stats.shards.len());
    let s6 = shard_shape(6).expect("S(6)");
    for p in &plans {
        let shape = p.shape();
        assert!(is_catalogue_shape(&shape), "shard {}: {shape:?}", p.index);
        if p.index + 1 < plans.len() {
            let fixed = |s: &[u8]| -> Vec<u8> {
                s.iter().zip(&s6).map(|(&h, &want)| if want == 0 { 0 } else { h }).collect()
            };
            assert_eq!(fixed(&shape), fixed(&s6), "shard {}", p.index);
        }
        assert!(p.cycles <= 64);
    }
    // The same run without fixed shapes has other (natural) heights.
    let natural = fx
        .prover
        .plan(INPUT, ProveOptions { shard_cycles: 64, fixed_shapes: false }, |_| {})
        .expect("plans");
    assert!(natural.iter().any(|p| !is_catalogue_shape(&p.shape())));
    // Fixed shapes need a power-of-two shard size in the catalogue.
    for shard_cycles in [100, 1 << 5] {
        let e =
            fx.prover.prove_with(INPUT, ProveOptions { shard_cycles, fixed_shapes: true }, |_| {});
        assert!(matches!(e, Err(ZkvmError::ShapeCycles { .. })), "{shard_cycles}");
    }
    // One READ_INPUT longer than S(6) holds: a typed error naming the shard and chip.
    let long = vec![7u8; 1500];
    match fx.prover.prove_with(&long, options, |_| {}) {
        Err(ZkvmError::ShapeOverflow { shard: 0, rows, cap, .. }) => assert!(rows > cap),
        other => panic!("expected the shape to overflow, got {:?}", other.map(|_| ())),
    }
}
