//! Constraints of the stream sponge chip.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::{
    GenericPoseidon2LinearLayersKoalaBear, KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
    KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL, KOALABEAR_POSEIDON2_RC_16_INTERNAL,
};
use p3_lookup::InteractionBuilder;
use p3_poseidon2_air::{Poseidon2Air, RoundConstants};

use super::columns::{
    IoSpongeCols, IoSpongePublicValues, NUM_IO_SPONGE_COLS, NUM_IO_SPONGE_PUBLIC_VALUES,
    PermutationCols,
};
use super::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS, SBOX_DEGREE, SBOX_REGISTERS, Stream};
use crate::bus::{Bus, ByteOp, send_byte, send_byte_pairs};
use crate::io_digest::{IO_BLOCK_BYTES, IO_SPONGE_RATE, IO_SPONGE_WIDTH};
use crate::prefix_builder::PrefixBuilder;

/// A stream sponge: one Poseidon2 permutation per 16-byte block of `stream` (see the
/// module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IoSpongeChip {
    /// The stream this instance hashes.
    pub stream: Stream,
}

/// `p3-poseidon2-air` for our permutation, over the field `F`.
pub(crate) type PermutationAir<F> = Poseidon2Air<
    F,
    GenericPoseidon2LinearLayersKoalaBear,
    IO_SPONGE_WIDTH,
    SBOX_DEGREE,
    SBOX_REGISTERS,
    HALF_FULL_ROUNDS,
    PARTIAL_ROUNDS,
>;

/// Width of the permutation's columns (the prefix of every row).
pub(crate) const NUM_PERMUTATION_COLS: usize = p3_poseidon2_air::num_cols::<
    IO_SPONGE_WIDTH,
    SBOX_DEGREE,
    SBOX_REGISTERS,
    HALF_FULL_ROUNDS,
    PARTIAL_ROUNDS,
>();

/// The round constants of `default_koalabear_poseidon2_16()` in `F`, from their canonical
/// values (`F` is KoalaBear in every configuration we prove with).
pub fn round_constants<F: PrimeCharacteristicRing>()
-> RoundConstants<F, IO_SPONGE_WIDTH, HALF_FULL_ROUNDS, PARTIAL_ROUNDS> {
    let f = |c: p3_koala_bear::KoalaBear| F::from_u32(c.as_canonical_u32());
    RoundConstants::new(
        KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL.map(|round| round.map(f)),
        KOALABEAR_POSEIDON2_RC_16_INTERNAL.map(f),
        KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL.map(|round| round.map(f)),
    )
}

/// The permutation's output state: the last ending full round's `post`.
pub(crate) fn permutation_output<T>(perm: &PermutationCols<T>) -> &[T; IO_SPONGE_WIDTH] {
    &perm.ending_full_rounds[HALF_FULL_ROUNDS - 1].post
}

impl<F> BaseAir<F> for IoSpongeChip {
    fn width(&self) -> usize {
        NUM_IO_SPONGE_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_IO_SPONGE_PUBLIC_VALUES
    }

    /// The next row's flags, position and input capacity.
    fn main_next_row_columns(&self) -> Vec<usize> {
        let capacity = offset_of!(IoSpongeCols<u8>, perm)
            + offset_of!(PermutationCols<u8>, inputs)
            + IO_SPONGE_RATE;
        let mut cols: Vec<usize> =
            (capacity..capacity + IO_SPONGE_WIDTH - IO_SPONGE_RATE).collect();
        cols.extend([
            offset_of!(IoSpongeCols<u8>, is_real),
            offset_of!(IoSpongeCols<u8>, is_first),
            offset_of!(IoSpongeCols<u8>, pos),
        ]);
        cols.sort_unstable();
        cols
    }
}

impl<AB: InteractionBuilder> Air<AB> for IoSpongeChip {
    fn eval(&self, builder: &mut AB) {
        // The permutation: `p3-poseidon2-air` on the first columns, with the constants of
        // `default_koalabear_poseidon2_16()`. It fixes every round's output from the row's
        // `inputs`, so `permutation_output` is Poseidon2(inputs) on every row.
        PermutationAir::<AB::F>::new(round_constants())
            .eval(&mut PrefixBuilder::new(builder, NUM_PERMUTATION_COLS));

        let main = builder.main();
        let local: &IoSpongeCols<AB::Var> = main.current_slice().borrow();
        let next: &IoSpongeCols<AB::Var> = main.next_slice().borrow();
        let pv: IoSpongePublicValues<AB::PublicVar> = *builder.public_values().borrow();
        let one = AB::Expr::ONE;
        let inputs = &local.perm.inputs;
        let outputs = permutation_output(&local.perm);

        // Real rows are a prefix of the trace that starts at the first row.
        // SAFETY: with `is_real` boolean and never rising, the real rows are rows
        // `0..n` with `n ≥ 1`. Every bus count below is 0 unless the row is real.
        builder.assert_bool(local.is_real);
        builder.when_first_row().assert_one(local.is_real);
        builder.when_transition().assert_zero(next.is_real * (one.clone() - local.is_real));

        // `is_first` is 1 on the first row and 0 on every other (it gates the range checks
        // of the start and the length, so they are made exactly once).
        builder.when_first_row().assert_one(local.is_first);
        builder.when_transition().assert_zero(next.is_first);

        // `is_last` is 1 exactly on the last real row (row `n − 1`).
        // SAFETY: with real rows a prefix, `is_real − next.is_real` is 1 only at the row
        // whose successor is padding, and `is_real` on the trace's last row is 1 only if all
        // rows are real; so `is_last` is boolean and 1 on exactly one row.
        builder.when_transition().assert_eq(local.is_last, local.is_real - next.is_real);
        builder.when_last_row().assert_eq(local.is_last, local.is_real);

        // The first row is block 0 at the slice's start, with the capacity `(len, 0, …, 0)`.
        // SAFETY: the first row is real, so this starts the sponge of the spec with the
        // public length in `state[8]` (domain separation by length).
        {
            let mut first = builder.when_first_row();
            first.assert_eq(local.pos, pv.start);
            first.assert_eq(inputs[IO_SPONGE_RATE], pv.len);
            for &x in &inputs[IO_SPONGE_RATE + 1..] {
                first.assert_zero(x);
            }
            first.assert_eq(local.len_lo + local.len_hi * AB::Expr::from_u32(1 << 16), pv.len);
            first
                .assert_eq(local.start_lo + local.start_hi * AB::Expr::from_u32(1 << 16), pv.start);
        }

        // `start < 2^24` and `len < 2^24`: each is `lo + 2^16·hi` with `lo < 2^16` and `hi` a
        // byte, checked once (count `is_first`, 1 on the first row only).
        // SAFETY: the parts are range-checked by the byte table, so both public values are
        // integers below 2^24 and every position `start + q` (`q < len`) is an integer below
        // 2^25 < p: the positions on `IO` never wrap.
        send_byte(
            builder,
            ByteOp::U16,
            [local.len_lo.into(), AB::Expr::ZERO, AB::Expr::ZERO],
            local.is_first.into(),
        );
        send_byte(
            builder,
            ByteOp::U16,
            [local.start_lo.into(), AB::Expr::ZERO, AB::Expr::ZERO],
            local.is_first.into(),
        );
        send_byte(
            builder,
            ByteOp::Range,
            [local.len_hi.into(), local.start_hi.into(), AB::Expr::ZERO],
            local.is_first.into(),
        );

        // Every row absorbs its block: the rate inputs are the byte pairs `b[2k] + 256·b[2k+1]`.
        // SAFETY: the bytes are range-checked below on real rows and are zero on padding
        // rows (`in_range = 0` there), so each element is below 2^16 and determines its two
        // bytes; the rate is overwritten, not added, as the spec's sponge does.
        for (&element, pair) in inputs.iter().zip(local.bytes.chunks_exact(2)) {
            builder.assert_eq(element, pair[0] + pair[1] * AB::Expr::from_u32(256));
        }

        // A real next row is the next block: its capacity is this permutation's output
        // capacity, its position 16 further.
        // SAFETY: the previous row of a real row is real (prefix), so by induction real row
        // `i` has `pos = start + 16·i` and the capacity of the sponge after `i` blocks.
        {
            let mut chained = builder.when_transition();
            let mut chained = chained.when(next.is_real);
            for (&carried, &output) in
                next.perm.inputs[IO_SPONGE_RATE..].iter().zip(&outputs[IO_SPONGE_RATE..])
            {
                chained.assert_eq(carried, output);
            }
            chained.assert_eq(next.pos, local.pos + AB::Expr::from_u32(IO_BLOCK_BYTES as u32));
        }

        // `in_range` is a boolean prefix of the row (`1…1 0…0`), zero on padding rows.
        // SAFETY: `in_range[0] ≤ is_real` and `in_range[k + 1] ≤ in_range[k]`.
        builder.assert_bools(local.in_range);
        for pair in local.in_range.windows(2) {
            builder.assert_zero(pair[1] * (one.clone() - pair[0]));
        }
        builder.assert_zero(local.in_range[0] * (one.clone() - local.is_real));

        // A real row followed by a real row is a full block (`in_range[15] = 1`, hence all 1).
        builder
            .when_transition()
            .assert_zero(next.is_real * (one.clone() - local.in_range[IO_BLOCK_BYTES - 1]));

        // The last real row is a partial block (never full, possibly empty) that ends the
        // slice at `start + len`, and its output rate is the digest.
        // SAFETY: with `n` real rows, rows `0..n−1` have 16 flags set and row `n − 1` has
        // `r ≤ 15` and `pos = start + 16·(n − 1)`, so `len = 16·(n − 1) + r` in the field.
        // `n` is at most the height, below 2^27 by `p3-lookup`'s height bound (this chip
        // alone has 27 unit-bounded interactions per row, and `27·2^27 > p`), so
        // `16·(n − 1) + r < 2^30 < p` and the equality holds over the integers:
        // `n = len / 16 + 1` and `in_range[k]` of row `i` is `16·i + k < len`, exactly the
        // spec's blocks over the slice. (`len < 2^24` is also checked directly on the first
        // row.)
        {
            let mut last = builder.when(local.is_last);
            last.assert_zero(local.in_range[IO_BLOCK_BYTES - 1]);
            let in_range: AB::Expr = local.in_range.iter().map(|&f| f.into()).sum();
            last.assert_eq(local.pos + in_range, Into::<AB::Expr>::into(pv.start) + pv.len.into());
            for (&output, &digest) in outputs.iter().zip(&pv.digest) {
                last.assert_eq(output, digest);
            }
        }

        // Bytes past the stream's end are zero (the spec's zero padding).
        for k in 0..IO_BLOCK_BYTES {
            builder.assert_zero(local.bytes[k] * (one.clone() - local.in_range[k]));
        }

        // Every byte of a real row is a byte.
        send_byte_pairs::<AB, _>(
            builder,
            (0..IO_SPONGE_RATE).map(|k| (local.bytes[2 * k], local.bytes[2 * k + 1])),
            local.is_real.into(),
        );

        // The IO bus: `(stream, pos + k, bytes[k])` for each byte of the slice, exactly once.
        // SAFETY: the count is the boolean `in_range[k]`, so every position of
        // `start..start + len` is on the bus once, with the slice's byte, and no other. The
        // input sponge sends: each read (the IO bytes chip's receive) of position `q` with
        // value `v` balances only against this send, so the shard's reads are exactly the
        // slice's positions, each read once, returning the slice's bytes. The output sponge
        // receives: the bus balances only if the shard committed exactly these (position,
        // byte) pairs, each once.
        let stream = AB::Expr::from_u8(self.stream.id());
        for k in 0..IO_BLOCK_BYTES {
            let message =
                [stream.clone(), local.pos + AB::Expr::from_usize(k), local.bytes[k].into()];
            match self.stream {
                Stream::Input => Bus::Io.send(builder, message, local.in_range[k], 1),
                Stream::Output => Bus::Io.receive(builder, message, local.in_range[k], 1),
            }
        }
    }
}
