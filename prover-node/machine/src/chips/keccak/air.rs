//! Constraints of the `KECCAK_PERMUTE` chip.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_keccak_air::{KeccakAir, KeccakCols, NUM_KECCAK_COLS, U64_LIMBS};
use p3_lookup::InteractionBuilder;

use super::columns::{KeccakPermuteCols, NUM_KECCAK_PERMUTE_COLS};
use super::{ROWS_PER_PERMUTATION, TS_MEMORY, overlapping_pointers, slot_word, word_limb};
use crate::bus::{Bus, ByteOp, RAM_SPACE};
use crate::chips::memory::{CodeSpan, eval_access};
use crate::prefix_builder::PrefixBuilder;
use crate::word::WORD_SIZE;

/// The `KECCAK_PERMUTE` precompile of one program: 24 rows per permutation (see the module
/// docs). The code span (word addresses) is part of the chip, so the verifying key, built
/// from the ELF like the ROM, fixes the words no permutation may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeccakChip {
    code: CodeSpan,
}

impl KeccakChip {
    /// The Keccak chip of a program whose code spans `code` (`ProgramRom::code_span`).
    pub const fn new(code: CodeSpan) -> Self {
        KeccakChip { code }
    }

    /// A chip that refuses no state (an empty code span), for the tests that prove the
    /// chip with a harness instead of a program.
    #[cfg(test)]
    pub(crate) const fn without_code() -> Self {
        KeccakChip::new(CodeSpan::new(0, 0))
    }

    /// The code span the states are kept out of.
    pub const fn code_span(&self) -> CodeSpan {
        self.code
    }
}

impl<F> BaseAir<F> for KeccakChip {
    fn width(&self) -> usize {
        NUM_KECCAK_PERMUTE_COLS
    }

    /// The keccak-air reads the next row's round flags, preimage and round input; this chip
    /// the next row's call columns and output.
    fn main_next_row_columns(&self) -> Vec<usize> {
        let keccak = offset_of!(KeccakPermuteCols<u8>, keccak);
        let ranges = [
            (keccak + offset_of!(KeccakCols<u8>, step_flags), ROWS_PER_PERMUTATION),
            (keccak + offset_of!(KeccakCols<u8>, preimage), 25 * U64_LIMBS),
            (keccak + offset_of!(KeccakCols<u8>, a), 25 * U64_LIMBS),
            (
                offset_of!(KeccakPermuteCols<u8>, is_real),
                offset_of!(KeccakPermuteCols<u8>, ptr_q) + 1
                    - offset_of!(KeccakPermuteCols<u8>, is_real),
            ),
            (offset_of!(KeccakPermuteCols<u8>, output), 25 * U64_LIMBS),
        ];
        ranges.into_iter().flat_map(|(start, len)| start..start + len).collect()
    }
}

impl<AB: InteractionBuilder> Air<AB> for KeccakChip {
    fn eval(&self, builder: &mut AB) {
        // The rounds: `p3-keccak-air` on the first `NUM_KECCAK_COLS` columns. It fixes the
        // round flags (one-hot, round 0 on the first row, rotating by one per row), keeps the
        // preimage constant from a round-0 row to the next round-23 row, starts the state at
        // the preimage, and computes each round (every intermediate bit boolean, every limb
        // a 16-bit composition of bits).
        KeccakAir {}.eval(&mut PrefixBuilder::new(builder, NUM_KECCAK_COLS));

        let main = builder.main();
        let local: &KeccakPermuteCols<AB::Var> = main.current_slice().borrow();
        let next: &KeccakPermuteCols<AB::Var> = main.next_slice().borrow();
        let step = &local.keccak.step_flags;
        let first_round = step[0];
        let last_round = step[ROWS_PER_PERMUTATION - 1];
        let within_permutation = builder.is_transition() * (AB::Expr::ONE - last_round.into());

        // A permutation is real or padding as a whole, and the call it serves (clk,
        // pointer) and its output are the same on its 24 rows.
        builder.assert_bool(local.is_real);
        {
            let mut same = builder.when(within_permutation);
            same.assert_eq(next.is_real, local.is_real);
            same.assert_eq(next.clk, local.clk);
            same.assert_eq(next.ptr_q, local.ptr_q);
            for i in 0..WORD_SIZE {
                same.assert_eq(next.ptr[i], local.ptr[i]);
            }
            for y in 0..5 {
                for x in 0..5 {
                    for l in 0..U64_LIMBS {
                        same.assert_eq(next.output[y][x][l], local.output[y][x][l]);
                    }
                }
            }
        }

        // The permutation cut off by the end of the trace is padding.
        // SAFETY: the height is a power of two, never a multiple of 24, so the last row
        // belongs to a permutation without a round-23 row, whose `output` nothing binds;
        // `is_real` is constant over a permutation, so all of its rows are padding.
        builder.when_last_row().assert_zero(local.is_real);

        // The output is the state after round 23.
        // SAFETY: `a_prime_prime_prime` of the round-23 row is the keccak-air's final state
        // (16-bit limbs, each a composition of boolean columns); the constancy above carries
        // it to every row of the permutation.
        for y in 0..5 {
            for x in 0..5 {
                for l in 0..U64_LIMBS {
                    builder.when(last_round).assert_eq(
                        local.output[y][x][l],
                        local.keccak.a_prime_prime_prime(y, x, l),
                    );
                }
            }
        }

        // The pointer is word-aligned: `ptr[0] = 4·ptr_q` with `ptr_q` a byte.
        // SAFETY: `ptr[0]` is a byte (the CPU sends register limbs, bytes by the memory
        // argument's invariant) and `4·ptr_q ≤ 1020 < p`, so this holds over the integers:
        // `ptr ≡ 0 mod 4` and `ptr_q = ptr[0] >> 2`. The state's word address `ptr / 4` is
        // then `ptr_q + 2^6·ptr[1] + 2^14·ptr[2] + 2^22·ptr[3] < 2^30`, and word `w`'s is that
        // plus `w < 50`, below p without reduction (the RAM boundary rejects addresses past
        // the memory's end, as the emulator does).
        builder.assert_eq(local.ptr[0], local.ptr_q * AB::Expr::from_u8(4));
        builder.assert_eq(local.is_call, local.is_real * first_round);
        let first_call_row: AB::Expr = local.is_call.into();
        Bus::Byte.send(
            builder,
            [
                AB::Expr::from_u8(ByteOp::Range as u8),
                local.ptr_q.into(),
                AB::Expr::ZERO,
                AB::Expr::ZERO,
            ],
            first_call_row.clone(),
            1,
        );
        let base_word: AB::Expr = local.ptr_q
            + local.ptr[1] * AB::Expr::from_u32(1 << 6)
            + local.ptr[2] * AB::Expr::from_u32(1 << 14)
            + local.ptr[3] * AB::Expr::from_u32(1 << 22);

        // The state's 50 words miss the code, as the emulator faults otherwise
        // (`StoreToCode`): checked once per permutation, on its round-0 row.
        // SAFETY: the words `[p, p + 50)` (`p = ptr / 4`) meet the code `[start, end)` iff
        // `p < end` and `p + 49 ≥ start`, i.e. iff `p ∈ [start − 49, end)` (`[0, end)` when
        // `start < 49`: every `p ≥ 0` then has `p + 49 ≥ start`), which is
        // `overlapping_pointers(code)`; the span is the chip's, fixed by the verifying key.
        // The pointer is word-aligned (above), so the words are exactly the emulator's bytes
        // `[ptr, ptr + 200)`. The gadget's assumptions hold: `is_call` is boolean (a product
        // of booleans) and `p` is an integer below 2^30 (above). Its degree is 3 because
        // `is_call` is a column, not the degree-2 product it equals.
        local.outside_code.eval(
            builder,
            base_word.clone(),
            overlapping_pointers(self.code),
            first_call_row.clone(),
        );

        // The round-0 row of a real permutation takes its call off the SYSCALL bus:
        // `(KECCAK_PERMUTE, a0 = ptr, result 0, clk)`.
        // SAFETY: the count is `is_real · step_flags[0]`, a product of booleans, and a
        // complete permutation has exactly one round-0 row, so each real permutation answers
        // exactly one call and each call has at most one permutation.
        let number = zkvm_abi::syscall::KECCAK_PERMUTE.to_le_bytes().map(AB::Expr::from_u8);
        let [n0, n1, n2, n3] = number;
        let call = [
            n0,
            n1,
            n2,
            n3,
            local.ptr[0].into(),
            local.ptr[1].into(),
            local.ptr[2].into(),
            local.ptr[3].into(),
            AB::Expr::ZERO,
            AB::Expr::ZERO,
            AB::Expr::ZERO,
            AB::Expr::ZERO,
            local.clk.into(),
        ];
        Bus::Syscall.receive(builder, call, first_call_row, 1);

        // Each slot reads its state word and writes the permuted word back at `clk + 2`.
        let ts: AB::Expr = local.clk + AB::Expr::from_u32(TS_MEMORY);
        for (k, slot) in local.slots.iter().enumerate() {
            let words: Vec<(usize, usize)> =
                (0..ROWS_PER_PERMUTATION).filter_map(|r| slot_word(r, k).map(|w| (r, w))).collect();
            // `Σ step_flags[r]·f(word of slot k in round r)`: the round flags are one-hot,
            // so this is the value for this row's word (0 if the slot is idle this round).
            let select = |f: &dyn Fn(usize) -> AB::Expr| -> AB::Expr {
                words.iter().map(|&(r, w)| f(w) * step[r]).sum()
            };
            let active: AB::Expr = if words.len() == ROWS_PER_PERMUTATION {
                local.is_real.into()
            } else {
                local.is_real * select(&|_| AB::Expr::ONE)
            };

            // The input word's 16-bit halves are the preimage's limbs, the output word's the
            // final state's.
            // SAFETY: the input bytes come off the MEMORY bus, so they are bytes (every
            // writer range-checks what it sends); the output bytes are range-checked below.
            // Both sides are below 2^16, so the equalities hold over the integers.
            for half in 0..2 {
                let input =
                    slot.input[2 * half] + slot.input[2 * half + 1] * AB::Expr::from_u32(256);
                let preimage = select(&|w| {
                    let (y, x, l) = word_limb(w, half);
                    local.keccak.preimage[y][x][l].into()
                });
                builder.assert_eq(input, preimage);
                let output =
                    slot.output[2 * half] + slot.output[2 * half + 1] * AB::Expr::from_u32(256);
                let state = select(&|w| {
                    let (y, x, l) = word_limb(w, half);
                    local.output[y][x][l].into()
                });
                builder.assert_eq(output, state);
                Bus::Byte.send(
                    builder,
                    [
                        AB::Expr::from_u8(ByteOp::Range as u8),
                        slot.output[2 * half].into(),
                        slot.output[2 * half + 1].into(),
                        AB::Expr::ZERO,
                    ],
                    active.clone(),
                    1,
                );
            }

            // One access to word `ptr/4 + w` at `clk + 2`: receive (input, prev_ts), send
            // (output, clk + 2).
            // SAFETY: `active` is 0 or 1 (a boolean times a sum of one-hot flags); the
            // gadget range-checks `clk + 2 − prev_ts − 1`, sound because `clk` comes from
            // the CPU's bounded clock through the SYSCALL bus. Every word of a real
            // permutation is accessed exactly once (slot `k` of round `r` is word
            // `r + 24·k`), all at the call's timestamp, at distinct addresses.
            let addr = base_word.clone() + select(&|w| AB::Expr::from_usize(w));
            eval_access(
                builder,
                RAM_SPACE,
                addr,
                slot.input.0.map(Into::into),
                slot.output.0.map(Into::into),
                ts.clone(),
                &slot.access,
                active,
            );
        }
    }
}
