#![no_std]
//! zkVM guest ABI (filled in by the RISC-V layer work).
