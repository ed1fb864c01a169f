//! Constraints of the CPU.

use alloc::vec;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::mem::offset_of;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::InteractionBuilder;

use super::columns::{CpuCols, CpuPublicValues, NUM_CPU_COLS, NUM_CPU_PUBLIC_VALUES};
use crate::bus::{Bus, ByteOp, EXECUTION_MESSAGE_WIDTH, REGISTER_SPACE, SYSCALL_MESSAGE_WIDTH};
use crate::chips::memory::eval_access;
use crate::chips::program::{InstructionCols, program_message};
use crate::opcode;
use crate::word::WORD_SIZE;

/// Timestamp offset (from `clk`) of the `rs1` read, as the emulator records it.
pub const TS_RS1: u32 = 0;
/// Timestamp offset of the `rs2` read.
pub const TS_RS2: u32 = 1;
/// Timestamp offset of the `rd` write.
pub const TS_RD: u32 = 3;
/// Timestamps per cycle: `clk` of row `i` is `4·(i + 1)`.
pub const CLK_STEP: u32 = 4;

/// The CPU chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuChip;

impl<F> BaseAir<F> for CpuChip {
    fn width(&self) -> usize {
        NUM_CPU_COLS
    }

    fn num_public_values(&self) -> usize {
        NUM_CPU_PUBLIC_VALUES
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        let exit = offset_of!(CpuCols<u8>, exit_code);
        let mut cols = vec![
            offset_of!(CpuCols<u8>, is_real),
            offset_of!(CpuCols<u8>, pc),
            offset_of!(CpuCols<u8>, clk),
            offset_of!(CpuCols<u8>, instruction) + offset_of!(InstructionCols<u8>, is_halt),
            offset_of!(CpuCols<u8>, is_syscall),
            offset_of!(CpuCols<u8>, halted),
        ];
        cols.extend(exit..exit + WORD_SIZE);
        cols.sort_unstable();
        cols
    }
}

impl<AB: InteractionBuilder<F: Field>> Air<AB> for CpuChip {
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &CpuCols<AB::Var> = main.current_slice().borrow();
        let next: &CpuCols<AB::Var> = main.next_slice().borrow();
        let pv: CpuPublicValues<AB::PublicVar> = *builder.public_values().borrow();
        let inst = &local.instruction;
        let one = AB::Expr::ONE;
        let is_real: AB::Expr = local.is_real.into();

        // Every flag is boolean, and only real rows have flags set: padding rows send
        // nothing on any bus.
        // SAFETY: on real rows the flags also equal the ROM's (the PROGRAM lookup below);
        // the boolean and real-row constraints keep every bus count in {0, 1} whatever
        // the prover puts on padding rows, which `p3-lookup`'s height bound relies on.
        builder.assert_bool(local.is_real);
        for flag in inst.flags() {
            builder.assert_bool(flag);
            builder.assert_zero(flag * (one.clone() - is_real.clone()));
        }
        builder.assert_bool(local.branch_taken);
        builder.assert_zero(local.branch_taken * (one.clone() - inst.is_branch));
        // `is_syscall` only on ECALL rows (the ROM's `is_halt` flag marks every ECALL, and
        // is 0 on padding rows).
        builder.assert_bool(local.is_syscall);
        builder.assert_zero(local.is_syscall * (one.clone() - inst.is_halt));

        // Execute the ROM's instruction at pc.
        // SAFETY: this binds opcode, registers, immediate, target and every flag of a real
        // row to the verifying key's program; a row whose pc has no executable ROM entry
        // (outside the code, illegal, unsupported) cannot be matched.
        let message = program_message::<AB>(local.pc.into(), inst);
        Bus::Program.send(builder, message, is_real.clone(), 1);

        // The operands: c is the immediate for I-type instructions, a is the immediate for
        // LUI, AUIPC and JAL.
        for i in 0..WORD_SIZE {
            builder.assert_zero(inst.imm_c * (local.c[i] - inst.imm[i]));
            builder.assert_zero(inst.rd_from_imm * (local.a[i] - inst.imm[i]));
        }

        // Read rs1 into b at clk, rs2 into c at clk + 1, write a to rd at clk + 3.
        // SAFETY: the register numbers and the enable flags come from the ROM; writes to
        // x0 are never enabled there, so x0 keeps its initial 0 and reads of it return 0.
        // Values read are bytes because every write is: `a` is either ROM limbs or range-
        // checked by the EXECUTION chip that produced it, and initial values are bytes.
        let clk: AB::Expr = local.clk.into();
        let ts = |offset: u32| clk.clone() + AB::Expr::from_u32(offset);
        let word = |w: &crate::word::Word<AB::Var>| -> [AB::Expr; WORD_SIZE] {
            core::array::from_fn(|i| w[i].into())
        };
        eval_access(
            builder,
            REGISTER_SPACE,
            inst.rs1.into(),
            word(&local.b),
            word(&local.b),
            ts(TS_RS1),
            &local.rs1_access,
            inst.reads_rs1.into(),
        );
        eval_access(
            builder,
            REGISTER_SPACE,
            inst.rs2.into(),
            word(&local.c),
            word(&local.c),
            ts(TS_RS2),
            &local.rs2_access,
            inst.reads_rs2.into(),
        );
        // A syscall writes its result to a0 at clk + 3 (the ROM has `rd = 0` and no
        // `writes_rd` for ECALL, so the address and the enable below are `a0` and 1 there).
        let a0 = AB::Expr::from_u8(zkvm_abi::reg::A0);
        eval_access(
            builder,
            REGISTER_SPACE,
            inst.rd + local.is_syscall * a0,
            word(&local.rd_prev),
            word(&local.a),
            ts(TS_RD),
            &local.rd_access,
            inst.writes_rd + local.is_syscall,
        );

        // Send the operation to the chip that executes it: a = b op c.
        // SAFETY: that chip constrains `a` and range-checks all three words; the operation
        // number is the ROM's.
        let message: [AB::Expr; EXECUTION_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0 => inst.exec_opcode.into(),
            1..=4 => local.a[i - 1].into(),
            5..=8 => local.b[i - 5].into(),
            _ => local.c[i - 9].into(),
        });
        Bus::Execution.send(builder, message, inst.sends_execution, 1);

        // Loads, stores and JALR add the offset to rs1: addr = b + offset.
        // SAFETY: the ADD chip constrains `addr` and range-checks its limbs as bytes, which
        // the load/store chip and the JALR target below rely on. At most one of the three
        // flags is set on a real row (the ROM's), none on padding rows: the count is 0 or 1.
        let computes_addr: AB::Expr = inst.is_load + inst.is_store + inst.is_jalr;
        let message: [AB::Expr; EXECUTION_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0 => AB::Expr::from_u8(opcode::ADD),
            1..=4 => local.addr[i - 1].into(),
            5..=8 => local.b[i - 5].into(),
            _ => inst.offset[i - 9].into(),
        });
        Bus::Execution.send(builder, message, computes_addr, 1);

        // A store's value is rs2: a = c, so that the load/store message carries `a` for
        // both (the loaded value for loads, written to rd above).
        for i in 0..WORD_SIZE {
            builder.assert_zero(inst.is_store * (local.a[i] - local.c[i]));
        }

        // Send the access to the load/store chip: (opcode, value, addr, clk, 0, 0, 0).
        // SAFETY: the load/store chip makes the RAM access at clk + 2 and constrains `a`
        // (loads) from memory; its opcodes are the ROM's memory opcodes, which no ALU chip
        // receives. `clk` is this row's, so the access's timestamp is this cycle's.
        let message: [AB::Expr; EXECUTION_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0 => inst.opcode.into(),
            1..=4 => local.a[i - 1].into(),
            5..=8 => local.addr[i - 5].into(),
            9 => local.clk.into(),
            _ => AB::Expr::ZERO,
        });
        Bus::Execution.send(builder, message, inst.is_load + inst.is_store, 1);

        // a_is_zero is 1 exactly when a = 0.
        // SAFETY: on branch rows `a` comes from EXECUTION, whose chip range-checks its
        // limbs as bytes, so their sum (at most 1020) is 0 only if every limb is.
        let a_sum: AB::Expr = local.a.iter().map(|&l| l.into()).sum();
        builder.assert_bool(local.a_is_zero);
        builder.assert_zero(local.a_is_zero * a_sum.clone());
        builder.assert_zero(a_sum * local.a_sum_inv - (one.clone() - local.a_is_zero));

        // A branch is taken when a is zero (BEQ, BGE, BGEU) or non-zero (BNE, BLT, BLTU).
        let if_zero: AB::Expr = inst.branch_if_zero.into();
        let z: AB::Expr = local.a_is_zero.into();
        let taken = if_zero.clone() * z.clone() + (one.clone() - if_zero) * (one.clone() - z);
        builder.assert_zero(inst.is_branch * (local.branch_taken - taken));

        // JALR jumps to addr with bit 0 cleared, and addr < 2^30.
        // SAFETY: `addr` limbs are bytes (ADD chip); `4·addr[3]` a byte means
        // `addr[3] < 64`, so the target is an integer below 2^30 < p and equals the
        // emulator's `(rs1 + imm) & !1` as a field element with no wrap. `jalr_lsb` is only
        // asserted boolean: the wrong choice gives an odd target, which is no ROM `pc`,
        // so the next row's PROGRAM lookup fails (as does a target outside the code).
        builder.assert_bool(local.jalr_lsb);
        builder.assert_zero(local.jalr_lsb * (one.clone() - inst.is_jalr));
        let top_check = [
            AB::Expr::from_u8(ByteOp::Range as u8),
            local.addr[3] * AB::Expr::from_u8(4),
            AB::Expr::ZERO,
            AB::Expr::ZERO,
        ];
        Bus::Byte.send(builder, top_check, inst.is_jalr, 1);
        let jalr_target: AB::Expr = local.addr[0] - local.jalr_lsb
            + local.addr[1] * AB::Expr::from_u32(1 << 8)
            + local.addr[2] * AB::Expr::from_u32(1 << 16)
            + local.addr[3] * AB::Expr::from_u32(1 << 24);

        // next_pc is target after JAL or a taken branch, the JALR target after JALR,
        // pc + 4 otherwise; padding rows stay where they are.
        let four = AB::Expr::from_u32(CLK_STEP);
        let step: AB::Expr = local.pc + four.clone();
        let jumps: AB::Expr = inst.is_jump + local.branch_taken;
        builder.assert_zero(
            is_real.clone()
                * (local.next_pc
                    - step.clone()
                    - jumps * (inst.target - step.clone())
                    - inst.is_jalr * (jalr_target - step.clone())),
        );
        builder.assert_zero((one.clone() - is_real.clone()) * (local.next_pc - local.pc));

        // An ECALL is either HALT (`is_syscall = 0`: t0 = HALT = 0, the exit code is a0)
        // or a syscall (`is_syscall = 1`: t0 ≠ 0, shown by the inverse of its limb sum).
        // SAFETY: `b` is t0 as read from the register file (ROM: `rs1 = t0`), bytes, so
        // its limb sum (at most 1020 < p) is 0 exactly when t0 = 0: a HALT cannot claim to
        // be a syscall (no inverse of 0) and a syscall cannot claim to be HALT (its limbs
        // would have to be 0). Hence the SYSCALL count is 1 on exactly the ECALLs with
        // t0 ≠ HALT, and 0 elsewhere.
        const _: () = assert!(zkvm_abi::syscall::HALT == 0, "the t0 test assumes HALT = 0");
        let is_halt_call: AB::Expr = inst.is_halt - local.is_syscall;
        for i in 0..WORD_SIZE {
            builder.assert_zero(is_halt_call.clone() * local.b[i]);
            builder.assert_zero(is_halt_call.clone() * (local.exit_code[i] - local.c[i]));
        }
        let t0_sum: AB::Expr = local.b.iter().map(|&l| l.into()).sum();
        builder.assert_zero(local.is_syscall * (t0_sum * local.t0_sum_inv - one.clone()));

        // Send the syscall: (t0, a0, result, clk). The chip of the number receives it,
        // fixes the result and makes the syscall's memory accesses at clk + 2.
        // SAFETY: an ECALL whose number no chip receives leaves the bus unbalanced. The
        // result is written to a0 above; its limbs are bytes because every receiver fixes
        // them (keccak: 0) or returns a0's own (bytes) limbs.
        let message: [AB::Expr; SYSCALL_MESSAGE_WIDTH] = core::array::from_fn(|i| match i {
            0..4 => local.b[i].into(),
            4..8 => local.c[i - 4].into(),
            8..12 => local.a[i - 8].into(),
            _ => local.clk.into(),
        });
        Bus::Syscall.send(builder, message, local.is_syscall, 1);

        // The first row starts at the public start pc, at clk 4.
        builder.when_first_row().assert_eq(local.pc, pv.start_pc);
        builder.when_first_row().assert_eq(local.clk, four.clone());
        builder.when_first_row().assert_eq(local.halted, is_halt_call);

        // Row to row: pc follows next_pc, clk advances by 4, real rows form a prefix,
        // nothing executes after HALT, the exit code is the same on every row.
        {
            let mut t = builder.when_transition();
            t.assert_eq(next.pc, local.next_pc);
            t.assert_eq(next.clk, local.clk + four);
            t.assert_zero((one.clone() - is_real.clone()) * next.is_real);
            t.assert_eq(next.halted, local.halted + next.instruction.is_halt - next.is_syscall);
            t.assert_zero(local.halted * next.is_real);
            for i in 0..WORD_SIZE {
                t.assert_eq(next.exit_code[i], local.exit_code[i]);
            }
        }
        builder.assert_bool(local.halted);

        // The last row carries the end state: end pc, halted, exit code (0 if not halted).
        {
            let mut l = builder.when_last_row();
            l.assert_eq(local.next_pc, pv.end_pc);
            l.assert_eq(local.halted, pv.halted);
            for i in 0..WORD_SIZE {
                l.assert_eq(local.exit_code[i], pv.exit_code[i]);
                l.assert_zero((one.clone() - local.halted) * local.exit_code[i]);
            }
        }
    }
}
