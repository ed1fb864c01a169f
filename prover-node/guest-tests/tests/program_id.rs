//! The guest ELF's hash is the program id recorded in `executor-guest/guest/PROGRAM_ID`.
//! (`make guest` rebuilds and compares too; `make guest-repro` builds twice from clean
//! copies in different folders and compares the bytes.)

use guest_tests::{STATELESS_GUEST, guest_elf, program_id, recorded_program_id};

#[test]
fn guest_elf_matches_recorded_program_id() {
    let elf = guest_elf(STATELESS_GUEST);
    assert_eq!(program_id(&elf), recorded_program_id(), "rebuild gives another program id");
}
