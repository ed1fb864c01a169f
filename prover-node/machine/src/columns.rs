//! The one place where a row slice is viewed as a `#[repr(C)]` column struct.

/// Implement `Borrow<$cols<T>>` and `BorrowMut<$cols<T>>` for `[T]`, and define
/// `$num` as the struct's width.
///
/// The struct must be `#[repr(C)]` and made only of `T` fields and arrays of `T` (or of
/// structs that are themselves made only of `T`), so that it has the layout of `[T; $num]`.
macro_rules! impl_columns {
    ($cols:ident, $num:ident) => {
        #[doc = concat!("Width of [`", stringify!($cols), "`], in columns.")]
        pub const $num: usize = core::mem::size_of::<$cols<u8>>();

        impl<T> core::borrow::Borrow<$cols<T>> for [T] {
            #[allow(unsafe_code)]
            fn borrow(&self) -> &$cols<T> {
                debug_assert_eq!(self.len(), $num);
                // SAFETY: `$cols<T>` is `#[repr(C)]` and holds only `T`s (directly or in
                // arrays), so it has the size, alignment and layout of `[T; $num]`.
                // `align_to` checks alignment; the asserts check that the whole slice
                // became exactly one struct.
                let (prefix, shorts, suffix) = unsafe { self.align_to::<$cols<T>>() };
                assert!(prefix.is_empty() && suffix.is_empty() && shorts.len() == 1);
                &shorts[0]
            }
        }

        impl<T> core::borrow::BorrowMut<$cols<T>> for [T] {
            #[allow(unsafe_code)]
            fn borrow_mut(&mut self) -> &mut $cols<T> {
                debug_assert_eq!(self.len(), $num);
                // SAFETY: as for `Borrow` above; the mutable borrow of `self` is unique.
                let (prefix, shorts, suffix) = unsafe { self.align_to_mut::<$cols<T>>() };
                assert!(prefix.is_empty() && suffix.is_empty() && shorts.len() == 1);
                &mut shorts[0]
            }
        }
    };
}

pub(crate) use impl_columns;
