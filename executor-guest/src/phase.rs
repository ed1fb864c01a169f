//! The phases of one stateless validation, for profiling.
//!
//! [`validate_block_with_probe`](crate::validate_block_with_probe) calls its probe with a
//! [`Phase`] at each boundary; the zkVM guest turns each call into a `PHASE_MARK` syscall
//! (phase id = [`Phase::id`]), so the emulator can split a run's cycles by phase. Natively
//! a probe can time the phases the same way. Probes observe; they never change the result.

/// A phase of the validation. A phase lasts from its probe call to the next one (or to the
/// end of the run); a phase may be entered more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u32)]
pub enum Phase {
    /// Reading and decoding the input (guest side, before validation starts).
    InputDecode = 0,
    /// Checking the witness against what the block commits to: the ancestor hash chain,
    /// the header against its parent, the body against the header, the ommers, and
    /// hashing and indexing the witness trie nodes and codes.
    WitnessVerification = 1,
    /// Recovering the transactions' senders (ECDSA public-key recovery).
    SenderRecovery = 2,
    /// Executing the block (with pre-Byzantium intermediate state roots) and checking gas
    /// used, receipts root, logs bloom and requests hash.
    Execution = 3,
    /// Applying the state diff to the sparse tries, computing the post-state root and
    /// building the commitment (in the guest, committing it too).
    PostStateRoot = 4,
}

impl Phase {
    /// Every phase, in the order a successful validation enters them first.
    pub const ALL: [Phase; 5] = [
        Phase::InputDecode,
        Phase::WitnessVerification,
        Phase::SenderRecovery,
        Phase::Execution,
        Phase::PostStateRoot,
    ];

    /// The phase's number (the `a0` of the guest's `PHASE_MARK` syscall).
    pub const fn id(self) -> u32 {
        self as u32
    }

    /// The phase with number `id`, if there is one.
    pub const fn from_id(id: u32) -> Option<Phase> {
        Some(match id {
            0 => Phase::InputDecode,
            1 => Phase::WitnessVerification,
            2 => Phase::SenderRecovery,
            3 => Phase::Execution,
            4 => Phase::PostStateRoot,
            _ => return None,
        })
    }

    /// A short name for tables.
    pub const fn name(self) -> &'static str {
        match self {
            Phase::InputDecode => "input decode",
            Phase::WitnessVerification => "witness verification",
            Phase::SenderRecovery => "sender recovery",
            Phase::Execution => "execution",
            Phase::PostStateRoot => "post-state root",
        }
    }
}

impl core::fmt::Display for Phase {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Phase;

    #[test]
    fn phase_ids_round_trip() {
        for (i, p) in Phase::ALL.into_iter().enumerate() {
            assert_eq!(p.id(), i as u32);
            assert_eq!(Phase::from_id(p.id()), Some(p));
        }
        assert_eq!(Phase::from_id(5), None);
    }
}
