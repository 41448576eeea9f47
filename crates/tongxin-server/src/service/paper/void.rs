//! Voiding a counted entry with a reason: the answer leaves the item's
//! figures and the household may take part again. For an anonymous item
//! the server keeps no link from the household to its choice, so the
//! clerk keys the slip's choice again and it is taken out of the tally.

use tongxin_core::Id;
use tongxin_core::budget::BudgetBallot;
use tongxin_core::paper::{EntryState, PaperEntry, VoidEntry};
use tongxin_core::poll::Ballot;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::text::FieldErrors;

use super::super::{broken_tally, polls as poll_service};
use crate::storage::sql::{Db, budgets, codes, conventions, paper, polls, proposals};
use crate::storage::{Reply, Store, StoreError, StoreResult, WriteMeta};

fn rekey_needed() -> StoreError {
    let mut e = FieldErrors::new();
    e.add(
        "ballot",
        "this item is anonymous: key the slip's choice again to take it out of the count",
    );
    StoreError::Invalid(e)
}

fn mismatch() -> StoreError {
    let mut e = FieldErrors::new();
    e.add("ballot", "no such choice is in the count: check the slip");
    StoreError::Invalid(e)
}

fn void_poll(
    db: &mut dyn Db,
    m: &WriteMeta,
    e: &paper::EntryRow,
    v: &VoidEntry,
) -> StoreResult<()> {
    let (poll, mut tally) = poll_service::load(db, e.target_id)?;
    poll.check_open(m.now)?;
    let old = if poll.anonymous {
        let raw = v.ballot.clone().ok_or_else(rekey_needed)?;
        let b: Ballot = serde_json::from_value(raw).map_err(|_| mismatch())?;
        let b = b.validate(&poll)?;
        tally.remove(&b).map_err(|_| mismatch())?;
        polls::delete_participation(db, poll.id, &e.voter)?;
        return polls::save_tally(db, poll.id, &tally);
    } else {
        polls::stored_ballot(db, poll.id, &e.voter)?.ok_or(StoreError::NotFound("ballot"))?
    };
    tally.remove(&old).map_err(broken_tally)?;
    polls::delete_ballot(db, poll.id, &e.voter)?;
    polls::save_tally(db, poll.id, &tally)
}

fn void_budget(
    db: &mut dyn Db,
    m: &WriteMeta,
    e: &paper::EntryRow,
    v: &VoidEntry,
) -> StoreResult<()> {
    let (round, mut tally) = budgets::for_update(db, e.target_id)?;
    round.check_open(m.now)?;
    if round.anonymous {
        let raw = v.ballot.clone().ok_or_else(rekey_needed)?;
        let b: BudgetBallot = serde_json::from_value(raw).map_err(|_| mismatch())?;
        let chosen = round.check_ballot(&b)?;
        if !tally.remove(&chosen) {
            return Err(mismatch());
        }
        budgets::delete_participation(db, round.id, &e.voter)?;
    } else {
        let (old, _, _) =
            budgets::ballot(db, round.id, &e.voter)?.ok_or(StoreError::NotFound("ballot"))?;
        if !tally.remove(&old) {
            return Err(broken_tally("a stored ballot is not in the tally"));
        }
        budgets::delete_ballot(db, round.id, &e.voter)?;
    }
    budgets::save(db, &round, Some(&tally))
}

fn void_signature(db: &mut dyn Db, m: &WriteMeta, e: &paper::EntryRow) -> StoreResult<()> {
    let c = conventions::convention_for_update(db, e.target_id)?
        .ok_or(StoreError::NotFound("convention"))?;
    c.check_sign(None, m.now)?;
    let sig = conventions::live_signature(db, c.id, &e.voter)?
        .ok_or(StoreError::NotFound("signature"))?;
    conventions::withdraw_signature(db, sig.id, m.now)?;
    conventions::bump_signature_count(db, c.id, sig.version, sig.unit_id, -1)
}

fn void_support(db: &mut dyn Db, m: &WriteMeta, e: &paper::EntryRow) -> StoreResult<()> {
    let mut p =
        proposals::proposal_for_update(db, e.target_id)?.ok_or(StoreError::NotFound("proposal"))?;
    p.check_support()?;
    if !proposals::remove_support(db, p.id, &e.voter)? {
        return Err(StoreError::NotFound("support"));
    }
    p.supports = proposals::count_supports(db, p.id)?;
    p.updated_at = m.now;
    proposals::save_proposal(db, &p)
}

fn void_tx(db: &mut dyn Db, m: &WriteMeta, id: Id, v: &VoidEntry) -> StoreResult<PaperEntry> {
    v.validate().map_err(StoreError::Invalid)?;
    let e = paper::entry(db, id)?.ok_or(StoreError::NotFound("entry"))?;
    if e.voided_at.is_some() {
        return Err(StoreError::conflict(
            "already-voided",
            "this entry was already voided",
        ));
    }
    match e.target {
        CodeTarget::Poll => void_poll(db, m, &e, v)?,
        CodeTarget::Budget => void_budget(db, m, &e, v)?,
        CodeTarget::Convention => void_signature(db, m, &e)?,
        CodeTarget::Proposal => void_support(db, m, &e)?,
    }
    if let Some(hash) = e.voter.strip_prefix("code:") {
        codes::unuse(db, hash, e.target, e.target_id)?;
    }
    paper::void_entry(db, id, m.now, v.reason.trim())?;
    Ok(PaperEntry {
        id: Some(e.id),
        batch_id: e.batch_id,
        target: e.target,
        target_id: e.target_id,
        unit_id: e.unit_id,
        channel: e.channel,
        coded: e.coded,
        state: EntryState::Counted,
        entered_at: e.entered_at,
    })
}

/// The entry's item and scope-deciding unit, for the caller's checks.
pub async fn entry_place(store: &Store, id: Id) -> StoreResult<(CodeTarget, Id, Option<Id>)> {
    let e = store
        .read(move |db| paper::entry(db, id))
        .await?
        .ok_or(StoreError::NotFound("entry"))?;
    Ok((e.target, e.target_id, e.unit_id))
}

/// Voids a counted entry ([`PaperEntry`] as it was).
pub async fn void(store: &Store, meta: WriteMeta, id: Id, input: VoidEntry) -> StoreResult<Reply> {
    let (target, item, _) = entry_place(store, id).await?;
    store
        .write_item(target, item, meta, move |db, m| void_tx(db, m, id, &input))
        .await
}
