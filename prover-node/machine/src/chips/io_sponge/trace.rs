//! Trace generation of the stream sponge chip.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_field::PrimeField64;
use p3_matrix::dense::RowMajorMatrix;
use p3_poseidon2_air::{RoundConstants, generate_trace_rows};

use super::air::{NUM_PERMUTATION_COLS, permutation_output, round_constants};
use super::columns::{
    IoSpongeCols, IoSpongePublicValues, NUM_IO_SPONGE_COLS, NUM_IO_SPONGE_PUBLIC_VALUES,
    PermutationCols,
};
use super::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS, SBOX_DEGREE, SBOX_REGISTERS};
use crate::bus::{ByteOp, IO_MAX_STREAM_LEN};
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::io_digest::{IO_BLOCK_BYTES, IO_SPONGE_RATE, IO_SPONGE_WIDTH, num_blocks};

/// The permutation's columns for input state `state` (one row of `p3-poseidon2-air`).
pub(crate) fn permutation_row<F: PrimeField64>(
    state: [F; IO_SPONGE_WIDTH],
    constants: &RoundConstants<F, IO_SPONGE_WIDTH, HALF_FULL_ROUNDS, PARTIAL_ROUNDS>,
) -> Vec<F> {
    generate_trace_rows::<
        F,
        p3_koala_bear::GenericPoseidon2LinearLayersKoalaBear,
        IO_SPONGE_WIDTH,
        SBOX_DEGREE,
        SBOX_REGISTERS,
        HALF_FULL_ROUNDS,
        PARTIAL_ROUNDS,
    >(vec![state], constants, 0)
    .values
}

/// The sponge chip's trace and public values ([`IoSpongePublicValues`]) for `bytes`, the
/// slice of the stream at positions `start..start + bytes.len()`; records the byte-table
/// requests.
///
/// 1. One real row per block of the slice (`len / 16 + 1`), each the permutation of the
///    block's rate elements and the previous permutation's output capacity (`(len, 0, …, 0)`
///    first).
/// 2. Padding rows up to a power of two: the permutation of the all-zero state, nothing
///    else set.
/// 3. The public values: `start`, `len` and the last real row's output rate.
///
/// # Panics
///
/// If the slice's end position is not below [`IO_MAX_STREAM_LEN`] (a bug of the caller,
/// or a run beyond the machine's limits). Both instances ([`super::Stream`]) have traces of
/// this one shape.
pub fn generate_trace<F: PrimeField64>(
    start: u32,
    bytes: &[u8],
    byte_record: &mut ByteRecord,
) -> (RowMajorMatrix<F>, Vec<F>) {
    generate_trace_padded(start, bytes, byte_record, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: PrimeField64>(
    start: u32,
    bytes: &[u8],
    byte_record: &mut ByteRecord,
    min_height: usize,
) -> (RowMajorMatrix<F>, Vec<F>) {
    let len = bytes.len();
    assert!(
        start as usize + len < IO_MAX_STREAM_LEN as usize,
        "stream slice {start}..{start} + {len} is too long"
    );
    let blocks = num_blocks(len);
    let height = height_at_least(blocks, min_height);
    let constants = round_constants::<F>();
    let padding = permutation_row([F::ZERO; IO_SPONGE_WIDTH], &constants);

    let mut values = F::zero_vec(height * NUM_IO_SPONGE_COLS);
    let mut capacity = [F::ZERO; IO_SPONGE_WIDTH - IO_SPONGE_RATE];
    capacity[0] = F::from_usize(len);
    let mut digest = [F::ZERO; IO_SPONGE_RATE];
    for (i, row) in values.chunks_exact_mut(NUM_IO_SPONGE_COLS).enumerate() {
        if i >= blocks {
            row[..NUM_PERMUTATION_COLS].copy_from_slice(&padding);
            continue;
        }
        // 1. The permutation of (block, capacity).
        let offset = IO_BLOCK_BYTES * i;
        let byte = |k: usize| bytes.get(offset + k).copied().unwrap_or(0);
        let state: [F; IO_SPONGE_WIDTH] = core::array::from_fn(|j| {
            if j < IO_SPONGE_RATE {
                F::from_u32(u32::from(byte(2 * j)) + 256 * u32::from(byte(2 * j + 1)))
            } else {
                capacity[j - IO_SPONGE_RATE]
            }
        });
        row[..NUM_PERMUTATION_COLS].copy_from_slice(&permutation_row(state, &constants));
        let perm: &PermutationCols<F> = row[..NUM_PERMUTATION_COLS].borrow();
        let output = *permutation_output(perm);
        capacity.copy_from_slice(&output[IO_SPONGE_RATE..]);
        digest.copy_from_slice(&output[..IO_SPONGE_RATE]);

        // 2. The block's bytes and flags.
        let cols: &mut IoSpongeCols<F> = row.borrow_mut();
        cols.is_real = F::ONE;
        cols.is_last = F::from_bool(i + 1 == blocks);
        cols.pos = F::from_usize(start as usize + offset);
        for k in 0..IO_BLOCK_BYTES {
            cols.bytes[k] = F::from_u8(byte(k));
            cols.in_range[k] = F::from_bool(offset + k < len);
        }
        for k in 0..IO_SPONGE_RATE {
            byte_record.add(ByteOp::Range, byte(2 * k).into(), byte(2 * k + 1).into());
        }
    }

    // 3. The first row checks the ranges of the start and the length; the public values.
    let first: &mut IoSpongeCols<F> = values[..NUM_IO_SPONGE_COLS].borrow_mut();
    first.is_first = F::ONE;
    first.len_lo = F::from_usize(len & 0xffff);
    first.len_hi = F::from_usize(len >> 16);
    first.start_lo = F::from_u32(start & 0xffff);
    first.start_hi = F::from_u32(start >> 16);
    byte_record.add(ByteOp::U16, (len & 0xffff) as u32, 0);
    byte_record.add(ByteOp::U16, start & 0xffff, 0);
    byte_record.add(ByteOp::Range, (len >> 16) as u32, start >> 16);

    let mut public_values = F::zero_vec(NUM_IO_SPONGE_PUBLIC_VALUES);
    let pv: &mut IoSpongePublicValues<F> = public_values.as_mut_slice().borrow_mut();
    pv.start = F::from_u32(start);
    pv.len = F::from_usize(len);
    pv.digest = digest;
    (RowMajorMatrix::new(values, NUM_IO_SPONGE_COLS), public_values)
}
