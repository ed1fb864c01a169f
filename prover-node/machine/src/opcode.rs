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
/// `SLL` (and `SLLI`): `a = b << (c mod 32)`.
pub const SLL: u8 = 29;
/// `SLT` (and `SLTI`): `a = 1` if `b < c` as signed integers, else 0.
pub const SLT: u8 = 30;
/// `SLTU` (and `SLTIU`): `a = 1` if `b < c` as unsigned integers, else 0.
pub const SLTU: u8 = 31;
/// `XOR` (and `XORI`): `a = b ^ c`.
pub const XOR: u8 = 32;
/// `SRL` (and `SRLI`): `a = b >> (c mod 32)`, shifting in zeros.
pub const SRL: u8 = 33;
/// `SRA` (and `SRAI`): `a = b >> (c mod 32)`, shifting in copies of the sign bit.
pub const SRA: u8 = 34;
/// `OR` (and `ORI`): `a = b | c`.
pub const OR: u8 = 35;
/// `AND` (and `ANDI`): `a = b & c`.
pub const AND: u8 = 36;
/// `MUL`: `a` is the low word of `b·c`.
pub const MUL: u8 = 40;
/// `MULH`: `a` is the high word of `b·c`, both signed.
pub const MULH: u8 = 41;
/// `MULHSU`: `a` is the high word of `b·c`, `b` signed and `c` unsigned.
pub const MULHSU: u8 = 42;
/// `MULHU`: `a` is the high word of `b·c`, both unsigned.
pub const MULHU: u8 = 43;
/// `DIV`: `a = b / c` signed, rounded toward zero (`−1` if `c = 0`, `INT_MIN` for
/// `INT_MIN / −1`).
pub const DIV: u8 = 44;
/// `DIVU`: `a = b / c` unsigned (all ones if `c = 0`).
pub const DIVU: u8 = 45;
/// `REM`: `a = b % c` signed, with the sign of `b` (`b` if `c = 0`, 0 for `INT_MIN % −1`).
pub const REM: u8 = 46;
/// `REMU`: `a = b % c` unsigned (`b` if `c = 0`).
pub const REMU: u8 = 47;

/// The operation an instruction executes on the `EXECUTION` bus: immediate forms map to
/// their register form (`ADDI` → `ADD`). `None` for opcodes no chip implements yet.
pub const fn execution_opcode(emulator_opcode: u8) -> Option<u8> {
    const ADDI: u8 = 18;
    const SLTI: u8 = 19;
    const SLTIU: u8 = 20;
    const XORI: u8 = 21;
    const ORI: u8 = 22;
    const ANDI: u8 = 23;
    const SLLI: u8 = 24;
    const SRLI: u8 = 25;
    const SRAI: u8 = 26;
    match emulator_opcode {
        ADD | ADDI => Some(ADD),
        SUB => Some(SUB),
        SLL | SLLI => Some(SLL),
        SLT | SLTI => Some(SLT),
        SLTU | SLTIU => Some(SLTU),
        XOR | XORI => Some(XOR),
        SRL | SRLI => Some(SRL),
        SRA | SRAI => Some(SRA),
        OR | ORI => Some(OR),
        AND | ANDI => Some(AND),
        MUL | MULH | MULHSU | MULHU | DIV | DIVU | REM | REMU => Some(emulator_opcode),
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
        assert_eq!(SLL, Opcode::Sll as u8);
        assert_eq!(SLT, Opcode::Slt as u8);
        assert_eq!(SLTU, Opcode::Sltu as u8);
        assert_eq!(XOR, Opcode::Xor as u8);
        assert_eq!(SRL, Opcode::Srl as u8);
        assert_eq!(SRA, Opcode::Sra as u8);
        assert_eq!(OR, Opcode::Or as u8);
        assert_eq!(AND, Opcode::And as u8);
        assert_eq!(MUL, Opcode::Mul as u8);
        assert_eq!(MULH, Opcode::Mulh as u8);
        assert_eq!(MULHSU, Opcode::Mulhsu as u8);
        assert_eq!(MULHU, Opcode::Mulhu as u8);
        assert_eq!(DIV, Opcode::Div as u8);
        assert_eq!(DIVU, Opcode::Divu as u8);
        assert_eq!(REM, Opcode::Rem as u8);
        assert_eq!(REMU, Opcode::Remu as u8);
        for op in Opcode::ALL {
            let expected = match op {
                Opcode::Add | Opcode::Addi => Some(ADD),
                Opcode::Sub => Some(SUB),
                Opcode::Sll | Opcode::Slli => Some(SLL),
                Opcode::Slt | Opcode::Slti => Some(SLT),
                Opcode::Sltu | Opcode::Sltiu => Some(SLTU),
                Opcode::Xor | Opcode::Xori => Some(XOR),
                Opcode::Srl | Opcode::Srli => Some(SRL),
                Opcode::Sra | Opcode::Srai => Some(SRA),
                Opcode::Or | Opcode::Ori => Some(OR),
                Opcode::And | Opcode::Andi => Some(AND),
                Opcode::Mul
                | Opcode::Mulh
                | Opcode::Mulhsu
                | Opcode::Mulhu
                | Opcode::Div
                | Opcode::Divu
                | Opcode::Rem
                | Opcode::Remu => Some(op as u8),
                _ => None,
            };
            assert_eq!(execution_opcode(op as u8), expected, "{op:?}");
        }
    }
}
