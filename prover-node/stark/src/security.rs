//! Security report: conjectured and provable bits of a configuration on a machine's shape,
//! computed with `p3-security`.
//!
//! Soundness depends on the parameters ([`StarkParams`]) and on the instance: trace
//! height, number and degree of constraints, committed columns, bus interactions. The
//! report composes, as a round-by-round minimum, the AIR composition, DEEP-ALI, the
//! opening-batching round, FRI (commit and query phases), the LogUp fingerprint and the
//! hash's collision resistance, each boosted by the grinding sited before it.

use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_air::symbolic::{AirLayout, SymbolicExpressionExt};
use p3_batch_stark::security::num_batched_openings;
use p3_batch_stark::symbolic::{
    get_constraint_layout, get_log_num_quotient_chunks, get_max_constraint_degree,
};
use p3_field::{Algebra, BasedVectorSpace, Field};
use p3_fri::FriParameters;
use p3_lookup::{InteractionSymbolicBuilder, LogUpGadget};
use p3_security::GrindingSites;
use p3_security::logup::{self, LogUpAir};
use p3_security::shape::{InstanceShape, StarkAirParams};
use p3_security::stark::{conjectured_security_report, proven_security_report};
use p3_uni_stark::{OpeningShape, StarkGenericConfig, Val};

use crate::config::StarkParams;
use crate::machine::VerifyingKey;

/// The shape of a machine, as its soundness bound sees it (all chips together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineShape {
    /// log2 of the tallest trace.
    pub log_trace_length: usize,
    /// Constraints of all chips, lookup constraints included.
    pub num_constraints: usize,
    /// Largest constraint degree.
    pub max_constraint_degree: usize,
    /// Largest number of quotient chunks of a chip.
    pub num_quotient_chunks: usize,
    /// Committed columns (and opening points) batched into the one FRI instance.
    pub num_batched_functions: usize,
    /// Bus messages per row, summed over chips (as if every chip were the tallest).
    pub num_interactions: usize,
    /// Widest bus message.
    pub max_message_width: usize,
}

impl MachineShape {
    /// The shape of the machine in `vk` with traces of up to `2^log_trace_length` rows.
    pub fn of<SC, A>(vk: &VerifyingKey<SC, A>, log_trace_length: usize) -> Self
    where
        SC: StarkGenericConfig,
        A: BaseAir<Val<SC>> + p3_air::Air<InteractionSymbolicBuilder<Val<SC>, SC::Challenge>>,
        SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    {
        let gadget = LogUpGadget::new();
        let dimension = <SC::Challenge as BasedVectorSpace<Val<SC>>>::DIMENSION;
        let mut shape = MachineShape {
            log_trace_length,
            num_constraints: 0,
            max_constraint_degree: 1,
            num_quotient_chunks: 1,
            num_batched_functions: 0,
            num_interactions: 0,
            max_message_width: 0,
        };
        let common = vk.common();
        for (i, air) in vk.airs().iter().enumerate() {
            let lookups = &common.lookups[i];
            let preprocessed_width = common
                .preprocessed
                .as_ref()
                .and_then(|g| g.instances[i].as_ref().map(|m| m.width))
                .unwrap_or(0);
            let layout = AirLayout {
                preprocessed_width,
                main_width: air.width(),
                num_public_values: air.num_public_values(),
                num_periodic_columns: air.num_periodic_columns(),
                ..Default::default()
            };
            let trace_len = 1usize << log_trace_length;
            let constraints =
                get_constraint_layout::<_, SC::Challenge, A, _>(air, layout, lookups, &gadget);
            let degree = get_max_constraint_degree::<_, SC::Challenge, A, _>(
                air, layout, trace_len, lookups, &gadget,
            );
            let chunks = 1usize
                << get_log_num_quotient_chunks::<_, SC::Challenge, A, _>(
                    air, layout, trace_len, lookups, 0, &gadget,
                );
            shape.num_constraints += constraints.total_constraints();
            shape.max_constraint_degree = shape.max_constraint_degree.max(degree);
            shape.num_quotient_chunks = shape.num_quotient_chunks.max(chunks);
            shape.num_batched_functions += num_batched_openings(
                air.width(),
                !air.main_next_row_columns().is_empty(),
                preprocessed_width,
                !air.preprocessed_next_row_columns().is_empty(),
                chunks,
                lookups.len(),
                dimension,
                OpeningShape::new(),
            );
            for lookup in lookups.iter() {
                shape.num_interactions += lookup.elements.len();
                let width = lookup.elements.iter().map(Vec::len).max().unwrap_or(0);
                shape.max_message_width = shape.max_message_width.max(width);
            }
        }
        shape
    }
}

/// Conjectured and provable security of a configuration on a shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecurityReport {
    /// The shape evaluated.
    pub shape: MachineShape,
    /// Bits in the conjectured (random-words) regime.
    pub conjectured_bits: f64,
    /// The term that binds the conjectured bits.
    pub conjectured_binding: &'static str,
    /// Provable bits (best of unique- and list-decoding regimes).
    pub proven_bits: f64,
    /// The term that binds the provable bits.
    pub proven_binding: &'static str,
}

impl core::fmt::Display for SecurityReport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "2^{} rows: conjectured {:.1} bits (binds: {}), provable {:.1} bits (binds: {})",
            self.shape.log_trace_length,
            self.conjectured_bits,
            self.conjectured_binding,
            self.proven_bits,
            self.proven_binding
        )
    }
}

/// The security of `params` on `shape`.
pub fn security_report(params: &StarkParams, shape: &MachineShape) -> SecurityReport {
    let fri: FriParameters<()> = FriParameters {
        log_blowup: params.log_blowup,
        log_final_poly_len: params.log_final_poly_len,
        max_log_arity: params.max_log_arity,
        num_queries: params.num_queries,
        batch_proof_of_work_bits: params.batch_pow_bits,
        commit_proof_of_work_bits: params.commit_pow_bits,
        query_proof_of_work_bits: params.query_pow_bits,
        mmcs: (),
    };
    let regime = fri.security_regime();
    let grinding = GrindingSites {
        out_of_domain: params.ood_pow_bits,
        lookup_challenge: params.lookup_pow_bits,
        ..fri.grinding_sites()
    };
    let base_bits = <p3_koala_bear::KoalaBear as Field>::bits();
    let air = StarkAirParams {
        num_constraints: shape.num_constraints,
        max_constraint_degree: shape.max_constraint_degree,
        num_quotient_chunks: shape.num_quotient_chunks,
        // Permutation columns are always opened at `zeta` and `zeta·g`.
        max_combo: 2,
    };
    let instance = InstanceShape {
        log_trace_length: shape.log_trace_length,
        modulus_bits: base_bits * params.extension_degree,
        // Birthday bound of a digest of `digest_elems` field elements (the sponge's
        // capacity equals the digest width in both configurations).
        collision_resistance: base_bits * params.digest_elems / 2,
        num_batched_functions: shape.num_batched_functions.max(1),
    };
    let lookups = LogUpAir {
        num_interactions: shape.num_interactions,
        max_message_width: shape.max_message_width,
    };
    let extras: Vec<_> = logup::security_term(&lookups, &instance, &grinding).into_iter().collect();

    let conjectured = conjectured_security_report(&regime, &air, &instance, &extras, &grinding);
    let proven = proven_security_report(&regime, &air, &instance, &extras, &grinding);
    SecurityReport {
        shape: *shape,
        conjectured_bits: conjectured.security_bits(),
        conjectured_binding: conjectured.binding().label,
        proven_bits: proven.security_bits(),
        proven_binding: proven.binding().1.label,
    }
}
