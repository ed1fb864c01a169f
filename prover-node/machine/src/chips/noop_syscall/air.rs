//! Constraints of the no-op syscall chip.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;

use super::columns::{NUM_NOOP_SYSCALL_COLS, NoopSyscallCols};
use crate::bus::{Bus, SYSCALL_MESSAGE_WIDTH};
use crate::word::WORD_SIZE;

/// The no-op syscall chip (`PHASE_MARK`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoopSyscallChip;

impl<F> BaseAir<F> for NoopSyscallChip {
    fn width(&self) -> usize {
        NUM_NOOP_SYSCALL_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder> Air<AB> for NoopSyscallChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &NoopSyscallCols<AB::Var> = main.current_slice().borrow();

        // The receive flag is boolean: each row answers one call or none.
        builder.assert_bool(local.is_real);

        // Answer `(PHASE_MARK, a0, a0, clk)`: the result is the previous a0.
        // SAFETY: `t0` is the constant number, matched limb by limb against the CPU's `b`
        // (bytes), so no other number (no alias modulo p) is answered. `a0` comes off the
        // bus from the CPU's register read (bytes), and the CPU writes the same value back.
        let number = zkvm_abi::syscall::PHASE_MARK.to_le_bytes();
        let message: [AB::Expr; SYSCALL_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0..WORD_SIZE => AB::Expr::from_u8(number[i]),
            4..8 => local.a0[i - 4].into(),
            8..12 => local.a0[i - 8].into(),
            _ => local.clk.into(),
        });
        Bus::Syscall.receive(builder, message, local.is_real, 1);
    }
}
