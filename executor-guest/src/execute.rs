//! Block execution with revm through alloy-evm's Ethereum block executor, over any state
//! database, and the stateless validation that ties it together.

use crate::{
    chain::ChainConfig,
    commitment::BlockCommitment,
    eip7610::{Eip7610Inspector, PreStateStorageCheck},
    error::{ExecutorError, Mismatch},
    input::{EthBlock, StatelessInput},
    phase::Phase,
    state::WitnessState,
    validate::{validate_body, validate_header, validate_ommers},
};
use alloc::{borrow::Cow, collections::BTreeMap, format, vec::Vec};
use alloy_consensus::Eip658Value;
use alloy_consensus::{
    Header, ReceiptEnvelope, TxReceipt, proofs::calculate_receipt_root,
    transaction::SignerRecoverable,
};
use alloy_evm::{
    EthEvmFactory, Evm, EvmEnv, EvmFactory,
    block::{BlockExecutionResult, BlockExecutor, BlockExecutorFactory},
    eth::{EthBlockExecutionCtx, EthBlockExecutorFactory, receipt_builder::AlloyReceiptBuilder},
};
use alloy_hardforks::EthereumHardforks;
use alloy_primitives::{Address, B256, Bloom};
use revm::{
    Database,
    database::{BundleState, State, states::bundle_state::BundleRetention},
};

/// What executing a block produced.
#[derive(Debug)]
pub struct ExecutionOutcome {
    /// Receipts, gas used, blob gas used and EIP-7685 requests.
    pub result: BlockExecutionResult<ReceiptEnvelope>,
    /// The state diff of the whole block.
    pub bundle: BundleState,
}

/// Recovers every transaction's sender. Homestead (EIP-2) and later reject high-s
/// signatures; Frontier accepts them.
pub fn recover_senders(
    chain: &ChainConfig,
    block: &EthBlock,
) -> Result<Vec<Address>, ExecutorError> {
    let homestead = chain.is_homestead_active_at_block(block.header.number);
    block
        .body
        .transactions
        .iter()
        .enumerate()
        .map(|(index, tx)| {
            let r = if homestead { tx.recover_signer() } else { tx.recover_signer_unchecked() };
            r.map_err(|_| ExecutorError::InvalidSignature { index })
        })
        .collect()
}

/// Hook called after each transaction is committed, with the state so far; used before
/// Byzantium, whose receipts carry the intermediate state root.
pub trait IntermediateRoot<DB: Database + core::fmt::Debug> {
    /// Returns the state root after the transactions executed so far.
    fn root(&mut self, state: &mut State<DB>) -> Result<B256, ExecutorError>;
}

/// Executes `block` on `db` with the given senders.
///
/// 1. Build the EVM environment for the block's fork (spec id, blob fee, chain id).
/// 2. Pre-execution system calls (EIP-2935 history, EIP-4788 beacon root).
/// 3. Each transaction in order, rejecting the block on the first invalid one.
/// 4. Pre-Byzantium: patch each receipt with the intermediate state root.
/// 5. Post-execution: EIP-6110 deposits, EIP-7002/7251 requests, withdrawals, block and
///    ommer rewards, the DAO fork's irregular state change.
///
/// # Assumptions
/// `senders[i]` is the recovered sender of transaction `i`; the header was validated.
///
/// Without pre-state storage roots (a plain [`Database`]), EIP-7610 collisions onto an
/// account that has storage but neither code nor nonce are not detected: enough to discover
/// the touched state, not to validate. [`execute_block_eip7610`] detects them.
pub fn execute_block<DB, R>(
    chain: &ChainConfig,
    block: &EthBlock,
    senders: &[Address],
    db: DB,
    intermediate: Option<&mut R>,
) -> Result<ExecutionOutcome, ExecutorError>
where
    DB: Database + core::fmt::Debug,
    R: IntermediateRoot<DB>,
{
    execute_block_with(chain, block, senders, db, intermediate, None)
}

/// A state database that knows the pre-state storage roots, as needed by EIP-7610.
pub trait PreStateStorage: Database {
    /// Whether `address` has non-empty storage in the pre-state (its storage root is not
    /// the empty root). Asked only about accounts already loaded through [`Database::basic`].
    fn has_pre_state_storage(&mut self, address: Address) -> Result<bool, Self::Error>;
}

impl<T: PreStateStorage> PreStateStorage for &mut T {
    fn has_pre_state_storage(&mut self, address: Address) -> Result<bool, Self::Error> {
        (**self).has_pre_state_storage(address)
    }
}

/// As [`execute_block`], with EIP-7610: a contract creation onto an account with non-empty
/// pre-state storage is an address collision (see [`crate::eip7610`]).
pub fn execute_block_eip7610<DB, R>(
    chain: &ChainConfig,
    block: &EthBlock,
    senders: &[Address],
    db: DB,
    intermediate: Option<&mut R>,
) -> Result<ExecutionOutcome, ExecutorError>
where
    DB: PreStateStorage + core::fmt::Debug,
    R: IntermediateRoot<DB>,
{
    execute_block_with(chain, block, senders, db, intermediate, Some(DB::has_pre_state_storage))
}

fn execute_block_with<DB, R>(
    chain: &ChainConfig,
    block: &EthBlock,
    senders: &[Address],
    db: DB,
    mut intermediate: Option<&mut R>,
    storage_check: Option<PreStateStorageCheck<DB>>,
) -> Result<ExecutionOutcome, ExecutorError>
where
    DB: Database + core::fmt::Debug,
    R: IntermediateRoot<DB>,
{
    let header = &block.header;
    let blob_params = chain.blob_params_at(header.timestamp)?;
    let env = EvmEnv::for_eth_block(header, chain, chain.chain_id, blob_params);
    // alloy-evm maps Constantinople without Petersburg to Byzantium, and revm has no
    // Constantinople rules (EIP-1283 net gas metering) at all: refuse rather than execute
    // under the wrong rules. (On mainnet both activated at the same block.)
    if chain.is_constantinople_active_at_block(header.number)
        && !chain.is_petersburg_active_at_block(header.number)
    {
        return Err(ExecutorError::UnsupportedFork("Constantinople without Petersburg"));
    }
    let mut state = State::builder().with_database(db).with_bundle_update().build();

    // Geth applies the DAO fork's irregular state change *before* the block's transactions
    // (it shows in pre-Byzantium intermediate receipt roots); alloy-evm applies it after.
    // So it is applied here, first, and the executor runs with the DAO fork removed.
    let dao_block = chain
        .ethereum_fork_activation(alloy_hardforks::EthereumHardfork::Dao)
        .transitions_at_block(header.number);
    let exec_chain = if dao_block {
        chain.clone().without_fork(alloy_hardforks::EthereumHardfork::Dao)
    } else {
        chain.clone()
    };
    let factory = EthBlockExecutorFactory::new(
        AlloyReceiptBuilder::default(),
        exec_chain,
        EthEvmFactory::default(),
    );
    // The inspector runs only where it has something to check: revm's inspecting loop
    // costs a little on every instruction.
    let inspect = storage_check.is_some();
    let mut evm = factory.evm_factory().create_evm_with_inspector(
        &mut state,
        env,
        Eip7610Inspector::new(storage_check),
    );
    evm.set_inspector_enabled(inspect);
    let ctx = EthBlockExecutionCtx {
        parent_hash: header.parent_hash,
        parent_beacon_block_root: header.parent_beacon_block_root,
        ommers: &block.body.ommers,
        withdrawals: block.body.withdrawals.as_ref().map(|w| Cow::Borrowed(w.as_slice())),
        extra_data: header.extra_data.clone(),
        tx_count_hint: Some(block.body.transactions.len()),
        slot_number: None,
    };
    let mut executor = factory.create_executor(evm, ctx);
    let exec_err =
        |e: alloy_evm::block::BlockExecutionError| ExecutorError::Execution(format!("{e}"));
    executor.apply_pre_execution_changes().map_err(exec_err)?;
    if dao_block {
        use alloy_evm::eth::dao_fork::{DAO_HARDFORK_ACCOUNTS, DAO_HARDFORK_BENEFICIARY};
        use revm::database::DatabaseCommitExt;
        let db = executor.evm_mut().db_mut();
        fn dao_err(e: impl core::fmt::Display) -> ExecutorError {
            ExecutorError::Execution(format!("DAO fork state change: {e}"))
        }
        // Each drained account keeps existing with a zero balance, as in geth's
        // `SetBalance(addr, 0)` (before EIP-161 an emptied account stays in the trie).
        // `State::drain_balances` commits an emptied account as touched-empty, which the
        // cache deletes (EIP-161 semantics), so the transitions are built here instead.
        let mut drained: u128 = 0;
        let mut transitions = Vec::with_capacity(DAO_HARDFORK_ACCOUNTS.len());
        for address in DAO_HARDFORK_ACCOUNTS {
            let account = db.load_cache_account(address).map_err(dao_err)?;
            let balance = account.account_info().map(|a| a.balance).unwrap_or_default();
            // `drain_balance` panics above u128; reject instead (untrusted state).
            let balance = u128::try_from(balance).ok().and_then(|b| drained.checked_add(b));
            drained = balance.ok_or(ExecutorError::Execution(format!(
                "DAO fork: balance of {address} overflows u128"
            )))?;
            let (_, transition) = account.drain_balance();
            transitions.push((address, transition.map_storage(|_| None)));
        }
        db.apply_transition(transitions);
        db.increment_balances([(DAO_HARDFORK_BENEFICIARY, drained)]).map_err(dao_err)?;
    }
    let byzantium = chain.is_byzantium_active_at_block(header.number);
    for (tx, sender) in block.body.transactions.iter().zip(senders) {
        let recovered = alloy_consensus::transaction::Recovered::new_unchecked(tx, *sender);
        executor.execute_transaction(recovered).map_err(exec_err)?;
        if let Some(e) = executor.evm_mut().inspector_mut().take_error() {
            return Err(ExecutorError::Execution(format!("EIP-7610 storage check: {e}")));
        }
        if !byzantium && let Some(hook) = intermediate.as_deref_mut() {
            let db = executor.evm_mut().db_mut();
            let root = hook.root(db)?;
            if let Some(last) = executor.receipts.last_mut() {
                set_post_state(last, root);
            }
        }
    }
    let (_evm, result) = executor.finish().map_err(exec_err)?;
    state.merge_transitions(BundleRetention::PlainState);
    let bundle = state.take_bundle();
    Ok(ExecutionOutcome { result, bundle })
}

fn set_post_state(receipt: &mut ReceiptEnvelope, root: B256) {
    if let Some(r) = receipt.as_receipt_with_bloom_mut() {
        r.receipt.status = Eip658Value::PostState(root);
    }
}

/// For callers that do not check pre-Byzantium receipts (e.g. native pre-execution that
/// only discovers the touched state): never called, since it is passed as `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoIntermediateRoot;

impl<DB: Database + core::fmt::Debug> IntermediateRoot<DB> for NoIntermediateRoot {
    fn root(&mut self, _state: &mut State<DB>) -> Result<B256, ExecutorError> {
        Err(ExecutorError::Execution("intermediate state roots are not available".into()))
    }
}

/// Computes intermediate state roots on a clone of the pre-state witness tries.
struct WitnessIntermediate<'a> {
    pre: &'a WitnessState,
}

impl IntermediateRoot<&mut WitnessState> for WitnessIntermediate<'_> {
    fn root(&mut self, state: &mut State<&mut WitnessState>) -> Result<B256, ExecutorError> {
        state.merge_transitions(BundleRetention::PlainState);
        let mut scratch = self.pre.clone_tries();
        scratch.apply_bundle(&state.bundle_state)
    }
}

/// Figures of one stateless validation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidationStats {
    /// Transactions executed.
    pub transactions: usize,
    /// Gas used.
    pub gas_used: u64,
    /// Distinct witness trie nodes.
    pub witness_nodes: usize,
    /// Witness bytecodes.
    pub witness_codes: usize,
    /// Accounts changed by the block.
    pub accounts_changed: usize,
}

/// Validates one block statelessly and returns what it commits to.
///
/// 1. Verify the ancestor headers form a hash chain ending at the block's parent.
/// 2. Validate the header against the parent, the body against the header, the ommers.
/// 3. Recover senders.
/// 4. Open the state at the parent's state root over the witness (every node is checked
///    by hash on first use; a missing node is an error).
/// 5. Execute (revm via alloy-evm), then check gas used, receipts root, logs bloom,
///    requests hash, blob gas used against the header.
/// 6. Apply the state diff to the sparse trie and compare the root with the header.
///
/// # Assumptions
/// None about the input: every byte of it is untrusted.
pub fn validate_block(
    input: &StatelessInput,
) -> Result<(BlockCommitment, ValidationStats), ExecutorError> {
    let (commitment, stats, _) = validate_block_with_diff(input)?;
    Ok((commitment, stats))
}

/// As [`validate_block`], also returning the state diff (used by the conformance runner
/// to keep its own full state in step).
pub fn validate_block_with_diff(
    input: &StatelessInput,
) -> Result<(BlockCommitment, ValidationStats, BundleState), ExecutorError> {
    validate_block_with_probe(input, &mut |_| {})
}

/// As [`validate_block_with_diff`], calling `probe` where each [`Phase`] starts:
/// [`Phase::WitnessVerification`] (steps 1–2), [`Phase::SenderRecovery`] (step 3),
/// [`Phase::WitnessVerification`] again (step 4), [`Phase::Execution`] (step 5) and
/// [`Phase::PostStateRoot`] (step 6 and the commitment). On an error the later phases are
/// not entered. The zkVM guest passes a probe that issues the `PHASE_MARK` syscall.
///
/// # Assumptions
/// The probe only observes: it cannot change the result.
pub fn validate_block_with_probe(
    input: &StatelessInput,
    probe: &mut dyn FnMut(Phase),
) -> Result<(BlockCommitment, ValidationStats, BundleState), ExecutorError> {
    let block = &input.block;
    let header = &block.header;
    let chain = &input.chain;

    // 1. Ancestors.
    probe(Phase::WitnessVerification);
    let parent = input.ancestors.first().ok_or(ExecutorError::MissingParent)?;
    let mut block_hashes = BTreeMap::new();
    let mut expected = header.parent_hash;
    for (index, h) in input.ancestors.iter().enumerate() {
        let got = h.hash_slow();
        if got != expected {
            return Err(ExecutorError::AncestorHashMismatch {
                index,
                mismatch: Mismatch::new(expected, got),
            });
        }
        block_hashes.insert(h.number, got);
        expected = h.parent_hash;
    }

    // 2. Consensus checks without state.
    validate_header(chain, header, parent)?;
    validate_body(chain, block)?;
    validate_ommers(chain, block, &input.ancestors)?;

    // 3. Senders.
    probe(Phase::SenderRecovery);
    let senders = recover_senders(chain, block)?;

    // 4. Witness state.
    probe(Phase::WitnessVerification);
    let mut state = WitnessState::new(parent.state_root, &input.state, &input.codes, block_hashes);
    let witness_nodes = state.node_count();

    // 5. Execute and check.
    probe(Phase::Execution);
    let outcome = {
        let byzantium = chain.is_byzantium_active_at_block(header.number);
        let pre = if byzantium { None } else { Some(state.clone_tries()) };
        let mut hook = pre.as_ref().map(|pre| WitnessIntermediate { pre });
        // A witness error inside the EVM surfaces as text; report the typed original.
        execute_block_eip7610(chain, block, &senders, &mut state, hook.as_mut())
            .map_err(|e| state.take_error().unwrap_or(e))?
    };
    check_execution(chain, header, &outcome.result)?;

    // 6. Post-state root.
    probe(Phase::PostStateRoot);
    let post_root = state.apply_bundle(&outcome.bundle)?;
    if post_root != header.state_root {
        return Err(ExecutorError::StateRoot(Mismatch::new(header.state_root, post_root)));
    }

    let commitment = BlockCommitment {
        chain_id: chain.chain_id,
        number: header.number,
        block_hash: header.hash_slow(),
        parent_hash: header.parent_hash,
        pre_state_root: parent.state_root,
        post_state_root: post_root,
        chain_config_hash: chain.hash(),
    };
    let stats = ValidationStats {
        transactions: block.body.transactions.len(),
        gas_used: outcome.result.gas_used,
        witness_nodes,
        witness_codes: input.codes.len(),
        accounts_changed: outcome.bundle.state.len(),
    };
    Ok((commitment, stats, outcome.bundle))
}

/// Compares execution results with the header: gas used, blob gas used, receipts root,
/// logs bloom, requests hash.
pub fn check_execution(
    chain: &ChainConfig,
    header: &Header,
    result: &BlockExecutionResult<ReceiptEnvelope>,
) -> Result<(), ExecutorError> {
    if result.gas_used != header.gas_used {
        return Err(ExecutorError::GasUsed(Mismatch::new(header.gas_used, result.gas_used)));
    }
    if chain.is_cancun_active_at_timestamp(header.timestamp) {
        let expected = header.blob_gas_used.unwrap_or_default();
        if result.blob_gas_used != expected {
            return Err(ExecutorError::BlobGasUsed(Mismatch::new(expected, result.blob_gas_used)));
        }
    }
    let receipts_root = calculate_receipt_root(&result.receipts);
    if receipts_root != header.receipts_root {
        return Err(ExecutorError::ReceiptsRoot(Mismatch::new(
            header.receipts_root,
            receipts_root,
        )));
    }
    let mut bloom = Bloom::ZERO;
    for r in &result.receipts {
        bloom.accrue_bloom(&r.bloom());
    }
    if bloom != header.logs_bloom {
        return Err(ExecutorError::LogsBloom(alloc::boxed::Box::new(Mismatch::new(
            header.logs_bloom,
            bloom,
        ))));
    }
    if chain.is_prague_active_at_timestamp(header.timestamp) {
        let got = Some(result.requests.requests_hash());
        if got != header.requests_hash {
            return Err(ExecutorError::RequestsHash(Mismatch::new(header.requests_hash, got)));
        }
    }
    Ok(())
}
