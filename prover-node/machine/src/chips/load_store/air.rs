//! Constraints of the load/store chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{LoadStoreCols, NUM_LOAD_STORE_COLS, op};
use super::{TS_MEMORY, opcodes};
use crate::bus::{Bus, ByteOp, EXECUTION_MESSAGE_WIDTH, RAM_SPACE};
use crate::chips::memory::{CodeSpan, eval_access};
use crate::word::WORD_SIZE;

/// The load/store chip of one program: the code span (word addresses) is part of the chip,
/// so the verifying key, built from the ELF like the ROM, fixes the words no store may
/// write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStoreChip {
    code: CodeSpan,
}

impl LoadStoreChip {
    /// The load/store chip of a program whose code spans `code` (`ProgramRom::code_span`).
    pub const fn new(code: CodeSpan) -> Self {
        LoadStoreChip { code }
    }

    /// The code span stores are kept out of.
    pub const fn code_span(&self) -> CodeSpan {
        self.code
    }
}

impl<F> BaseAir<F> for LoadStoreChip {
    fn width(&self) -> usize {
        NUM_LOAD_STORE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for LoadStoreChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &LoadStoreCols<AB::Var> = main.current_slice().borrow();
        let one = AB::Expr::ONE;
        let ops = local.ops;
        let f = |i: usize| -> AB::Expr { ops[i].into() };

        // The instruction flags are one-hot on real rows and all zero on padding rows.
        for flag in ops {
            builder.assert_bool(flag);
        }
        let is_real: AB::Expr = ops.iter().map(|&x| x.into()).sum();
        builder.assert_bool(is_real.clone());
        let is_load = f(op::LB) + f(op::LH) + f(op::LW) + f(op::LBU) + f(op::LHU);
        let is_store = f(op::SB) + f(op::SH) + f(op::SW);
        let half_load = f(op::LH) + f(op::LHU);
        let byte_load = f(op::LB) + f(op::LBU);
        let signed = f(op::LB) + f(op::LH);

        // addr[0] = 4·q + offset, with the offset one-hot in `lane` (on real rows).
        // SAFETY: `q` is a byte (checked below) and `addr[0]` a byte (range-checked by the
        // ADD chip that computed `addr` for the CPU), so the equation holds over the
        // integers (at most 1023 < p): `q = addr[0] >> 2` and the lane is `addr & 3`.
        // The word address is then the integer `addr >> 2 < 2^30`, one field element per
        // word with no aliasing.
        let lane: [AB::Expr; 4] = local.lane.map(Into::into);
        for &l in &local.lane {
            builder.assert_bool(l);
        }
        let lanes: AB::Expr = lane.iter().cloned().sum();
        builder.assert_eq(lanes, is_real.clone());
        builder.assert_eq(
            local.addr[0],
            local.addr_q * AB::Expr::from_u8(4)
                + lane[1].clone()
                + lane[2].clone() * AB::Expr::TWO
                + lane[3].clone() * AB::Expr::from_u8(3),
        );
        let range = [
            AB::Expr::from_u8(ByteOp::Range as u8),
            local.addr_q.into(),
            AB::Expr::ZERO,
            AB::Expr::ZERO,
        ];
        Bus::Byte.send(builder, range, is_real.clone(), 1);

        // Alignment, as the emulator faults otherwise: words start at offset 0, half-words
        // at offset 0 or 2.
        let word_access = f(op::LW) + f(op::SW);
        let half_access = f(op::LH) + f(op::LHU) + f(op::SH);
        builder.assert_zero(word_access * (one.clone() - lane[0].clone()));
        builder.assert_zero(half_access * (lane[1].clone() + lane[3].clone()));

        // Loads: value[0] is the byte at the offset (a half-word or word starts there);
        // value[1] the next byte (half-word, word) or the sign fill; value[2..4] the word's
        // bytes (LW) or the sign fill. The word itself is unchanged.
        let prev: [AB::Expr; WORD_SIZE] = local.prev.0.map(Into::into);
        let value: [AB::Expr; WORD_SIZE] = local.value.0.map(Into::into);
        let selected: AB::Expr = (0..WORD_SIZE).map(|k| lane[k].clone() * prev[k].clone()).sum();
        builder.assert_zero(is_load.clone() * (value[0].clone() - selected));
        let high_half = lane[0].clone() * prev[1].clone() + lane[2].clone() * prev[3].clone();
        builder.assert_zero(half_load.clone() * (value[1].clone() - high_half));
        let fill = AB::Expr::from_u8(0xff) * local.sign;
        builder.assert_zero(byte_load.clone() * (value[1].clone() - fill.clone()));
        for i in 1..WORD_SIZE {
            builder.assert_zero(f(op::LW) * (value[i].clone() - prev[i].clone()));
        }
        for v in &value[2..] {
            builder
                .assert_zero((half_load.clone() + byte_load.clone()) * (v.clone() - fill.clone()));
        }
        for (&n, p) in local.new.iter().zip(&prev) {
            builder.assert_zero(is_load.clone() * (n - p.clone()));
        }

        // The sign of LB/LH is the top bit of the loaded byte (LB) or high byte (LH); the
        // unsigned loads and stores have sign 0.
        // SAFETY: the byte table's MSB entry holds only `(x, 0, x >> 7)` for bytes `x`, so
        // the sign is exactly the top bit; the byte is a limb of `prev`, a byte because
        // every value on the MEMORY bus is.
        builder.assert_zero(f(op::LB) * (local.sign_byte - value[0].clone()));
        builder.assert_zero(f(op::LH) * (local.sign_byte - value[1].clone()));
        builder.assert_zero((one.clone() - signed.clone()) * local.sign);
        let msb = [
            AB::Expr::from_u8(ByteOp::Msb as u8),
            local.sign_byte.into(),
            AB::Expr::ZERO,
            local.sign.into(),
        ];
        Bus::Byte.send(builder, msb, signed, 1);

        // Stores: SW replaces the word; SH the half at the offset; SB the byte at the
        // offset. Every other byte keeps its previous value.
        // SAFETY: `value` is the `rs2` register value (the CPU constrains `a = c` on
        // stores), so its limbs are bytes; with `prev` bytes, every limb of `new` is a
        // byte, which keeps every value on the MEMORY bus a byte.
        let new: [AB::Expr; WORD_SIZE] = local.new.0.map(Into::into);
        for i in 0..WORD_SIZE {
            builder.assert_zero(f(op::SW) * (new[i].clone() - value[i].clone()));
        }
        let half = [
            lane[0].clone() * value[0].clone() + lane[2].clone() * prev[0].clone(),
            lane[0].clone() * value[1].clone() + lane[2].clone() * prev[1].clone(),
            lane[0].clone() * prev[2].clone() + lane[2].clone() * value[0].clone(),
            lane[0].clone() * prev[3].clone() + lane[2].clone() * value[1].clone(),
        ];
        for (i, expected) in half.into_iter().enumerate() {
            builder.assert_zero(f(op::SH) * (new[i].clone() - expected));
        }
        for k in 0..WORD_SIZE {
            let expected = prev[k].clone() + lane[k].clone() * (value[0].clone() - prev[k].clone());
            builder.assert_zero(f(op::SB) * (new[k].clone() - expected));
        }

        // The RAM access: receive (word, prev, prev_ts), send (word, new, clk + 2).
        // SAFETY: `clk` is the CPU row's (it is in the CPU's message), so accesses to RAM
        // are at distinct timestamps `clk + 2`, as `eval_access`'s argument requires.
        let word_addr = local.addr_q
            + local.addr[1] * AB::Expr::from_u32(1 << 6)
            + local.addr[2] * AB::Expr::from_u32(1 << 14)
            + local.addr[3] * AB::Expr::from_u32(1 << 22);
        eval_access(
            builder,
            RAM_SPACE,
            word_addr.clone(),
            prev,
            new,
            local.clk + AB::Expr::from_u32(TS_MEMORY),
            &local.access,
            is_real.clone(),
        );

        // Stores write outside the code span, as the emulator faults otherwise (loads may
        // read code).
        // SAFETY: `word_addr` is an integer below 2^30 (its limbs are bytes and `addr_q <
        // 64`, see above) and `is_store` is boolean (one-hot flags), as the gadget assumes;
        // the span is the chip's, fixed by the verifying key. Sub-word stores write inside
        // the word `addr >> 2`, so the word being outside the span is exactly the
        // emulator's check that `[addr, addr + width)` does not overlap the code.
        local.outside_code.eval(builder, word_addr, self.code, is_store);

        // Receive the access from the CPU: (opcode, value, addr, clk, 0, 0, 0).
        // SAFETY: the opcode element is the one-hot flags' opcode, a memory opcode that no
        // ALU chip receives, so this row consumes exactly one CPU load/store message with
        // the same instruction, value, address and clk.
        let opcode: AB::Expr =
            opcodes::ALL.iter().zip(ops).map(|(&code, flag)| flag * AB::Expr::from_u8(code)).sum();
        let message: [AB::Expr; EXECUTION_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0 => opcode.clone(),
            1..=4 => local.value[i - 1].into(),
            5..=8 => local.addr[i - 5].into(),
            9 => local.clk.into(),
            _ => AB::Expr::ZERO,
        });
        Bus::Execution.receive(builder, message, is_real, 1);
    }
}
