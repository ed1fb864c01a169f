//! Constraints of the IO bytes chip.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{IoBytesCols, NUM_IO_BYTES_COLS};
use crate::bus::{Bus, ByteOp, IO_INPUT_STREAM, IO_OUTPUT_STREAM, RAM_SPACE, send_byte};
use crate::chips::io::{IO_TRANSFER_MESSAGE_WIDTH, TS_IO};
use crate::chips::memory::{CodeSpan, eval_access};
use crate::word::WORD_SIZE;

/// The IO bytes chip of one program: the code span (word addresses) is part of the chip,
/// so the verifying key, built from the ELF like the ROM, fixes the words no `READ_INPUT`
/// may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoBytesChip {
    code: CodeSpan,
}

impl IoBytesChip {
    /// The IO bytes chip of a program whose code spans `code` (`ProgramRom::code_span`).
    pub const fn new(code: CodeSpan) -> Self {
        IoBytesChip { code }
    }

    /// The code span input transfers are kept out of.
    pub const fn code_span(&self) -> CodeSpan {
        self.code
    }
}

impl<F> BaseAir<F> for IoBytesChip {
    fn width(&self) -> usize {
        NUM_IO_BYTES_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        alloc::vec![
            offset_of!(IoBytesCols<u8>, is_real),
            offset_of!(IoBytesCols<u8>, is_first),
            offset_of!(IoBytesCols<u8>, stream),
            offset_of!(IoBytesCols<u8>, clk),
            offset_of!(IoBytesCols<u8>, word),
            offset_of!(IoBytesCols<u8>, pos),
            offset_of!(IoBytesCols<u8>, left),
        ]
    }
}

impl<AB: InteractionBuilder> Air<AB> for IoBytesChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &IoBytesCols<AB::Var> = main.current_slice().borrow();
        let next: &IoBytesCols<AB::Var> = main.next_slice().borrow();
        let one = AB::Expr::ONE;
        let is_real: AB::Expr = local.is_real.into();
        let mask: [AB::Expr; WORD_SIZE] = local.mask.map(Into::into);
        let moved: AB::Expr = mask.iter().cloned().sum();

        // The flags and the mask are boolean; only real rows have a first-row flag, the
        // output stream or a mask bit, so padding rows send and receive nothing; real rows
        // come first, and the trace's first row, if real, starts a call.
        // SAFETY: with the transition below, every real row is a call's first row or
        // continues the call of the real row above it, so every real row belongs to a call
        // whose first row received an `IO_TRANSFER` message.
        builder.assert_bool(local.is_real);
        builder.assert_bool(local.is_first);
        builder.assert_bool(local.stream);
        builder.assert_zero(local.is_first * (one.clone() - is_real.clone()));
        builder.assert_zero(local.stream * (one.clone() - is_real.clone()));
        for &m in &local.mask {
            builder.assert_bool(m);
            builder.assert_zero(m * (one.clone() - is_real.clone()));
        }
        builder.when_transition().assert_zero((one.clone() - is_real.clone()) * next.is_real);
        builder.when_first_row().assert_eq(local.is_first, local.is_real);

        // The mask is contiguous: no moved byte, then a kept one, then a moved one.
        for i in 0..WORD_SIZE {
            for j in i + 1..WORD_SIZE {
                for l in j + 1..WORD_SIZE {
                    builder.assert_zero(
                        mask[i].clone() * (one.clone() - mask[j].clone()) * mask[l].clone(),
                    );
                }
            }
        }

        // A call's first row starts at `lane`; its other rows start at byte 0.
        // SAFETY: for a contiguous mask, `Σ k·mask[k]·(1 − mask[k−1])` is the index of its
        // first set bit (0 for an empty mask). A first row's mask is not empty: if the
        // call continues, its byte 3 is set (below); if the row is the call's last, it
        // moves `left = count ≠ 0` bytes. `lane` is 0 off first rows (nothing reads it
        // there).
        let start: AB::Expr = (1..WORD_SIZE)
            .map(|k| {
                mask[k].clone() * (one.clone() - mask[k - 1].clone()) * AB::Expr::from_usize(k)
            })
            .sum();
        builder.assert_zero(local.is_first * (local.lane - start));
        builder.assert_zero((one.clone() - local.is_first) * local.lane);
        builder.assert_zero((is_real.clone() - local.is_first) * (one.clone() - mask[0].clone()));

        // Rows of one call: a row followed by a row of its call moves through byte 3, and
        // the next row has the same stream and clk, the next word, the stream positions 4
        // on, and `left` less what this row moved. A call ends when `left` is what its last
        // row moves.
        // SAFETY: `next.is_real − next.is_first` is 1 exactly when the next row continues
        // this row's call (`is_first` implies `is_real`). So the rows of a call move the
        // bytes at linear offsets `lane, lane + 1, ...` of the words `word, word + 1, ...`
        // with no hole (contiguous masks that end at byte 3 and restart at byte 0), the
        // byte at offset `lane + j` having stream position `pos_0 + lane + j = position +
        // j`, i.e. RAM byte address `a0 + j`. Every row moves 1 to 4 bytes, and `left`
        // falls by that much per row until the last row moves exactly `left`: the moved
        // bytes add up to `count` modulo p, and since they are at most 4 per row and the
        // LogUp height bound keeps 15 × this trace's height below p (15 unit-bounded
        // interactions per row), to `count` over the integers. So a call moves exactly the positions `position..position + count`,
        // each once, to or from exactly the RAM bytes `a0..a0 + count`; a row cannot be
        // added, dropped or moved without breaking `left`, the word sequence, or the
        // messages. The word address is the integer `a0 >> 2 < 2^30` plus at most 2^27
        // rows: below p, so it never wraps (and the RAM boundary admits only words below
        // 2^29, as the emulator faults past `MEMORY_END`).
        let continues: AB::Expr = next.is_real - next.is_first;
        {
            let mut t = builder.when_transition();
            t.assert_zero(continues.clone() * (one.clone() - mask[3].clone()));
            t.assert_zero(continues.clone() * (next.stream - local.stream));
            t.assert_zero(continues.clone() * (next.clk - local.clk));
            t.assert_zero(continues.clone() * (next.word - local.word - one.clone()));
            t.assert_zero(continues.clone() * (next.pos - local.pos - AB::Expr::from_u8(4)));
            t.assert_zero(continues.clone() * (next.left - (local.left - moved.clone())));
            t.assert_zero(
                is_real.clone() * (one.clone() - continues) * (local.left - moved.clone()),
            );
        }
        builder.when_last_row().assert_zero(is_real.clone() * (local.left - moved));

        // The first row takes its call: (stream, clk, word, lane, position, count).
        // SAFETY: the call chip sends one message per call that moves bytes (count ≠ 0),
        // with distinct clks, so each is received by exactly one first row, and every
        // first row consumes one.
        let transfer: [AB::Expr; IO_TRANSFER_MESSAGE_WIDTH] = [
            local.stream.into(),
            local.clk.into(),
            local.word.into(),
            local.lane.into(),
            local.pos + local.lane,
            local.left.into(),
        ];
        Bus::IoTransfer.receive(builder, transfer, local.is_first, 1);

        // The word: an input call writes its moved bytes and keeps the others; an output
        // call reads the word and changes nothing.
        for (k, m) in mask.iter().enumerate() {
            let writes: AB::Expr = (one.clone() - local.stream) * m.clone();
            builder.assert_zero((one.clone() - writes) * (local.new[k] - local.prev[k]));
        }
        // SAFETY: the written bytes come off the `IO` bus from the input sponge; checking
        // them here keeps every value on the MEMORY bus a byte whatever the sponge does.
        send_byte(
            builder,
            ByteOp::Range,
            [local.new[0].into(), local.new[1].into(), AB::Expr::ZERO],
            is_real.clone(),
        );
        send_byte(
            builder,
            ByteOp::Range,
            [local.new[2].into(), local.new[3].into(), AB::Expr::ZERO],
            is_real.clone(),
        );

        // The access: receive (word, prev, prev_ts), send (word, new, clk + 2).
        // SAFETY: `clk` is the call's (from the message, which has the CPU's), and a call
        // touches each word once (the words of its rows are distinct), so the timestamps of
        // every RAM word stay distinct: loads and stores use clk + 2 of their own cycles,
        // Keccak of its own ECALLs.
        eval_access(
            builder,
            RAM_SPACE,
            local.word.into(),
            local.prev.0.map(Into::into),
            local.new.0.map(Into::into),
            local.clk + AB::Expr::from_u32(TS_IO),
            &local.access,
            is_real.clone(),
        );

        // An input row writes a word outside the code span, as the emulator faults on a
        // `READ_INPUT` into the code (`StoreToCode`); an output row only reads (and may read
        // code).
        // SAFETY: `is_real − stream` is boolean and 1 exactly on real input rows (`stream`
        // is boolean and 0 on padding rows, above), as the gadget assumes. `word` is an
        // integer below 2^30 + 2^27 < p (the call's `a0 >> 2` plus the row's index, see
        // above), and on a provable trace below 2^29: the access's chain on the MEMORY bus
        // starts and ends at the RAM boundary, which admits no other word; the span is the
        // chip's, fixed by the verifying key. Every row writes at least one byte of its word
        // (its mask is not empty, above) and the span is word-aligned, so the words being
        // outside the span is exactly the emulator's check that the bytes `[a0, a0 + n)` do
        // not overlap the code.
        let writes: AB::Expr = is_real.clone() - local.stream;
        local.outside_code.eval(builder, local.word.into(), self.code, writes);

        // The moved bytes on the stream: input bytes are received from the input sponge,
        // output bytes sent to the output sponge, at stream position `pos + k`.
        // SAFETY: by the call chip's cursors the positions of all input calls are
        // `0..n_read` and those of all output calls `0..n_out`, each exactly once, so the
        // sponges' messages (one per position, with the stream's byte) pin every byte.
        for (k, m) in mask.iter().enumerate() {
            let position: AB::Expr = local.pos + AB::Expr::from_usize(k);
            let input = [AB::Expr::from_u8(IO_INPUT_STREAM), position.clone(), local.new[k].into()];
            Bus::Io.receive(builder, input, m.clone() * (one.clone() - local.stream), 1);
            let output = [AB::Expr::from_u8(IO_OUTPUT_STREAM), position, local.new[k].into()];
            Bus::Io.send(builder, output, m.clone() * local.stream, 1);
        }
    }
}
