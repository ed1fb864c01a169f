//! A test-only stand-in for the input and output sponges: it sends the input stream's
//! bytes on `IO` (`(0, position, byte)`, count 1 for the positions the run read) and
//! receives the output stream's bytes (`(1, position, byte)` for every position below the
//! output's length).
//!
//! Positions are the row index (constrained); the bytes and counts are whatever the trace
//! says, so a proof containing it shows only that the IO chips moved the harness's bytes.
//! Never ship a verifying key that contains it.

use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{Bus, IO_INPUT_STREAM, IO_OUTPUT_STREAM};
use crate::chips::padded_height;
use crate::columns::impl_columns;

/// One stream position of both streams.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct IoHarnessCols<T> {
    /// The position: the row index.
    pub pos: T,
    /// The input byte at `pos` (0 past the input).
    pub input: T,
    /// `1` if the run read input position `pos`.
    pub input_read: T,
    /// The output byte at `pos` (0 past the output).
    pub output: T,
    /// `1` if `pos` is below the output's length.
    pub output_real: T,
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
        alloc::vec![core::mem::offset_of!(IoHarnessCols<u8>, pos)]
    }
}

impl<AB: InteractionBuilder> Air<AB> for IoHarnessChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &IoHarnessCols<AB::Var> = main.current_slice().borrow();
        let next: &IoHarnessCols<AB::Var> = main.next_slice().borrow();

        // Positions count from 0; the counts are boolean.
        builder.when_first_row().assert_zero(local.pos);
        builder.when_transition().assert_eq(next.pos, local.pos + AB::Expr::ONE);
        builder.assert_bool(local.input_read);
        builder.assert_bool(local.output_real);

        let input = [AB::Expr::from_u8(IO_INPUT_STREAM), local.pos.into(), local.input.into()];
        Bus::Io.send(builder, input, local.input_read, 1);
        let output = [AB::Expr::from_u8(IO_OUTPUT_STREAM), local.pos.into(), local.output.into()];
        Bus::Io.receive(builder, output, local.output_real, 1);
    }
}

/// The harness's trace: `input` with its first `read_len` positions read, and `output`.
pub fn harness_trace<F: Field>(input: &[u8], read_len: u32, output: &[u8]) -> RowMajorMatrix<F> {
    let height = padded_height(input.len().max(output.len()));
    let mut values = F::zero_vec(height * NUM_IO_HARNESS_COLS);
    for (i, row) in values.chunks_exact_mut(NUM_IO_HARNESS_COLS).enumerate() {
        let cols: &mut IoHarnessCols<F> = row.borrow_mut();
        cols.pos = F::from_usize(i);
        if let Some(&b) = input.get(i) {
            cols.input = F::from_u8(b);
            cols.input_read = F::from_bool((i as u32) < read_len);
        }
        if let Some(&b) = output.get(i) {
            cols.output = F::from_u8(b);
            cols.output_real = F::ONE;
        }
    }
    RowMajorMatrix::new(values, NUM_IO_HARNESS_COLS)
}
