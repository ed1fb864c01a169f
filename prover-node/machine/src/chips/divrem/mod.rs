//! `DIV`, `DIVU`, `REM`, `REMU`: receives `(opcode, a, b, c)` on the `EXECUTION` bus and
//! proves `a = b / c` (rounded toward zero) or `a = b % c` with RISC-V's special cases:
//! division by zero gives the quotient `−1` (all ones) and the remainder `b`; the signed
//! overflow `INT_MIN / −1` gives the quotient `INT_MIN` and the remainder 0.
//!
//! # The witness and why it is unique
//!
//! The chip holds the quotient `q` and remainder `r` for every row (DIV and REM of the
//! same operands fill the same columns; `a` picks one) and proves:
//!
//! 1. `q·c + r = b` modulo 2^64 on the 64-bit extensions (sign-extended for `DIV`/`REM`,
//!    zero-extended for `DIVU`/`REMU`), limb by limb with carries as in the `MUL*` chip:
//!    `Σ_{j+k=i} Q[j]·C[k] + R[i] + carry[i−1] = B[i] + 256·carry[i]`.
//!    Both sides, read as signed (or unsigned) integers, are less than 2^64 apart, so
//!    this is equality over the integers.
//! 2. `|r| < |c|` when `c ≠ 0`: the less-than gadget ([`LessThanCols`]) on the absolute
//!    values (two's-complement negation with a carry chain when an operand is negative).
//! 3. `r = 0` or `r` has the sign of `b` (signed only).
//! 4. `c = 0` (a flag with an inverse witness) forces `q = −1`; then 1. gives `r = b`.
//! 5. The signed overflow (a flag with an inverse witness over the bytes of `b` and `c`)
//!    forces `q = INT_MIN` and drops `q`'s sign extension, so 1. reads `2^31·(−1) ≡ b`
//!    and gives `r = 0`.
//!
//! With `c ≠ 0` and no overflow, 1.–3. are truncated division, whose quotient and
//! remainder are unique and fit in 32 bits.
//!
//! [`LessThanCols`]: crate::chips::lt::LessThanCols

mod air;
mod columns;
mod trace;

#[cfg(test)]
mod tests;

pub use air::DivRemChip;
pub use columns::{AbsCols, DivRemCols, NUM_ABS_COLS, NUM_DIV_REM_COLS};
pub use trace::{generate_trace, generate_trace_padded};
