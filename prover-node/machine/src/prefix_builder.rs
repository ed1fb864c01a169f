//! Evaluating an upstream AIR (`p3-keccak-air`, `p3-poseidon2-air`) on some columns of one
//! of our chips.
//!
//! Upstream AIRs view their whole row as their own column struct. A chip that embeds one
//! puts those columns first (or at a known offset, to embed several) and runs the upstream
//! `eval` through a [`PrefixBuilder`]: the parent builder with its main window cut to those
//! columns. Every constraint goes straight to the parent builder, so the upstream AIR's
//! constraints are exactly its own.

use p3_air::{AirBuilder, WindowAccess};

/// The two-row window of main columns `offset .. offset + width`.
#[derive(Clone)]
pub(crate) struct PrefixWindow<W> {
    window: W,
    offset: usize,
    width: usize,
}

impl<T, W: WindowAccess<T>> WindowAccess<T> for PrefixWindow<W> {
    fn current_slice(&self) -> &[T] {
        &self.window.current_slice()[self.offset..self.offset + self.width]
    }

    fn next_slice(&self) -> &[T] {
        &self.window.next_slice()[self.offset..self.offset + self.width]
    }
}

/// The parent builder restricted to main columns `offset .. offset + width` (preprocessed
/// columns, selectors, public and periodic values unchanged).
pub(crate) struct PrefixBuilder<'a, AB> {
    inner: &'a mut AB,
    offset: usize,
    width: usize,
}

impl<'a, AB> PrefixBuilder<'a, AB> {
    /// `inner` seen through its first `width` main columns.
    pub(crate) fn new(inner: &'a mut AB, width: usize) -> Self {
        Self::window(inner, 0, width)
    }

    /// `inner` seen through main columns `offset .. offset + width`.
    pub(crate) fn window(inner: &'a mut AB, offset: usize, width: usize) -> Self {
        Self { inner, offset, width }
    }
}

impl<AB: AirBuilder> AirBuilder for PrefixBuilder<'_, AB> {
    type F = AB::F;
    type Expr = AB::Expr;
    type Var = AB::Var;
    type PreprocessedWindow = AB::PreprocessedWindow;
    type MainWindow = PrefixWindow<AB::MainWindow>;
    type PublicVar = AB::PublicVar;
    type PeriodicVar = AB::PeriodicVar;

    fn main(&self) -> Self::MainWindow {
        PrefixWindow { window: self.inner.main(), offset: self.offset, width: self.width }
    }

    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        self.inner.preprocessed()
    }

    fn is_first_row(&self) -> Self::Expr {
        self.inner.is_first_row()
    }

    fn is_last_row(&self) -> Self::Expr {
        self.inner.is_last_row()
    }

    fn is_transition(&self) -> Self::Expr {
        self.inner.is_transition()
    }

    fn assert_zero<I: Into<Self::Expr>>(&mut self, x: I) {
        self.inner.assert_zero(x);
    }

    fn assert_zeros<const N: usize, I: Into<Self::Expr>>(&mut self, array: [I; N]) {
        self.inner.assert_zeros(array);
    }

    fn assert_bools<const N: usize, I: Into<Self::Expr>>(&mut self, array: [I; N]) {
        self.inner.assert_bools(array);
    }

    fn public_values(&self) -> &[Self::PublicVar] {
        self.inner.public_values()
    }

    fn periodic_values(&self) -> &[Self::PeriodicVar] {
        self.inner.periodic_values()
    }
}
