//! A test-only stand-in for the IO chip around the stream sponges: it receives input
//! bytes (the program's reads) and sends output bytes (its commits) on `IO`.
//!
//! It proves nothing about where its messages come from: a proof that includes it shows
//! only that the sponges' streams agree with its reads and commits. Never ship a verifying
//! key that contains it.

use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{Bus, IO_INPUT_STREAM, IO_OUTPUT_STREAM};
use crate::chips::padded_height;
use crate::columns::impl_columns;

/// One read of an input byte and/or one commit of an output byte.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct IoHarnessCols<T> {
    /// `1` if the row receives `(INPUT, read_pos, read_byte)`.
    pub is_read: T,
    /// Position of the byte read.
    pub read_pos: T,
    /// The byte read.
    pub read_byte: T,
    /// `1` if the row sends `(OUTPUT, commit_pos, commit_byte)`.
    pub is_commit: T,
    /// Position of the byte committed.
    pub commit_pos: T,
    /// The byte committed.
    pub commit_byte: T,
}

impl_columns!(IoHarnessCols, NUM_IO_HARNESS_COLS);

/// The test harness chip (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IoHarnessChip;

impl<F> BaseAir<F> for IoHarnessChip {
    fn width(&self) -> usize {
        NUM_IO_HARNESS_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for IoHarnessChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &IoHarnessCols<AB::Var> = main.current_slice().borrow();

        // Both flags are boolean, so every count is 0 or 1.
        builder.assert_bool(local.is_read);
        builder.assert_bool(local.is_commit);

        let read =
            [AB::Expr::from_u8(IO_INPUT_STREAM), local.read_pos.into(), local.read_byte.into()];
        Bus::Io.receive(builder, read, local.is_read, 1);
        let commit = [
            AB::Expr::from_u8(IO_OUTPUT_STREAM),
            local.commit_pos.into(),
            local.commit_byte.into(),
        ];
        Bus::Io.send(builder, commit, local.is_commit, 1);
    }
}

/// The harness's trace: a read of every byte of `input` (the input slice at stream
/// positions `input_start..`) and a commit of every byte of `output` (the output slice at
/// positions `output_start..`), in order.
pub fn harness_trace<F: Field>(
    input_start: u32,
    input: &[u8],
    output_start: u32,
    output: &[u8],
) -> RowMajorMatrix<F> {
    let height = padded_height(input.len().max(output.len()));
    let mut values = F::zero_vec(height * NUM_IO_HARNESS_COLS);
    for (row, (q, &b)) in values.chunks_exact_mut(NUM_IO_HARNESS_COLS).zip(input.iter().enumerate())
    {
        let cols: &mut IoHarnessCols<F> = row.borrow_mut();
        cols.is_read = F::ONE;
        cols.read_pos = F::from_usize(input_start as usize + q);
        cols.read_byte = F::from_u8(b);
    }
    for (row, (q, &b)) in
        values.chunks_exact_mut(NUM_IO_HARNESS_COLS).zip(output.iter().enumerate())
    {
        let cols: &mut IoHarnessCols<F> = row.borrow_mut();
        cols.is_commit = F::ONE;
        cols.commit_pos = F::from_usize(output_start as usize + q);
        cols.commit_byte = F::from_u8(b);
    }
    RowMajorMatrix::new(values, NUM_IO_HARNESS_COLS)
}
