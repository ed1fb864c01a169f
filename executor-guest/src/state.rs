//! The witness-backed state: a revm [`Database`] over sparse tries verified from the
//! parent's state root, and the application of the block's state diff to those tries.

use crate::{
    error::ExecutorError,
    trie::{NodeStore, SparseTrie},
};
use alloc::{collections::BTreeMap, vec::Vec};
use alloy_primitives::{
    Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256,
    map::{AddressMap, B256Map},
};
use alloy_rlp::Decodable;
use alloy_trie::{EMPTY_ROOT_HASH, Nibbles, TrieAccount};
use revm::{
    Database,
    bytecode::Bytecode,
    database::{BundleAccount, BundleState},
    state::AccountInfo,
};

/// One account's storage trie, opened lazily from the account's storage root.
#[derive(Debug, Clone)]
struct StorageTrie {
    trie: SparseTrie,
}

/// State backed by witness nodes: every value read is proven against the parent's root.
#[derive(Debug)]
pub struct WitnessState {
    store: NodeStore,
    accounts: SparseTrie,
    storage: AddressMap<StorageTrie>,
    /// Accounts as read from the trie (`None` = proven absent), cached per address.
    loaded: AddressMap<Option<TrieAccount>>,
    codes: B256Map<Bytecode>,
    block_hashes: BTreeMap<u64, B256>,
    /// The first error this database returned to the EVM. revm and alloy-evm carry database
    /// errors as text; keeping the typed original lets validation report it as such.
    first_error: Option<ExecutorError>,
}

impl WitnessState {
    /// Opens the state at `state_root` over the witness `nodes` and `codes`; `block_hashes`
    /// serve BLOCKHASH (number → hash, already verified as a hash chain).
    pub fn new(
        state_root: B256,
        nodes: &[Bytes],
        codes: &[Bytes],
        block_hashes: BTreeMap<u64, B256>,
    ) -> Self {
        let codes = codes
            .iter()
            .map(|c| (keccak256(c), Bytecode::new_raw(c.clone())))
            .collect::<B256Map<_>>();
        Self {
            store: NodeStore::new(nodes),
            accounts: SparseTrie::from_root(state_root),
            storage: AddressMap::default(),
            loaded: AddressMap::default(),
            codes,
            block_hashes,
            first_error: None,
        }
    }

    /// The first error returned to the EVM, if any (taken).
    pub fn take_error(&mut self) -> Option<ExecutorError> {
        self.first_error.take()
    }

    fn note<T>(&mut self, r: Result<T, ExecutorError>) -> Result<T, ExecutorError> {
        if let Err(e) = &r
            && self.first_error.is_none()
        {
            self.first_error = Some(e.clone());
        }
        r
    }

    /// A copy of the tries and caches (the witness node store is shared, not copied).
    pub fn clone_tries(&self) -> Self {
        Self {
            store: self.store.clone(),
            accounts: self.accounts.clone(),
            storage: self.storage.clone(),
            loaded: self.loaded.clone(),
            codes: self.codes.clone(),
            block_hashes: self.block_hashes.clone(),
            first_error: None,
        }
    }

    /// Number of distinct witness nodes.
    pub fn node_count(&self) -> usize {
        self.store.len()
    }

    fn account(&mut self, address: Address) -> Result<Option<TrieAccount>, ExecutorError> {
        if let Some(a) = self.loaded.get(&address) {
            return Ok(*a);
        }
        let key = Nibbles::unpack(keccak256(address));
        let account = match self.accounts.get(&self.store, &key)? {
            None => None,
            Some(mut leaf) => {
                let acc = TrieAccount::decode(&mut leaf)
                    .map_err(|_| ExecutorError::MalformedAccount(address))?;
                if !leaf.is_empty() {
                    return Err(ExecutorError::MalformedAccount(address));
                }
                Some(acc)
            }
        };
        self.loaded.insert(address, account);
        Ok(account)
    }

    fn storage_trie(&mut self, address: Address) -> Result<&mut StorageTrie, ExecutorError> {
        if !self.storage.contains_key(&address) {
            let root = self.account(address)?.map_or(EMPTY_ROOT_HASH, |a| a.storage_root);
            self.storage.insert(address, StorageTrie { trie: SparseTrie::from_root(root) });
        }
        Ok(self.storage.get_mut(&address).expect("inserted above"))
    }

    fn read_storage(&mut self, address: Address, slot: U256) -> Result<U256, ExecutorError> {
        let key = Nibbles::unpack(keccak256(B256::from(slot)));
        self.storage_trie(address)?;
        let store = &self.store;
        let storage = self.storage.get_mut(&address).expect("opened above");
        match storage.trie.get(store, &key)? {
            None => Ok(U256::ZERO),
            Some(mut leaf) => {
                let v = U256::decode(&mut leaf).map_err(|_| ExecutorError::MalformedStorage {
                    address,
                    slot: B256::from(slot),
                })?;
                Ok(v)
            }
        }
    }

    /// Applies a block's state diff and returns the new state root.
    ///
    /// Steps, in order: (1) per account, wipe storage if the account was destroyed, then
    /// write storage slots — all inserts before any deletion, so a deletion never collapses
    /// a branch that a later insert would have kept; (2) recompute each changed account's
    /// storage root; (3) write account leaves, inserts before deletions; (4) hash the root.
    pub fn apply_bundle(&mut self, bundle: &BundleState) -> Result<B256, ExecutorError> {
        // Deterministic order (the result does not depend on it, but errors should).
        let mut changed: Vec<(&Address, &BundleAccount)> = bundle.state.iter().collect();
        changed.sort_by_key(|(a, _)| **a);

        let mut account_updates: Vec<(Address, Option<TrieAccount>)> = Vec::new();
        for (address, acc) in changed {
            let address = *address;
            if acc.info.is_none() {
                account_updates.push((address, None));
                continue;
            }
            // Load the pre-state account (for its storage root) before touching storage.
            self.account(address)?;
            if acc.status.was_destroyed() {
                self.storage.insert(address, StorageTrie { trie: SparseTrie::empty() });
            }
            let mut slots: Vec<(U256, U256)> = acc
                .storage
                .iter()
                .filter(|(_, s)| acc.status.was_destroyed() || s.is_changed())
                .map(|(k, s)| (*k, s.present_value))
                .collect();
            slots.sort_unstable();
            self.storage_trie(address)?;
            let store = &self.store;
            let storage = self.storage.get_mut(&address).expect("opened above");
            for (slot, value) in slots.iter().filter(|(_, v)| !v.is_zero()) {
                let key = Nibbles::unpack(keccak256(B256::from(*slot)));
                storage.trie.insert(store, &key, alloy_rlp::encode(value))?;
            }
            for (slot, _) in slots.iter().filter(|(_, v)| v.is_zero()) {
                let key = Nibbles::unpack(keccak256(B256::from(*slot)));
                storage.trie.remove(store, &key)?;
            }
            let info = acc.info.as_ref().expect("checked above");
            account_updates.push((
                address,
                Some(TrieAccount {
                    nonce: info.nonce,
                    balance: info.balance,
                    storage_root: storage.trie.root(),
                    code_hash: info.code_hash,
                }),
            ));
        }

        for (address, acc) in account_updates.iter().filter(|(_, a)| a.is_some()) {
            let key = Nibbles::unpack(keccak256(address));
            self.accounts.insert(&self.store, &key, alloy_rlp::encode(acc.expect("filtered")))?;
            self.loaded.insert(*address, *acc);
        }
        for (address, _) in account_updates.iter().filter(|(_, a)| a.is_none()) {
            let key = Nibbles::unpack(keccak256(address));
            self.accounts.remove(&self.store, &key)?;
            self.loaded.insert(*address, None);
            self.storage.insert(*address, StorageTrie { trie: SparseTrie::empty() });
        }
        Ok(self.accounts.root())
    }

    /// The current state root.
    pub fn state_root(&self) -> B256 {
        self.accounts.root()
    }
}

impl crate::execute::PreStateStorage for WitnessState {
    fn has_pre_state_storage(&mut self, address: Address) -> Result<bool, ExecutorError> {
        // `loaded` holds pre-state accounts until `apply_bundle`, which runs after execution.
        let r = self.account(address);
        Ok(self.note(r)?.is_some_and(|a| a.storage_root != EMPTY_ROOT_HASH))
    }
}

impl Database for WitnessState {
    type Error = ExecutorError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        let r = self.account(address);
        Ok(self.note(r)?.map(|a| AccountInfo {
            balance: a.balance,
            nonce: a.nonce,
            code_hash: a.code_hash,
            code: None,
            ..Default::default()
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        if code_hash == KECCAK256_EMPTY || code_hash == B256::ZERO {
            return Ok(Bytecode::default());
        }
        let r = self.codes.get(&code_hash).cloned().ok_or(ExecutorError::MissingCode(code_hash));
        self.note(r)
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, Self::Error> {
        let r = self.read_storage(address, index);
        self.note(r)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        let r =
            self.block_hashes.get(&number).copied().ok_or(ExecutorError::MissingAncestor(number));
        self.note(r)
    }
}

impl revm::database_interface::DBErrorMarker for ExecutorError {}
