//! Consensus checks that need no state: the header against its parent, and the body
//! against the header.

use crate::{
    chain::ChainConfig,
    error::{ExecutorError, Mismatch},
    input::EthBlock,
};
use alloy_consensus::{
    EMPTY_OMMER_ROOT_HASH, Header,
    proofs::{calculate_ommers_root, calculate_transaction_root, calculate_withdrawals_root},
};
use alloy_eips::{
    eip1559::{BaseFeeParams, INITIAL_BASE_FEE, calc_next_block_base_fee},
    eip4844::DATA_GAS_PER_BLOB,
};
use alloy_hardforks::{EthereumHardfork, EthereumHardforks};
use alloy_primitives::{U256, hex};

/// Extra data the ten DAO fork blocks must carry.
pub const DAO_EXTRA_DATA: [u8; 13] = hex!("64616f2d686172642d666f726b");
const GAS_LIMIT_BOUND_DIVISOR: u64 = 1024;
const MIN_GAS_LIMIT: u64 = 5000;
const MAX_GAS_LIMIT: u64 = 0x7fff_ffff_ffff_ffff;
const MIN_DIFFICULTY: u64 = 131_072;

/// Checks `header` against `parent` under `chain`'s rules.
///
/// Order: number, timestamp, gas limit bounds, gas used ≤ limit, extra data, DAO extra
/// data, base fee (London), proof-of-work or proof-of-stake fields (difficulty, nonce),
/// fork-gated optional fields (withdrawals root, blob gas, beacon root, requests hash),
/// excess blob gas (Cancun).
pub fn validate_header(
    chain: &ChainConfig,
    header: &Header,
    parent: &Header,
) -> Result<(), ExecutorError> {
    let number = header.number;
    let ts = header.timestamp;
    if number != parent.number.wrapping_add(1) {
        return Err(ExecutorError::BlockNumber(Mismatch::new(
            parent.number.wrapping_add(1),
            number,
        )));
    }
    if ts <= parent.timestamp {
        return Err(ExecutorError::TimestampNotAfterParent { parent: parent.timestamp, got: ts });
    }

    // Gas limit: within 1/1024 of the parent's (doubled at the London transition).
    let london = chain.is_london_active_at_block(number);
    let mut parent_limit = parent.gas_limit;
    if london && !chain.is_london_active_at_block(parent.number) {
        parent_limit = parent_limit.saturating_mul(2);
    }
    let bound = parent_limit / GAS_LIMIT_BOUND_DIVISOR;
    if header.gas_limit > MAX_GAS_LIMIT
        || header.gas_limit < MIN_GAS_LIMIT
        || header.gas_limit.abs_diff(parent_limit) >= bound
    {
        return Err(ExecutorError::GasLimitOutOfBounds {
            parent: parent_limit,
            got: header.gas_limit,
        });
    }
    if header.gas_used > header.gas_limit {
        return Err(ExecutorError::GasUsedExceedsLimit {
            used: header.gas_used,
            limit: header.gas_limit,
        });
    }
    if header.extra_data.len() > 32 {
        return Err(ExecutorError::ExtraDataTooLong(header.extra_data.len()));
    }
    if let Some(dao) = chain.ethereum_fork_activation(EthereumHardfork::Dao).block_number()
        && number >= dao
        && number < dao + 10
        && header.extra_data.as_ref() != DAO_EXTRA_DATA
    {
        return Err(ExecutorError::DaoExtraData);
    }

    // EIP-1559 base fee.
    let expected_base_fee = if !london {
        None
    } else if !chain.is_london_active_at_block(parent.number) {
        Some(INITIAL_BASE_FEE)
    } else {
        let parent_fee =
            parent.base_fee_per_gas.ok_or(ExecutorError::MissingHeaderField("parent base fee"))?;
        Some(calc_next_block_base_fee(
            parent.gas_used,
            parent.gas_limit,
            parent_fee,
            BaseFeeParams::ethereum(),
        ))
    };
    if header.base_fee_per_gas != expected_base_fee {
        return Err(ExecutorError::BaseFee(Mismatch::new(
            expected_base_fee,
            header.base_fee_per_gas,
        )));
    }

    // Proof of stake (Paris) or proof of work.
    if chain.is_paris_active_at_block(number) {
        if header.difficulty != U256::ZERO {
            return Err(ExecutorError::Difficulty(Mismatch::new(U256::ZERO, header.difficulty)));
        }
        let nonce = u64::from_be_bytes(header.nonce.0);
        if nonce != 0 {
            return Err(ExecutorError::NonZeroNonce(nonce));
        }
        if header.ommers_hash != EMPTY_OMMER_ROOT_HASH {
            return Err(ExecutorError::OmmersHash(Mismatch::new(
                EMPTY_OMMER_ROOT_HASH,
                header.ommers_hash,
            )));
        }
    } else {
        let expected = ethash_difficulty(chain, header, parent);
        if header.difficulty != expected {
            return Err(ExecutorError::Difficulty(Mismatch::new(expected, header.difficulty)));
        }
    }

    // Fork-gated header fields.
    let shanghai = chain.is_shanghai_active_at_timestamp(ts);
    let cancun = chain.is_cancun_active_at_timestamp(ts);
    let prague = chain.is_prague_active_at_timestamp(ts);
    field_presence("withdrawals_root", header.withdrawals_root.is_some(), shanghai)?;
    field_presence("blob_gas_used", header.blob_gas_used.is_some(), cancun)?;
    field_presence("excess_blob_gas", header.excess_blob_gas.is_some(), cancun)?;
    field_presence("parent_beacon_block_root", header.parent_beacon_block_root.is_some(), cancun)?;
    field_presence("requests_hash", header.requests_hash.is_some(), prague)?;
    field_presence("base_fee_per_gas", header.base_fee_per_gas.is_some(), london)?;

    if let Some(params) = chain.blob_params_at(ts)? {
        let blob_gas_used = header.blob_gas_used.unwrap_or_default();
        let max = params.max_blob_gas_per_block();
        if blob_gas_used > max || !blob_gas_used.is_multiple_of(DATA_GAS_PER_BLOB) {
            return Err(ExecutorError::BlobGasUsed(Mismatch::new(
                max.min(blob_gas_used),
                blob_gas_used,
            )));
        }
        // At the Cancun transition the parent has no blob fields: excess starts at zero.
        let expected = if chain.is_cancun_active_at_timestamp(parent.timestamp) {
            parent.next_block_excess_blob_gas(params).unwrap_or_default()
        } else {
            0
        };
        let got = header.excess_blob_gas.unwrap_or_default();
        if got != expected {
            return Err(ExecutorError::ExcessBlobGas(Mismatch::new(expected, got)));
        }
    }
    Ok(())
}

fn field_presence(name: &'static str, present: bool, required: bool) -> Result<(), ExecutorError> {
    match (present, required) {
        (false, true) => Err(ExecutorError::MissingHeaderField(name)),
        (true, false) => Err(ExecutorError::UnexpectedHeaderField(name)),
        _ => Ok(()),
    }
}

/// The proof-of-work difficulty rule of the fork active at `header` (Frontier, Homestead
/// EIP-2, Byzantium EIP-100 with the difficulty-bomb delays of EIP-649, EIP-1234,
/// EIP-2384, EIP-3554, EIP-4345 and EIP-5133).
pub fn ethash_difficulty(chain: &ChainConfig, header: &Header, parent: &Header) -> U256 {
    let number = header.number;
    let parent_diff = parent.difficulty;
    let step = parent_diff / U256::from(2048u64);
    let dt = header.timestamp.saturating_sub(parent.timestamp);
    let (sigma, negative): (u64, bool) = if chain.is_byzantium_active_at_block(number) {
        let uncles = if parent.ommers_hash == EMPTY_OMMER_ROOT_HASH { 1u64 } else { 2 };
        let x = dt / 9;
        if x <= uncles { (uncles - x, false) } else { ((x - uncles).min(99), true) }
    } else if chain.is_homestead_active_at_block(number) {
        let x = dt / 10;
        if x == 0 { (1, false) } else { ((x - 1).min(99), true) }
    } else if dt < 13 {
        (1, false)
    } else {
        (1, true)
    };
    let adj = step * U256::from(sigma);
    let mut diff = if negative { parent_diff.saturating_sub(adj) } else { parent_diff + adj };
    diff = diff.max(U256::from(MIN_DIFFICULTY));

    use EthereumHardfork as F;
    let delay = [
        (F::GrayGlacier, 11_400_000u64),
        (F::ArrowGlacier, 10_700_000),
        (F::London, 9_700_000),
        (F::MuirGlacier, 9_000_000),
        (F::Constantinople, 5_000_000),
        (F::Byzantium, 3_000_000),
    ]
    .iter()
    .find(|(f, _)| chain.ethereum_fork_activation(*f).active_at_block(number))
    .map_or(0, |(_, d)| *d);
    let fake = number.saturating_sub(delay);
    let period = fake / 100_000;
    if period >= 2 {
        diff += U256::from(1u64) << (period - 2) as usize;
    }
    diff
}

/// Checks the body against the header: transactions root, ommers hash (and that a
/// post-merge block has none), withdrawals presence and root.
pub fn validate_body(chain: &ChainConfig, block: &EthBlock) -> Result<(), ExecutorError> {
    let header = &block.header;
    // A block holds blob transactions in their canonical form; the network form (with
    // blobs, commitments and proofs) decodes as the same envelope but is not part of a block.
    let with_sidecar = block.body.transactions.iter().any(|tx| {
        matches!(
            tx,
            alloy_consensus::TxEnvelope::Eip4844(signed)
                if matches!(signed.tx(), alloy_consensus::TxEip4844Variant::TxEip4844WithSidecar(_))
        )
    });
    if with_sidecar {
        return Err(ExecutorError::Decode {
            what: "block",
            reason: "blob transaction in network form (with sidecar)",
        });
    }
    let tx_root = calculate_transaction_root(&block.body.transactions);
    if tx_root != header.transactions_root {
        return Err(ExecutorError::TransactionsRoot(Mismatch::new(
            header.transactions_root,
            tx_root,
        )));
    }
    let ommers_root = calculate_ommers_root(&block.body.ommers);
    if ommers_root != header.ommers_hash {
        return Err(ExecutorError::OmmersHash(Mismatch::new(header.ommers_hash, ommers_root)));
    }
    if chain.is_paris_active_at_block(header.number) && !block.body.ommers.is_empty() {
        return Err(ExecutorError::OmmersAfterMerge(block.body.ommers.len()));
    }
    if block.body.ommers.len() > 2 {
        return Err(ExecutorError::InvalidOmmer("more than two ommers"));
    }
    let shanghai = chain.is_shanghai_active_at_timestamp(header.timestamp);
    match (&block.body.withdrawals, shanghai) {
        (Some(w), true) => {
            let root = calculate_withdrawals_root(w);
            let expected = header.withdrawals_root.unwrap_or_default();
            if root != expected {
                return Err(ExecutorError::WithdrawalsRoot(Mismatch::new(expected, root)));
            }
        }
        (None, false) => {}
        _ => return Err(ExecutorError::BodyField("withdrawals")),
    }
    Ok(())
}

/// Checks each ommer: a valid header against its own parent, which must be one of the
/// block's ancestors 2..=7 generations back; not itself an ancestor; no duplicates.
///
/// # Assumptions
/// `ancestors[0]` is the block's parent and the list is a verified hash chain.
pub fn validate_ommers(
    chain: &ChainConfig,
    block: &EthBlock,
    ancestors: &[Header],
) -> Result<(), ExecutorError> {
    let number = block.header.number;
    let mut seen = alloc::vec::Vec::new();
    for ommer in &block.body.ommers {
        let hash = ommer.hash_slow();
        if seen.contains(&hash) {
            return Err(ExecutorError::InvalidOmmer("duplicate ommer"));
        }
        seen.push(hash);
        if ommer.number >= number || number - ommer.number > 6 || ommer.number == 0 {
            return Err(ExecutorError::InvalidOmmer("ommer depth out of range"));
        }
        if ancestors.iter().any(|a| a.hash_slow() == hash) {
            return Err(ExecutorError::InvalidOmmer("ommer is an ancestor"));
        }
        // The ommer's parent is the ancestor at height ommer.number - 1.
        let depth = (number - ommer.number) as usize; // ancestors[depth] has number - depth - 1
        let parent = ancestors
            .get(depth)
            .ok_or(ExecutorError::MissingAncestor(ommer.number.saturating_sub(1)))?;
        if parent.hash_slow() != ommer.parent_hash {
            return Err(ExecutorError::InvalidOmmer("ommer parent is not an ancestor"));
        }
        validate_header(chain, ommer, parent)
            .map_err(|_| ExecutorError::InvalidOmmer("ommer header is invalid"))?;
    }
    Ok(())
}
