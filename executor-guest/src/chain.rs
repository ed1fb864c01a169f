//! Chain configuration: chain id, fork activations and the deposit contract.
//!
//! The configuration travels inside the input and its hash is part of the
//! [`BlockCommitment`](crate::BlockCommitment), so a verifier knows which rules a proof used.

use crate::error::{ExecutorError, rlp_reason};
use alloc::vec::Vec;
use alloy_eips::{eip6110::MAINNET_DEPOSIT_CONTRACT_ADDRESS, eip7840::BlobParams};
use alloy_evm::eth::spec::EthExecutorSpec;
use alloy_hardforks::{EthereumHardfork, EthereumHardforks, ForkCondition};
use alloy_primitives::{Address, B256, keccak256};
use alloy_rlp::{Decodable, Encodable, Header};

/// Fork ids of the wire format, in activation order. The index in this table is the id.
pub const FORKS: [EthereumHardfork; 25] = [
    EthereumHardfork::Frontier,
    EthereumHardfork::Homestead,
    EthereumHardfork::Dao,
    EthereumHardfork::Tangerine,
    EthereumHardfork::SpuriousDragon,
    EthereumHardfork::Byzantium,
    EthereumHardfork::Constantinople,
    EthereumHardfork::Petersburg,
    EthereumHardfork::Istanbul,
    EthereumHardfork::MuirGlacier,
    EthereumHardfork::Berlin,
    EthereumHardfork::London,
    EthereumHardfork::ArrowGlacier,
    EthereumHardfork::GrayGlacier,
    EthereumHardfork::Paris,
    EthereumHardfork::Shanghai,
    EthereumHardfork::Cancun,
    EthereumHardfork::Prague,
    EthereumHardfork::Osaka,
    EthereumHardfork::Bpo1,
    EthereumHardfork::Bpo2,
    EthereumHardfork::Bpo3,
    EthereumHardfork::Bpo4,
    EthereumHardfork::Bpo5,
    EthereumHardfork::Amsterdam,
];

/// When a fork activates. Post-merge forks activate by timestamp, earlier ones by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// At this block number.
    Block(u64),
    /// At this timestamp.
    Timestamp(u64),
}

/// The rules a block is executed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Active forks with their activation; forks not listed never activate.
    pub forks: Vec<(EthereumHardfork, Activation)>,
    /// EIP-6110 deposit contract (Prague and later).
    pub deposit_contract: Option<Address>,
}

impl ChainConfig {
    /// Ethereum mainnet (chain id 1), every fork up to the newest scheduled one.
    pub fn mainnet() -> Self {
        let forks = EthereumHardfork::mainnet()
            .into_iter()
            .filter_map(|(fork, cond)| {
                let act = match cond {
                    ForkCondition::Block(n) => Activation::Block(n),
                    ForkCondition::Timestamp(t) => Activation::Timestamp(t),
                    ForkCondition::TTD { activation_block_number, .. } => {
                        Activation::Block(activation_block_number)
                    }
                    ForkCondition::Never => return None,
                };
                Some((fork, act))
            })
            .collect();
        Self { chain_id: 1, forks, deposit_contract: Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS) }
    }

    /// A chain where every listed fork up to and including `last` is active from genesis
    /// (the shape of the conformance suite's single-fork networks).
    pub fn all_forks_until(chain_id: u64, last: EthereumHardfork) -> Self {
        let mut forks = Vec::new();
        for fork in FORKS {
            let act = if is_timestamp_fork(fork) {
                Activation::Timestamp(0)
            } else {
                Activation::Block(0)
            };
            if fork == EthereumHardfork::Dao {
                // The DAO fork is an irregular state change at one block, not a rule set.
                if last == EthereumHardfork::Dao {
                    break;
                }
                continue;
            }
            forks.push((fork, act));
            if fork == last {
                break;
            }
        }
        Self { chain_id, forks, deposit_contract: None }
    }

    /// Sets (or adds) one fork's activation.
    pub fn with_fork(mut self, fork: EthereumHardfork, act: Activation) -> Self {
        self.forks.retain(|(f, _)| *f != fork);
        self.forks.push((fork, act));
        self
    }

    /// Removes a fork (it never activates).
    pub fn without_fork(mut self, fork: EthereumHardfork) -> Self {
        self.forks.retain(|(f, _)| *f != fork);
        self
    }

    /// The EIP-4844 / EIP-7691 / EIP-7892 blob parameters in force at `timestamp`, if any.
    pub fn blob_params_at(&self, timestamp: u64) -> Result<Option<BlobParams>, ExecutorError> {
        use EthereumHardfork as F;
        let active = |f| self.ethereum_fork_activation(f).active_at_timestamp(timestamp);
        for (fork, name) in [(F::Bpo5, "BPO5"), (F::Bpo4, "BPO4"), (F::Bpo3, "BPO3")] {
            if active(fork) {
                return Err(ExecutorError::UnsupportedFork(name));
            }
        }
        Ok(if active(F::Bpo2) {
            Some(BlobParams::bpo2())
        } else if active(F::Bpo1) {
            Some(BlobParams::bpo1())
        } else if active(F::Osaka) {
            Some(BlobParams::osaka())
        } else if active(F::Prague) {
            Some(BlobParams::prague())
        } else if active(F::Cancun) {
            Some(BlobParams::cancun())
        } else {
            None
        })
    }

    /// keccak256 of the canonical encoding: what the block commitment binds.
    pub fn hash(&self) -> B256 {
        let mut buf = Vec::new();
        self.encode(&mut buf);
        keccak256(buf)
    }

    /// Canonical RLP: `[chain_id, [[fork_id, kind, value], ...], deposit_contract]`, forks
    /// sorted by id; kind 0 = block number, 1 = timestamp; an absent deposit contract is the
    /// empty string.
    pub fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
        let forks = self.sorted_fork_entries();
        let forks_len: usize = forks.iter().map(fork_entry_len).sum();
        let deposit: &[u8] = self.deposit_contract.as_ref().map_or(&[], |a| a.as_slice());
        let payload = self.chain_id.length()
            + Header { list: true, payload_length: forks_len }.length_with_payload()
            + deposit.length();
        Header { list: true, payload_length: payload }.encode(out);
        self.chain_id.encode(out);
        Header { list: true, payload_length: forks_len }.encode(out);
        for e in &forks {
            Header { list: true, payload_length: fork_entry_payload(e) }.encode(out);
            e.0.encode(out);
            e.1.encode(out);
            e.2.encode(out);
        }
        deposit.encode(out);
    }

    /// Decodes the canonical encoding.
    pub fn decode(buf: &mut &[u8]) -> Result<Self, ExecutorError> {
        let err = |reason| ExecutorError::Decode { what: "chain config", reason };
        let h = Header::decode(buf).map_err(|e| err(rlp_reason(e)))?;
        if !h.list {
            return Err(err("expected a list"));
        }
        let (mut body, rest) = buf.split_at(h.payload_length);
        *buf = rest;
        let chain_id = u64::decode(&mut body).map_err(|e| err(rlp_reason(e)))?;
        let fh = Header::decode(&mut body).map_err(|e| err(rlp_reason(e)))?;
        if !fh.list {
            return Err(err("forks: expected a list"));
        }
        if body.len() < fh.payload_length {
            return Err(err("forks: truncated"));
        }
        let (mut fb, mut body) = body.split_at(fh.payload_length);
        let mut forks = Vec::new();
        while !fb.is_empty() {
            let eh = Header::decode(&mut fb).map_err(|e| err(rlp_reason(e)))?;
            if !eh.list || fb.len() < eh.payload_length {
                return Err(err("fork entry: expected a list"));
            }
            let (mut eb, rest) = fb.split_at(eh.payload_length);
            fb = rest;
            let id = u8::decode(&mut eb).map_err(|e| err(rlp_reason(e)))?;
            let kind = u8::decode(&mut eb).map_err(|e| err(rlp_reason(e)))?;
            let value = u64::decode(&mut eb).map_err(|e| err(rlp_reason(e)))?;
            if !eb.is_empty() {
                return Err(err("fork entry: extra items"));
            }
            let fork = *FORKS.get(id as usize).ok_or(ExecutorError::UnknownFork(id))?;
            let act = match kind {
                0 => Activation::Block(value),
                1 => Activation::Timestamp(value),
                _ => return Err(err("fork entry: kind must be 0 or 1")),
            };
            forks.push((fork, act));
        }
        let deposit = alloy_primitives::Bytes::decode(&mut body).map_err(|e| err(rlp_reason(e)))?;
        let deposit_contract = match deposit.len() {
            0 => None,
            20 => Some(Address::from_slice(&deposit)),
            _ => return Err(err("deposit contract must be 0 or 20 bytes")),
        };
        if !body.is_empty() {
            return Err(err("extra items"));
        }
        Ok(Self { chain_id, forks, deposit_contract })
    }

    fn sorted_fork_entries(&self) -> Vec<(u8, u8, u64)> {
        let mut v: Vec<(u8, u8, u64)> = self
            .forks
            .iter()
            .filter_map(|(f, a)| {
                let id = FORKS.iter().position(|x| x == f)? as u8;
                Some(match a {
                    Activation::Block(n) => (id, 0, *n),
                    Activation::Timestamp(t) => (id, 1, *t),
                })
            })
            .collect();
        v.sort_unstable();
        v
    }
}

fn fork_entry_payload(e: &(u8, u8, u64)) -> usize {
    e.0.length() + e.1.length() + e.2.length()
}

fn fork_entry_len(e: &(u8, u8, u64)) -> usize {
    Header { list: true, payload_length: fork_entry_payload(e) }.length_with_payload()
}

/// Forks from Shanghai on activate by timestamp.
pub fn is_timestamp_fork(fork: EthereumHardfork) -> bool {
    let idx = FORKS.iter().position(|f| *f == fork).unwrap_or(0);
    let shanghai = FORKS.iter().position(|f| *f == EthereumHardfork::Shanghai).unwrap_or(0);
    idx >= shanghai
}

impl EthereumHardforks for ChainConfig {
    fn ethereum_fork_activation(&self, fork: EthereumHardfork) -> ForkCondition {
        self.forks
            .iter()
            .find(|(f, _)| *f == fork)
            .map(|(_, a)| match a {
                Activation::Block(n) => ForkCondition::Block(*n),
                Activation::Timestamp(t) => ForkCondition::Timestamp(*t),
            })
            .unwrap_or(ForkCondition::Never)
    }
}

impl EthExecutorSpec for ChainConfig {
    fn deposit_contract_address(&self) -> Option<Address> {
        self.deposit_contract
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_hash_is_order_independent() {
        let c = ChainConfig::mainnet();
        let mut buf = Vec::new();
        c.encode(&mut buf);
        let d = ChainConfig::decode(&mut buf.as_slice()).unwrap();
        assert_eq!(d.chain_id, 1);
        assert_eq!(d.hash(), c.hash());
        let mut rev = c.clone();
        rev.forks.reverse();
        assert_eq!(rev.hash(), c.hash());
        assert!(d.is_paris_active_at_block(15_537_394));
        assert!(!d.is_paris_active_at_block(15_537_393));
        assert!(d.is_cancun_active_at_timestamp(1_710_338_135));
    }

    #[test]
    fn garbage_is_a_typed_error() {
        for bytes in [&[][..], &[0xc0], &[0xc1, 0x01], &[0xc4, 0x01, 0xc1, 0xc0, 0x80], &[0xff; 8]]
        {
            assert!(ChainConfig::decode(&mut &bytes[..]).is_err(), "{bytes:?}");
        }
    }
}
