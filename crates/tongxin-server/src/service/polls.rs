//! Casting, changing and retracting a ballot, and creating and editing a
//! poll. The tally is kept beside the poll and updated in the ballot's own
//! transaction, so results are one row away and always match the ballots.

use tongxin_core::poll::{Ballot, Poll, PollDraft, PollEdit, Tally};
use tongxin_core::{Id, Millis};

use super::{broken_tally, codes};
use crate::storage::rows::PollRows;
use crate::storage::{BallotReceipt, CodeTarget, StoreError, StoreResult, Voter, WriteMeta};

fn load(rows: &mut (impl PollRows + ?Sized), id: Id) -> StoreResult<(Poll, Tally)> {
    rows.poll_for_update(id)?
        .ok_or(StoreError::NotFound("poll"))
}

/// A first ballot.
pub fn cast(
    rows: &mut (impl PollRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &Ballot,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = load(rows, id)?;
    poll.check_open(meta.now)?;
    let ballot = ballot.validate(&poll)?;
    codes::require(rows, voter, CodeTarget::Poll, id, meta.now)?;
    poll.check_first(rows.has_voted(&poll, &voter.key)?)?;
    rows.insert_ballot(&poll, &voter.key, &ballot, meta.now)?;
    tally.add(&ballot).map_err(broken_tally)?;
    if poll.anonymous {
        tally.count_secret(&poll, meta.secret_batch);
    }
    rows.save_tally(id, &tally)?;
    Ok(poll.receipt(Some(ballot), &tally, meta.now))
}

/// The voter's ballot, where the poll lets it be changed or retracted.
fn changeable(
    rows: &mut (impl PollRows + ?Sized),
    poll: &Poll,
    voter: &Voter,
    now: Millis,
) -> StoreResult<Ballot> {
    poll.check_change(now)?;
    rows.stored_ballot(poll.id, &voter.key)?
        .ok_or(StoreError::NotFound("ballot"))
}

/// Replaces the voter's ballot.
pub fn change(
    rows: &mut (impl PollRows + ?Sized),
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
    rows.replace_ballot(id, &voter.key, &ballot, meta.now)?;
    rows.save_tally(id, &tally)?;
    Ok(poll.receipt(Some(ballot), &tally, meta.now))
}

/// Retracts the voter's ballot.
pub fn retract(
    rows: &mut (impl PollRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = load(rows, id)?;
    let old = changeable(rows, &poll, voter, meta.now)?;
    tally.remove(&old).map_err(broken_tally)?;
    rows.delete_ballot(id, &voter.key)?;
    rows.save_tally(id, &tally)?;
    Ok(poll.receipt(None, &tally, meta.now))
}

/// A new poll with an empty tally.
pub fn create(
    rows: &mut (impl PollRows + ?Sized),
    meta: &WriteMeta,
    draft: PollDraft,
) -> StoreResult<Poll> {
    draft.validate().map_err(StoreError::Invalid)?;
    super::require_scope(rows, draft.scope_id)?;
    let id = rows.new_poll_id(&draft)?;
    let poll = draft.into_poll(id, meta.now);
    rows.save_poll(&poll, Some(&Tally::new(&poll)))?;
    Ok(poll)
}

/// Staff edits of a poll's text and settings.
pub fn update(
    rows: &mut (impl PollRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    edit: &PollEdit,
) -> StoreResult<Poll> {
    let (mut poll, _) = load(rows, id)?;
    edit.apply(&mut poll, meta.now)
        .map_err(StoreError::Invalid)?;
    rows.save_poll(&poll, None)?;
    Ok(poll)
}
