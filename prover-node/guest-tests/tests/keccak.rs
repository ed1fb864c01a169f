//! The guest's Keccak-256 sponge over the `KECCAK_PERMUTE` syscall, run in the emulator
//! (`keccak-guest`): known vectors, every padding edge around the 136-byte rate, and the
//! check that `alloy_primitives::keccak256` inside the guest is routed to the same sponge.

use guest_tests::{KECCAK_GUEST, exit, guest_elf, run_guest};
use stateless_executor::deps::alloy_primitives::keccak256;

/// The four hashes `keccak-guest` commits for `input`: sponge, `native_keccak256`,
/// `alloy_primitives::keccak256`, and the sponge over `input[1..]` (unaligned start).
fn guest_hashes(elf: &[u8], input: &[u8]) -> [[u8; 32]; 4] {
    let run = run_guest(elf, input.to_vec()).expect("keccak guest runs");
    assert_eq!(run.summary.exit_code, exit::SUCCESS);
    assert_eq!(run.summary.output.len(), 128, "four hashes");
    let mut out = [[0u8; 32]; 4];
    for (h, chunk) in out.iter_mut().zip(run.summary.output.chunks_exact(32)) {
        h.copy_from_slice(chunk);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn keccak_known_vectors() {
    let elf = guest_elf(KECCAK_GUEST);
    let empty = guest_hashes(&elf, b"");
    assert_eq!(hex(&empty[0]), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    let abc = guest_hashes(&elf, b"abc");
    assert_eq!(hex(&abc[0]), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    for hashes in [empty, abc] {
        assert!(hashes[..3].iter().all(|h| *h == hashes[0]), "hook and alloy agree");
    }
}

#[test]
fn keccak_matches_host_across_padding_edges() {
    let elf = guest_elf(KECCAK_GUEST);
    let lengths = [1, 2, 3, 4, 5, 31, 32, 33, 134, 135, 136, 137, 138, 271, 272, 273, 1000, 4097];
    for len in lengths {
        let input: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let [sponge, hook, alloy, shifted] = guest_hashes(&elf, &input);
        let want = keccak256(&input).0;
        assert_eq!(sponge, want, "sponge, length {len}");
        assert_eq!(hook, want, "native_keccak256, length {len}");
        assert_eq!(alloy, want, "alloy_primitives::keccak256, length {len}");
        assert_eq!(shifted, keccak256(&input[1..]).0, "unaligned input, length {len}");
    }
}
