//! prover-node (in progress).
