//! Trace generation of the load/store chip.

use core::borrow::BorrowMut;

use p3_field::Field;
use p3_matrix::dense::RowMajorMatrix;

use super::TS_MEMORY;
use super::columns::{LoadStoreCols, NUM_LOAD_STORE_COLS, op};
use super::opcodes;
use crate::bus::ByteOp;
use crate::chips::byte::ByteRecord;
use crate::chips::height_at_least;
use crate::chips::memory::CodeSpan;
use crate::word::Word;

/// One executed load or store, as the CPU's trace generation replays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStoreEvent {
    /// The instruction ([`opcodes`]).
    pub opcode: u8,
    /// The CPU row's `clk` (the access is at `clk + 2`).
    pub clk: u64,
    /// The byte address.
    pub addr: u32,
    /// Loads: the value written to `rd`; stores: the `rs2` value.
    pub value: u32,
    /// The word before the access.
    pub prev: u32,
    /// The word after it.
    pub new: u32,
    /// Timestamp of the word's previous access (0: its initial value).
    pub prev_ts: u64,
}

impl LoadStoreEvent {
    /// Execute the instruction on the word `prev` holding `addr`: the value for `rd`
    /// (loads; for stores `rs2` is returned as is) and the word after the access.
    ///
    /// # Panics
    ///
    /// If the opcode is not a load or store, or the address is misaligned (the emulator
    /// faults there, so no record holds it).
    pub fn execute(opcode: u8, addr: u32, rs2: u32, prev: u32) -> (u32, u32) {
        let shift = (addr & 3) * 8;
        let width = match opcode {
            opcodes::LB | opcodes::LBU | opcodes::SB => 1,
            opcodes::LH | opcodes::LHU | opcodes::SH => 2,
            opcodes::LW | opcodes::SW => 4,
            other => panic!("opcode {other} is not a load or store"),
        };
        assert!(addr.is_multiple_of(width), "misaligned access at {addr:#x}");
        let w = prev >> shift;
        match opcode {
            opcodes::LB => (w as u8 as i8 as u32, prev),
            opcodes::LH => (w as u16 as i16 as u32, prev),
            opcodes::LW => (w, prev),
            opcodes::LBU => (w & 0xff, prev),
            opcodes::LHU => (w & 0xffff, prev),
            _ => {
                let mask: u32 =
                    if width == 4 { u32::MAX } else { ((1 << (8 * width)) - 1) << shift };
                (rs2, (prev & !mask) | ((rs2 << shift) & mask))
            }
        }
    }
}

/// Fill the trace of the chip `LoadStoreChip::new(code)` and record the byte-table
/// requests the constraints send.
///
/// # Panics
///
/// If an event is not a load or store, is misaligned or its values do not follow from
/// `prev` (a bug of the caller). A store into `code` does not panic (the emulator never
/// records one): its trace does not prove.
pub fn generate_trace<F: Field>(
    events: &[LoadStoreEvent],
    code: CodeSpan,
    bytes: &mut ByteRecord,
) -> RowMajorMatrix<F> {
    generate_trace_padded(events, code, bytes, 0)
}

/// [`generate_trace`] with at least `min_height` rows (0 or a power of two): the padding
/// rows past the natural height are the chip's usual padding rows.
pub fn generate_trace_padded<F: Field>(
    events: &[LoadStoreEvent],
    code: CodeSpan,
    bytes: &mut ByteRecord,
    min_height: usize,
) -> RowMajorMatrix<F> {
    let height = height_at_least(events.len(), min_height);
    let mut values = F::zero_vec(height * NUM_LOAD_STORE_COLS);
    for (row, e) in values.chunks_exact_mut(NUM_LOAD_STORE_COLS).zip(events) {
        let cols: &mut LoadStoreCols<F> = row.borrow_mut();
        let (value, new) = LoadStoreEvent::execute(e.opcode, e.addr, e.value, e.prev);
        assert_eq!((value, new), (e.value, e.new), "load/store event at {:#x}", e.addr);
        let index = opcodes::ALL.iter().position(|&c| c == e.opcode).expect("a memory opcode");
        cols.ops[index] = F::ONE;
        cols.clk = F::from_u64(e.clk);
        cols.addr = Word::from_u32(e.addr);
        let q = (e.addr & 0xff) >> 2;
        cols.addr_q = F::from_u32(q);
        bytes.add(ByteOp::Range, q, 0);
        cols.lane[(e.addr & 3) as usize] = F::ONE;
        cols.value = Word::from_u32(e.value);
        cols.prev = Word::from_u32(e.prev);
        cols.new = Word::from_u32(e.new);
        let sign_byte = match index {
            op::LB => Some(e.value & 0xff),
            op::LH => Some((e.value >> 8) & 0xff),
            _ => None,
        };
        if let Some(byte) = sign_byte {
            cols.sign_byte = F::from_u32(byte);
            cols.sign = F::from_u32(byte >> 7);
            bytes.add(ByteOp::Msb, byte, 0);
        }
        cols.access.populate(e.clk + TS_MEMORY as u64, e.prev_ts, bytes);
        if matches!(index, op::SB | op::SH | op::SW) {
            cols.outside_code.populate(e.addr >> 2, code, bytes);
        }
    }
    RowMajorMatrix::new(values, NUM_LOAD_STORE_COLS)
}
