//! `MUL`, `MULH`, `MULHSU`, `MULHU`: receives `(opcode, a, b, c)` on the `EXECUTION` bus
//! and proves that `a` is the low (`MUL`) or high (`MULH*`) word of the 64-bit product
//! of `b` and `c`.
//!
//! # The product
//!
//! Both operands are extended to 64 bits, eight byte limbs each: limbs `4..8` are `0xff`
//! where the operand is read as signed and is negative (`b` for `MULH` and `MULHSU`, `c`
//! for `MULH`), else 0; the top bits come from the byte table's `MSB`. Their product
//! modulo 2^64 is the 64-bit form (two's complement if signed) of the exact product of
//! the signed or unsigned operands, which always fits in 64 bits. The chip holds it as eight
//! byte limbs `p` and proves, limb by limb with carries,
//!
//! `Σ_{j+k=i} B[j]·C[k] + carry[i−1] = p[i] + 256·carry[i]`   for `i` in `0..8`,
//!
//! which adds up to `B·C = p + 2^64·carry[7]` over the integers. `a` is `p[0..4]` for
//! `MUL` and `p[4..8]` for the others; the other half of `p` is the column `rest`, so
//! the `EXECUTION` message reads columns only (degree 1).

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::MulChip;
pub use columns::{MulCols, NUM_MUL_COLS, PRODUCT_LIMBS};
pub(crate) use trace::{extend, product_carries};
pub use trace::{generate_trace, generate_trace_padded};
