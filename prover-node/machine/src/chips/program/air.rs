//! Constraints of the program ROM.

use alloc::vec::Vec;
use core::borrow::Borrow;

use p3_air::{Air, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    NUM_PROGRAM_MULT_COLS, NUM_PROGRAM_PREPROCESSED_COLS, ProgramMultCols, ProgramPreprocessedCols,
};
use super::rom::ProgramRom;
use crate::bus::{Bus, PROGRAM_MESSAGE_WIDTH};

/// The program ROM chip of one program. Its height is the ROM's padded height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramChip {
    rom: ProgramRom,
}

impl ProgramChip {
    /// The chip of `rom`.
    pub fn new(rom: ProgramRom) -> Self {
        ProgramChip { rom }
    }

    /// A verifier's chip: no ROM (the verifying key holds the commitment to its columns),
    /// so no preprocessed trace to commit; `setup` on it yields a key that verifies nothing.
    pub fn without_rom(base: u32) -> Self {
        ProgramChip {
            rom: ProgramRom {
                base,
                entry: base,
                instructions: Vec::new(),
                memory: super::MemoryImage::default(),
            },
        }
    }

    /// The ROM (no instructions for [`ProgramChip::without_rom`]).
    pub fn rom(&self) -> &ProgramRom {
        &self.rom
    }
}

impl<F: Field> BaseAir<F> for ProgramChip {
    fn width(&self) -> usize {
        NUM_PROGRAM_MULT_COLS
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        // A loaded ROM always has code (`RomError::NoCode`); an empty one is a verifier's.
        (!self.rom.instructions.is_empty()).then(|| self.rom.preprocessed_trace())
    }

    fn preprocessed_width(&self) -> usize {
        NUM_PROGRAM_PREPROCESSED_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for ProgramChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let mult: &ProgramMultCols<AB::Var> = main.current_slice().borrow();
        let prep = builder.preprocessed().clone();
        let rom: &ProgramPreprocessedCols<AB::Var> = prep.current_slice().borrow();

        // Rows the CPU may not execute (illegal or unsupported words, padding) are never
        // executed.
        builder.assert_zero(mult.multiplicity * (AB::Expr::ONE - rom.executable));

        // Provide (pc, instruction) as often as the CPU executed it.
        // SAFETY: every element of the entry is a fixed column of the verifying key, so
        // the CPU can only execute the program's own decoded instructions. The
        // multiplicity is a free witness: the CPU's sends are bounded (one per row), so the
        // counts cannot wrap modulo p, and a message matching no entry unbalances the bus.
        let message: [AB::Expr; PROGRAM_MESSAGE_WIDTH] =
            program_message::<AB>(rom.pc.into(), &rom.instruction);
        Bus::Program.provide(builder, message, mult.multiplicity);
    }
}

/// The `PROGRAM` message `(pc, instruction columns...)`.
pub(crate) fn program_message<AB: InteractionBuilder>(
    pc: AB::Expr,
    instruction: &super::InstructionCols<AB::Var>,
) -> [AB::Expr; PROGRAM_MESSAGE_WIDTH] {
    let elements = instruction.elements();
    core::array::from_fn(|i| if i == 0 { pc.clone() } else { elements[i - 1].into() })
}
