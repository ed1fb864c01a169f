//! EIP-7610: a contract creation onto an address whose account has non-empty storage is an
//! address collision, as if the account had code or a nonce. revm 43 checks only nonce and
//! code, so this inspector adds the storage condition (retroactively, for every fork).
//!
//! # How
//! [`Eip7610Inspector::create`] runs before revm sets up any create frame (nested
//! CREATE/CREATE2 and a create transaction's top frame alike). It replays the steps revm's
//! `EthFrame::make_create_frame` takes before its own collision check, deferring to revm
//! (returning `None`, having changed nothing revm would not change itself) whenever revm
//! would stop earlier or decide otherwise:
//! 1. call depth above `CALL_STACK_LIMIT` → revm answers `CallTooDeep`;
//! 2. caller balance below the endowment → revm answers `OutOfFunds`;
//! 3. caller nonce at `u64::MAX` → revm answers its nonce-overflow result;
//! 4. the created address is computed from the caller's nonce before the bump (CREATE) or
//!    from salt and init-code hash (CREATE2), by revm's own `CreateInputs::created_address`;
//! 5. the target is warm-loaded (revm loads it at this point too); a non-zero nonce or
//!    non-empty code is revm's own collision, left to revm;
//! 6. the target's storage is non-empty iff the account was not wiped earlier in the block
//!    (destroyed: selfdestruct or EIP-161 touched-empty deletion, or created in this
//!    transaction) and its storage root in the pre-state is not the empty root. This is
//!    geth's `GetStorageRoot` test: the committed root, not in-block writes (an account
//!    with nonce 0 and no code gains storage only inside its own creation, which then
//!    sets its nonce, or before EIP-161 cannot be targeted again).
//!
//! On a collision it does what revm does for its own `CreateCollision`: the caller's nonce
//! stays bumped, the target stays warm, and the frame fails with `CreateCollision` carrying
//! the frame's gas limit, which a failed (non-revert) create never returns to its parent —
//! all of it is consumed, and a create transaction ends as a halt that used all its gas.
//! (`create_account_checkpoint` reverts its own checkpoint before reporting a collision, so
//! revm leaves no other trace.)

use alloy_primitives::{Address, Bytes, KECCAK256_EMPTY};
use revm::{
    Database, Inspector,
    context::{BlockEnv, CfgEnv, Context, JournalTr, TxEnv},
    context_interface::{ContextTr, journaled_state::account::JournaledAccountTr},
    database::State,
    interpreter::{CreateInputs, CreateOutcome, Gas, InstructionResult, InterpreterResult},
    primitives::constants::CALL_STACK_LIMIT,
};

/// Tells whether an account has non-empty storage in the pre-state (its storage root is not
/// the empty root). Only asked about accounts the EVM has already loaded.
pub type PreStateStorageCheck<DB> = fn(&mut DB, Address) -> Result<bool, <DB as Database>::Error>;

/// The EIP-7610 inspector; see the module docs. With no check it defers to revm always.
#[derive(Debug)]
pub struct Eip7610Inspector<DB: Database> {
    check: Option<PreStateStorageCheck<DB>>,
    error: Option<DB::Error>,
    collisions: usize,
}

impl<DB: Database> Eip7610Inspector<DB> {
    /// An inspector asking `check` about the pre-state storage of creation targets.
    pub const fn new(check: Option<PreStateStorageCheck<DB>>) -> Self {
        Self { check, error: None, collisions: 0 }
    }

    /// The database error the check returned, if any (taken). Execution must not be
    /// trusted after one: the collision was not applied.
    pub fn take_error(&mut self) -> Option<DB::Error> {
        self.error.take()
    }

    /// How many EIP-7610 storage collisions were applied.
    pub const fn collisions(&self) -> usize {
        self.collisions
    }

    /// `Some(outcome)` iff the create is an EIP-7610 storage collision (then applied).
    fn collision(
        &mut self,
        ctx: &mut Context<BlockEnv, TxEnv, CfgEnv, &mut State<DB>>,
        inputs: &CreateInputs,
    ) -> Option<CreateOutcome> {
        let check = self.check?;
        if self.error.is_some() {
            return None;
        }
        let journal = ctx.journal_mut();
        // 1. Frame depth: the journal holds one checkpoint per open frame.
        if journal.depth() > CALL_STACK_LIMIT as usize {
            return None;
        }
        // 2, 3. A database error here recurs in revm, which reports it.
        let old_nonce = {
            let caller = journal.load_account_mut(inputs.caller()).ok()?;
            if *caller.balance() < inputs.value() || caller.nonce() == u64::MAX {
                return None;
            }
            caller.nonce()
        };
        // 4.
        let address = inputs.created_address(old_nonce);
        // 5.
        {
            let target = journal.load_account(address).ok()?.data;
            if target.info.nonce != 0
                || target.info.code_hash != KECCAK256_EMPTY
                || target.is_created()
            {
                return None;
            }
        }
        // 6.
        let state: &mut State<DB> = journal.db_mut();
        if state.cache.accounts.get(&address).is_some_and(|a| a.status.was_destroyed()) {
            return None;
        }
        match check(&mut state.database, address) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                self.error = Some(e);
                return None;
            }
        }
        // The collision, as revm's own: caller nonce bumped (checked above not to overflow).
        let mut caller = journal.load_account_mut(inputs.caller()).ok()?;
        if !caller.bump_nonce() {
            return None;
        }
        self.collisions += 1;
        Some(CreateOutcome {
            result: InterpreterResult {
                result: InstructionResult::CreateCollision,
                gas: Gas::new_with_regular_gas_and_reservoir(
                    inputs.gas_limit(),
                    inputs.reservoir(),
                ),
                output: Bytes::new(),
            },
            address: None,
            charged_create_state_gas: inputs.charged_create_state_gas(),
        })
    }
}

impl<'a, DB: Database> Inspector<Context<BlockEnv, TxEnv, CfgEnv, &'a mut State<DB>>>
    for Eip7610Inspector<DB>
{
    fn create(
        &mut self,
        context: &mut Context<BlockEnv, TxEnv, CfgEnv, &'a mut State<DB>>,
        inputs: &mut CreateInputs,
    ) -> Option<CreateOutcome> {
        self.collision(context, inputs)
    }
}
