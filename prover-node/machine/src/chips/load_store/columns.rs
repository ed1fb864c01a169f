//! Columns of the load/store chip.

use crate::chips::memory::{MemoryAccessCols, OutsideCodeCols};
use crate::columns::impl_columns;
use crate::word::Word;

/// One executed load or store, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct LoadStoreCols<T> {
    /// One-hot instruction flags, in the order of [`super::opcodes::ALL`]: `LB`, `LH`,
    /// `LW`, `LBU`, `LHU`, `SB`, `SH`, `SW`. Their sum is the real-row flag.
    pub ops: [T; 8],
    /// The CPU row's `clk`; the access is at `clk + 2`.
    pub clk: T,
    /// The byte address `rs1 + offset` (limbs range-checked by the `ADD` chip).
    pub addr: Word<T>,
    /// `addr[0] >> 2`: with `addr[1..4]` it makes the word address.
    pub addr_q: T,
    /// One-hot `addr & 3`: which byte of the word the access starts at.
    pub lane: [T; 4],
    /// Loads: the value written to `rd`. Stores: the `rs2` value.
    pub value: Word<T>,
    /// The word before the access.
    pub prev: Word<T>,
    /// The word after the access (`prev` for loads, the merged word for stores).
    pub new: Word<T>,
    /// `LB`/`LH`: the byte whose top bit is the sign (`value[0]`, `value[1]`); else 0.
    pub sign_byte: T,
    /// `LB`/`LH`: `sign_byte >> 7`; else 0.
    pub sign: T,
    /// The RAM access at `clk + 2`.
    pub access: MemoryAccessCols<T>,
    /// Stores: the witness that the written word is outside the code span (all zero on
    /// loads and padding rows).
    pub outside_code: OutsideCodeCols<T>,
}

impl_columns!(LoadStoreCols, NUM_LOAD_STORE_COLS);

/// Index of each instruction in [`LoadStoreCols::ops`].
pub(crate) mod op {
    pub const LB: usize = 0;
    pub const LH: usize = 1;
    pub const LW: usize = 2;
    pub const LBU: usize = 3;
    pub const LHU: usize = 4;
    pub const SB: usize = 5;
    pub const SH: usize = 6;
    pub const SW: usize = 7;
}
