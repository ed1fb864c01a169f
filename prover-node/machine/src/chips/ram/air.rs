//! Constraints of the RAM boundary chip.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{NUM_RAM_COLS, RamCols};
use crate::bus::{Bus, ByteOp, RAM_SPACE};
use crate::chips::image::{MemoryImage, START_WORD};

/// The RAM boundary of one program: the image's span `[image_start, image_end)` (word
/// addresses) is part of the chip, so the verifying key fixes it with the image table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamChip {
    image_start: u32,
    image_end: u32,
}

impl RamChip {
    /// The boundary chip of a program whose initial memory is `image`.
    pub fn new(image: &MemoryImage) -> Self {
        RamChip { image_start: image.start, image_end: image.end() }
    }
}

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
            offset_of!(RamCols<u8>, in_image),
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

        // Real rows come first; the image flag is boolean and only set on real rows.
        builder.assert_bool(local.is_real);
        builder.when_transition().assert_zero((one.clone() - is_real.clone()) * next.is_real);
        builder.assert_bool(local.in_image);
        builder.assert_zero(local.in_image * (one.clone() - is_real.clone()));

        // Every address is below 2^29 = END_WORD, and above the previous row's (the first
        // row's at least START_WORD).
        // SAFETY: `addr_lo` is a U16, `addr_mid` a byte, `addr_top < 32` (byte table `LTU`
        // with 32), so `addr < 2^29` over the integers; the same for the difference. With
        // both addresses below 2^29, `next − local − 1 < 2^29` holds only if `next > local`
        // (otherwise it is at least `p − 2^29`): addresses strictly increase, so no word
        // has two rows, hence two initial values.
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

        // The image rows form one block from the image's first word to its last.
        // SAFETY: a block can only start at a row with `addr = image_start`, and addresses
        // strictly increase, so there is at most one block; the image table forces its
        // first word to be looked up, so the block exists. It ends at `image_end − 1`.
        // Every other row is then below `image_start` or above `image_end − 1`: outside
        // the image's span, where the emulator's memory starts at 0.
        let first = AB::Expr::from_u32(self.image_start);
        let last = AB::Expr::from_u32(self.image_end - 1);
        builder.when_first_row().assert_zero(local.in_image * (local.addr - first.clone()));
        builder
            .when_transition()
            .assert_zero((one.clone() - local.in_image) * next.in_image * (next.addr - first));
        builder.when_transition().assert_zero(
            local.in_image * (one.clone() - next.in_image) * (local.addr - last.clone()),
        );
        builder.when_last_row().assert_zero(local.in_image * (local.addr - last));

        // Initial values: the image's inside its span, 0 outside.
        // SAFETY: the image table holds each word of the span once, with its value from the
        // verifying key; the lookup count is boolean.
        for i in 0..4 {
            builder.assert_zero((one.clone() - local.in_image) * local.init[i]);
        }
        let lookup = [
            local.addr.into(),
            local.init[0].into(),
            local.init[1].into(),
            local.init[2].into(),
            local.init[3].into(),
        ];
        Bus::Image.send(builder, lookup, local.in_image, 1);

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
        Bus::Memory.receive(builder, last_access, is_real, 1);
    }
}
