//! spec-tests (in progress).
