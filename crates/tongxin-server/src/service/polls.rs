//! Casting, changing and retracting a ballot, and creating and editing a
//! poll. The tally is kept beside the poll and updated in the ballot's own
//! transaction, so results are one row away and always match the ballots.

use tongxin_core::poll::{Ballot, Poll, PollDraft, PollEdit, Tally};
use tongxin_core::{Id, Millis};

use super::{broken_tally, codes};
use crate::storage::sql::{Db, polls};
use crate::storage::{BallotReceipt, CodeTarget, StoreError, StoreResult, Voter, WriteMeta};
use crate::storage::{MyBallot, Reply, Store};

pub(super) fn load(rows: &mut dyn Db, id: Id) -> StoreResult<(Poll, Tally)> {
    polls::poll_for_update(rows, id)?.ok_or(StoreError::NotFound("poll"))
}

/// A first ballot (online, or keyed from paper by `service::paper`).
pub(super) fn cast_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &Ballot,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally, into) =
        polls::poll_for_cast(rows, id)?.ok_or(StoreError::NotFound("poll"))?;
    poll.check_open(meta.now)?;
    let ballot = ballot.validate(&poll)?;
    codes::require(rows, voter, CodeTarget::Poll, id, meta.now)?;
    let first = polls::insert_first_ballot(rows, &poll, &voter.key, &ballot, meta.now)?;
    poll.check_first(!first)?;
    tally.add(&ballot).map_err(broken_tally)?;
    if poll.anonymous {
        tally.count_secret(&poll, meta.secret_batch);
    }
    polls::save_cast_tally(rows, id, &tally, &into)?;
    Ok(poll.receipt(Some(ballot), tally.ballots + into.elsewhere, meta.now))
}

/// The voter's ballot, where the poll lets it be changed or retracted.
fn changeable(rows: &mut dyn Db, poll: &Poll, voter: &Voter, now: Millis) -> StoreResult<Ballot> {
    poll.check_change(now)?;
    polls::stored_ballot(rows, poll.id, &voter.key)?.ok_or(StoreError::NotFound("ballot"))
}

/// Replaces the voter's ballot.
fn change_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &Ballot,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = load(rows, id)?;
    let old = changeable(rows, &poll, voter, meta.now)?;
    let ballot = ballot.validate(&poll)?;
    tally.remove(&old).map_err(broken_tally)?;
    tally.add(&ballot).map_err(broken_tally)?;
    polls::replace_ballot(rows, id, &voter.key, &ballot, meta.now)?;
    polls::save_tally(rows, id, &tally)?;
    Ok(poll.receipt(Some(ballot), tally.ballots, meta.now))
}

/// Retracts the voter's ballot.
fn retract_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = load(rows, id)?;
    let old = changeable(rows, &poll, voter, meta.now)?;
    tally.remove(&old).map_err(broken_tally)?;
    polls::delete_ballot(rows, id, &voter.key)?;
    polls::save_tally(rows, id, &tally)?;
    Ok(poll.receipt(None, tally.ballots, meta.now))
}

/// A new poll with an empty tally.
pub(super) fn create_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    draft: PollDraft,
) -> StoreResult<Poll> {
    draft.validate().map_err(StoreError::Invalid)?;
    super::require_scope(rows, draft.scope_id)?;
    let id = polls::new_poll_id(rows, &draft)?;
    let poll = draft.into_poll(id, meta.now);
    polls::save_poll(rows, &poll, Some(&Tally::new(&poll)))?;
    Ok(poll)
}

/// Staff edits of a poll's text and settings.
fn update_tx(rows: &mut dyn Db, meta: &WriteMeta, id: Id, edit: &PollEdit) -> StoreResult<Poll> {
    let (mut poll, _) = load(rows, id)?;
    edit.apply(&mut poll, meta.now)
        .map_err(StoreError::Invalid)?;
    polls::save_poll(rows, &poll, None)?;
    Ok(poll)
}

/// Polls, optionally inside a scope.
pub async fn list(store: &Store, scope_id: Option<Id>) -> StoreResult<Vec<Poll>> {
    store.read(move |c| polls::list(c, scope_id)).await
}

/// One poll with its tally.
pub async fn get(store: &Store, id: Id) -> StoreResult<(Poll, Tally)> {
    let entry = store.cached_poll(id).await?;
    Ok((entry.0.clone(), entry.1.clone()))
}

/// A poll's settings, for the checks before a write (its tally may be
/// older than the database's; the write reads the poll again).
pub async fn settings(store: &Store, id: Id) -> StoreResult<Poll> {
    Ok(store.poll_settings(id).await?.0.clone())
}

/// The voter's ballot, if any.
pub async fn my_ballot(store: &Store, poll_id: Id, voter: &Voter) -> StoreResult<Option<MyBallot>> {
    let entry = store.cached_poll(poll_id).await?;
    let voter = voter.clone();
    store
        .read(move |c| polls::my_ballot(c, &entry.0, &voter))
        .await
}

/// Casts a first ballot ([`BallotReceipt`]).
pub async fn cast(
    store: &Store,
    meta: WriteMeta,
    poll_id: Id,
    voter: Voter,
    ballot: Ballot,
) -> StoreResult<Reply> {
    let key = voter.key.clone();
    let result = store
        .write_poll(poll_id, meta, move |c, m| {
            cast_tx(c, m, poll_id, &voter, &ballot)
        })
        .await;
    super::paper::name_first(store, CodeTarget::Poll, poll_id, &key, result).await
}

/// Replaces the voter's ballot where the poll allows it.
pub async fn change(
    store: &Store,
    meta: WriteMeta,
    poll_id: Id,
    voter: Voter,
    ballot: Ballot,
) -> StoreResult<Reply> {
    store
        .write_poll(poll_id, meta, move |c, m| {
            change_tx(c, m, poll_id, &voter, &ballot)
        })
        .await
}

/// Retracts the voter's ballot where the poll allows it.
pub async fn retract(
    store: &Store,
    meta: WriteMeta,
    poll_id: Id,
    voter: Voter,
) -> StoreResult<Reply> {
    store
        .write_poll(poll_id, meta, move |c, m| retract_tx(c, m, poll_id, &voter))
        .await
}

/// Creates a poll.
pub async fn create(store: &Store, meta: WriteMeta, draft: PollDraft) -> StoreResult<Poll> {
    store
        .write_typed(meta, move |c, m| create_tx(c, m, draft))
        .await
}

/// Edits a poll.
pub async fn update(store: &Store, meta: WriteMeta, id: Id, edit: PollEdit) -> StoreResult<Poll> {
    let reply = store
        .edit_poll(id, meta, move |c, m| update_tx(c, m, id, &edit))
        .await?;
    Ok(serde_json::from_str(&reply.body)?)
}
