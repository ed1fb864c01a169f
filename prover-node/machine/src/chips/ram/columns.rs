//! Columns of the RAM boundary chip.

use crate::columns::impl_columns;
use crate::word::Word;

/// One word of a touched page, or a padding row (all zero).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct RamCols<T> {
    /// `1` on real rows; real rows come first.
    pub is_real: T,
    /// The word address (byte address / 4).
    pub addr: T,
    /// `addr = addr_lo + 2^16·addr_mid + 2^24·addr_top`: a `U16` limb.
    pub addr_lo: T,
    /// A byte.
    pub addr_mid: T,
    /// Below 32, so `addr < 2^29`.
    pub addr_top: T,
    /// `addr − prev − 1 = diff_lo + 2^16·diff_mid + 2^24·diff_top` (`prev`: the previous
    /// row's `addr`, or `START_WORD − 1` on the first row): a `U16` limb.
    pub diff_lo: T,
    /// A byte.
    pub diff_mid: T,
    /// Below 32.
    pub diff_top: T,
    /// The value when the shard starts (bytes; bound to `root_in` by the page hash).
    pub init: Word<T>,
    /// The value after the shard's last access (bytes; hashed into `root_out`).
    pub final_value: Word<T>,
    /// The timestamp of the last access (0 if the word was never accessed).
    pub final_ts: T,
}

impl_columns!(RamCols, NUM_RAM_COLS);
