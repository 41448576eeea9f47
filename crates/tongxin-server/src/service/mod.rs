//! The use cases of the server, written once over the storage layer's
//! [`Db`] (both engines): load what a write needs, apply the rules of
//! `tongxin-core` (eligibility of the household code, duplicates, open or
//! closed, change allowed), write the rows, and say what the answer is.
//!
//! The store opens the transaction, hands it to one of these functions and
//! commits; it never decides anything itself. So SQLite and PostgreSQL
//! answer the same request the same way, and a rule is changed in one
//! place. [`crate::storage::idempotency::once`] wraps every write that takes
//! a key, inside the same transaction.

pub mod audit;
pub mod budget_results;
pub mod budgets;
pub mod codes;
pub mod comments;
pub mod conventions;
pub mod indicators;
pub mod paper;
pub mod polls;
pub mod proposals;
pub mod scopes;
pub mod staff;
pub mod webhooks;

use tongxin_core::Id;
use tongxin_core::text::FieldErrors;

use crate::storage::sql::{self, Db};
use crate::storage::{StoreError, StoreResult};

/// Refuses a new item for a scope that does not exist, as an error of its
/// `scope_id` field.
pub(crate) fn require_scope(rows: &mut dyn Db, id: Id) -> StoreResult<()> {
    if sql::scopes::scope_exists(rows, id)? {
        return Ok(());
    }
    let mut e = FieldErrors::new();
    e.add("scope_id", format!("scope {id} does not exist"));
    Err(StoreError::Invalid(e))
}

/// A tally that cannot take a ballot it has just validated is a bug in the
/// store's rows, not the voter's fault.
pub(crate) fn broken_tally(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("stored tally: {e}"))
}
