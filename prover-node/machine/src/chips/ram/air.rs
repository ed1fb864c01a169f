//! Constraints of the RAM boundary chip.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::START_WORD;
use super::columns::{NUM_RAM_COLS, RamCols};
use crate::bus::{Bus, ByteOp, DIR_IN, DIR_OUT, RAM_SPACE, send_byte_pairs};

/// The RAM boundary of a shard (the same chip for every program: initial values come from
/// the shard's `root_in`, not from the verifying key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RamChip;

impl<F> BaseAir<F> for RamChip {
    fn width(&self) -> usize {
        NUM_RAM_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![
            offset_of!(RamCols<u8>, is_real),
            offset_of!(RamCols<u8>, addr),
            offset_of!(RamCols<u8>, diff_lo),
            offset_of!(RamCols<u8>, diff_mid),
            offset_of!(RamCols<u8>, diff_top),
        ]
    }
}

/// `lo + 2^16·mid + 2^24·top`.
fn limbs<AB: AirBuilder>(lo: AB::Var, mid: AB::Var, top: AB::Var) -> AB::Expr {
    lo + mid * AB::Expr::from_u32(1 << 16) + top * AB::Expr::from_u32(1 << 24)
}

impl<AB: InteractionBuilder> Air<AB> for RamChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &RamCols<AB::Var> = main.current_slice().borrow();
        let next: &RamCols<AB::Var> = main.next_slice().borrow();
        let one = AB::Expr::ONE;
        let is_real: AB::Expr = local.is_real.into();

        // Real rows come first.
        builder.assert_bool(local.is_real);
        builder.when_transition().assert_zero((one.clone() - is_real.clone()) * next.is_real);

        // Every address is below 2^29 = END_WORD, and above the previous row's (the first
        // row's at least START_WORD).
        // SAFETY: `addr_lo` is a U16, `addr_mid` a byte, `addr_top < 32` (byte table `LTU`
        // with 32), so `addr < 2^29` over the integers; the same for the difference. With
        // both addresses below 2^29, `next − local − 1 < 2^29` holds only if `next > local`
        // (otherwise it is at least `p − 2^29`): addresses strictly increase, so no word
        // has two rows, hence two initial values or two `PAGE_WORD` messages per direction.
        builder.assert_eq(local.addr, limbs::<AB>(local.addr_lo, local.addr_mid, local.addr_top));
        let diff = limbs::<AB>(local.diff_lo, local.diff_mid, local.diff_top);
        builder
            .when_first_row()
            .assert_zero(is_real.clone() * (local.addr - AB::Expr::from_u32(START_WORD) - diff));
        let next_diff = limbs::<AB>(next.diff_lo, next.diff_mid, next.diff_top);
        builder
            .when_transition()
            .assert_zero(next.is_real * (next.addr - local.addr - one.clone() - next_diff));
        let byte = |op: ByteOp, x: AB::Expr, y: AB::Expr, z: AB::Expr| {
            [AB::Expr::from_u8(op as u8), x, y, z]
        };
        let zero = || AB::Expr::ZERO;
        let checks = [
            byte(ByteOp::U16, local.addr_lo.into(), zero(), zero()),
            byte(ByteOp::U16, local.diff_lo.into(), zero(), zero()),
            byte(ByteOp::Range, local.addr_mid.into(), local.diff_mid.into(), zero()),
            byte(ByteOp::Ltu, local.addr_top.into(), AB::Expr::from_u8(32), one.clone()),
            byte(ByteOp::Ltu, local.diff_top.into(), AB::Expr::from_u8(32), one.clone()),
        ];
        for message in checks {
            Bus::Byte.send(builder, message, is_real.clone(), 1);
        }

        // Every limb of the initial and the final value is a byte.
        // SAFETY: the page chip hashes each word as its halves `b0 + 256·b1`, `b2 + 256·b3`;
        // only byte limbs make the halves below 2^16 and the limbs a function of the
        // halves, so a hashed (and Merkle-bound) page fixes these limbs. The `MEMORY` bus
        // alone would not: a word no access touches sends and receives its own message.
        send_byte_pairs::<AB, _>(
            builder,
            [
                (local.init[0], local.init[1]),
                (local.init[2], local.init[3]),
                (local.final_value[0], local.final_value[1]),
                (local.final_value[2], local.final_value[3]),
            ],
            is_real.clone(),
        );

        // Send each word's initial value at timestamp 0; take its last value off the bus.
        // SAFETY: the final value and timestamp are free witnesses: the bus balances only
        // if they are the last access's (`DESIGN.md`, "Memory consistency").
        let space = AB::Expr::from_u8(RAM_SPACE);
        let initial = [
            space.clone(),
            local.addr.into(),
            local.init[0].into(),
            local.init[1].into(),
            local.init[2].into(),
            local.init[3].into(),
            AB::Expr::ZERO,
        ];
        Bus::Memory.send(builder, initial, is_real.clone(), 1);
        let last_access = [
            space,
            local.addr.into(),
            local.final_value[0].into(),
            local.final_value[1].into(),
            local.final_value[2].into(),
            local.final_value[3].into(),
            local.final_ts.into(),
        ];
        Bus::Memory.receive(builder, last_access, is_real.clone(), 1);

        // Both values go to the page chip.
        // SAFETY: the page chip receives every word of each page it hashes exactly once
        // per direction, and this chip sends each word at most once per direction
        // (strictly increasing addresses): so the rows are exactly the words of the hashed
        // pages, and each hashed page's words are these values.
        for (dir, value) in [(DIR_IN, local.init), (DIR_OUT, local.final_value)] {
            let message = [
                AB::Expr::from_u8(dir),
                local.addr.into(),
                value[0].into(),
                value[1].into(),
                value[2].into(),
                value[3].into(),
            ];
            Bus::PageWord.send(builder, message, is_real.clone(), 1);
        }
    }
}
