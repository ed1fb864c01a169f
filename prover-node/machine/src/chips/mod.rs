//! The chips, one folder each: `columns.rs` (the row layout), `air.rs` (constraints),
//! `trace.rs` (trace generation), `tests.rs`.

pub mod add_sub;
pub mod bitwise;
pub mod byte;
pub mod cpu;
pub mod divrem;
pub mod driver;
pub mod io;
pub mod io_sponge;
pub mod keccak;
pub mod load_store;
pub mod lt;
pub mod memory;
pub mod merkle;
pub mod mul;
pub mod noop_syscall;
pub mod page;
pub mod program;
pub mod ram;
pub mod shift;

/// Smallest trace height any chip pads to (a power of two).
pub const MIN_ROWS: usize = 4;

/// The height a chip with `rows` real rows pads to when it must have at least `min_height`
/// rows (0, or a power of two: a shard padded to a fixed shape).
///
/// # Panics
///
/// If `min_height` is neither 0 nor a power of two (a bug of the caller).
pub const fn height_at_least(rows: usize, min_height: usize) -> usize {
    assert!(min_height == 0 || min_height.is_power_of_two(), "min_height is a power of two");
    let h = padded_height(rows);
    if h < min_height { min_height } else { h }
}

/// The height a chip with `rows` real rows pads to.
pub const fn padded_height(rows: usize) -> usize {
    let h = rows.next_power_of_two();
    if h < MIN_ROWS { MIN_ROWS } else { h }
}
