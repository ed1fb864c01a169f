//! The `--rpc` source of trust: the user's own node.
//!
//! [`TrustedNode`] asks
//! 1. `eth_chainId` ([`TrustedNode::chain_id`]): the chain the node follows;
//! 2. `eth_getBlockByNumber(N, false)` ([`TrustedNode::header`]): `null` (or no recording, on
//!    the replay server) is [`VerifyError::BlockNotFound`]; the answer is decoded as a JSON
//!    header ([`TrustedHeader::from_json_value`]), so its hash is recomputed from the fields
//!    and must equal the node's `hash` field — the node's `hash` alone is never trusted.
//!
//! # Assumptions
//! The user trusts the node to follow the chain they mean (the point of `--rpc`); the node
//! need not be an archive node (only headers are asked for).

use alloc::string::{String, ToString};

use alloy_primitives::U64;
use serde_json::json;
use witness_builder::{RpcClient, WitnessError, rpc::hex_u64};

use crate::error::VerifyError;
use crate::header::TrustedHeader;

/// A node the user trusts for headers.
#[derive(Debug, Clone)]
pub struct TrustedNode {
    client: RpcClient,
}

fn rpc_error(e: WitnessError) -> VerifyError {
    VerifyError::Rpc { reason: e.to_string() }
}

impl TrustedNode {
    /// A node at `url` (JSON-RPC over HTTP; retries transient failures).
    pub fn new(url: impl Into<String>) -> Result<Self, VerifyError> {
        Ok(Self { client: RpcClient::new(url).map_err(rpc_error)? })
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        self.client.url()
    }

    /// `eth_chainId`.
    pub async fn chain_id(&self) -> Result<u64, VerifyError> {
        Ok(self.client.call::<U64>("eth_chainId", json!([]), None).await.map_err(rpc_error)?.to())
    }

    /// The header of block `number`, its hash recomputed here.
    pub async fn header(&self, number: u64) -> Result<TrustedHeader, VerifyError> {
        let raw = self
            .client
            .call_raw("eth_getBlockByNumber", json!([hex_u64(number), false]), Some(number))
            .await
            .map_err(|e| match e {
                WitnessError::NotRecorded { .. } | WitnessError::BlockNotFound { .. } => {
                    VerifyError::BlockNotFound { number }
                }
                e => rpc_error(e),
            })?;
        if raw.is_null() {
            return Err(VerifyError::BlockNotFound { number });
        }
        TrustedHeader::from_json_value(&raw)
    }
}
