//! RV32IM emulator (in progress).
