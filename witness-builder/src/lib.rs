//! Builds stateless witnesses of Ethereum blocks from a JSON-RPC node.
//!
//! This part of the crate is the node side:
//!
//! - [`rpc`]: [`RpcClient`], JSON-RPC over HTTP with retries, backoff, timeout and a
//!   concurrency limit, and typed `eth_*` methods;
//! - [`replay`]: [`ReplayServer`], a loopback JSON-RPC server over recorded answers
//!   (`fixtures/mainnet-rpc/`, `fixtures/anvil-rpc/`), used by the tests and the `rpc-replay` binary;
//! - [`record`]: recording mode of the client, which writes every answer a build needed as a
//!   fixture file the replay server serves;
//! - [`rpc_db`]: [`RpcDb`], a revm database over the client for a block's pre-state that
//!   records every account, slot, code and ancestor header that execution touches;
//! - [`builder`]: [`build_witness`], the assembly of a verified `StatelessInput` for a block;
//! - [`error`]: [`WitnessError`], the crate's one error enum.

pub mod builder;
pub mod error;
pub mod record;
pub mod replay;
pub mod rpc;
pub mod rpc_db;

pub use builder::{BuildStats, BuiltWitness, WitnessSource, build_witness};
pub use error::{Result, WitnessError};
pub use record::{Recorder, RecordingStats};
pub use replay::{
    ANVIL_EMPTY_BLOCK, ANVIL_STORAGE_BLOCK, ANVIL_TRANSFER_BLOCK, RecordedBlock, Recordings,
    ReplayHandle, ReplayServer,
};
pub use rpc::{RpcBlock, RpcClient, RpcConfig};
pub use rpc_db::{AccessRecord, RpcDb};
