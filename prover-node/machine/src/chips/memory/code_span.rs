//! The outside-the-code gadget: proves that a written word address lies outside the
//! program's code span, as the emulator faults on a write that overlaps it
//! (`StoreToCode`). [`OutsideCodeCols::populate`] fills the columns,
//! [`OutsideCodeCols::eval`] constrains them; a chip embeds [`OutsideCodeCols`] in its row
//! and a [`CodeSpan`] in its struct (so the verifying key fixes the span).
//!
//! A word `w` is outside `[start, end)` iff `w ≥ end` or `w ≤ start − 1`. The gadget
//! commits a boolean `above` and the distance
//!
//! ```text
//! d = above ? w − end : start − 1 − w,    d = d_lo + 2^16·d_mid + 2^24·d_top < 2^29
//! ```
//!
//! (`d_lo` a `U16`, `d_mid` a byte, `d_top < 32`), as the RAM boundary decomposes its
//! address differences. Users: the load/store chip (every `SB`, `SH`, `SW`), the IO bytes
//! chip (every word a `READ_INPUT` writes) and the Keccak chip (each permutation's state
//! pointer, against the span widened by [`crate::chips::keccak::overlapping_pointers`]).

use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;

use crate::bus::{Bus, ByteOp};
use crate::chips::byte::ByteRecord;
use crate::columns::impl_columns;

/// Word addresses the gadget accepts (and span ends) are below this bound, so no
/// difference it forms wraps modulo p (see [`OutsideCodeCols::eval`]).
pub const WORD_LIMIT: u32 = 1 << 30;

/// Largest distance `d` the range checks admit, plus one: `2^29`.
pub const DISTANCE_LIMIT: u32 = 1 << 29;

/// The code span in word addresses (byte address / 4): `[start, end)`, from the program's
/// ROM (`ProgramRom::code_span`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSpan {
    /// The first word of the code.
    pub start: u32,
    /// One past the last word of the code.
    pub end: u32,
}

impl CodeSpan {
    /// The span `[start, end)` of word addresses.
    ///
    /// # Panics
    ///
    /// If `start > end` or `end > WORD_LIMIT` (the ROM keeps code below `PC_LIMIT = 2^30`
    /// bytes, i.e. `2^28` words, so a ROM's span never does).
    pub const fn new(start: u32, end: u32) -> Self {
        assert!(start <= end && end <= WORD_LIMIT, "code span out of range");
        CodeSpan { start, end }
    }

    /// Whether `word` is a word of the code.
    pub const fn contains(&self, word: u32) -> bool {
        word >= self.start && word < self.end
    }
}

/// The witness that one word address is outside the code span. All zero is the fill of a
/// row that does not write (the constraints are gated by `enable`).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct OutsideCodeCols<T> {
    /// `1` if the word is at or above the span's end, `0` if it is below its start.
    pub above: T,
    /// Bits 0..16 of the distance `d` (a `U16`).
    pub d_lo: T,
    /// Bits 16..24 of `d` (a byte).
    pub d_mid: T,
    /// Bits 24..29 of `d` (below 32).
    pub d_top: T,
}

impl_columns!(OutsideCodeCols, NUM_OUTSIDE_CODE_COLS);

impl<F: Field> OutsideCodeCols<F> {
    /// Fill the columns for a write to word address `word` and record the byte requests
    /// [`Self::eval`] sends (call it exactly on the rows where `enable` is 1).
    ///
    /// Never panics: for a word inside the span, or at `end + 2^29` or beyond (no honest
    /// run writes there: the emulator faults), the distance does not fit its range checks
    /// and the trace does not prove.
    pub fn populate(&mut self, word: u32, span: CodeSpan, bytes: &mut ByteRecord) {
        let above = word >= span.end;
        let d = if above { word - span.end } else { span.start.wrapping_sub(1).wrapping_sub(word) };
        let (lo, mid, top) = (d & 0xffff, (d >> 16) & 0xff, d >> 24);
        self.above = F::from_bool(above);
        self.d_lo = F::from_u32(lo);
        self.d_mid = F::from_u32(mid);
        self.d_top = F::from_u32(top);
        bytes.add(ByteOp::U16, lo, 0);
        bytes.add(ByteOp::Range, mid, 0);
        bytes.add(ByteOp::Ltu, top, 32);
    }
}

impl<V: Copy> OutsideCodeCols<V> {
    /// Constrain `word ∉ [span.start, span.end)` when `enable` is 1; nothing when it is 0
    /// (but `above` stays boolean).
    ///
    /// Sends three `BYTE` requests with count `enable`: `U16` of `d_lo`, `RANGE` of
    /// `d_mid`, `LTU(d_top, 32) = 1`. Degree: 1 + the degree of `enable·above·word`
    /// (3 with `enable` and `word` of degree 1).
    ///
    /// # Assumptions
    ///
    /// The caller constrains `enable` to be boolean, and `word` to be an integer below
    /// [`WORD_LIMIT`] (e.g. composed from range-checked limbs with no wrap modulo p).
    pub fn eval<AB>(&self, builder: &mut AB, word: AB::Expr, span: CodeSpan, enable: AB::Expr)
    where
        AB: InteractionBuilder<Var = V>,
        V: Into<AB::Expr>,
    {
        let above: AB::Expr = self.above.into();

        // `above` chooses the side of the span the word lies on.
        builder.assert_bool(self.above);

        // The distance to that side: `w − end` above, `start − 1 − w` below.
        // SAFETY: `d ≤ 2^29 − 1` over the integers (`d_lo` a U16, `d_mid` a byte, `d_top <
        // 32`: byte table, below), while `word`, `start` and `end` are integers below
        // 2^30. If the word were inside the span, the chosen difference would be an
        // integer in `[−2^30, −1]` (`w − end < 0` for `above = 1`, `start − 1 − w < 0` for
        // `above = 0`), i.e. a field element of at least `p − 2^30 = 2^30 − 2^24 + 1 >
        // 2^29`: no `d` can equal it, for either value of the boolean `above`. So a wrap
        // modulo p cannot hide a word inside the span.
        let end = AB::Expr::from_u32(span.end);
        let below_start = AB::Expr::from_u32(span.start) - AB::Expr::ONE;
        let expected =
            above.clone() * (word.clone() - end) + (AB::Expr::ONE - above) * (below_start - word);
        let d: AB::Expr = self.d_lo.into()
            + self.d_mid.into() * AB::Expr::from_u32(1 << 16)
            + self.d_top.into() * AB::Expr::from_u32(1 << 24);
        builder.assert_zero(enable.clone() * (d - expected));

        // The limbs of `d` are a U16, a byte, and a byte below 32.
        let checks = [
            [
                AB::Expr::from_u8(ByteOp::U16 as u8),
                self.d_lo.into(),
                AB::Expr::ZERO,
                AB::Expr::ZERO,
            ],
            [
                AB::Expr::from_u8(ByteOp::Range as u8),
                self.d_mid.into(),
                AB::Expr::ZERO,
                AB::Expr::ZERO,
            ],
            [
                AB::Expr::from_u8(ByteOp::Ltu as u8),
                self.d_top.into(),
                AB::Expr::from_u8(32),
                AB::Expr::ONE,
            ],
        ];
        for message in checks {
            Bus::Byte.send(builder, message, enable.clone(), 1);
        }
    }
}
