//! The runner's own full state: every account in plain form, the tries built from it (the
//! state root and the witness of a block), and the application of a block's state diff.

use crate::error::TestError;
use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256};
use alloy_trie::{Nibbles, TrieAccount};
use revm::database::BundleState;
use stateless_executor::trie::{NodeStore, SparseTrie};
use std::collections::BTreeMap;

/// One account in plain form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainAccount {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code (empty for an externally owned account).
    pub code: Bytes,
    /// Non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

impl PlainAccount {
    /// keccak256 of the code.
    pub fn code_hash(&self) -> B256 {
        if self.code.is_empty() { KECCAK256_EMPTY } else { keccak256(&self.code) }
    }
}

/// A whole state: address → account.
pub type PlainState = BTreeMap<Address, PlainAccount>;

/// The tries of a state, in the form a [`StatelessInput`](stateless_executor::StatelessInput)
/// carries them.
#[derive(Debug, Clone)]
pub struct Witness {
    /// State root.
    pub root: B256,
    /// Every node of the account trie and of every storage trie.
    pub nodes: Vec<Bytes>,
    /// Every non-empty code.
    pub codes: Vec<Bytes>,
}

/// Builds the account trie and the storage tries of `state` from scratch.
pub fn witness(state: &PlainState) -> Result<Witness, TestError> {
    let store = NodeStore::default();
    let trie_err = |e| TestError::Trie(format!("{e}"));
    let mut accounts = SparseTrie::empty();
    let mut nodes = Vec::new();
    let mut codes = Vec::new();
    for (address, account) in state {
        let mut storage = SparseTrie::empty();
        for (slot, value) in account.storage.iter().filter(|(_, v)| !v.is_zero()) {
            let key = Nibbles::unpack(keccak256(B256::from(*slot)));
            storage.insert(&store, &key, alloy_rlp::encode(value)).map_err(trie_err)?;
        }
        nodes.extend(storage.encoded_nodes().into_iter().map(Bytes::from));
        if !account.code.is_empty() {
            codes.push(account.code.clone());
        }
        let leaf = TrieAccount {
            nonce: account.nonce,
            balance: account.balance,
            storage_root: storage.root(),
            code_hash: account.code_hash(),
        };
        let key = Nibbles::unpack(keccak256(address));
        accounts.insert(&store, &key, alloy_rlp::encode(leaf)).map_err(trie_err)?;
    }
    nodes.extend(accounts.encoded_nodes().into_iter().map(Bytes::from));
    codes.sort_unstable();
    codes.dedup();
    Ok(Witness { root: accounts.root(), nodes, codes })
}

/// Applies a block's state diff to a copy of `parent`.
///
/// Per changed account: absent info deletes it; a destroyed account's storage is wiped
/// first; balance, nonce and code (from the bundle's contracts, the info, or the parent
/// when the hash is unchanged) are replaced; each slot takes its present value, zero
/// deleting it.
pub fn apply_bundle(parent: &PlainState, bundle: &BundleState) -> Result<PlainState, TestError> {
    let mut state = parent.clone();
    for (address, acc) in &bundle.state {
        let Some(info) = &acc.info else {
            state.remove(address);
            continue;
        };
        let prev = state.remove(address).unwrap_or_default();
        let code = if info.code_hash == KECCAK256_EMPTY || info.code_hash == B256::ZERO {
            Bytes::new()
        } else if let Some(code) = bundle.contracts.get(&info.code_hash) {
            code.original_bytes()
        } else if let Some(code) = &info.code {
            code.original_bytes()
        } else if prev.code_hash() == info.code_hash {
            prev.code.clone()
        } else {
            return Err(TestError::MissingCode { address: *address, code_hash: info.code_hash });
        };
        let mut storage = if acc.status.was_destroyed() { BTreeMap::new() } else { prev.storage };
        for (slot, value) in &acc.storage {
            if value.present_value.is_zero() {
                storage.remove(slot);
            } else {
                storage.insert(*slot, value.present_value);
            }
        }
        state.insert(
            *address,
            PlainAccount { balance: info.balance, nonce: info.nonce, code, storage },
        );
    }
    Ok(state)
}
