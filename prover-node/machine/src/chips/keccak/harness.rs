//! A test-only stand-in for the CPU and the RAM boundary around the `KECCAK_PERMUTE`
//! chip: it sends one `SYSCALL` message per call, and for every state word it sends the
//! initial value at timestamp 0 and receives the final value and timestamp.
//!
//! It proves nothing about where its messages and initial values come from (no program, no
//! range checks): a proof that includes it shows only that the Keccak chip answered every
//! call it sent, consistently with memory. Never ship a verifying key that contains it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::{KeccakPermuteEvent, STATE_WORDS, TS_MEMORY};
use crate::bus::{Bus, RAM_SPACE};
use crate::chips::padded_height;
use crate::columns::impl_columns;
use crate::word::Word;

/// One call and/or one state word's boundary.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct HarnessCols<T> {
    /// `1` if the row sends a `SYSCALL` message.
    pub is_call: T,
    /// The syscall number `t0`.
    pub number: Word<T>,
    /// `a0` before the call.
    pub arg: Word<T>,
    /// `a0` after the call.
    pub result: Word<T>,
    /// The call's `clk`.
    pub clk: T,
    /// `1` if the row is a RAM word's boundary.
    pub is_word: T,
    /// The word address.
    pub addr: T,
    /// Its value at timestamp 0.
    pub init: Word<T>,
    /// Its value after the last access.
    pub fin: Word<T>,
    /// The last access's timestamp.
    pub fin_ts: T,
}

impl_columns!(HarnessCols, NUM_HARNESS_COLS);

/// The test harness chip (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeccakHarnessChip;

impl<F> BaseAir<F> for KeccakHarnessChip {
    fn width(&self) -> usize {
        NUM_HARNESS_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for KeccakHarnessChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &HarnessCols<AB::Var> = main.current_slice().borrow();

        // Both flags are boolean, so every count is 0 or 1.
        builder.assert_bool(local.is_call);
        builder.assert_bool(local.is_word);

        // Send the call as the CPU will: (t0 limbs, a0 limbs, result limbs, clk).
        let w = |word: &Word<AB::Var>| word.0.map(Into::<AB::Expr>::into);
        let [n0, n1, n2, n3] = w(&local.number);
        let [a0, a1, a2, a3] = w(&local.arg);
        let [r0, r1, r2, r3] = w(&local.result);
        let call = [n0, n1, n2, n3, a0, a1, a2, a3, r0, r1, r2, r3, local.clk.into()];
        Bus::Syscall.send(builder, call, local.is_call, 1);

        // The word's initial value at timestamp 0, and its final value.
        let space = AB::Expr::from_u8(RAM_SPACE);
        let [i0, i1, i2, i3] = w(&local.init);
        let init = [space.clone(), local.addr.into(), i0, i1, i2, i3, AB::Expr::ZERO];
        Bus::Memory.send(builder, init, local.is_word, 1);
        let [f0, f1, f2, f3] = w(&local.fin);
        let fin = [space, local.addr.into(), f0, f1, f2, f3, local.fin_ts.into()];
        Bus::Memory.receive(builder, fin, local.is_word, 1);
    }
}

/// The harness's trace for `events`: their calls, and the boundary of every word they
/// touch (initial value: the first call's input; the words must not be accessed before).
pub fn harness_trace<F: Field>(events: &[KeccakPermuteEvent]) -> RowMajorMatrix<F> {
    // word address → (initial value, final value, final timestamp)
    let mut words: BTreeMap<u32, (u32, u32, u64)> = BTreeMap::new();
    for event in events {
        for i in 0..STATE_WORDS {
            let addr = event.ptr / 4 + i as u32;
            let ts = event.clk + u64::from(TS_MEMORY);
            words
                .entry(addr)
                .and_modify(|(_, fin, fin_ts)| {
                    assert_eq!(event.prev_ts[i], *fin_ts, "an access the harness did not see");
                    (*fin, *fin_ts) = (event.output[i], ts);
                })
                .or_insert_with(|| {
                    assert_eq!(event.prev_ts[i], 0, "word accessed before the first call");
                    (event.input[i], event.output[i], ts)
                });
        }
    }
    let height = padded_height(events.len().max(words.len()));
    let mut values = F::zero_vec(height * NUM_HARNESS_COLS);
    for (row, (addr, (init, fin, fin_ts))) in values.chunks_exact_mut(NUM_HARNESS_COLS).zip(words) {
        let cols: &mut HarnessCols<F> = row.borrow_mut();
        cols.is_word = F::ONE;
        cols.addr = F::from_u32(addr);
        cols.init = Word::from_u32(init);
        cols.fin = Word::from_u32(fin);
        cols.fin_ts = F::from_u64(fin_ts);
    }
    for (row, event) in values.chunks_exact_mut(NUM_HARNESS_COLS).zip(events) {
        let cols: &mut HarnessCols<F> = row.borrow_mut();
        cols.is_call = F::ONE;
        cols.number = Word::from_u32(zkvm_abi::syscall::KECCAK_PERMUTE);
        cols.arg = Word::from_u32(event.ptr);
        cols.result = Word::from_u32(0);
        cols.clk = F::from_u64(event.clk);
    }
    RowMajorMatrix::new(values, NUM_HARNESS_COLS)
}
