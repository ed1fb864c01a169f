//! The one error type of the emulator: ELF loading faults and execution faults.

/// Why loading or running a program failed. Variants are named after the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmuError {
    // ---- ELF loading -------------------------------------------------------------------
    /// The file ends before a structure it declares.
    #[error("ELF truncated reading {what}: need {expected} bytes, file has {got}")]
    ElfTruncated {
        /// The structure being read.
        what: &'static str,
        /// Bytes needed (end offset of the structure).
        expected: u64,
        /// Bytes in the file.
        got: u64,
    },
    /// The file does not start with `\x7fELF`.
    #[error("bad ELF magic: expected {expected:02x?}, got {got:02x?}")]
    ElfBadMagic {
        /// `\x7fELF`.
        expected: [u8; 4],
        /// The first four bytes of the file.
        got: [u8; 4],
    },
    /// Not a 32-bit ELF.
    #[error("bad ELF class: expected {expected} (ELFCLASS32), got {got}")]
    ElfBadClass {
        /// 1 (`ELFCLASS32`).
        expected: u8,
        /// The class byte.
        got: u8,
    },
    /// Not little-endian.
    #[error("bad ELF data encoding: expected {expected} (little-endian), got {got}")]
    ElfBadEndianness {
        /// 1 (`ELFDATA2LSB`).
        expected: u8,
        /// The data-encoding byte.
        got: u8,
    },
    /// Not an executable (`ET_EXEC`).
    #[error("bad ELF type: expected {expected} (ET_EXEC), got {got}")]
    ElfBadType {
        /// 2 (`ET_EXEC`).
        expected: u16,
        /// The `e_type` field.
        got: u16,
    },
    /// Not a RISC-V file.
    #[error("bad ELF machine: expected {expected} (EM_RISCV), got {got}")]
    ElfBadMachine {
        /// 243 (`EM_RISCV`).
        expected: u16,
        /// The `e_machine` field.
        got: u16,
    },
    /// The program header entry size is not that of ELF32.
    #[error("bad ELF program header size: expected {expected}, got {got}")]
    ElfBadProgramHeaderSize {
        /// 32.
        expected: u16,
        /// The `e_phentsize` field.
        got: u16,
    },
    /// A segment's file size exceeds its memory size.
    #[error("ELF segment at {vaddr:#010x}: file size {file_size} exceeds memory size {mem_size}")]
    ElfSegmentFileSizeTooLarge {
        /// Segment start address.
        vaddr: u32,
        /// `p_filesz`.
        file_size: u32,
        /// `p_memsz`.
        mem_size: u32,
    },
    /// A segment is not inside addressable memory.
    #[error("ELF segment {vaddr:#010x}+{mem_size:#x} outside memory {start:#010x}..{end:#010x}")]
    ElfSegmentOutOfRange {
        /// Segment start address.
        vaddr: u32,
        /// `p_memsz`.
        mem_size: u32,
        /// First addressable byte.
        start: u32,
        /// One past the last addressable byte.
        end: u32,
    },
    /// Two segments share memory.
    #[error("ELF segments at {first:#010x} and {second:#010x} overlap")]
    ElfOverlappingSegments {
        /// Start of the lower segment.
        first: u32,
        /// Start of the segment that overlaps it.
        second: u32,
    },
    /// An executable segment does not start and end on a 4-byte boundary.
    #[error("ELF executable segment {vaddr:#010x}+{mem_size:#x} not 4-byte aligned")]
    ElfMisalignedCodeSegment {
        /// Segment start address.
        vaddr: u32,
        /// `p_memsz`.
        mem_size: u32,
    },
    /// A data segment lies between executable segments (the code span must be code only).
    #[error("ELF data segment at {vaddr:#010x} lies inside the code span")]
    ElfDataInsideCode {
        /// Segment start address.
        vaddr: u32,
    },
    /// The executable segments span more than the machine accepts.
    #[error("ELF code span too large: at most {expected} bytes, got {got}")]
    ElfCodeTooLarge {
        /// [`zkvm_abi::memory::MAX_CODE_BYTES`].
        expected: u32,
        /// Bytes from the first to the end of the last executable segment.
        got: u32,
    },
    /// The entry point is not a 4-byte aligned address in an executable segment.
    #[error("ELF entry point {entry:#010x} is not in an executable segment")]
    ElfEntryNotExecutable {
        /// `e_entry`.
        entry: u32,
    },

    // ---- Execution ---------------------------------------------------------------------
    /// The program counter left the executable segments or is not 4-byte aligned.
    #[error("pc {pc:#010x}: not in an executable segment or misaligned")]
    ExecuteNonCode {
        /// The faulting program counter.
        pc: u32,
    },
    /// The word at `pc` is not an RV32IM instruction of this machine.
    #[error("pc {pc:#010x}: illegal instruction {word:#010x}")]
    IllegalInstruction {
        /// The faulting program counter.
        pc: u32,
        /// The instruction word.
        word: u32,
    },
    /// A load or store is not naturally aligned (this machine faults on them).
    #[error("pc {pc:#010x}: misaligned {width}-byte access at {addr:#010x}")]
    MisalignedAccess {
        /// The faulting program counter.
        pc: u32,
        /// The accessed address.
        addr: u32,
        /// Access width in bytes.
        width: u32,
    },
    /// A memory access (by an instruction or a syscall) touches an unaddressable byte.
    #[error("pc {pc:#010x}: access to {addr:#010x}+{len} outside addressable memory")]
    AddressOutOfRange {
        /// The faulting program counter.
        pc: u32,
        /// First byte of the access.
        addr: u32,
        /// Length of the access in bytes.
        len: u32,
    },
    /// A store (by an instruction or a syscall) targets the read-only code span.
    #[error("pc {pc:#010x}: store to code at {addr:#010x}")]
    StoreToCode {
        /// The faulting program counter.
        pc: u32,
        /// The first stored byte inside code.
        addr: u32,
    },
    /// `EBREAK` was executed.
    #[error("pc {pc:#010x}: ebreak")]
    Breakpoint {
        /// The faulting program counter.
        pc: u32,
    },
    /// `ECALL` with a number the ABI does not define.
    #[error("pc {pc:#010x}: unknown syscall {number:#x}")]
    UnknownSyscall {
        /// The faulting program counter.
        pc: u32,
        /// The value of `t0`.
        number: u32,
    },
    /// `ECALL` with a number the ABI reserves but the machine does not implement yet.
    #[error("pc {pc:#010x}: syscall {number:#x} is reserved, not implemented")]
    UnimplementedSyscall {
        /// The faulting program counter.
        pc: u32,
        /// The value of `t0`.
        number: u32,
    },
    /// The program ran `limit` instructions without halting.
    #[error("cycle limit of {limit} exceeded")]
    CycleLimitExceeded {
        /// The limit.
        limit: u64,
    },
}
