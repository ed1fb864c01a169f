//! The small guest programs for end-to-end proving tests (`executor-guest/guest/programs`),
//! run in the emulator: `keccak-io` against the `sha3` crate's Keccak-256 across the
//! sponge's padding edges, `fib` against a host loop (output and exit code), bad input,
//! and their size (code bytes, image span) so they stay cheap to prove. Cycle counts are
//! printed (`--no-capture`).

use guest_tests::{
    FIB, GuestElfError, KECCAK_IO, SMALL_PROGRAMS, exit, recorded_small_program_id, run_guest,
    small_program_elf,
};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha3::{Digest, Keccak256};
use zkvm_emulator::elf::parse_elf;

fn elf(name: &str) -> Vec<u8> {
    small_program_elf(name).unwrap_or_else(|e| panic!("{e}"))
}

/// Exit code, output and cycles of `name` on `input`.
fn run(elf: &[u8], input: &[u8]) -> (u32, Vec<u8>, u64) {
    let run = run_guest(elf, input.to_vec()).expect("the program runs to HALT without a fault");
    (run.summary.exit_code, run.summary.output, run.summary.cycles)
}

#[test]
fn keccak_io_matches_sha3_keccak256() {
    let elf = elf(KECCAK_IO);
    let mut rng = StdRng::seed_from_u64(0x6b65_6363);
    // Empty, one byte, one short of the 136-byte rate, exactly one block, one over, and
    // several blocks with a partial last one.
    for len in [0, 1, 135, 136, 137, 272, 1000] {
        let mut input = vec![0u8; len];
        rng.fill_bytes(&mut input);
        let (code, output, cycles) = run(&elf, &input);
        assert_eq!(code, exit::SUCCESS, "exit code, length {len}");
        assert_eq!(output, Keccak256::digest(&input).to_vec(), "hash, length {len}");
        println!("keccak-io {len:>5} bytes: {cycles:>6} cycles, {} permutations", len / 136 + 1);
    }
}

/// fib(n) mod 2^32 on the host.
fn fib(n: u32) -> u32 {
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

#[test]
fn fib_output_and_exit_code() {
    let elf = elf(FIB);
    assert_eq!([fib(0), fib(1), fib(2), fib(10), fib(47)], [0, 1, 1, 55, 2_971_215_073]);
    // 48 is the first n whose value wraps; 256 and 512 exit with 0, 300 with 44.
    for n in [0u32, 1, 2, 3, 10, 47, 48, 100, 255, 256, 300, 512, 1000, 100_000] {
        let (code, output, cycles) = run(&elf, &n.to_le_bytes());
        assert_eq!(code, n % 256, "exit code, n = {n}");
        assert_eq!(output, fib(n).to_le_bytes(), "fib({n})");
        println!("fib {n:>6}: exit {code:>3}, {cycles:>7} cycles");
    }
}

#[test]
fn fib_rejects_input_that_is_not_four_bytes() {
    let elf = elf(FIB);
    for input in [&[][..], &[7], &[7, 0, 0], &[7, 0, 0, 0, 0]] {
        let (code, output, _) = run(&elf, input);
        assert_eq!(code, 1, "exit code, {} input bytes", input.len());
        assert!(output.is_empty(), "no output, {} input bytes", input.len());
    }
}

/// Code bytes (executable segments) and image span in words: every word from the first to
/// the last word holding a non-zero initial byte of any segment.
fn sizes(elf: &[u8]) -> (u32, u32) {
    let image = parse_elf(elf).expect("the ELF parses");
    let code = image.segments.iter().filter(|s| s.executable).map(|s| s.mem_size).sum();
    let non_zero_words = image.segments.iter().flat_map(|s| {
        s.data.iter().enumerate().filter(|(_, b)| **b != 0).map(|(i, _)| (s.vaddr + i as u32) / 4)
    });
    let (first, last) = non_zero_words.fold((u32::MAX, 0), |(lo, hi), w| (lo.min(w), hi.max(w)));
    (code, last - first + 1)
}

#[test]
fn small_programs_stay_small() {
    for name in SMALL_PROGRAMS {
        let elf = elf(name);
        let (code, span) = sizes(&elf);
        println!("{name}: ELF {} bytes, code {code} bytes, image span {span} words", elf.len());
        assert!(code <= 4096, "{name}: {code} bytes of code");
        assert!(span <= 1024, "{name}: image span of {span} words");
    }
}

#[test]
fn small_programs_are_the_recorded_ones() {
    for name in SMALL_PROGRAMS {
        let id = recorded_small_program_id(name).expect("recorded in PROGRAM_IDS");
        assert_eq!(id.len(), 64, "{name}: a sha256 in hex");
        // small_program_elf checks the ELF's hash against PROGRAM_IDS.
        elf(name);
    }
    let err = small_program_elf("no-such-program").expect_err("no such ELF");
    assert!(matches!(err, GuestElfError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("make guest"), "the error says what to run: {err}");
}
