//! Constraints of the IO call chip.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{IoCallCols, IoCallPublicValues, NUM_IO_CALL_COLS, NUM_IO_CALL_PUBLIC_VALUES};
use crate::bus::{Bus, ByteOp, REGISTER_SPACE, SYSCALL_MESSAGE_WIDTH, send_byte};
use crate::chips::io::{IO_TRANSFER_MESSAGE_WIDTH, TS_IO};
use crate::chips::memory::eval_access;
use crate::word::WORD_SIZE;

/// The IO call chip (`INPUT_LEN`, `READ_INPUT`, `COMMIT_OUTPUT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IoCallChip;

impl<F> BaseAir<F> for IoCallChip {
    fn width(&self) -> usize {
        NUM_IO_CALL_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_IO_CALL_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        alloc::vec![
            offset_of!(IoCallCols<u8>, is_input_len),
            offset_of!(IoCallCols<u8>, is_read),
            offset_of!(IoCallCols<u8>, is_commit),
            offset_of!(IoCallCols<u8>, clk),
            offset_of!(IoCallCols<u8>, clk_gap_lo),
            offset_of!(IoCallCols<u8>, clk_gap_mid),
            offset_of!(IoCallCols<u8>, clk_gap_top),
            offset_of!(IoCallCols<u8>, cursor),
            offset_of!(IoCallCols<u8>, out_cursor),
        ]
    }
}

impl<AB: InteractionBuilder> Air<AB> for IoCallChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &IoCallCols<AB::Var> = main.current_slice().borrow();
        let next: &IoCallCols<AB::Var> = main.next_slice().borrow();
        let pv: IoCallPublicValues<AB::PublicVar> = *builder.public_values().borrow();
        let input_len: AB::Expr = pv.input_len.into();
        let one = AB::Expr::ONE;
        let limb_sum = |limbs: [AB::Expr; WORD_SIZE]| -> AB::Expr {
            limbs.into_iter().enumerate().map(|(i, l)| l * AB::Expr::from_u32(1 << (8 * i))).sum()
        };
        let word = |w: &crate::word::Word<AB::Var>| -> [AB::Expr; WORD_SIZE] {
            core::array::from_fn(|i| w[i].into())
        };

        // The kind flags are boolean and one-hot on real rows; real rows come first.
        // SAFETY: every bus count below is `is_real`, a flag, `is_transfer` (boolean, see
        // below) or 0, so in {0, 1} whatever a padding row holds.
        builder.assert_bool(local.is_input_len);
        builder.assert_bool(local.is_read);
        builder.assert_bool(local.is_commit);
        let is_real: AB::Expr = local.is_input_len + local.is_read + local.is_commit;
        builder.assert_bool(is_real.clone());
        let next_is_real: AB::Expr = next.is_input_len + next.is_read + next.is_commit;
        builder
            .when_transition()
            .assert_zero((one.clone() - is_real.clone()) * next_is_real.clone());

        // Calls are in execution order: each real row's clk exceeds the previous row's.
        // SAFETY: `clk − prev_clk − 1 = lo + 2^16·mid + 2^24·top` with `lo < 2^16`,
        // `mid < 2^8`, `top < 64` (byte table), so it lies in `[0, 2^30)`. Every clk here
        // is one the CPU sent on `SYSCALL` (the receive below), at most 2^29 + 3; if
        // `clk ≤ prev_clk` the field difference would be at least `p − 2^29 − 4 > 2^30`.
        // So real rows have strictly increasing clks: the cursors below advance in the
        // order the calls executed, and the `SYSCALL` balance makes the rows exactly the
        // CPU's IO calls, each once.
        let next_gap: AB::Expr = next.clk_gap_lo
            + next.clk_gap_mid * AB::Expr::from_u32(1 << 16)
            + next.clk_gap_top * AB::Expr::from_u32(1 << 24);
        builder
            .when_transition()
            .assert_zero(next_is_real.clone() * (next.clk - local.clk - one.clone() - next_gap));
        send_byte(
            builder,
            ByteOp::U16,
            [local.clk_gap_lo.into(), AB::Expr::ZERO, AB::Expr::ZERO],
            is_real.clone(),
        );
        send_byte(
            builder,
            ByteOp::Ltu,
            [local.clk_gap_top.into(), AB::Expr::from_u8(64), AB::Expr::ONE],
            is_real.clone(),
        );
        // (The byte check of `clk_gap_mid` is paired with `ptr_q`'s below.)
        builder.when_first_row().assert_zero(local.clk_gap_lo);
        builder.when_first_row().assert_zero(local.clk_gap_mid);
        builder.when_first_row().assert_zero(local.clk_gap_top);

        // Answer the CPU's `(t0, a0, result, clk)`; t0 is the flags' number.
        // SAFETY: t0 is matched limb by limb against the CPU's `b` (bytes): limb 0 is 1, 2
        // or 3 exactly as the flags say, limbs 1..4 are 0, so a row answers only a call of
        // its own kind (a read cannot be claimed as a commit). `a0` comes off the bus from
        // the CPU's register read (bytes). `result` is fixed below; the CPU writes it to
        // `a0` at clk + 3, so its limbs must be bytes: they are, limb by limb, limbs of
        // `remaining` (range-checked by the gadget), of `a1` (off the MEMORY bus) or 0.
        let number: AB::Expr = local.is_input_len
            + local.is_read * AB::Expr::TWO
            + local.is_commit * AB::Expr::from_u8(3);
        let message: [AB::Expr; SYSCALL_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0 => number.clone(),
            1..4 => AB::Expr::ZERO,
            4..8 => local.a0[i - 4].into(),
            8..12 => local.result[i - 8].into(),
            _ => local.clk.into(),
        });
        Bus::Syscall.receive(builder, message, is_real.clone(), 1);

        // Read `a1` (x11) at clk + 2, a timestamp no other access of x11 uses.
        // SAFETY: the CPU accesses registers at clk, clk + 1 and clk + 3 only, and clks
        // are distinct per call, so the timestamps of x11 stay distinct as `eval_access`
        // requires; the value read is the last one written, and bytes (every register
        // write is).
        eval_access(
            builder,
            REGISTER_SPACE,
            AB::Expr::from_u8(zkvm_abi::reg::A1),
            word(&local.a1),
            word(&local.a1),
            local.clk + AB::Expr::from_u32(TS_IO),
            &local.a1_access,
            is_real.clone(),
        );

        // The input bytes not yet read: remaining = input_len − cursor, below 2^24.
        // SAFETY: the gadget range-checks `remaining[0..4]` as bytes and limb 3 is 0, so
        // on a real row `remaining` is an integer in [0, 2^24). By induction over the rows
        // `cursor` is an integer in [input_start, input_len]: `input_start` on the first
        // row, and a read adds `count ≤ remaining = input_len − cursor` (below). This leans
        // on the verifier for the public `input_start` and `input_len`: the input's length,
        // the same in every shard, and a start that is 0 for the first shard and the
        // previous shard's `input_end` (so an integer ≤ `input_len`) for the others.
        builder.assert_zero(local.remaining[3]);
        builder.assert_zero(
            is_real.clone()
                * (limb_sum(word(&local.remaining)) - (input_len - local.cursor.into())),
        );

        // a1 < remaining, unsigned.
        // SAFETY: the gadget constrains all its columns and range-checks both words;
        // `is_real` is boolean.
        local.a1_lt_remaining.eval(
            builder,
            &local.a1,
            &local.remaining,
            AB::Expr::ZERO,
            is_real.clone(),
        );
        let lt: AB::Expr = local.a1_lt_remaining.result.into();

        // The result: INPUT_LEN the remaining bytes, READ_INPUT min(a1, remaining),
        // COMMIT_OUTPUT 0 (limb by limb, since `lt` selects whole words).
        for i in 0..WORD_SIZE {
            let min = lt.clone() * local.a1[i] + (one.clone() - lt.clone()) * local.remaining[i];
            builder.assert_eq(
                local.result[i],
                local.is_input_len * local.remaining[i] + local.is_read * min,
            );
        }

        // The bytes moved: the result of a read, a1 for a commit (below 2^24), none for
        // INPUT_LEN. A commit of 2^24 bytes or more is beyond the machine (the streams
        // are shorter), as the emulator could not commit it in one shard either.
        builder.assert_zero(local.is_commit * local.a1[3]);
        builder.assert_eq(
            local.count,
            local.is_read * limb_sum(word(&local.result))
                + local.is_commit * limb_sum(word(&local.a1)),
        );

        // `is_transfer = (count ≠ 0)`, shown by the inverse of count.
        // SAFETY: if count ≠ 0 the second constraint forces is_transfer = 1; if count = 0
        // the first forces is_transfer = 0. `count` is an integer below 2^24, so it is 0
        // as a field element exactly when no byte moves.
        builder.assert_eq(local.count * local.count_inv, local.is_transfer);
        builder.assert_zero(local.count * (one.clone() - local.is_transfer));

        // The stream position of the first byte moved.
        builder.assert_eq(
            local.position,
            local.is_read * local.cursor + local.is_commit * local.out_cursor,
        );

        // a0 = 4·ptr_q + lane in its low limb: the word address and the first byte's lane.
        // SAFETY: `ptr_q` is a byte and `lane < 4` (byte table), `a0[0]` a byte (from the
        // CPU's register read), so the equation holds over the integers: `ptr_q = a0[0] >>
        // 2`, `lane = a0 & 3`, and `ptr_q + 2^6·a0[1] + 2^14·a0[2] + 2^22·a0[3]` is the
        // integer `a0 >> 2 < 2^30`, one field element per word with no aliasing.
        builder.assert_eq(local.a0[0], local.ptr_q * AB::Expr::from_u8(4) + local.lane);
        send_byte(
            builder,
            ByteOp::Range,
            [local.ptr_q.into(), local.clk_gap_mid.into(), AB::Expr::ZERO],
            is_real.clone(),
        );
        send_byte(
            builder,
            ByteOp::Ltu,
            [local.lane.into(), AB::Expr::from_u8(4), AB::Expr::ONE],
            is_real.clone(),
        );
        let word_addr: AB::Expr = local.ptr_q
            + local.a0[1] * AB::Expr::from_u32(1 << 6)
            + local.a0[2] * AB::Expr::from_u32(1 << 14)
            + local.a0[3] * AB::Expr::from_u32(1 << 22);

        // Hand the transfer to the bytes chip: (stream, clk, word, lane, position, count).
        // SAFETY: the stream is `is_commit` (a transfer is a read or a commit: INPUT_LEN
        // has count 0). The bytes chip receives it on exactly one first row and moves
        // exactly `count` consecutive bytes from `position` on, between the stream and
        // RAM bytes `a0, a0 + 1, ...`, at clk + 2.
        let message: [AB::Expr; IO_TRANSFER_MESSAGE_WIDTH] = [
            local.is_commit.into(),
            local.clk.into(),
            word_addr,
            local.lane.into(),
            local.position.into(),
            local.count.into(),
        ];
        Bus::IoTransfer.send(builder, message, local.is_transfer, 1);

        // The cursors: the public start values before the first call, advanced by each
        // call's count, the public end values after the last row (padding rows carry them:
        // their flags are 0).
        // SAFETY: with clks strictly increasing, the reads take the input positions
        // `input_start, input_start + 1, ..., input_end − 1` in execution order, each once,
        // and the commits the output positions `output_start..output_end` likewise: no byte
        // is skipped, read twice or reordered. With no call, `end = start`. The sponges
        // hash exactly these positions (each used once on `IO`); the verifier chains the
        // public cursors from shard to shard.
        builder.when_first_row().assert_eq(local.cursor, pv.input_start);
        builder.when_first_row().assert_eq(local.out_cursor, pv.output_start);
        let read: AB::Expr = local.is_read * local.count;
        let committed: AB::Expr = local.is_commit * local.count;
        builder.when_last_row().assert_eq(local.cursor + read.clone(), pv.input_end);
        builder.when_last_row().assert_eq(local.out_cursor + committed.clone(), pv.output_end);
        let mut t = builder.when_transition();
        t.assert_eq(next.cursor, local.cursor + read);
        t.assert_eq(next.out_cursor, local.out_cursor + committed);
    }
}
