//! A hand-written loader for ELF32 little-endian RISC-V executables.
//!
//! Only what execution needs is read: the file header and the `PT_LOAD` program headers.
//! Every read is bounds-checked; malformed input gives a typed [`EmuError`], never a panic.

use crate::EmuError;
use zkvm_abi::memory::{MAX_CODE_BYTES, MEMORY_END, MEMORY_START};

/// `\x7fELF`.
pub const ELF_MAGIC: [u8; 4] = [0x7f, b'E', b'L', b'F'];
/// `ELFCLASS32`.
pub const ELFCLASS32: u8 = 1;
/// `ELFDATA2LSB`.
pub const ELFDATA2LSB: u8 = 1;
/// `ET_EXEC`.
pub const ET_EXEC: u16 = 2;
/// `EM_RISCV`.
pub const EM_RISCV: u16 = 243;
/// `PT_LOAD`.
pub const PT_LOAD: u32 = 1;
/// Segment flag: executable.
pub const PF_X: u32 = 1;
/// Segment flag: writable.
pub const PF_W: u32 = 2;
/// Segment flag: readable.
pub const PF_R: u32 = 4;
/// Size of the ELF32 file header.
pub const EHDR_SIZE: usize = 52;
/// Size of one ELF32 program header.
pub const PHDR_SIZE: usize = 32;

/// One loadable segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Address of the first byte.
    pub vaddr: u32,
    /// Size in memory; bytes past `data` are zero.
    pub mem_size: u32,
    /// Initial bytes (`p_filesz` of them).
    pub data: Vec<u8>,
    /// Whether the segment holds code (`PF_X`). Only code can be executed, and code is
    /// read-only.
    pub executable: bool,
}

/// A parsed program: entry point and segments sorted by address, checked not to overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfImage {
    /// `e_entry`.
    pub entry: u32,
    /// `PT_LOAD` segments with a non-zero memory size, by increasing address.
    pub segments: Vec<Segment>,
}

impl ElfImage {
    /// The smallest range `[start, end)` holding every executable segment, or `None` if
    /// there is no code.
    pub fn code_span(&self) -> Option<(u32, u32)> {
        let mut code = self.segments.iter().filter(|s| s.executable);
        let first = code.next()?;
        let last = code.next_back().unwrap_or(first);
        Some((first.vaddr, last.vaddr + last.mem_size))
    }
}

fn bytes<const N: usize>(file: &[u8], off: u64, what: &'static str) -> Result<[u8; N], EmuError> {
    let end = off + N as u64;
    let truncated = || EmuError::ElfTruncated { what, expected: end, got: file.len() as u64 };
    let start = usize::try_from(off).map_err(|_| truncated())?;
    let end_us = usize::try_from(end).map_err(|_| truncated())?;
    file.get(start..end_us).and_then(|s| s.try_into().ok()).ok_or_else(truncated)
}

fn u16_at(file: &[u8], off: u64, what: &'static str) -> Result<u16, EmuError> {
    bytes::<2>(file, off, what).map(u16::from_le_bytes)
}

fn u32_at(file: &[u8], off: u64, what: &'static str) -> Result<u32, EmuError> {
    bytes::<4>(file, off, what).map(u32::from_le_bytes)
}

/// Parse and check an ELF32 little-endian RISC-V executable.
///
/// 1. Check the identification bytes, type, machine and program-header entry size.
/// 2. Read each `PT_LOAD` header; check that its file bytes lie in the file, that
///    `p_filesz <= p_memsz`, that it lies in addressable memory, and that code is
///    4-byte aligned.
/// 3. Sort segments, reject overlaps, data segments inside the code span, a code span over
///    [`MAX_CODE_BYTES`], and an entry point outside code.
///
/// # Assumptions
/// Section headers, symbols and relocations are ignored: the file must be statically
/// linked at its final addresses.
pub fn parse_elf(file: &[u8]) -> Result<ElfImage, EmuError> {
    let ident: [u8; 16] = bytes(file, 0, "file header")?;
    // Reading the whole header first gives one truncation error for short files.
    bytes::<EHDR_SIZE>(file, 0, "file header")?;
    let magic = [ident[0], ident[1], ident[2], ident[3]];
    if magic != ELF_MAGIC {
        return Err(EmuError::ElfBadMagic { expected: ELF_MAGIC, got: magic });
    }
    if ident[4] != ELFCLASS32 {
        return Err(EmuError::ElfBadClass { expected: ELFCLASS32, got: ident[4] });
    }
    if ident[5] != ELFDATA2LSB {
        return Err(EmuError::ElfBadEndianness { expected: ELFDATA2LSB, got: ident[5] });
    }
    let e_type = u16_at(file, 16, "file header")?;
    if e_type != ET_EXEC {
        return Err(EmuError::ElfBadType { expected: ET_EXEC, got: e_type });
    }
    let machine = u16_at(file, 18, "file header")?;
    if machine != EM_RISCV {
        return Err(EmuError::ElfBadMachine { expected: EM_RISCV, got: machine });
    }
    let entry = u32_at(file, 24, "file header")?;
    let phoff = u64::from(u32_at(file, 28, "file header")?);
    let phentsize = u16_at(file, 42, "file header")?;
    let phnum = u64::from(u16_at(file, 44, "file header")?);
    if phnum > 0 && phentsize as usize != PHDR_SIZE {
        return Err(EmuError::ElfBadProgramHeaderSize {
            expected: PHDR_SIZE as u16,
            got: phentsize,
        });
    }
    // Check the whole table up front.
    let table_end = phoff + phnum * PHDR_SIZE as u64;
    if table_end > file.len() as u64 {
        return Err(EmuError::ElfTruncated {
            what: "program headers",
            expected: table_end,
            got: file.len() as u64,
        });
    }

    let mut segments = Vec::new();
    for i in 0..phnum {
        let h = phoff + i * PHDR_SIZE as u64;
        if u32_at(file, h, "program header")? != PT_LOAD {
            continue;
        }
        let offset = u32_at(file, h + 4, "program header")?;
        let vaddr = u32_at(file, h + 8, "program header")?;
        let file_size = u32_at(file, h + 16, "program header")?;
        let mem_size = u32_at(file, h + 20, "program header")?;
        let flags = u32_at(file, h + 24, "program header")?;
        if mem_size == 0 {
            continue;
        }
        if file_size > mem_size {
            return Err(EmuError::ElfSegmentFileSizeTooLarge { vaddr, file_size, mem_size });
        }
        let data_end = u64::from(offset) + u64::from(file_size);
        let data = file.get(offset as usize..data_end as usize).ok_or(EmuError::ElfTruncated {
            what: "segment data",
            expected: data_end,
            got: file.len() as u64,
        })?;
        if !zkvm_abi::memory::is_addressable(vaddr, mem_size) {
            return Err(EmuError::ElfSegmentOutOfRange {
                vaddr,
                mem_size,
                start: MEMORY_START,
                end: MEMORY_END,
            });
        }
        let executable = flags & PF_X != 0;
        if executable && (vaddr % 4 != 0 || mem_size % 4 != 0) {
            return Err(EmuError::ElfMisalignedCodeSegment { vaddr, mem_size });
        }
        segments.push(Segment { vaddr, mem_size, data: data.to_vec(), executable });
    }

    segments.sort_by_key(|s| s.vaddr);
    for pair in segments.windows(2) {
        // In range, so the sum cannot overflow.
        if pair[0].vaddr + pair[0].mem_size > pair[1].vaddr {
            return Err(EmuError::ElfOverlappingSegments {
                first: pair[0].vaddr,
                second: pair[1].vaddr,
            });
        }
    }
    let image = ElfImage { entry, segments };
    let Some((code_start, code_end)) = image.code_span() else {
        return Err(EmuError::ElfEntryNotExecutable { entry });
    };
    if code_end - code_start > MAX_CODE_BYTES {
        return Err(EmuError::ElfCodeTooLarge {
            expected: MAX_CODE_BYTES,
            got: code_end - code_start,
        });
    }
    if let Some(s) =
        image.segments.iter().find(|s| !s.executable && s.vaddr > code_start && s.vaddr < code_end)
    {
        return Err(EmuError::ElfDataInsideCode { vaddr: s.vaddr });
    }
    let entry_ok = entry % 4 == 0
        && image
            .segments
            .iter()
            .any(|s| s.executable && entry >= s.vaddr && entry - s.vaddr < s.mem_size);
    if !entry_ok {
        return Err(EmuError::ElfEntryNotExecutable { entry });
    }
    Ok(image)
}
