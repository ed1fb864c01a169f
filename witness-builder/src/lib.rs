//! witness-builder (in progress).
