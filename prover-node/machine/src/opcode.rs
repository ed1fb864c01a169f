//! Opcode numbers carried as the first element of an `EXECUTION` message.
//!
//! The number of an operation is the discriminant of the emulator's
//! `zkvm_emulator::instruction::Opcode` (`Opcode::Add as u8`), so the emulator's events map
//! to bus messages without a table. This crate is `no_std` and cannot depend on the
//! emulator, so the numbers are repeated here and a test checks them against the emulator.
//!
//! An `EXECUTION` message names the *operation*, not the instruction form: the CPU sends
//! [`ADD`] for both `ADD` and `ADDI` (with the immediate as `c`), and so on for the other
//! immediate forms.

/// `ADD` (and `ADDI`): `a = b + c` modulo 2^32.
pub const ADD: u8 = 27;
/// `SUB`: `a = b − c` modulo 2^32.
pub const SUB: u8 = 28;

/// The operation an instruction executes on the `EXECUTION` bus: immediate forms map to
/// their register form (`ADDI` → `ADD`). `None` for opcodes no chip implements yet.
pub const fn execution_opcode(emulator_opcode: u8) -> Option<u8> {
    const ADDI: u8 = 18;
    match emulator_opcode {
        ADD | ADDI => Some(ADD),
        SUB => Some(SUB),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use zkvm_emulator::instruction::Opcode;

    use super::*;

    #[test]
    fn numbers_are_the_emulator_discriminants() {
        assert_eq!(ADD, Opcode::Add as u8);
        assert_eq!(SUB, Opcode::Sub as u8);
        for op in Opcode::ALL {
            let expected = match op {
                Opcode::Add | Opcode::Addi => Some(ADD),
                Opcode::Sub => Some(SUB),
                _ => None,
            };
            assert_eq!(execution_opcode(op as u8), expected, "{op:?}");
        }
    }
}
