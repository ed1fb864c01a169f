//! The STARK configurations: KoalaBear, an extension field for challenges, Poseidon2
//! Merkle commitments and challenger, FRI.
//!
//! | | [`DefaultConfig`] (≥ 100 conjectured bits) | [`HighSecurityConfig`] (≥ 128) |
//! | --- | --- | --- |
//! | challenge field | degree-4 binomial extension (124 bits) | quintic trinomial extension (155 bits) |
//! | Poseidon2 | width 16 | width 24 |
//! | digest | 8 elements (124-bit collision resistance) | 12 elements (186-bit) |
//! | FRI | [`DEFAULT_PARAMS`] | [`HIGH_SECURITY_PARAMS`] |
//!
//! Prover and verifier must use the same parameters: every proof-of-work site is checked
//! by the verifier, so a mismatch is a rejected proof, never a weaker one. The parameters
//! are constants here, and the proof header names the configuration ([`ConfigId`]).

use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::Field;
use p3_field::extension::{BinomialExtensionField, QuinticTrinomialExtensionField};
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_koala_bear::{
    KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_16, default_koalabear_poseidon2_24,
};
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::{StarkConfig, StarkGenericConfig};

/// The base field.
pub type Val = KoalaBear;
type Packing = <Val as Field>::Packing;
type Dft = Radix2DitParallel<Val>;

/// Which configuration a proof was made with (stored in the proof header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ConfigId {
    /// [`DefaultConfig`].
    Default = 1,
    /// [`HighSecurityConfig`].
    HighSecurity = 2,
}

/// The parameters a configuration is built from; also what the security report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarkParams {
    /// log2 of the FRI blowup (rate 2^-log_blowup). With 1, constraints have degree ≤ 3.
    pub log_blowup: usize,
    /// log2 of the length of FRI's final polynomial.
    pub log_final_poly_len: usize,
    /// log2 of FRI's largest folding arity.
    pub max_log_arity: usize,
    /// Number of FRI queries.
    pub num_queries: usize,
    /// Proof of work before sampling the FRI queries.
    pub query_pow_bits: usize,
    /// Proof of work before each FRI folding challenge.
    pub commit_pow_bits: usize,
    /// Proof of work before the challenge that batches all openings into one FRI instance.
    pub batch_pow_bits: usize,
    /// Proof of work before the out-of-domain point `zeta`.
    pub ood_pow_bits: usize,
    /// Proof of work before the LogUp challenges.
    pub lookup_pow_bits: usize,
    /// Field elements per Merkle digest.
    pub digest_elems: usize,
    /// Degree of the challenge field over KoalaBear.
    pub extension_degree: usize,
}

/// Parameters of [`DefaultConfig`].
pub const DEFAULT_PARAMS: StarkParams = StarkParams {
    log_blowup: 1,
    log_final_poly_len: 0,
    max_log_arity: 1,
    num_queries: 100,
    query_pow_bits: 16,
    commit_pow_bits: 10,
    // Batch 14 and lookup 12, not 10: the batch-combination and LogUp terms fall one bit
    // per doubling of the height and grow with the committed columns and interactions;
    // with every chip of a program's machine they bound at 97.9 and 99.3 bits for 2^22-row
    // shards with 10 bits of grinding (zkvm's `security` test).
    batch_pow_bits: 14,
    ood_pow_bits: 10,
    lookup_pow_bits: 12,
    digest_elems: 8,
    extension_degree: 4,
};

/// Parameters of [`HighSecurityConfig`].
pub const HIGH_SECURITY_PARAMS: StarkParams = StarkParams {
    log_blowup: 1,
    log_final_poly_len: 0,
    max_log_arity: 1,
    num_queries: 128,
    query_pow_bits: 20,
    commit_pow_bits: 12,
    batch_pow_bits: 12,
    ood_pow_bits: 12,
    lookup_pow_bits: 12,
    digest_elems: 12,
    extension_degree: 5,
};

fn fri_params<M>(params: &StarkParams, mmcs: M) -> FriParameters<M> {
    FriParameters {
        log_blowup: params.log_blowup,
        log_final_poly_len: params.log_final_poly_len,
        max_log_arity: params.max_log_arity,
        num_queries: params.num_queries,
        batch_proof_of_work_bits: params.batch_pow_bits,
        commit_proof_of_work_bits: params.commit_pow_bits,
        query_proof_of_work_bits: params.query_pow_bits,
        mmcs,
    }
}

/// Types of the default (100-bit) configuration.
pub mod default {
    use super::*;

    /// The challenge field: degree-4 binomial extension of KoalaBear.
    pub type Challenge = BinomialExtensionField<Val, 4>;
    /// Poseidon2 over KoalaBear, width 16.
    pub type Perm = Poseidon2KoalaBear<16>;
    /// Leaf hash: sponge of rate 8, digest 8.
    pub type Hash = PaddingFreeSponge<Perm, 16, 8, 8>;
    /// 2-to-1 compression of digests.
    pub type Compress = TruncatedPermutation<Perm, 2, 8, 16>;
    /// Merkle tree commitments of base-field matrices.
    pub type ValMmcs = MerkleTreeMmcs<Packing, Packing, Hash, Compress, 2, 8>;
    /// Merkle tree commitments of extension-field matrices.
    pub type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
    /// Fiat–Shamir challenger.
    pub type Challenger = DuplexChallenger<Val, Perm, 16, 8>;
    /// The polynomial commitment scheme.
    pub type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
}

/// Types of the 128-bit configuration.
pub mod high_security {
    use super::*;

    /// The challenge field: quintic trinomial extension of KoalaBear.
    pub type Challenge = QuinticTrinomialExtensionField<Val>;
    /// Poseidon2 over KoalaBear, width 24.
    pub type Perm = Poseidon2KoalaBear<24>;
    /// Leaf hash: sponge of rate 12 (capacity 12), digest 12.
    pub type Hash = PaddingFreeSponge<Perm, 24, 12, 12>;
    /// 2-to-1 compression of digests.
    pub type Compress = TruncatedPermutation<Perm, 2, 12, 24>;
    /// Merkle tree commitments of base-field matrices.
    pub type ValMmcs = MerkleTreeMmcs<Packing, Packing, Hash, Compress, 2, 12>;
    /// Merkle tree commitments of extension-field matrices.
    pub type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
    /// Fiat–Shamir challenger.
    pub type Challenger = DuplexChallenger<Val, Perm, 24, 12>;
    /// The polynomial commitment scheme.
    pub type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
}

/// The default configuration (≥ 100 conjectured bits).
pub type DefaultConfig = StarkConfig<default::Pcs, default::Challenge, default::Challenger>;
/// The 128-bit configuration.
pub type HighSecurityConfig =
    StarkConfig<high_security::Pcs, high_security::Challenge, high_security::Challenger>;

/// A configuration this crate can build, identify and report on.
pub trait MachineConfig: StarkGenericConfig {
    /// The id stored in proof headers.
    const ID: ConfigId;
    /// The parameters.
    const PARAMS: StarkParams;
    /// Build the configuration (deterministic: fixed Poseidon2 constants).
    fn build() -> Self;
}

impl MachineConfig for DefaultConfig {
    const ID: ConfigId = ConfigId::Default;
    const PARAMS: StarkParams = DEFAULT_PARAMS;

    fn build() -> Self {
        use default::*;
        let perm = default_koalabear_poseidon2_16();
        let val_mmcs = ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), 0);
        let challenge_mmcs = ChallengeMmcs::new(val_mmcs.clone());
        let fri = fri_params(&Self::PARAMS, challenge_mmcs);
        let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
        StarkConfig::new(pcs, Challenger::new(perm))
            .with_ood_proof_of_work_bits(Self::PARAMS.ood_pow_bits)
            .with_lookup_proof_of_work_bits(Self::PARAMS.lookup_pow_bits)
    }
}

impl MachineConfig for HighSecurityConfig {
    const ID: ConfigId = ConfigId::HighSecurity;
    const PARAMS: StarkParams = HIGH_SECURITY_PARAMS;

    fn build() -> Self {
        use high_security::*;
        let perm = default_koalabear_poseidon2_24();
        let val_mmcs = ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), 0);
        let challenge_mmcs = ChallengeMmcs::new(val_mmcs.clone());
        let fri = fri_params(&Self::PARAMS, challenge_mmcs);
        let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
        StarkConfig::new(pcs, Challenger::new(perm))
            .with_ood_proof_of_work_bits(Self::PARAMS.ood_pow_bits)
            .with_lookup_proof_of_work_bits(Self::PARAMS.lookup_pow_bits)
    }
}

/// The default configuration.
pub fn default_config() -> DefaultConfig {
    DefaultConfig::build()
}

/// The 128-bit configuration.
pub fn high_security_config() -> HighSecurityConfig {
    HighSecurityConfig::build()
}
