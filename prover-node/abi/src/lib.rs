#![no_std]
//! The guest ABI of our zkVM: the one source of truth shared by the guest, the emulator
//! and the AIR chips.
//!
//! The machine is RV32IM (32-bit base integer ISA plus multiply/divide), little-endian,
//! with a flat 32-bit address space. This crate holds no logic beyond small lookups: it
//! defines numbers, and every other crate takes them from here.
//!
//! # Calling convention for syscalls
//!
//! A guest asks the machine for a service with `ecall`. The syscall number goes in `t0`
//! (not `a7` as on Linux), arguments in `a0..a2`, and the result comes back in `a0`.
//! Every other register is preserved.
//!
//! | Syscall            | Number  | `a0`                     | `a1`        | `a2` | Returns in `a0`       |
//! |--------------------|---------|--------------------------|-------------|------|-----------------------|
//! | `HALT`             | `0x00`  | exit code                | -           | -    | does not return       |
//! | `INPUT_LEN`        | `0x01`  | -                        | -           | -    | input bytes not yet read |
//! | `READ_INPUT`       | `0x02`  | destination pointer      | max length  | -    | bytes copied          |
//! | `COMMIT_OUTPUT`    | `0x03`  | source pointer           | length      | -    | 0                     |
//! | `KECCAK_PERMUTE`   | `0x10`  | state pointer (4-aligned)| -           | -    | 0                     |
//! | reserved (below)   | `0x100..` | -                      | -           | -    | fault: unimplemented  |
//! | `PHASE_MARK`       | `0xf000`| phase id                 | -           | -    | nothing (`a0` kept)   |
//!
//! * `READ_INPUT` copies `min(a1, remaining)` bytes from the private input stream,
//!   starting where the previous read stopped, to `a0`. The pointer may be unaligned.
//! * `COMMIT_OUTPUT` appends `a1` bytes at `a0` to the public output.
//! * `KECCAK_PERMUTE` applies Keccak-f\[1600\] in place to 25 lanes of 64 bits stored as
//!   50 little-endian `u32` words: lane `i` is `word[2i] | word[2i+1] << 32`.
//! * The reserved numbers in [`syscall`] (secp256k1 recover, sha256 compress, bn254
//!   add/mul/pairing, bigint modexp) are allocated now so that guests and chips agree on
//!   them later; the machine faults on them today.
//! * `PHASE_MARK` is a *debug* syscall (range [`syscall::DEBUG_START`]`..`
//!   [`syscall::DEBUG_END`]): it tells a profiler that phase `a0` of the guest starts at
//!   this cycle. It changes no register (not even `a0`) and no memory; only the cycle
//!   count advances, as for any instruction. Phase marks are not part of any public
//!   output: the emulator reports them beside the run, never in the committed bytes, and
//!   the prover proves the `ecall` as a no-op. (They are part of the program, so adding or
//!   removing them changes its program id.)
//!
//! # Memory map
//!
//! | Range                           | Use                                               |
//! |---------------------------------|---------------------------------------------------|
//! | `0x0000_0000..0x0001_0000`      | null guard: every access faults                   |
//! | `0x0001_0000..`                 | program image (ELF `PT_LOAD` segments, usually at [`memory::PROGRAM_START`]), then heap |
//! | `..0x7fff_f000`                 | stack, growing down from [`memory::STACK_TOP`]    |
//! | `0x7fff_f000..0x8000_0000`      | reserved page (addressable, unused by the ABI)    |
//! | `0x8000_0000..=0xffff_ffff`     | out of range: every access faults                 |
//!
//! Memory is zero-initialised. The heap starts at the guest's end symbol and is managed by
//! the guest. Loads and stores must be naturally aligned (`lh`/`lhu`/`sh` on 2 bytes,
//! `lw`/`sw` on 4): RISC-V allows misaligned accesses but this machine faults on them,
//! which keeps one memory access per instruction for the prover. Executable segments are
//! read-only (stores to them fault) and only executable segments can be executed.

/// Syscall numbers (placed in `t0` before `ecall`) and their typed view.
pub mod syscall {
    /// Stop the machine; `a0` is the exit code.
    pub const HALT: u32 = 0x00;
    /// Return in `a0` how many input bytes are not yet read.
    pub const INPUT_LEN: u32 = 0x01;
    /// Copy up to `a1` input bytes to address `a0`; return the count in `a0`.
    pub const READ_INPUT: u32 = 0x02;
    /// Append `a1` bytes at address `a0` to the public output.
    pub const COMMIT_OUTPUT: u32 = 0x03;
    /// Keccak-f\[1600\] in place on 50 little-endian words at address `a0`.
    pub const KECCAK_PERMUTE: u32 = 0x10;
    /// First number of the reserved (allocated, not implemented) syscalls.
    pub const RESERVED_START: u32 = 0x100;
    /// One past the last number of the reserved syscalls.
    pub const RESERVED_END: u32 = 0x200;
    /// First number of the debug syscalls: profiling aids with no effect on the machine's
    /// state beyond the cycle count, outside every public output; a prover proves them
    /// as no-ops.
    pub const DEBUG_START: u32 = 0xf000;
    /// One past the last number of the debug syscalls.
    pub const DEBUG_END: u32 = 0xf100;
    /// Debug: phase `a0` of the guest starts at this cycle (a profiling mark). Changes no
    /// register and no memory; see the crate docs.
    pub const PHASE_MARK: u32 = DEBUG_START;
    /// Reserved: secp256k1 public-key recovery. Not implemented.
    pub const SECP256K1_RECOVER: u32 = 0x100;
    /// Reserved: SHA-256 compression function. Not implemented.
    pub const SHA256_COMPRESS: u32 = 0x101;
    /// Reserved: bn254 G1 addition. Not implemented.
    pub const BN254_ADD: u32 = 0x102;
    /// Reserved: bn254 G1 scalar multiplication. Not implemented.
    pub const BN254_MUL: u32 = 0x103;
    /// Reserved: bn254 pairing check. Not implemented.
    pub const BN254_PAIRING: u32 = 0x104;
    /// Reserved: big-integer modular exponentiation (EIP-198 modexp). Not implemented.
    pub const BIGINT_MODEXP: u32 = 0x105;

    /// A syscall number known to the ABI.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[repr(u32)]
    pub enum Syscall {
        /// See [`HALT`].
        Halt = HALT,
        /// See [`INPUT_LEN`].
        InputLen = INPUT_LEN,
        /// See [`READ_INPUT`].
        ReadInput = READ_INPUT,
        /// See [`COMMIT_OUTPUT`].
        CommitOutput = COMMIT_OUTPUT,
        /// See [`KECCAK_PERMUTE`].
        KeccakPermute = KECCAK_PERMUTE,
        /// See [`SECP256K1_RECOVER`] (reserved).
        Secp256k1Recover = SECP256K1_RECOVER,
        /// See [`SHA256_COMPRESS`] (reserved).
        Sha256Compress = SHA256_COMPRESS,
        /// See [`BN254_ADD`] (reserved).
        Bn254Add = BN254_ADD,
        /// See [`BN254_MUL`] (reserved).
        Bn254Mul = BN254_MUL,
        /// See [`BN254_PAIRING`] (reserved).
        Bn254Pairing = BN254_PAIRING,
        /// See [`BIGINT_MODEXP`] (reserved).
        BigintModexp = BIGINT_MODEXP,
        /// See [`PHASE_MARK`] (debug).
        PhaseMark = PHASE_MARK,
    }

    impl Syscall {
        /// Every syscall the ABI knows, implemented or reserved.
        pub const ALL: [Syscall; 12] = [
            Syscall::Halt,
            Syscall::InputLen,
            Syscall::ReadInput,
            Syscall::CommitOutput,
            Syscall::KeccakPermute,
            Syscall::Secp256k1Recover,
            Syscall::Sha256Compress,
            Syscall::Bn254Add,
            Syscall::Bn254Mul,
            Syscall::Bn254Pairing,
            Syscall::BigintModexp,
            Syscall::PhaseMark,
        ];

        /// The syscall with number `n`, or `None` if the ABI does not define it.
        pub const fn from_u32(n: u32) -> Option<Self> {
            Some(match n {
                HALT => Syscall::Halt,
                INPUT_LEN => Syscall::InputLen,
                READ_INPUT => Syscall::ReadInput,
                COMMIT_OUTPUT => Syscall::CommitOutput,
                KECCAK_PERMUTE => Syscall::KeccakPermute,
                SECP256K1_RECOVER => Syscall::Secp256k1Recover,
                SHA256_COMPRESS => Syscall::Sha256Compress,
                BN254_ADD => Syscall::Bn254Add,
                BN254_MUL => Syscall::Bn254Mul,
                BN254_PAIRING => Syscall::Bn254Pairing,
                BIGINT_MODEXP => Syscall::BigintModexp,
                PHASE_MARK => Syscall::PhaseMark,
                _ => return None,
            })
        }

        /// The number that selects this syscall.
        pub const fn as_u32(self) -> u32 {
            self as u32
        }

        /// Whether the number is only reserved: allocated, but the machine faults on it.
        pub const fn is_reserved(self) -> bool {
            let n = self.as_u32();
            RESERVED_START <= n && n < RESERVED_END
        }

        /// Whether this is a debug syscall: no effect on the machine's state beyond the
        /// cycle count, not part of any public output, proved as a no-op.
        pub const fn is_debug(self) -> bool {
            let n = self.as_u32();
            DEBUG_START <= n && n < DEBUG_END
        }
    }

    /// Size in bytes of the Keccak-f\[1600\] state `KECCAK_PERMUTE` works on.
    pub const KECCAK_STATE_BYTES: u32 = 200;
    /// Number of `u32` words of the Keccak-f\[1600\] state.
    pub const KECCAK_STATE_WORDS: usize = 50;
}

/// Register numbers used by the calling convention (standard RISC-V names).
pub mod reg {
    /// `x0`, hard-wired to zero.
    pub const ZERO: u8 = 0;
    /// `x1`, return address.
    pub const RA: u8 = 1;
    /// `x2`, stack pointer; the machine sets it to [`crate::memory::STACK_TOP`] at start.
    pub const SP: u8 = 2;
    /// `x5`, holds the syscall number at `ecall`.
    pub const T0: u8 = 5;
    /// `x10`, first syscall argument and the syscall result.
    pub const A0: u8 = 10;
    /// `x11`, second syscall argument.
    pub const A1: u8 = 11;
    /// `x12`, third syscall argument.
    pub const A2: u8 = 12;
    /// `x17`; Linux puts syscall numbers here, this machine does not (see [`SYSCALL_NUMBER`]).
    pub const A7: u8 = 17;
    /// The register that selects the syscall at `ecall`.
    pub const SYSCALL_NUMBER: u8 = T0;
    /// The registers that carry syscall arguments, in order.
    pub const SYSCALL_ARGS: [u8; 3] = [A0, A1, A2];
    /// The register that carries the syscall result.
    pub const SYSCALL_RESULT: u8 = A0;
    /// Number of integer registers.
    pub const COUNT: usize = 32;
}

/// The memory map. All addresses are in the 32-bit space; see the crate docs for a table.
pub mod memory {
    /// First addressable byte; below it is the null guard.
    pub const MEMORY_START: u32 = 0x0001_0000;
    /// One past the last addressable byte.
    pub const MEMORY_END: u32 = 0x8000_0000;
    /// Conventional load address of the program image (the RISC-V linkers' default).
    pub const PROGRAM_START: u32 = 0x0001_0000;
    /// Initial stack pointer; the stack grows down from here. 16-byte aligned.
    pub const STACK_TOP: u32 = 0x7fff_f000;
    /// Largest total size of the executable segments the machine accepts (64 MiB).
    pub const MAX_CODE_BYTES: u32 = 64 << 20;
    /// Page size used by the memory model (and by ELF segment alignment).
    pub const PAGE_BYTES: u32 = 4096;

    /// Whether every byte of `[addr, addr + len)` is addressable.
    pub const fn is_addressable(addr: u32, len: u32) -> bool {
        match addr.checked_add(len) {
            Some(end) => addr >= MEMORY_START && end <= MEMORY_END,
            None => false,
        }
    }
}

/// RV32IM instruction encodings: major opcodes, `funct3` and `funct7` values.
///
/// The decoder, the encoder used by tests, and the AIR chips take their numbers from here.
pub mod isa {
    /// Major opcodes (bits `[6:0]` of the instruction word).
    pub mod opcode {
        /// `LUI` (U-type).
        pub const LUI: u32 = 0b011_0111;
        /// `AUIPC` (U-type).
        pub const AUIPC: u32 = 0b001_0111;
        /// `JAL` (J-type).
        pub const JAL: u32 = 0b110_1111;
        /// `JALR` (I-type).
        pub const JALR: u32 = 0b110_0111;
        /// Conditional branches (B-type).
        pub const BRANCH: u32 = 0b110_0011;
        /// Loads (I-type).
        pub const LOAD: u32 = 0b000_0011;
        /// Stores (S-type).
        pub const STORE: u32 = 0b010_0011;
        /// Register-immediate ALU operations (I-type).
        pub const OP_IMM: u32 = 0b001_0011;
        /// Register-register ALU and M-extension operations (R-type).
        pub const OP: u32 = 0b011_0011;
        /// `FENCE`.
        pub const MISC_MEM: u32 = 0b000_1111;
        /// `ECALL`, `EBREAK` (and CSR instructions, which this machine does not have).
        pub const SYSTEM: u32 = 0b111_0011;
    }

    /// `funct3` values (bits `[14:12]`), grouped by major opcode.
    pub mod funct3 {
        /// `JALR`.
        pub const JALR: u32 = 0b000;
        /// `BEQ`.
        pub const BEQ: u32 = 0b000;
        /// `BNE`.
        pub const BNE: u32 = 0b001;
        /// `BLT`.
        pub const BLT: u32 = 0b100;
        /// `BGE`.
        pub const BGE: u32 = 0b101;
        /// `BLTU`.
        pub const BLTU: u32 = 0b110;
        /// `BGEU`.
        pub const BGEU: u32 = 0b111;
        /// `LB`.
        pub const LB: u32 = 0b000;
        /// `LH`.
        pub const LH: u32 = 0b001;
        /// `LW`.
        pub const LW: u32 = 0b010;
        /// `LBU`.
        pub const LBU: u32 = 0b100;
        /// `LHU`.
        pub const LHU: u32 = 0b101;
        /// `SB`.
        pub const SB: u32 = 0b000;
        /// `SH`.
        pub const SH: u32 = 0b001;
        /// `SW`.
        pub const SW: u32 = 0b010;
        /// `ADD`, `SUB`, `ADDI`.
        pub const ADD: u32 = 0b000;
        /// `SLL`, `SLLI`.
        pub const SLL: u32 = 0b001;
        /// `SLT`, `SLTI`.
        pub const SLT: u32 = 0b010;
        /// `SLTU`, `SLTIU`.
        pub const SLTU: u32 = 0b011;
        /// `XOR`, `XORI`.
        pub const XOR: u32 = 0b100;
        /// `SRL`, `SRA`, `SRLI`, `SRAI` (told apart by `funct7`).
        pub const SRL: u32 = 0b101;
        /// `OR`, `ORI`.
        pub const OR: u32 = 0b110;
        /// `AND`, `ANDI`.
        pub const AND: u32 = 0b111;
        /// `MUL`.
        pub const MUL: u32 = 0b000;
        /// `MULH`.
        pub const MULH: u32 = 0b001;
        /// `MULHSU`.
        pub const MULHSU: u32 = 0b010;
        /// `MULHU`.
        pub const MULHU: u32 = 0b011;
        /// `DIV`.
        pub const DIV: u32 = 0b100;
        /// `DIVU`.
        pub const DIVU: u32 = 0b101;
        /// `REM`.
        pub const REM: u32 = 0b110;
        /// `REMU`.
        pub const REMU: u32 = 0b111;
        /// `FENCE`.
        pub const FENCE: u32 = 0b000;
        /// `ECALL` and `EBREAK`.
        pub const PRIV: u32 = 0b000;
    }

    /// `funct7` values (bits `[31:25]`) of R-type and shift-immediate instructions.
    pub mod funct7 {
        /// Base operations (`ADD`, `SRL`, `SLLI`, ...).
        pub const BASE: u32 = 0b000_0000;
        /// Alternate operations: `SUB`, `SRA`, `SRAI`.
        pub const ALT: u32 = 0b010_0000;
        /// M extension: multiply and divide.
        pub const MULDIV: u32 = 0b000_0001;
    }

    /// The complete instruction word of `ECALL`.
    pub const ECALL_WORD: u32 = 0x0000_0073;
    /// The complete instruction word of `EBREAK`.
    pub const EBREAK_WORD: u32 = 0x0010_0073;
    /// Size of every instruction in bytes (no compressed extension).
    pub const INSTRUCTION_BYTES: u32 = 4;
}

#[cfg(test)]
mod tests {
    use super::syscall::*;
    use super::*;

    #[test]
    fn syscall_numbers_round_trip() {
        for s in Syscall::ALL {
            assert_eq!(Syscall::from_u32(s.as_u32()), Some(s));
        }
        assert_eq!(Syscall::from_u32(0xdead), None);
        assert!(!Syscall::KeccakPermute.is_reserved());
        assert!(Syscall::Bn254Pairing.is_reserved());
        assert!(!Syscall::PhaseMark.is_reserved());
        assert!(Syscall::PhaseMark.is_debug());
        assert!(!Syscall::KeccakPermute.is_debug());
        for s in Syscall::ALL {
            let n = s.as_u32();
            assert!(n < RESERVED_START || s.is_reserved() || s.is_debug(), "{s:?} in no range");
        }
    }

    #[test]
    fn addressable_ranges() {
        assert!(memory::is_addressable(memory::MEMORY_START, 4));
        assert!(!memory::is_addressable(0, 4));
        assert!(memory::is_addressable(memory::MEMORY_END - 4, 4));
        assert!(!memory::is_addressable(memory::MEMORY_END - 3, 4));
        assert!(!memory::is_addressable(u32::MAX, 2));
        const { assert!(memory::STACK_TOP < memory::MEMORY_END && memory::STACK_TOP.is_multiple_of(16)) };
    }
}
