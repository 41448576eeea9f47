//! Poll rows, ballots and the stored tally, as SQL: the reads of the public
//! pages and the rows the poll use cases read and write.
//!
//! Where the engine keeps tallies in parts ([`TallyParts`], PostgreSQL), a
//! poll's tally is its row's plus every part's: a new ballot goes to the
//! writer's own part ([`poll_for_cast`]), and anything that takes a ballot
//! out or needs the whole tally under lock ([`poll_for_update`]) first
//! folds the parts back into the row.

use tongxin_core::poll::{Ballot, Poll, PollDraft, Tally};
use tongxin_core::{Id, Millis};

use super::{Db, TallyParts, from_json, p, scopes, to_json};
use crate::storage::{MyBallot, StoreError, StoreResult, Voter};

/// Polls in id order, those inside `scope_id` when given (the scope and
/// its descendants, found in SQL).
pub(crate) fn list<D: Db + ?Sized>(db: &mut D, scope_id: Option<Id>) -> StoreResult<Vec<Poll>> {
    scopes::items_within(db, "polls", scope_id)
}

/// A poll and its whole tally (its parts added up).
pub(crate) fn with_tally<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<(Poll, Tally)> {
    let (poll, base) = read(db, id, "")?.ok_or(StoreError::NotFound("poll"))?;
    if db.tally_parts() == TallyParts::None {
        return Ok((poll, base));
    }
    let parts = parts(db, id, "")?;
    Ok((poll, sum(base, parts.iter().map(|(_, t)| t))?))
}

/// The writers' parts of poll `id`'s tally, by part number; `lock` as in
/// [`Db::lock_for_update`].
fn parts<D: Db + ?Sized>(db: &mut D, id: Id, lock: &str) -> StoreResult<Vec<(i64, Tally)>> {
    db.query(
        &format!("SELECT part, tally FROM poll_tally_parts WHERE poll_id = ?1 ORDER BY part{lock}"),
        p![id],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, from_json(&r.get::<String>(1)?)?)))
    .collect()
}

fn sum<'a>(base: Tally, parts: impl IntoIterator<Item = &'a Tally>) -> StoreResult<Tally> {
    Tally::sum(base, parts).map_err(|e| StoreError::Internal(format!("tally parts: {e}")))
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

/// A poll and its whole tally, locked until the transaction ends; where
/// tallies are kept in parts, the parts are folded into the poll's row
/// first (so a ballot counted in any part can be taken out).
pub(crate) fn poll_for_update<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Option<(Poll, Tally)>> {
    let lock = db.lock_for_update();
    let Some((poll, base)) = read(db, id, lock)? else {
        return Ok(None);
    };
    if db.tally_parts() == TallyParts::None {
        return Ok(Some((poll, base)));
    }
    // Only the parts read (and locked) here are deleted: one committed
    // meanwhile by another writer stays, and is still added up.
    let parts = parts(db, id, lock)?;
    if parts.is_empty() {
        return Ok(Some((poll, base)));
    }
    for (part, _) in &parts {
        db.exec(
            "DELETE FROM poll_tally_parts WHERE poll_id = ?1 AND part = ?2",
            p![id, *part],
        )?;
    }
    let whole = sum(base, parts.iter().map(|(_, t)| t))?;
    save_tally(db, id, &whole)?;
    Ok(Some((poll, whole)))
}

/// A poll about to take a new ballot, the tally the ballot is added to,
/// and the ballots counted elsewhere (for the receipt's total). A writer
/// with its own part gets that part, locked, and leaves the poll's row
/// unlocked (ballots through other writers do not wait); otherwise, and
/// for anonymous polls, it is [`poll_for_update`].
pub(crate) fn poll_for_cast<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Option<(Poll, Tally, CastInto)>> {
    let whole = |db: &mut D| {
        let into = CastInto {
            part: None,
            elsewhere: 0,
        };
        Ok(poll_for_update(db, id)?.map(|(poll, tally)| (poll, tally, into)))
    };
    let TallyParts::Writer(part) = db.tally_parts() else {
        return whole(db);
    };
    let Some(r) = db.opt(
        "SELECT p.data, p.tally, \
                (SELECT CAST(COALESCE(SUM(t.ballots), 0) AS BIGINT) FROM poll_tally_parts t \
                 WHERE t.poll_id = p.id AND t.part <> ?2) \
         FROM polls p WHERE p.id = ?1",
        p![id, part],
    )?
    else {
        return Ok(None);
    };
    let poll: Poll = from_json(&r.get::<String>(0)?)?;
    if poll.anonymous {
        // One tally, never parts: parts would split secret ballots by the
        // writer (so the instance) that took them, and an operator who
        // knows which instance a voter reached could read a small part.
        return whole(db);
    }
    let base: Tally = from_json(&r.get::<String>(1)?)?;
    let others = base.ballots + r.get::<i64>(2)?.max(0) as u64;
    let lock = "SELECT tally FROM poll_tally_parts WHERE poll_id = ?1 AND part = ?2 FOR UPDATE";
    let mine = match db.opt(lock, p![id, part])? {
        Some(r) => r,
        None => {
            db.exec(
                "INSERT INTO poll_tally_parts (poll_id, part, tally, ballots) VALUES (?1, ?2, ?3, 0) \
                 ON CONFLICT DO NOTHING",
                p![id, part, to_json(&Tally::new(&poll))?],
            )?;
            db.one(lock, p![id, part])?
        }
    };
    let into = CastInto {
        part: Some(part),
        elsewhere: others,
    };
    Ok(Some((poll, from_json(&mine.get::<String>(0)?)?, into)))
}

/// Where [`poll_for_cast`] found the tally a ballot is added to.
pub(crate) struct CastInto {
    /// The writer's part, or `None` for the poll's own row.
    pub part: Option<i64>,
    /// Ballots counted in the rest of the poll's tally.
    pub elsewhere: u64,
}

/// Stores the tally [`poll_for_cast`] gave, where it came from.
pub(crate) fn save_cast_tally<D: Db + ?Sized>(
    db: &mut D,
    poll: Id,
    tally: &Tally,
    into: &CastInto,
) -> StoreResult<()> {
    match into.part {
        Some(part) => {
            db.exec(
                "UPDATE poll_tally_parts SET tally = ?1, ballots = ?2 WHERE poll_id = ?3 AND part = ?4",
                p![to_json(tally)?, tally.ballots as i64, poll, part],
            )?;
            Ok(())
        }
        None => save_tally(db, poll, tally),
    }
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

/// Records a first ballot (in an anonymous poll only that the voter took
/// part, never the choice); false, writing nothing, when the voter already
/// has one. One statement: the unique index is the check.
pub(crate) fn insert_first_ballot<D: Db + ?Sized>(
    db: &mut D,
    poll: &Poll,
    voter: &str,
    ballot: &Ballot,
    now: Millis,
) -> StoreResult<bool> {
    let written = if poll.anonymous {
        db.exec(
            "INSERT INTO participations (poll_id, voter) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            p![poll.id, voter],
        )?
    } else {
        db.exec(
            "INSERT INTO ballots (poll_id, voter, ballot, cast_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT DO NOTHING",
            p![poll.id, voter, to_json(ballot)?, now],
        )?
    };
    Ok(written == 1)
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
