//! The memory access gadget: one access to one address at one timestamp.

use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;

use crate::bus::{Bus, ByteOp};
use crate::chips::byte::ByteRecord;
use crate::word::WORD_SIZE;

/// The witness of one access: the previous access's timestamp and the two limbs of the
/// gap `ts − prev_ts − 1 = gap_lo + 2^16·gap_hi`.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct MemoryAccessCols<T> {
    /// Timestamp of the previous access to the address (0: its initial value).
    pub prev_ts: T,
    /// Low 16 bits of `ts − prev_ts − 1`.
    pub gap_lo: T,
    /// Bits 16..24 of `ts − prev_ts − 1`.
    pub gap_hi: T,
}

impl<F: Field> MemoryAccessCols<F> {
    /// Fill an access at `ts` whose previous access was at `prev_ts`, and record the range
    /// checks [`eval_access`] sends.
    ///
    /// # Panics
    ///
    /// If `prev_ts >= ts` or the gap exceeds [`super::MAX_TIMESTAMP_GAP`] (the shard is too
    /// long: a bug of the caller).
    pub fn populate(&mut self, ts: u64, prev_ts: u64, bytes: &mut ByteRecord) {
        assert!(prev_ts < ts, "memory access at {ts} after one at {prev_ts}");
        let gap = ts - prev_ts - 1;
        assert!(gap <= super::MAX_TIMESTAMP_GAP, "timestamp gap {gap} too large for one shard");
        let (lo, hi) = ((gap & 0xffff) as u32, (gap >> 16) as u32);
        self.prev_ts = F::from_u64(prev_ts);
        self.gap_lo = F::from_u32(lo);
        self.gap_hi = F::from_u32(hi);
        bytes.add(ByteOp::U16, lo, 0);
        bytes.add(ByteOp::Range, hi, 0);
    }
}

/// Constrain one access when `enabled` (which the caller constrains to be 0 or 1): receive
/// `(space, addr, prev_value, prev_ts)`, send `(space, addr, value, ts)`, and prove
/// `prev_ts < ts`.
///
/// For a read, pass `prev_value = value`.
///
/// SAFETY: `ts − prev_ts − 1 = gap_lo + 2^16·gap_hi` with `gap_lo < 2^16` and `gap_hi < 2^8`
/// (byte table), so it lies in `[0, 2^24)`. Every timestamp on the bus is at most
/// 2^29 + 3 (the CPU's `clk` is `4·(row + 1)` and the verifier's LogUp height bound keeps
/// the CPU at most 2^27 rows), and `prev_ts` is one of them since the receive must match a
/// send. If `prev_ts >= ts` the difference would be `p − (prev_ts − ts + 1)`, at least
/// `p − 2^29 − 3 > 2^24`, so the gap check forces `prev_ts < ts` over the integers.
#[allow(clippy::too_many_arguments)]
pub fn eval_access<AB: InteractionBuilder>(
    builder: &mut AB,
    space: u8,
    addr: AB::Expr,
    prev_value: [AB::Expr; WORD_SIZE],
    value: [AB::Expr; WORD_SIZE],
    ts: AB::Expr,
    cols: &MemoryAccessCols<AB::Var>,
    enabled: AB::Expr,
) {
    // The gap is ts − prev_ts − 1, split in a U16 limb and a byte.
    let gap: AB::Expr = cols.gap_lo + cols.gap_hi * AB::Expr::from_u32(1 << 16);
    builder.assert_zero(enabled.clone() * (ts.clone() - cols.prev_ts - AB::Expr::ONE - gap));
    let u16_check =
        [AB::Expr::from_u8(ByteOp::U16 as u8), cols.gap_lo.into(), AB::Expr::ZERO, AB::Expr::ZERO];
    Bus::Byte.send(builder, u16_check, enabled.clone(), 1);
    let byte_check = [
        AB::Expr::from_u8(ByteOp::Range as u8),
        cols.gap_hi.into(),
        AB::Expr::ZERO,
        AB::Expr::ZERO,
    ];
    Bus::Byte.send(builder, byte_check, enabled.clone(), 1);

    // Take the previous (value, timestamp) off the bus and put the new one on it.
    let space = AB::Expr::from_u8(space);
    let [p0, p1, p2, p3] = prev_value;
    let previous = [space.clone(), addr.clone(), p0, p1, p2, p3, cols.prev_ts.into()];
    Bus::Memory.receive(builder, previous, enabled.clone(), 1);
    let [v0, v1, v2, v3] = value;
    let current = [space, addr, v0, v1, v2, v3, ts];
    Bus::Memory.send(builder, current, enabled, 1);
}
