//! Household codes: issuing and revoking them for an item, counting them
//! by unit, and at the moment of a write checking that a voter who came
//! with a code holds an unrevoked code of this very item.

use tongxin_core::{Id, Millis};

use crate::storage::sql::{Db, budgets, codes, conventions, polls, proposals};
use crate::storage::{CodeTarget, Store, StoreError, StoreResult, UnitCodes, Voter, WriteMeta};

/// Marks the first use of the voter's code, or refuses it; a voter without
/// a code passes (eligibility decided whether one was needed).
pub(super) fn require(
    rows: &mut dyn Db,
    voter: &Voter,
    target: CodeTarget,
    id: Id,
    now: Millis,
) -> StoreResult<()> {
    match &voter.code_hash {
        None => Ok(()),
        Some(hash) if codes::use_code(rows, hash, target, id, now)? => Ok(()),
        Some(_) => Err(StoreError::InvalidCode),
    }
}

/// Stores hashes of freshly issued codes for an item.
pub async fn issue(
    store: &Store,
    meta: WriteMeta,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
    hashes: Vec<String>,
) -> StoreResult<()> {
    store
        .write_typed(meta, move |c, m| {
            match target {
                CodeTarget::Poll => polls::with_tally(c, target_id).map(|_| ())?,
                CodeTarget::Convention => conventions::get(c, target_id).map(|_| ())?,
                CodeTarget::Proposal => proposals::get(c, target_id).map(|_| ())?,
                CodeTarget::Budget => budgets::get(c, target_id).map(|_| ())?,
            }
            codes::insert(c, target, target_id, unit_id, &hashes, m.now)
        })
        .await
}

/// An item's codes counted by unit (names and households not filled in).
pub async fn counts(
    store: &Store,
    target: CodeTarget,
    target_id: Id,
) -> StoreResult<Vec<UnitCodes>> {
    store
        .read(move |c| codes::counts(c, target, target_id))
        .await
}

/// Revokes the unused codes of an item (of one unit, or all); how many.
pub async fn revoke(
    store: &Store,
    meta: WriteMeta,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
) -> StoreResult<u32> {
    store
        .write_typed(meta, move |c, m| {
            codes::revoke(c, target, target_id, unit_id, m.now)
        })
        .await
}
