//! The buses chips talk over (LogUp interactions in `p3-lookup`), and the byte table's
//! operations.
//!
//! # Signs and bounds
//!
//! A message is *sent* with a negative count and *received* with a positive one; the
//! verifier checks that, over all chips, every bus sums to zero. A chip never calls
//! `push_interaction` itself: it calls [`Bus::send`], [`Bus::receive`] or
//! [`Bus::provide`], so that the sign convention and the per-row count bound (which
//! feeds `p3-lookup`'s multiplicity height check `Σ bound·height < p`) live here.
//!
//! * `send` / `receive` take a count the chip constrains to `0..=max_count` on every row
//!   (usually a boolean "real row" flag, `max_count = 1`).
//! * `provide` is the table side of a lookup (the byte table): its multiplicity is a free
//!   witness column with bound 0. That is sound because every query side is bounded, so
//!   the queried counts cannot wrap modulo p, and an entry the table does not hold can
//!   never be matched.
//!
//! Messages on one bus always have the same width ([`Bus::message_width`]): LogUp folds a
//! message as `Σ e_i·β^(k-1-i)`, so messages of different widths could collide.

use p3_lookup::{Count, InteractionBuilder};

/// A bus: a named LogUp channel between chips (see `DESIGN.md`, "Buses").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Bus {
    /// `(pc, decoded instruction)`: CPU → program ROM (see
    /// [`crate::chips::program::InstructionCols`]).
    Program = 0,
    /// `(opcode, a limbs, b limbs, c limbs)`: CPU → the chip implementing the opcode.
    Execution = 1,
    /// `(address space, address, value limbs, timestamp)`: memory accesses (see
    /// [`crate::chips::memory`]).
    Memory = 2,
    /// `(op, x, y, z)`: range checks and bitwise operations on bytes, served by the byte
    /// table (see [`ByteOp`]).
    Byte = 3,
    /// `(t0 limbs, a0 limbs, result limbs, clk)`: CPU → syscall and precompile chips (see
    /// [`SYSCALL_MESSAGE_WIDTH`]).
    Syscall = 4,
    /// `(dir, word address, value limbs)`: each word of a touched page, initial (`dir` 0)
    /// and final (`dir` 1), from the RAM boundary chip to the page hash chip (see
    /// [`PAGE_WORD_MESSAGE_WIDTH`]).
    PageWord = 5,
    /// `(stream, position, byte)`: the bytes of the input and output streams, between the
    /// IO transfer chip (`READ_INPUT`, `COMMIT_OUTPUT`) and the stream sponges that hash
    /// them (see [`IO_MESSAGE_WIDTH`]).
    Io = 6,
    /// One IO syscall's transfer `(stream, clk, word, lane, position, count)`, from the IO
    /// call chip to the first row of its bytes in the IO bytes chip (layout owned by
    /// [`crate::chips::io`]; see [`crate::chips::io::IO_TRANSFER_MESSAGE_WIDTH`]).
    IoTransfer = 7,
    /// `(level, index, dir, digest[8])`: a node of the memory tree before (`dir` 0) or after
    /// (`dir` 1) the shard, from its chip (the page chip at level 0, the Merkle chip above)
    /// to the Merkle row of its parent (see [`MERKLE_MESSAGE_WIDTH`]).
    Merkle = 8,
}

impl Bus {
    /// Every bus.
    pub const ALL: [Bus; 9] = [
        Bus::Program,
        Bus::Execution,
        Bus::Memory,
        Bus::Byte,
        Bus::Syscall,
        Bus::PageWord,
        Bus::Io,
        Bus::IoTransfer,
        Bus::Merkle,
    ];

    /// The bus name `p3-lookup` keys its challenges and balance on.
    pub const fn name(self) -> &'static str {
        match self {
            Bus::Program => "PROGRAM",
            Bus::Execution => "EXECUTION",
            Bus::Memory => "MEMORY",
            Bus::Byte => "BYTE",
            Bus::Syscall => "SYSCALL",
            Bus::PageWord => "PAGE_WORD",
            Bus::Io => "IO",
            Bus::IoTransfer => "IO_TRANSFER",
            Bus::Merkle => "MERKLE",
        }
    }

    /// Number of field elements in one message, for the buses whose layout is fixed
    /// (`None` while no chip uses the bus yet).
    pub const fn message_width(self) -> Option<usize> {
        match self {
            Bus::Program => Some(PROGRAM_MESSAGE_WIDTH),
            Bus::Execution => Some(EXECUTION_MESSAGE_WIDTH),
            Bus::Memory => Some(MEMORY_MESSAGE_WIDTH),
            Bus::Byte => Some(BYTE_MESSAGE_WIDTH),
            Bus::Syscall => Some(SYSCALL_MESSAGE_WIDTH),
            Bus::PageWord => Some(PAGE_WORD_MESSAGE_WIDTH),
            Bus::Io => Some(IO_MESSAGE_WIDTH),
            Bus::IoTransfer => Some(crate::chips::io::IO_TRANSFER_MESSAGE_WIDTH),
            Bus::Merkle => Some(MERKLE_MESSAGE_WIDTH),
        }
    }

    /// Send `count` copies of `message` (`0 <= count <= max_count`, constrained by the
    /// caller on every row).
    pub fn send<AB: InteractionBuilder, const N: usize>(
        self,
        builder: &mut AB,
        message: [AB::Expr; N],
        count: impl Into<AB::Expr>,
        max_count: u32,
    ) {
        self.check_width(N);
        builder.push_interaction(self.name(), message, Count::bounded(-count.into(), max_count));
    }

    /// Receive `count` copies of `message` (`0 <= count <= max_count`, constrained by the
    /// caller on every row).
    pub fn receive<AB: InteractionBuilder, const N: usize>(
        self,
        builder: &mut AB,
        message: [AB::Expr; N],
        count: impl Into<AB::Expr>,
        max_count: u32,
    ) {
        self.check_width(N);
        builder.push_interaction(self.name(), message, Count::bounded(count.into(), max_count));
    }

    /// Receive `multiplicity` copies of a table entry; `multiplicity` is a free witness
    /// (see the module docs for why that is sound).
    pub fn provide<AB: InteractionBuilder, const N: usize>(
        self,
        builder: &mut AB,
        message: [AB::Expr; N],
        multiplicity: impl Into<AB::Expr>,
    ) {
        self.check_width(N);
        builder.push_interaction(self.name(), message, Count::provided(multiplicity.into()));
    }

    fn check_width(self, n: usize) {
        debug_assert!(
            self.message_width().is_none_or(|w| w == n),
            "bus {} carries {:?}-element messages, got {n}",
            self.name(),
            self.message_width()
        );
    }
}

/// Send `(op, x, y, z)` to the byte table `count` times (`count` boolean, constrained by
/// the caller).
pub fn send_byte<AB: InteractionBuilder>(
    builder: &mut AB,
    op: ByteOp,
    [x, y, z]: [AB::Expr; 3],
    count: AB::Expr,
) {
    use p3_field::PrimeCharacteristicRing;
    Bus::Byte.send(builder, [AB::Expr::from_u8(op as u8), x, y, z], count, 1);
}

/// Range-check each pair `(x, y)` as two bytes with one `(RANGE, x, y, 0)` request,
/// `count` times each (`count` boolean, constrained by the caller).
pub fn send_byte_pairs<AB: InteractionBuilder, V: Into<AB::Expr>>(
    builder: &mut AB,
    pairs: impl IntoIterator<Item = (V, V)>,
    count: AB::Expr,
) {
    use p3_field::PrimeCharacteristicRing;
    for (x, y) in pairs {
        send_byte(builder, ByteOp::Range, [x.into(), y.into(), AB::Expr::ZERO], count.clone());
    }
}

/// Range-check each value below 2^16 with one `(U16, v, 0, 0)` request, `count` times each
/// (`count` boolean, constrained by the caller).
pub fn send_u16s<AB: InteractionBuilder, V: Into<AB::Expr>>(
    builder: &mut AB,
    values: impl IntoIterator<Item = V>,
    count: AB::Expr,
) {
    use p3_field::PrimeCharacteristicRing;
    for v in values {
        send_byte(builder, ByteOp::U16, [v.into(), AB::Expr::ZERO, AB::Expr::ZERO], count.clone());
    }
}

/// Width of an `EXECUTION` message: opcode and three words of four limbs.
pub const EXECUTION_MESSAGE_WIDTH: usize = 13;

/// The `EXECUTION` message `(opcode, a, b, c)`, each word as four byte limbs: the one
/// layout every sender and receiver of the bus shares.
pub fn execution_message<E>(
    opcode: E,
    a: impl Into<[E; 4]>,
    b: impl Into<[E; 4]>,
    c: impl Into<[E; 4]>,
) -> [E; EXECUTION_MESSAGE_WIDTH] {
    let [a0, a1, a2, a3] = a.into();
    let [b0, b1, b2, b3] = b.into();
    let [c0, c1, c2, c3] = c.into();
    [opcode, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3]
}
/// Width of a `BYTE` message: `(op, x, y, z)`.
pub const BYTE_MESSAGE_WIDTH: usize = 4;
/// Width of a `PROGRAM` message: `pc` and the decoded instruction
/// ([`crate::chips::program::InstructionCols`]).
pub const PROGRAM_MESSAGE_WIDTH: usize = 1 + crate::chips::program::NUM_INSTRUCTION_COLS;
/// Width of a `MEMORY` message: `(space, addr, value limbs, timestamp)`.
pub const MEMORY_MESSAGE_WIDTH: usize = 7;
/// Width of a `PAGE_WORD` message: `(dir, word address, value limbs)`.
///
/// `dir` is [`DIR_IN`] (the word's value when the shard starts) or [`DIR_OUT`] (when it
/// ends). The RAM boundary chip sends both for every word of every page the shard touched
/// (limbs range-checked there); the page chip receives all 256 words of each page it
/// hashes, once per direction.
pub const PAGE_WORD_MESSAGE_WIDTH: usize = 6;
/// Width of a `MERKLE` message: `(level, index, dir, digest[8])`.
///
/// `level` 0 is a page digest (sent by the page chip), levels `1 ..= 21` internal nodes
/// (sent by the Merkle chip); the root (level 22) is the Merkle chip's public values and is
/// never sent. `dir` as in `PAGE_WORD`.
pub const MERKLE_MESSAGE_WIDTH: usize = 11;
/// The `dir` of a value or digest at the start of the shard (bound to `root_in`).
pub const DIR_IN: u8 = 0;
/// The `dir` of a value or digest at the end of the shard (hashed into `root_out`).
pub const DIR_OUT: u8 = 1;
/// Width of an `IO` message: `(stream, position, byte)`.
///
/// `stream` is [`IO_INPUT_STREAM`] or [`IO_OUTPUT_STREAM`], `position` the byte's index in
/// the stream (an integer below 2^24), `byte` its value. The input sponge sends each input
/// byte at most once (free boolean count, zero past the input's length) and the IO chip
/// receives the bytes `READ_INPUT` copies; the IO chip sends the bytes `COMMIT_OUTPUT`
/// appends and the output sponge receives every position below the output's length
/// exactly once.
pub const IO_MESSAGE_WIDTH: usize = 3;
/// The `stream` of input bytes in `IO` messages.
pub const IO_INPUT_STREAM: u8 = 0;
/// The `stream` of output bytes in `IO` messages.
pub const IO_OUTPUT_STREAM: u8 = 1;
/// Streams are at most this many bytes (so positions and lengths are small field elements).
pub const IO_MAX_STREAM_LEN: u32 = 1 << 24;

/// Width of a `SYSCALL` message: `(t0[0..4], a0[0..4], result[0..4], clk)`.
///
/// The CPU sends one on an `ECALL` (other than `HALT`) with `t0` and `a0` as it read them
/// (byte limbs: `t0` at `clk`, `a0` at `clk + 1`), the value it writes to `a0` at `clk + 3`,
/// and the cycle's `clk`. The chip of the syscall receives it, matching `t0` against its
/// number limb by limb (no full word is ever one field element) and fixing the result
/// (`KECCAK_PERMUTE`: 0). Memory the syscall touches is accessed at `clk + 2`.
pub const SYSCALL_MESSAGE_WIDTH: usize = 13;

/// Address space of the registers in `MEMORY` messages (address = register index).
pub const REGISTER_SPACE: u8 = 0;
/// Address space of RAM in `MEMORY` messages (address = word address: byte address / 4).
pub const RAM_SPACE: u8 = 1;

/// An operation of the byte table: the first element of a `BYTE` message `(op, x, y, z)`.
///
/// The table has one row per pair `(x, y)` of bytes and provides, on every row, one entry
/// per operation. A sender's message matches an entry only if it equals it element by
/// element, which is what each operation below guarantees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ByteOp {
    /// `(RANGE, x, y, 0)`: `x` and `y` are bytes. Pad a lone byte with `y = 0`.
    Range = 0,
    /// `(AND, x, y, x & y)`.
    And = 1,
    /// `(OR, x, y, x | y)`.
    Or = 2,
    /// `(XOR, x, y, x ^ y)`.
    Xor = 3,
    /// `(LTU, x, y, x < y)`: unsigned less-than of two bytes (also range-checks both).
    Ltu = 4,
    /// `(U16, v, 0, 0)`: `v < 2^16` (the entry of row `(x, y)` is `v = x + 256·y`).
    U16 = 5,
    /// `(MSB, x, 0, x >> 7)`: the top bit of a byte (entries with `y != 0` are never
    /// queried, so the sender must put `y = 0`).
    Msb = 6,
}

impl ByteOp {
    /// Every operation, in the order of the byte table's multiplicity columns.
    pub const ALL: [ByteOp; NUM_BYTE_OPS] = [
        ByteOp::Range,
        ByteOp::And,
        ByteOp::Or,
        ByteOp::Xor,
        ByteOp::Ltu,
        ByteOp::U16,
        ByteOp::Msb,
    ];

    /// The result `z` of the operation on `(x, y)`, as the table holds it.
    pub const fn eval(self, x: u8, y: u8) -> u32 {
        match self {
            ByteOp::Range => 0,
            ByteOp::And => (x & y) as u32,
            ByteOp::Or => (x | y) as u32,
            ByteOp::Xor => (x ^ y) as u32,
            ByteOp::Ltu => (x < y) as u32,
            ByteOp::U16 => 0,
            ByteOp::Msb => (x >> 7) as u32,
        }
    }

    /// The table row `(x, y)` whose entry for this operation a request on `(x, y)` hits.
    /// `U16` requests carry `v` in `x` and are served by row `(v & 0xff, v >> 8)`; `MSB`
    /// requests by row `(x, 0)`.
    pub const fn table_row(self, x: u32, y: u32) -> usize {
        match self {
            ByteOp::U16 => x as usize,
            ByteOp::Msb => x as usize,
            _ => (x as usize) | ((y as usize) << 8),
        }
    }
}

/// Number of byte-table operations.
pub const NUM_BYTE_OPS: usize = 7;
