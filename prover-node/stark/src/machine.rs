//! A thin API over `p3-batch-stark` for a machine of chips: keys, proving, verifying.
//!
//! The machine is a fixed, ordered list of AIRs (all of one type, usually an enum over
//! the chips). Every proof carries one trace per AIR; the buses (LogUp interactions)
//! close inside the proof, and the verifier checks that they balance.

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use p3_air::symbolic::SymbolicExpressionExt;
use p3_air::{Air, BaseAir, DebugConstraintBuilder};
use p3_batch_stark::common::GlobalPreprocessed;
use p3_batch_stark::folder::{
    ProverConstraintFolderWithLookups, VerifierConstraintFolderWithLookups,
};
use p3_batch_stark::{
    BatchVerificationError, CommonData, ProverData, StarkInstance, prove_batch, verify_batch,
};
use p3_challenger::GrindingChallenger;
use p3_commit::Pcs;
use p3_field::{Algebra, BasedVectorSpace, PrimeField64};
use p3_lookup::{InteractionSymbolicBuilder, check_multiplicity_height_bound};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_uni_stark::{Domain, PcsError, PcsProverError, StarkGenericConfig, Val};

use crate::config::MachineConfig;
use crate::error::{ProveError, VerifyError};
use crate::proof::MachineProof;

/// Everything an AIR must implement to be proven and verified in a batch.
pub trait MachineChip<SC: StarkGenericConfig>:
    BaseAir<Val<SC>>
    + Air<InteractionSymbolicBuilder<Val<SC>, SC::Challenge>>
    + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
    + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
    + for<'a> Air<DebugConstraintBuilder<'a, Val<SC>, SC::Challenge>>
    + Clone
{
}

impl<SC, A> MachineChip<SC> for A
where
    SC: StarkGenericConfig,
    A: BaseAir<Val<SC>>
        + Air<InteractionSymbolicBuilder<Val<SC>, SC::Challenge>>
        + for<'a> Air<ProverConstraintFolderWithLookups<'a, SC>>
        + for<'a> Air<VerifierConstraintFolderWithLookups<'a, SC>>
        + for<'a> Air<DebugConstraintBuilder<'a, Val<SC>, SC::Challenge>>
        + Clone,
{
}

/// What the verifier needs: the chips, the commitment to their preprocessed columns, and
/// their bus interactions.
pub struct VerifyingKey<SC: StarkGenericConfig, A> {
    airs: Vec<A>,
    common: CommonData<SC>,
    /// The lookup degree budget the key was built with ([`setup_with_lookup_budget`]).
    lookup_budget: usize,
}

/// What the prover needs: the verifying key and the preprocessed columns' prover data.
pub struct ProvingKey<SC: StarkGenericConfig, A> {
    airs: Vec<A>,
    data: ProverData<SC>,
    /// Height of each chip's preprocessed columns, if it has any.
    preprocessed_heights: Vec<Option<usize>>,
}

impl<SC: StarkGenericConfig, A> VerifyingKey<SC, A> {
    /// The chips, in proof order.
    pub fn airs(&self) -> &[A] {
        &self.airs
    }

    /// The backend's common data (preprocessed commitment, lookups).
    pub fn common(&self) -> &CommonData<SC> {
        &self.common
    }

    /// The lookup degree budget the key was built with.
    pub fn lookup_budget(&self) -> usize {
        self.lookup_budget
    }

    pub(crate) fn from_parts(airs: Vec<A>, common: CommonData<SC>, lookup_budget: usize) -> Self {
        VerifyingKey { airs, common, lookup_budget }
    }
}

impl<SC: StarkGenericConfig, A> ProvingKey<SC, A> {
    /// The chips, in proof order.
    pub fn airs(&self) -> &[A] {
        &self.airs
    }
}

/// The proving key and the verifying key of a machine.
pub type Keys<SC, A> = (ProvingKey<SC, A>, VerifyingKey<SC, A>);

fn clone_common<SC: StarkGenericConfig>(common: &CommonData<SC>) -> CommonData<SC> {
    let preprocessed = common.preprocessed.as_ref().map(|g| GlobalPreprocessed {
        commitment: g.commitment.clone(),
        instances: g.instances.clone(),
        matrix_to_instance: g.matrix_to_instance.clone(),
    });
    CommonData::new(preprocessed, common.lookups.clone())
}

/// Build the proving and verifying keys of a machine, packing bus interactions only as far
/// as the chips' own constraint degree allows (see [`setup_with_lookup_budget`]).
pub fn setup<SC, A>(config: &SC, airs: Vec<A>) -> Result<Keys<SC, A>, ProveError>
where
    SC: MachineConfig,
    A: MachineChip<SC>,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    SC::Challenge: BasedVectorSpace<Val<SC>>,
    PcsProverError<SC>: core::fmt::Debug,
{
    setup_with_lookup_budget(config, airs, 0)
}

/// Build the proving and verifying keys of a machine.
///
/// 1. Generate each chip's preprocessed columns (if any) and commit to all of them at
///    once.
/// 2. Collect each chip's bus interactions (LogUp lookups) and fold interactions on the
///    same bus into shared LogUp columns up to degree `max(lookup_degree_budget, what
///    the chip's constraints already need)`. A budget of 3 (with `log_blowup = 1`) halves
///    the LogUp columns of a chip whose constraints have degree 2, at the price of a
///    second quotient chunk; 0 never raises a chip's quotient degree.
///
/// # Assumptions
///
/// A chip with preprocessed columns is always proven at their height. The lookups of the
/// other chips do not depend on trace heights (true for two-adic domains), so one key
/// serves every shard.
pub fn setup_with_lookup_budget<SC, A>(
    config: &SC,
    airs: Vec<A>,
    lookup_degree_budget: usize,
) -> Result<Keys<SC, A>, ProveError>
where
    SC: MachineConfig,
    A: MachineChip<SC>,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    SC::Challenge: BasedVectorSpace<Val<SC>>,
    PcsProverError<SC>: core::fmt::Debug,
{
    let max_budget = (1usize << SC::PARAMS.log_blowup) + 1;
    if lookup_degree_budget > max_budget {
        return Err(ProveError::LookupBudget { max: max_budget, got: lookup_degree_budget });
    }
    let preprocessed_heights: Vec<Option<usize>> = airs
        .iter()
        .map(|air| air.preprocessed_trace().map(|t| t.height()).filter(|&h| h > 0))
        .collect();
    for (chip, height) in preprocessed_heights.iter().enumerate() {
        if let Some(h) = *height
            && !h.is_power_of_two()
        {
            return Err(ProveError::TraceHeight { chip, height: h });
        }
    }
    let ext_degree_bits: Vec<usize> = preprocessed_heights
        .iter()
        .map(|h| h.unwrap_or(1).trailing_zeros() as usize + config.is_zk())
        .collect();
    let budgets = alloc::vec![lookup_degree_budget; airs.len()];
    let log_blowup = SC::PARAMS.log_blowup;
    let data = ProverData::from_airs_and_degrees_with_lookup_budgets(
        config,
        &airs,
        &ext_degree_bits,
        &budgets,
        log_blowup,
    )
    .map_err(|e| ProveError::Backend(format!("{e:?}")))?;
    let vk = VerifyingKey {
        airs: airs.clone(),
        common: clone_common(&data.common),
        lookup_budget: lookup_degree_budget,
    };
    let pk = ProvingKey { airs, data, preprocessed_heights };
    Ok((pk, vk))
}

/// Prove one shard: one trace and one list of public values per chip of `pk`, in order.
///
/// 1. Check the traces against the key (count, widths, power-of-two heights, preprocessed
///    heights, public-value lengths, LogUp height bound): a mismatch is a typed error.
/// 2. Run `p3-batch-stark`: commit traces, LogUp columns, quotients; open with FRI.
///
/// # Assumptions
///
/// The traces satisfy the chips' constraints and the buses balance. If they do not, a
/// debug build panics in Plonky3's constraint checker; a release build returns a proof
/// that the verifier rejects.
pub fn prove_machine<SC, A>(
    config: &SC,
    pk: &ProvingKey<SC, A>,
    traces: &[RowMajorMatrix<Val<SC>>],
    public_values: &[Vec<Val<SC>>],
) -> Result<MachineProof<SC>, ProveError>
where
    SC: StarkGenericConfig,
    A: MachineChip<SC>,
    Val<SC>: PrimeField64,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    Domain<SC>: Send + Sync,
    SC::Pcs: Sync,
    PcsProverError<SC>: Send + core::fmt::Debug,
    SC::Challenger: GrindingChallenger<Witness = Val<SC>>,
    <SC::Pcs as Pcs<SC::Challenge, SC::Challenger>>::ProverData: Sync,
    <SC::Pcs as Pcs<SC::Challenge, SC::Challenger>>::Commitment: Sync,
{
    let n = pk.airs.len();
    if traces.len() != n {
        return Err(ProveError::TraceCount { expected: n, got: traces.len() });
    }
    if public_values.len() != n {
        return Err(ProveError::PublicValuesCount { expected: n, got: public_values.len() });
    }
    for (chip, ((air, trace), pv)) in pk.airs.iter().zip(traces).zip(public_values).enumerate() {
        if trace.width() != air.width() {
            return Err(ProveError::TraceWidth { chip, expected: air.width(), got: trace.width() });
        }
        let height = trace.height();
        if !height.is_power_of_two() {
            return Err(ProveError::TraceHeight { chip, height });
        }
        if let Some(expected) = pk.preprocessed_heights[chip]
            && expected != height
        {
            return Err(ProveError::PreprocessedHeight { chip, expected, got: height });
        }
        if pv.len() != air.num_public_values() {
            return Err(ProveError::PublicValuesLength {
                chip,
                expected: air.num_public_values(),
                got: pv.len(),
            });
        }
    }
    let heights: Vec<usize> = traces.iter().map(|t| t.height()).collect();
    check_multiplicity_height_bound(&pk.data.common.lookups, &heights)
        .map_err(|e| ProveError::LookupHeightBound(e.to_string()))?;

    let instances: Vec<StarkInstance<'_, SC, A>> = pk
        .airs
        .iter()
        .zip(traces)
        .zip(public_values)
        .map(|((air, trace), pv)| StarkInstance { air, trace, public_values: pv.clone() })
        .collect();
    let stark = prove_batch(config, &instances, &pk.data)
        .map_err(|e| ProveError::Backend(format!("{e:?}")))?;
    Ok(MachineProof { public_values: public_values.to_vec(), stark })
}

/// Verify a shard proof against the verifying key.
///
/// 1. Check the proof carries public values for every chip.
/// 2. Run `p3-batch-stark`'s verifier: shapes, transcript and proof-of-work witnesses,
///    constraints and LogUp columns at `zeta`, the global bus balance, FRI.
/// 3. With `std`, a panic inside the backend on a malformed proof becomes
///    [`VerifyError::Panicked`] rather than unwinding into the caller.
#[must_use = "a proof is only accepted if this returns Ok"]
pub fn verify_machine<SC, A>(
    config: &SC,
    vk: &VerifyingKey<SC, A>,
    proof: &MachineProof<SC>,
) -> Result<(), VerifyError>
where
    SC: StarkGenericConfig,
    A: MachineChip<SC>,
    Val<SC>: PrimeField64,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    SC::Challenge: BasedVectorSpace<Val<SC>>,
    SC::Challenger: GrindingChallenger<Witness = Val<SC>>,
    PcsError<SC>: core::fmt::Debug,
{
    if proof.public_values.len() != vk.airs.len() {
        return Err(VerifyError::PublicValuesCount {
            expected: vk.airs.len(),
            got: proof.public_values.len(),
        });
    }
    let run = || verify_batch(config, &vk.airs, &proof.stark, &proof.public_values, &vk.common);

    #[cfg(feature = "std")]
    let result = {
        extern crate std;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).map_err(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<alloc::string::String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            VerifyError::Panicked(message)
        })?
    };
    #[cfg(not(feature = "std"))]
    let result = run();

    result.map_err(|e| match e {
        BatchVerificationError::Verification(e) => VerifyError::Stark(format!("{e:?}")),
        BatchVerificationError::Lookup(e) => VerifyError::Lookup(format!("{e:?}")),
        BatchVerificationError::Transcript(e) => VerifyError::Transcript(format!("{e:?}")),
    })
}
