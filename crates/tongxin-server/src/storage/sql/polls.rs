//! Poll rows, ballots and the stored tally, as SQL: the reads of the public
//! pages and the rows the poll use cases read and write.

use tongxin_core::poll::{Ballot, Poll, PollDraft, Tally};
use tongxin_core::{Id, Millis};

use super::{Db, from_json, p, scopes, to_json};
use crate::storage::{MyBallot, StoreError, StoreResult, Voter};

/// Polls in id order, those inside `scope_id` when given (the scope and
/// its descendants, found in SQL).
pub(crate) fn list<D: Db + ?Sized>(db: &mut D, scope_id: Option<Id>) -> StoreResult<Vec<Poll>> {
    scopes::items_within(db, "polls", scope_id)
}

pub(crate) fn with_tally<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<(Poll, Tally)> {
    read(db, id, "")?.ok_or(StoreError::NotFound("poll"))
}

fn read<D: Db + ?Sized>(db: &mut D, id: Id, lock: &str) -> StoreResult<Option<(Poll, Tally)>> {
    db.opt(
        &format!("SELECT data, tally FROM polls WHERE id = ?1{lock}"),
        p![id],
    )?
    .map(|r| {
        Ok((
            from_json(&r.get::<String>(0)?)?,
            from_json(&r.get::<String>(1)?)?,
        ))
    })
    .transpose()
}

pub(crate) fn my_ballot<D: Db + ?Sized>(
    db: &mut D,
    poll: &Poll,
    voter: &Voter,
) -> StoreResult<Option<MyBallot>> {
    if poll.anonymous {
        let took_part = db.exists(
            "SELECT 1 FROM participations WHERE poll_id = ?1 AND voter = ?2",
            p![poll.id, &voter.key],
        )?;
        return Ok(took_part.then_some(MyBallot {
            poll_id: poll.id,
            ballot: None,
            cast_at: None,
            updated_at: None,
        }));
    }
    db.opt(
        "SELECT ballot, cast_at, updated_at FROM ballots WHERE poll_id = ?1 AND voter = ?2",
        p![poll.id, &voter.key],
    )?
    .map(|r| {
        Ok(MyBallot {
            poll_id: poll.id,
            ballot: Some(from_json(&r.get::<String>(0)?)?),
            cast_at: Some(r.get(1)?),
            updated_at: Some(r.get(2)?),
        })
    })
    .transpose()
}

/// A poll and its tally, locked until the transaction ends.
pub(crate) fn poll_for_update<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Option<(Poll, Tally)>> {
    let lock = db.lock_for_update();
    read(db, id, lock)
}

/// Whether the voter has a ballot (or, in an anonymous poll, a
/// participation) in the poll.
pub(crate) fn has_voted<D: Db + ?Sized>(db: &mut D, poll: &Poll, voter: &str) -> StoreResult<bool> {
    let sql = if poll.anonymous {
        "SELECT 1 FROM participations WHERE poll_id = ?1 AND voter = ?2"
    } else {
        "SELECT 1 FROM ballots WHERE poll_id = ?1 AND voter = ?2"
    };
    db.exists(sql, p![poll.id, voter])
}

/// The voter's stored ballot (never stored for anonymous polls).
pub(crate) fn stored_ballot<D: Db + ?Sized>(
    db: &mut D,
    poll: Id,
    voter: &str,
) -> StoreResult<Option<Ballot>> {
    db.opt(
        "SELECT ballot FROM ballots WHERE poll_id = ?1 AND voter = ?2",
        p![poll, voter],
    )?
    .map(|r| from_json(&r.get::<String>(0)?))
    .transpose()
}

/// Records a first ballot: in an anonymous poll only that the voter took
/// part, never the choice.
pub(crate) fn insert_ballot<D: Db + ?Sized>(
    db: &mut D,
    poll: &Poll,
    voter: &str,
    ballot: &Ballot,
    now: Millis,
) -> StoreResult<()> {
    if poll.anonymous {
        db.exec(
            "INSERT INTO participations (poll_id, voter) VALUES (?1, ?2)",
            p![poll.id, voter],
        )?;
    } else {
        db.exec(
            "INSERT INTO ballots (poll_id, voter, ballot, cast_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            p![poll.id, voter, to_json(ballot)?, now],
        )?;
    }
    Ok(())
}

/// Replaces the voter's ballot.
pub(crate) fn replace_ballot<D: Db + ?Sized>(
    db: &mut D,
    poll: Id,
    voter: &str,
    ballot: &Ballot,
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "UPDATE ballots SET ballot = ?1, updated_at = ?2 WHERE poll_id = ?3 AND voter = ?4",
        p![to_json(ballot)?, now, poll, voter],
    )?;
    Ok(())
}

/// Deletes the voter's ballot.
pub(crate) fn delete_ballot<D: Db + ?Sized>(db: &mut D, poll: Id, voter: &str) -> StoreResult<()> {
    db.exec(
        "DELETE FROM ballots WHERE poll_id = ?1 AND voter = ?2",
        p![poll, voter],
    )?;
    Ok(())
}

/// Stores the tally.
pub(crate) fn save_tally<D: Db + ?Sized>(db: &mut D, poll: Id, tally: &Tally) -> StoreResult<()> {
    db.exec(
        "UPDATE polls SET tally = ?1 WHERE id = ?2",
        p![to_json(tally)?, poll],
    )?;
    Ok(())
}

/// Reserves a new poll row for this draft and returns its id.
pub(crate) fn new_poll_id<D: Db + ?Sized>(db: &mut D, draft: &PollDraft) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO polls (scope_id, data, tally) VALUES (?1, '{}', '{}') RETURNING id",
        p![draft.scope_id],
    )
}

/// Stores a poll's settings (and, with `tally`, its tally).
pub(crate) fn save_poll<D: Db + ?Sized>(
    db: &mut D,
    poll: &Poll,
    tally: Option<&Tally>,
) -> StoreResult<()> {
    match tally {
        Some(t) => db.exec(
            "UPDATE polls SET data = ?1, tally = ?2 WHERE id = ?3",
            p![to_json(poll)?, to_json(t)?, poll.id],
        )?,
        None => db.exec(
            "UPDATE polls SET data = ?1 WHERE id = ?2",
            p![to_json(poll)?, poll.id],
        )?,
    };
    Ok(())
}

/// Forgets that the voter took part in an anonymous poll (a voided paper
/// ballot; its choice was taken out of the tally by the caller).
pub(crate) fn delete_participation<D: Db + ?Sized>(
    db: &mut D,
    poll: Id,
    voter: &str,
) -> StoreResult<()> {
    db.exec(
        "DELETE FROM participations WHERE poll_id = ?1 AND voter = ?2",
        p![poll, voter],
    )?;
    Ok(())
}
