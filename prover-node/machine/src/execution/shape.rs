//! The shard-shape catalogue: for a shard of up to `2^l` cycles, the shape `S(l)` gives
//! every chip's trace height. A run proven with fixed shapes (cut by capacity,
//! [`super::rows::CapacityCut`], and padded, `generate_traces_padded`) commits only these
//! shapes, one per shard size: what a recursive verifier needs (one circuit per shape).
//!
//! `S(l)` is `max(l − d_c, floor_c)` per chip. The offsets `d_c` come from the measured
//! mix of the block-validator guest on mainnet block 19426587 (464 shards of 2^21 cycles,
//! `prove-block --plan --plan-out`): at `l = 21` the shape holds 443 of its 464 shards
//! uncut and commits 9.7% more cells than their natural heights on average (about +15% over
//! the block once the 21 larger shards are cut in two). The IO chips hold 256 KiB per shard
//! (the guest reads its ~1.5 MB witness in 16 KiB calls, `rows::MAX_IO_CALL_BYTES`, so the
//! input spreads over a few shards instead of one shape for all). The floors are
//! what a shard always has plus what one cycle can add (a Keccak trace is at least one
//! permutation and a call adds one; a touched page is 256 RAM rows, 128 page rows and up
//! to 22 Merkle nodes, and a cycle can touch two), and a little room for the IO chips, so
//! small shapes hold short runs and the cut always has room for a cycle.

use super::chip_index::{self as c, COUNT};

/// The smallest and largest `l` of the catalogue.
pub const SHAPE_LOG_CYCLES: core::ops::RangeInclusive<u32> = 6..=21;

/// `(offset d_c, floor_c)` per chip; the fixed-height chips (program, registers, byte
/// table) have no shape entry (`(0, 0)`, reported as 0).
const SHAPE_RULE: [(u8, u8); COUNT] = {
    let mut r = [(0u8, 2u8); COUNT];
    let mut i = 0;
    while i < c::FIXED_HEIGHT.len() {
        r[c::FIXED_HEIGHT[i]] = (0, 0);
        i += 1;
    }
    r[c::CPU] = (0, 2);
    r[c::ADD_SUB] = (0, 2);
    r[c::BITWISE] = (3, 2);
    r[c::SHIFT] = (3, 2);
    r[c::LT] = (3, 2);
    r[c::MUL] = (2, 2);
    r[c::DIVREM] = (11, 2);
    r[c::LOAD_STORE] = (1, 2);
    r[c::RAM] = (5, 10);
    r[c::PAGE] = (6, 9);
    r[c::KECCAK] = (9, 6);
    r[c::NOOP_SYSCALL] = (17, 2);
    r[c::IO_CALL] = (17, 3);
    r[c::IO_BYTES] = (5, 5);
    r[c::INPUT_SPONGE] = (7, 3);
    r[c::OUTPUT_SPONGE] = (13, 3);
    r[c::MERKLE] = (9, 7);
    r
};

/// `S(l)`: each chip's log2 height for shards of up to `2^l` cycles; 0 for the
/// fixed-height chips (their heights are the key's). `None` outside
/// [`SHAPE_LOG_CYCLES`].
pub fn shard_shape(log_cycles: u32) -> Option<[u8; COUNT]> {
    if !SHAPE_LOG_CYCLES.contains(&log_cycles) {
        return None;
    }
    let l = log_cycles as u8;
    Some(SHAPE_RULE.map(|(d, floor)| if floor == 0 { 0 } else { l.saturating_sub(d).max(floor) }))
}

/// `S(l)` as row counts (`2^height`; 0 for the fixed-height chips): the caps of a cut and
/// the minimum heights of padding.
pub fn shape_rows(shape: &[u8; COUNT]) -> [usize; COUNT] {
    shape.map(|h| if h == 0 { 0 } else { 1usize << h })
}

/// Whether the natural `rows` of a shard fit in `shape` (every chip with a shape entry).
pub fn fits(rows: &[usize; COUNT], shape: &[u8; COUNT]) -> bool {
    rows.iter().zip(shape_rows(shape)).all(|(&r, cap)| cap == 0 || r <= cap)
}

/// Whether per-chip trace heights (a proof's degree bits) are the catalogue's `S(l)` for
/// some `l`, the fixed-height chips aside: the check a verifier of fixed-shape proofs makes.
pub fn is_catalogue_shape(log_heights: &[u8]) -> bool {
    log_heights.len() == COUNT
        && SHAPE_LOG_CYCLES
            .clone()
            .filter_map(shard_shape)
            .any(|s| s.iter().zip(log_heights).all(|(&want, &got)| want == 0 || want == got))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_grows_with_the_shard_and_every_shape_is_recognised() {
        let s21 = shard_shape(21).expect("in the catalogue");
        assert_eq!(s21[c::CPU], 21);
        assert_eq!(s21[c::LOAD_STORE], 20);
        assert_eq!(s21[c::KECCAK], 12);
        assert_eq!((s21[c::PROGRAM], s21[c::REGISTERS], s21[c::BYTE]), (0, 0, 0));
        for l in SHAPE_LOG_CYCLES {
            let s = shard_shape(l).unwrap();
            assert!(is_catalogue_shape(&s));
            if l > *SHAPE_LOG_CYCLES.start() {
                let smaller = shard_shape(l - 1).unwrap();
                assert!(s.iter().zip(&smaller).all(|(a, b)| a >= b), "S({l}) ≥ S({})", l - 1);
            }
        }
        assert_eq!(shard_shape(22), None);
        assert_eq!(shard_shape(5), None);
        // A shape with one chip one level off is not in the catalogue.
        let mut off = s21;
        off[c::MUL] += 1;
        assert!(!is_catalogue_shape(&off));
        assert!(!is_catalogue_shape(&s21[..COUNT - 1]));
    }
}
