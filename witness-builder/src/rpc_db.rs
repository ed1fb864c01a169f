//! [`RpcDb`]: a revm [`Database`] over [`RpcClient`] that serves the pre-state of block `n`
//! (the state after its parent `n - 1`) and records everything execution touches.
//!
//! Native pre-execution of a block on this database discovers the accounts, slots, codes and
//! ancestor headers that the stateless witness must hold. Per call:
//!
//! 1. `basic(addr)`: `eth_getProof(addr, [], n-1)`; the account proof is checked against the
//!    parent's state root, as an inclusion proof of the returned account or else as an
//!    exclusion proof, so that existence is exact (geth answers a zero code hash for absent
//!    accounts; before EIP-161 empty accounts can exist, so emptiness alone says nothing). If
//!    the code hash is not `KECCAK_EMPTY`, `eth_getCode` fetches the code and keccak256(code)
//!    must equal the code hash.
//! 2. `storage(addr, slot)`: `eth_getStorageAt(addr, slot, n-1)`, skipped (zero) when the
//!    account is absent or its storage root is the empty root.
//! 3. `block_hash(k)`: `eth_getBlockByNumber(k, false)`; the header must hash to the reported
//!    hash; it is recorded for BLOCKHASH.
//! 4. `code_by_hash(h)`: served from the codes fetched in step 1.
//!
//! # Calling it from sync code
//!
//! revm's [`Database`] is synchronous while the client is async. The database holds a
//! [`tokio::runtime::Handle`] and runs each request with `handle.block_on`, which panics on a
//! thread that is driving a runtime (an async task). So use it only from a thread where
//! blocking is allowed:
//!
//! - from async code: [`RpcDb::run_blocking`] (or `tokio::task::spawn_blocking` yourself);
//! - from a plain `std::thread` (not a runtime worker) with a handle of a live multi-thread
//!   runtime, or of a current-thread runtime that some other thread keeps driving.
//!
//! # Assumptions
//! - The node is an archive node for block `n - 1` (else [`WitnessError::NodeLacksHistory`]).
//! - revm asks `basic` before `storage` for an account (it always does), and asks
//!   `block_hash` only for the 256 ancestors it may read.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256};
use alloy_rlp::RlpEncodable;
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_trie::{EMPTY_ROOT_HASH, Nibbles, proof::verify_proof};
use revm::Database;
use revm::bytecode::Bytecode;
use revm::state::AccountInfo;
use tokio::runtime::Handle;

use crate::error::{Result, WitnessError};
use crate::rpc::{RpcBlock, RpcClient};

/// The account as the state trie stores it (its RLP is the trie leaf's value).
#[derive(RlpEncodable)]
struct TrieAccountRlp {
    nonce: u64,
    balance: U256,
    storage_root: B256,
    code_hash: B256,
}

/// Everything a run over an [`RpcDb`] touched, in a deterministic (sorted) order.
#[derive(Debug, Clone)]
pub struct AccessRecord {
    /// The block whose pre-state was read (`n`); the state is that after block `n - 1`.
    pub block: u64,
    /// The parent block `n - 1`, whose state root all account proofs were checked against.
    pub parent: RpcBlock,
    /// Every address whose account was loaded, existing or not, with its proof response.
    pub accounts: BTreeMap<Address, AccountRead>,
    /// Every slot read per address, with the value read.
    pub storage: BTreeMap<Address, BTreeMap<B256, U256>>,
    /// Every contract code fetched, by code hash.
    pub codes: BTreeMap<B256, Bytes>,
    /// Every ancestor block whose hash BLOCKHASH asked for, by number (header-only blocks).
    pub ancestor_headers: BTreeMap<u64, RpcBlock>,
}

impl AccessRecord {
    /// The touched addresses, sorted.
    pub fn addresses(&self) -> BTreeSet<Address> {
        self.accounts.keys().copied().collect()
    }

    /// The slots read from `address`, sorted (empty if none).
    pub fn slots(&self, address: &Address) -> BTreeSet<B256> {
        self.storage.get(address).map(|m| m.keys().copied().collect()).unwrap_or_default()
    }

    /// One `eth_getProof(address, slots, n-1)` request per touched address, with the slots read
    /// from it (sorted): what the witness needs proven about the pre-state.
    pub fn proof_requests(&self) -> Vec<(Address, Vec<B256>)> {
        self.accounts.keys().map(|a| (*a, self.slots(a).into_iter().collect())).collect()
    }
}

/// One account load: what the node proved about `address` at the parent block.
#[derive(Debug, Clone)]
pub struct AccountRead {
    /// The account, or `None` when the proof is an exclusion proof.
    pub info: Option<AccountState>,
    /// The node's `eth_getProof(addr, [], n-1)` answer, already verified.
    pub proof: EIP1186AccountProofResponse,
}

/// The four fields of an existing account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Root of the account's storage trie.
    pub storage_root: B256,
    /// keccak256 of the account's code.
    pub code_hash: B256,
}

/// A revm database reading the pre-state of block `n` from a JSON-RPC node, recording every
/// access. See the module documentation for how to call it from sync code.
#[derive(Debug)]
pub struct RpcDb {
    client: RpcClient,
    handle: Handle,
    record: AccessRecord,
}

impl RpcDb {
    /// A database for the pre-state of block `block` (state after `block - 1`), using the
    /// current tokio runtime. Fetches the parent block for its state root.
    pub async fn new(client: RpcClient, block: u64) -> Result<Self> {
        let parent_no = block.checked_sub(1).ok_or(WitnessError::BlockNotFound { block: 0 })?;
        let parent = client.get_block_by_number(parent_no, false).await?;
        parent.check_header_hash()?;
        Ok(Self {
            client,
            handle: Handle::current(),
            record: AccessRecord {
                block,
                parent,
                accounts: BTreeMap::new(),
                storage: BTreeMap::new(),
                codes: BTreeMap::new(),
                ancestor_headers: BTreeMap::new(),
            },
        })
    }

    /// The block whose pre-state is served.
    pub fn block(&self) -> u64 {
        self.record.block
    }

    /// The parent's state root, against which the account proofs are checked.
    pub fn state_root(&self) -> B256 {
        self.record.parent.block.header.inner.state_root
    }

    /// What has been recorded so far.
    pub fn access_record(&self) -> &AccessRecord {
        &self.record
    }

    /// Ends the run and hands back everything it touched.
    pub fn into_access_record(self) -> AccessRecord {
        self.record
    }

    /// Moves the database to a blocking thread, runs `f` on it there (where the sync
    /// [`Database`] calls may block on the runtime), and hands both back. The safe way to use
    /// it from async code.
    pub async fn run_blocking<R, F>(self, f: F) -> Result<(Self, R)>
    where
        F: FnOnce(&mut Self) -> R + Send + 'static,
        R: Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            let mut db = self;
            let r = f(&mut db);
            (db, r)
        })
        .await
        .map_err(|e| WitnessError::Io {
            context: "running the database on a blocking thread".into(),
            source: std::io::Error::other(e.to_string()),
        })
    }

    fn state_block(&self) -> u64 {
        self.record.block - 1
    }

    /// Loads, verifies and records the account at `address`.
    async fn load_account(&mut self, address: Address) -> Result<Option<AccountInfo>> {
        let block = self.state_block();
        let state_root = self.state_root();
        let proof = self.client.get_proof(address, &[], block).await?;
        let state = verify_account(&proof, state_root, block)?;
        let info = match state {
            None => None,
            Some(s) if s.code_hash == KECCAK256_EMPTY => {
                Some(AccountInfo::new(s.balance, s.nonce, s.code_hash, Bytecode::default()))
            }
            Some(s) => {
                let code = match self.record.codes.get(&s.code_hash) {
                    Some(code) => code.clone(),
                    None => self.client.get_code(address, block).await?,
                };
                let got = keccak256(&code);
                if got != s.code_hash {
                    return Err(WitnessError::CodeHashMismatch {
                        address,
                        block,
                        expected: s.code_hash,
                        got,
                    });
                }
                let bytecode = Bytecode::new_raw_checked(code.clone()).map_err(|e| {
                    WitnessError::InvalidBytecode { address, block, detail: format!("{e:?}") }
                })?;
                self.record.codes.insert(s.code_hash, code);
                Some(AccountInfo::new(s.balance, s.nonce, s.code_hash, bytecode))
            }
        };
        self.record.accounts.insert(address, AccountRead { info: state, proof });
        Ok(info)
    }

    async fn load_storage(&mut self, address: Address, slot: U256) -> Result<U256> {
        let key = B256::from(slot.to_be_bytes());
        if let Some(v) = self.record.storage.get(&address).and_then(|m| m.get(&key)) {
            return Ok(*v);
        }
        let known_empty = match self.record.accounts.get(&address) {
            Some(read) => read.info.is_none_or(|s| s.storage_root == EMPTY_ROOT_HASH),
            None => false,
        };
        let value = if known_empty {
            U256::ZERO
        } else {
            self.client.get_storage_at(address, key, self.state_block()).await?
        };
        self.record.storage.entry(address).or_default().insert(key, value);
        Ok(value)
    }

    async fn load_block_hash(&mut self, number: u64) -> Result<B256> {
        if let Some(b) = self.record.ancestor_headers.get(&number) {
            return Ok(b.hash());
        }
        let block = self.client.get_block_by_number(number, false).await?;
        block.check_header_hash()?;
        let hash = block.hash();
        self.record.ancestor_headers.insert(number, block);
        Ok(hash)
    }
}

/// Checks the account proof against `state_root`: an inclusion proof of the returned account
/// gives `Some`, an exclusion proof (with an answer that claims nothing) gives `None`.
pub fn verify_account(
    proof: &EIP1186AccountProofResponse,
    state_root: B256,
    block: u64,
) -> Result<Option<AccountState>> {
    let key = Nibbles::unpack(keccak256(proof.address));
    let state = AccountState {
        nonce: proof.nonce,
        balance: proof.balance,
        storage_root: proof.storage_hash,
        code_hash: proof.code_hash,
    };
    let leaf = alloy_rlp::encode(TrieAccountRlp {
        nonce: state.nonce,
        balance: state.balance,
        storage_root: state.storage_root,
        code_hash: state.code_hash,
    });
    let inclusion = verify_proof(state_root, key, Some(leaf), &proof.account_proof);
    if inclusion.is_ok() {
        return Ok(Some(state));
    }
    // Absent accounts: geth answers zero hashes, others the empty account.
    let claims_nothing = state.nonce == 0
        && state.balance.is_zero()
        && (state.storage_root.is_zero() || state.storage_root == EMPTY_ROOT_HASH)
        && (state.code_hash.is_zero() || state.code_hash == KECCAK256_EMPTY);
    match verify_proof(state_root, key, None, &proof.account_proof) {
        Ok(()) if claims_nothing => Ok(None),
        Ok(()) => Err(WitnessError::AccountProofInvalid {
            address: proof.address,
            block,
            state_root,
            detail: "exclusion proof for an answer with a non-empty account".into(),
        }),
        Err(exclusion) => Err(WitnessError::AccountProofInvalid {
            address: proof.address,
            block,
            state_root,
            detail: format!(
                "neither inclusion ({}) nor exclusion ({exclusion})",
                inclusion.err().map(|e| e.to_string()).unwrap_or_default()
            ),
        }),
    }
}

impl Database for RpcDb {
    type Error = WitnessError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>> {
        if let Some(read) = self.record.accounts.get(&address) {
            return Ok(read.info.map(|s| {
                // Codes are validated by `new_raw_checked` before they are recorded.
                let code = self.record.codes.get(&s.code_hash).cloned().unwrap_or_default();
                AccountInfo::new(s.balance, s.nonce, s.code_hash, Bytecode::new_raw(code))
            }));
        }
        let handle = self.handle.clone();
        handle.block_on(self.load_account(address))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode> {
        if code_hash == KECCAK256_EMPTY {
            return Ok(Bytecode::default());
        }
        let code =
            self.record.codes.get(&code_hash).ok_or(WitnessError::CodeNotFetched { code_hash })?;
        Ok(Bytecode::new_raw(code.clone()))
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256> {
        let handle = self.handle.clone();
        handle.block_on(self.load_storage(address, index))
    }

    fn block_hash(&mut self, number: u64) -> Result<B256> {
        let handle = self.handle.clone();
        handle.block_on(self.load_block_hash(number))
    }
}
