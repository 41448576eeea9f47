//! Poll rows, ballots and the stored tally. The tally is updated in the same
//! transaction as the ballot, so results are one row read away.

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::poll::{Ballot, Poll, PollDraft, PollEdit, Tally};
use tongxin_core::{Id, Millis};

use super::{check_code, from_json, scopes, to_json};
use crate::storage::{BallotReceipt, MyBallot, StoreError, StoreResult, Voter, WriteMeta};

pub(crate) fn list(conn: &Connection, scope_id: Option<Id>) -> StoreResult<Vec<Poll>> {
    let mut out = Vec::new();
    match scope_id {
        Some(s) => {
            let tree = scopes::tree(conn)?;
            let mut st = conn.prepare_cached("SELECT data FROM polls ORDER BY id")?;
            for data in st.query_map([], |r| r.get::<_, String>(0))? {
                let p: Poll = from_json(&data?)?;
                if tree.is_within(p.scope_id, s) {
                    out.push(p);
                }
            }
        }
        None => {
            let mut st = conn.prepare_cached("SELECT data FROM polls ORDER BY id")?;
            for data in st.query_map([], |r| r.get::<_, String>(0))? {
                out.push(from_json(&data?)?);
            }
        }
    }
    Ok(out)
}

pub(crate) fn with_tally(conn: &Connection, id: Id) -> StoreResult<(Poll, Tally)> {
    let (data, tally): (String, String) = conn
        .prepare_cached("SELECT data, tally FROM polls WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(StoreError::NotFound("poll"))?;
    Ok((from_json(&data)?, from_json(&tally)?))
}

fn save_tally(conn: &Connection, id: Id, tally: &Tally) -> StoreResult<()> {
    conn.prepare_cached("UPDATE polls SET tally = ?1 WHERE id = ?2")?
        .execute(params![to_json(tally)?, id])?;
    Ok(())
}

pub(crate) fn my_ballot(
    conn: &Connection,
    poll: &Poll,
    voter: &Voter,
) -> StoreResult<Option<MyBallot>> {
    if poll.anonymous {
        let took_part = conn
            .prepare_cached("SELECT 1 FROM participations WHERE poll_id = ?1 AND voter = ?2")?
            .exists(params![poll.id, voter.key])?;
        return Ok(took_part.then_some(MyBallot {
            poll_id: poll.id,
            ballot: None,
            cast_at: None,
            updated_at: None,
        }));
    }
    let row: Option<(String, Millis, Millis)> = conn
        .prepare_cached(
            "SELECT ballot, cast_at, updated_at FROM ballots WHERE poll_id = ?1 AND voter = ?2",
        )?
        .query_row(params![poll.id, voter.key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    row.map(|(b, c, u)| {
        Ok(MyBallot {
            poll_id: poll.id,
            ballot: Some(from_json(&b)?),
            cast_at: Some(c),
            updated_at: Some(u),
        })
    })
    .transpose()
}

/// The answer to a ballot. For anonymous polls it carries neither the
/// ballot nor the running count (which would be a sequence number), and its
/// time is rounded down to the minute: a stored receipt (idempotency record)
/// must not help anyone pair a voter with a tally change.
fn receipt(poll: &Poll, ballot: Option<Ballot>, tally: &Tally, at: Millis) -> BallotReceipt {
    if poll.anonymous {
        return BallotReceipt {
            poll_id: poll.id,
            ballot: None,
            ballots: 0,
            at: at - at.rem_euclid(60_000),
        };
    }
    BallotReceipt {
        poll_id: poll.id,
        ballot,
        ballots: tally.ballots,
        at,
    }
}

pub(crate) fn cast(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &Ballot,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = with_tally(conn, id)?;
    poll.check_open(meta.now)?;
    let ballot = ballot.validate(&poll)?;
    check_code(conn, voter, "poll", id, meta.now)?;
    let table = if poll.anonymous {
        "participations"
    } else {
        "ballots"
    };
    let exists = conn
        .prepare_cached(&format!(
            "SELECT 1 FROM {table} WHERE poll_id = ?1 AND voter = ?2"
        ))?
        .exists(params![id, voter.key])?;
    if exists {
        let how = if poll.allow_change {
            " Change it instead."
        } else {
            ""
        };
        return Err(StoreError::duplicate(
            "already-voted",
            format!("you have already voted in this poll.{how}"),
        ));
    }
    if poll.anonymous {
        conn.prepare_cached("INSERT INTO participations (poll_id, voter) VALUES (?1, ?2)")?
            .execute(params![id, voter.key])?;
    } else {
        conn.prepare_cached("INSERT INTO ballots (poll_id, voter, ballot, cast_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")?
            .execute(params![id, voter.key, to_json(&ballot)?, meta.now])?;
    }
    tally
        .add(&ballot)
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    save_tally(conn, id, &tally)?;
    Ok(receipt(&poll, Some(ballot), &tally, meta.now))
}

fn existing_for_change(
    conn: &Connection,
    poll: &Poll,
    voter: &Voter,
    now: Millis,
) -> StoreResult<Ballot> {
    poll.check_open(now)?;
    if !poll.allow_change {
        return Err(StoreError::conflict(
            "change-not-allowed",
            "this poll does not allow changing or retracting a ballot",
        ));
    }
    let stored: Option<String> = conn
        .prepare_cached("SELECT ballot FROM ballots WHERE poll_id = ?1 AND voter = ?2")?
        .query_row(params![poll.id, voter.key], |r| r.get(0))
        .optional()?;
    match stored {
        Some(s) => from_json(&s),
        None => Err(StoreError::NotFound("ballot")),
    }
}

pub(crate) fn change(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &Ballot,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = with_tally(conn, id)?;
    let old = existing_for_change(conn, &poll, voter, meta.now)?;
    let ballot = ballot.validate(&poll)?;
    tally
        .remove(&old)
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    tally
        .add(&ballot)
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    conn.prepare_cached(
        "UPDATE ballots SET ballot = ?1, updated_at = ?2 WHERE poll_id = ?3 AND voter = ?4",
    )?
    .execute(params![to_json(&ballot)?, meta.now, id, voter.key])?;
    save_tally(conn, id, &tally)?;
    Ok(receipt(&poll, Some(ballot), &tally, meta.now))
}

pub(crate) fn retract(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<BallotReceipt> {
    let (poll, mut tally) = with_tally(conn, id)?;
    let old = existing_for_change(conn, &poll, voter, meta.now)?;
    tally
        .remove(&old)
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    conn.prepare_cached("DELETE FROM ballots WHERE poll_id = ?1 AND voter = ?2")?
        .execute(params![id, voter.key])?;
    save_tally(conn, id, &tally)?;
    Ok(receipt(&poll, None, &tally, meta.now))
}

pub(crate) fn create(conn: &Connection, meta: &WriteMeta, draft: PollDraft) -> StoreResult<Poll> {
    draft.validate().map_err(StoreError::Invalid)?;
    scopes::require(conn, "scope_id", draft.scope_id)?;
    conn.execute(
        "INSERT INTO polls (scope_id, data, tally) VALUES (?1, '{}', '{}')",
        [draft.scope_id],
    )?;
    let poll = draft.into_poll(Id::from(conn.last_insert_rowid()), meta.now);
    conn.execute(
        "UPDATE polls SET data = ?1, tally = ?2 WHERE id = ?3",
        params![to_json(&poll)?, to_json(&Tally::new(&poll))?, poll.id],
    )?;
    Ok(poll)
}

pub(crate) fn update(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    edit: &PollEdit,
) -> StoreResult<Poll> {
    let (mut poll, _) = with_tally(conn, id)?;
    edit.apply(&mut poll, meta.now)
        .map_err(StoreError::Invalid)?;
    conn.execute(
        "UPDATE polls SET data = ?1 WHERE id = ?2",
        params![to_json(&poll)?, id],
    )?;
    Ok(poll)
}
