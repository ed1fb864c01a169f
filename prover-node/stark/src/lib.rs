#![no_std]
//! The zkVM's STARK: Plonky3 configurations, a thin batch-proving API for a machine of
//! chips, the proof's wire format, and the security report.
//!
//! * [`config`]: [`DefaultConfig`] (KoalaBear, degree-4 extension, Poseidon2 width 16,
//!   FRI with grinding; ≥ 100 conjectured bits) and [`HighSecurityConfig`] (quintic
//!   extension, Poseidon2 width 24 with 12-element digests; ≥ 128).
//! * [`machine`]: [`setup`], [`prove_machine`], [`verify_machine`].
//! * [`proof`]: [`MachineProof`] and its versioned encoding.
//! * [`security`]: [`security_report`] with `p3-security`.
//!
//! The verifier side is `no_std` + `alloc`; the `std` feature (default) only adds panic
//! containment around the backend verifier.

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod config;
pub mod error;
pub mod key;
pub mod machine;
pub mod proof;
pub mod security;

pub use config::{
    ConfigId, DEFAULT_PARAMS, DefaultConfig, HIGH_SECURITY_PARAMS, HighSecurityConfig,
    MachineConfig, StarkParams, Val, default_config, high_security_config,
};
pub use error::{DecodeError, ProveError, VerifyError};
pub use key::{MAX_KEY_LOG_HEIGHT, verifying_key_from_bytes};
pub use machine::{
    Keys, MachineChip, ProvingKey, VerifyingKey, prove_machine, setup, setup_with_lookup_budget,
    verify_machine,
};
pub use proof::{MachineProof, PROOF_FORMAT_VERSION, PROOF_MAGIC};
pub use security::{MachineShape, SecurityReport, security_report};
