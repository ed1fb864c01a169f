//! The verifying key's wire form: what a verifier holds without the program.
//!
//! A [`VerifyingKey`] is the chips (code of the verifier) plus data: the commitment to
//! the preprocessed columns, where each chip's preprocessed matrix sits in it (width,
//! degree), and the lookup degree budget. Only that data is serialized; the bus
//! interactions (LogUp lookups) are recomputed from the chips exactly as [`crate::setup`]
//! computes them, so a key file can not relax a bus.
//!
//! # Format (postcard)
//!
//! ```text
//! lookup_budget: varint
//! preprocessed:  Option<{ commitment, instances: [Option<(matrix, width, degree_bits)>],
//!                         matrix_to_instance: [varint] }>
//! ```
//!
//! Decoding is strict: the bytes must be the canonical encoding of what they decode to
//! (so equal keys have equal bytes, and a program id hashing them is well defined), and
//! the layout must be the one `setup` produces for these chips: an entry exactly for the
//! chips with preprocessed columns, of their width, in chip order, with degrees the field
//! supports.

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use p3_air::BaseAir;
use p3_air::symbolic::{AirLayout, SymbolicExpressionExt};
use p3_batch_stark::CommonData;
use p3_batch_stark::common::{GlobalPreprocessed, PreprocessedInstanceMeta};
use p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain;
use p3_commit::{Pcs, PolynomialSpace};
use p3_field::{Algebra, BasedVectorSpace};
use p3_lookup::{LogUpGadget, Lookups};
use p3_uni_stark::{StarkGenericConfig, Val};
use serde::{Deserialize, Serialize};

use crate::config::MachineConfig;
use crate::error::DecodeError;
use crate::machine::{MachineChip, VerifyingKey};

/// Largest log2 trace height a key may declare (KoalaBear's two-adicity is 24).
pub const MAX_KEY_LOG_HEIGHT: usize = 24;

type Commitment<SC> = <<SC as StarkGenericConfig>::Pcs as Pcs<
    <SC as StarkGenericConfig>::Challenge,
    <SC as StarkGenericConfig>::Challenger,
>>::Commitment;

#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
struct KeyWire<SC: StarkGenericConfig> {
    lookup_budget: u32,
    preprocessed: Option<PreprocessedWire<SC>>,
}

#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
struct PreprocessedWire<SC: StarkGenericConfig> {
    commitment: Commitment<SC>,
    /// Per chip: `(matrix index, width, extended degree bits)`.
    instances: Vec<Option<(u32, u32, u32)>>,
    matrix_to_instance: Vec<u32>,
}

impl<SC: StarkGenericConfig, A> VerifyingKey<SC, A> {
    /// The key's data (not the chips) in its canonical wire form (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let preprocessed = self.common().preprocessed.as_ref().map(|g| PreprocessedWire::<SC> {
            commitment: g.commitment.clone(),
            instances: g
                .instances
                .iter()
                .map(|m| {
                    m.as_ref()
                        .map(|m| (m.matrix_index as u32, m.width as u32, m.degree_bits as u32))
                })
                .collect(),
            matrix_to_instance: g.matrix_to_instance.iter().map(|&i| i as u32).collect(),
        });
        let wire = KeyWire::<SC> { lookup_budget: self.lookup_budget() as u32, preprocessed };
        // Field elements, integers and vectors only: always serializes.
        postcard::to_allocvec(&wire).expect("a verifying key serializes")
    }
}

/// Rebuild the verifying key of `airs` from [`VerifyingKey::to_bytes`]: the preprocessed
/// commitment and layout from the bytes, the lookups recomputed from the chips.
///
/// # Errors
///
/// [`DecodeError::Key`] if the bytes do not decode, are not canonical, or declare a layout
/// `setup` would not produce for `airs`. Never panics on untrusted bytes.
pub fn verifying_key_from_bytes<SC, A>(
    config: &SC,
    airs: Vec<A>,
    bytes: &[u8],
) -> Result<VerifyingKey<SC, A>, DecodeError>
where
    SC: MachineConfig,
    A: MachineChip<SC>,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    SC::Challenge: BasedVectorSpace<Val<SC>>,
{
    let bad = |what: alloc::string::String| DecodeError::Key(what);
    let (wire, rest): (KeyWire<SC>, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|e| bad(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes { count: rest.len() });
    }
    let canonical = postcard::to_allocvec(&wire).map_err(|e| bad(e.to_string()))?;
    if canonical != bytes {
        return Err(bad("not the canonical encoding".to_string()));
    }
    let lookup_budget = wire.lookup_budget as usize;
    let max_budget = (1usize << SC::PARAMS.log_blowup) + 1;
    if lookup_budget > max_budget {
        return Err(bad(format!(
            "lookup budget: expected at most {max_budget}, got {lookup_budget}"
        )));
    }
    let is_zk = config.is_zk();
    let mut ext_degree_bits = alloc::vec![is_zk; airs.len()];
    let preprocessed = match wire.preprocessed {
        None => {
            if let Some(chip) =
                airs.iter().position(|a| BaseAir::<Val<SC>>::preprocessed_width(a) > 0)
            {
                return Err(bad(format!("chip {chip} has preprocessed columns, the key none")));
            }
            None
        }
        Some(p) => {
            if p.instances.len() != airs.len() {
                return Err(bad(format!(
                    "expected {} preprocessed entries (one per chip), got {}",
                    airs.len(),
                    p.instances.len()
                )));
            }
            let mut instances = Vec::with_capacity(airs.len());
            let mut matrix_to_instance = Vec::new();
            for (chip, (air, entry)) in airs.iter().zip(&p.instances).enumerate() {
                let width = BaseAir::<Val<SC>>::preprocessed_width(air);
                match (width, entry) {
                    (0, None) => instances.push(None),
                    (0, Some(_)) => {
                        return Err(bad(format!(
                            "chip {chip}: no preprocessed columns, the key has some"
                        )));
                    }
                    (_, None) => {
                        return Err(bad(format!(
                            "chip {chip}: preprocessed columns missing from the key"
                        )));
                    }
                    (width, Some((matrix, got_width, degree_bits))) => {
                        let (matrix, got_width, degree_bits) =
                            (*matrix as usize, *got_width as usize, *degree_bits as usize);
                        if matrix != matrix_to_instance.len() {
                            return Err(bad(format!(
                                "chip {chip}: matrix index expected {}, got {matrix}",
                                matrix_to_instance.len()
                            )));
                        }
                        if got_width != width {
                            return Err(bad(format!(
                                "chip {chip}: preprocessed width expected {width}, got {got_width}"
                            )));
                        }
                        if !(is_zk..=MAX_KEY_LOG_HEIGHT + is_zk).contains(&degree_bits) {
                            return Err(bad(format!(
                                "chip {chip}: degree bits expected {is_zk}..={}, got {degree_bits}",
                                MAX_KEY_LOG_HEIGHT + is_zk
                            )));
                        }
                        ext_degree_bits[chip] = degree_bits;
                        matrix_to_instance.push(chip);
                        instances.push(Some(PreprocessedInstanceMeta {
                            matrix_index: matrix,
                            width,
                            degree_bits,
                        }));
                    }
                }
            }
            let declared: Vec<usize> = p.matrix_to_instance.iter().map(|&i| i as usize).collect();
            if declared != matrix_to_instance || matrix_to_instance.is_empty() {
                return Err(bad("matrix-to-chip map is not the chips' order".to_string()));
            }
            Some(GlobalPreprocessed { commitment: p.commitment, instances, matrix_to_instance })
        }
    };
    let lookups = machine_lookups(config, &airs, &ext_degree_bits, lookup_budget);
    Ok(VerifyingKey::from_parts(airs, CommonData::new(preprocessed, lookups), lookup_budget))
}

/// Each chip's bus interactions, folded as `p3-batch-stark`'s
/// `ProverData::from_airs_and_degrees_with_lookup_budgets` folds them (same-bus
/// interactions packed up to the larger of the degree the chip's quotient already allows
/// and `budget`). Prover and verifier must agree on this layout exactly; the test
/// `decoded_key_has_the_setup_lookups` compares it with `setup`'s.
fn machine_lookups<SC, A>(
    config: &SC,
    airs: &[A],
    ext_degree_bits: &[usize],
    budget: usize,
) -> Vec<Lookups<Val<SC>>>
where
    SC: MachineConfig,
    A: MachineChip<SC>,
    SymbolicExpressionExt<Val<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    SC::Challenge: BasedVectorSpace<Val<SC>>,
{
    let pcs = config.pcs();
    let is_zk = config.is_zk();
    let gadget = LogUpGadget::new();
    airs.iter()
        .zip(ext_degree_bits)
        .map(|(air, &ext_db)| {
            let trace_len = 1usize << (ext_db - is_zk);
            let domain = pcs.natural_domain_for_degree(trace_len);
            let unpacked = Lookups::<Val<SC>>::from_air::<SC::Challenge, A>(air);
            let log_chunks = get_log_num_quotient_chunks_for_domain::<_, SC::Challenge, A, _>(
                air,
                AirLayout::from_air(air),
                domain,
                &unpacked,
                is_zk,
                &gadget,
            );
            let free_budget = (1usize << log_chunks) + 1 - is_zk;
            let budget = free_budget.max(budget);
            unpacked.pack_same_bus_with_degree(budget, |lookup| {
                gadget
                    .constraint_degree_with_transition(lookup, domain.transition_degree_multiple())
            })
        })
        .collect()
}
