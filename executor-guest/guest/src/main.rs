#![no_std]
#![no_main]
//! The stateless Ethereum block validator as a zkVM guest.
//!
//! 1. Read the whole private input (`INPUT_LEN`, `READ_INPUT`).
//! 2. Decode it as a [`StatelessInput`].
//! 3. Validate the block ([`validate_block_with_probe`], which behaves as
//!    `validate_block`).
//! 4. On success commit the 182-byte [`BlockCommitment::to_bytes`] and halt with exit code
//!    0. On failure commit nothing and halt with one of the non-zero codes of
//!    [`stateless_guest::exit`].
//!
//! At the start of each [`Phase`] the guest issues the debug syscall `PHASE_MARK` with the
//! phase's id, so the emulator can split the run's cycles by phase. The marks change no
//! machine state and are not part of the output.
//!
//! [`BlockCommitment::to_bytes`]: stateless_executor::BlockCommitment::to_bytes

use stateless_executor::{Phase, StatelessInput, validate_block_with_probe};
use stateless_guest::{exit, syscall};

stateless_guest::entry!(main);

fn main() -> u32 {
    syscall::phase_mark(Phase::InputDecode.id());
    let Some(bytes) = syscall::read_all_input() else { return exit::INPUT_READ };
    let Ok(input) = StatelessInput::decode(&bytes) else { return exit::DECODE };
    drop(bytes);
    match validate_block_with_probe(&input, &mut |phase| syscall::phase_mark(phase.id())) {
        Ok((commitment, _stats, _diff)) => {
            syscall::commit(&commitment.to_bytes());
            exit::SUCCESS
        }
        Err(_) => exit::INVALID_BLOCK,
    }
}
