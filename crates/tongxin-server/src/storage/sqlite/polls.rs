//! Poll rows, ballots and the stored tally, as SQL: the reads of the public
//! pages and [`PollRows`] for the use cases in [`crate::service::polls`].

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::poll::{Ballot, Poll, PollDraft, Tally};
use tongxin_core::{Id, Millis};

use super::{SqliteRows, from_json, scopes, to_json};
use crate::storage::rows::PollRows;
use crate::storage::{MyBallot, StoreError, StoreResult, Voter};

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

impl PollRows for SqliteRows<'_> {
    fn poll_for_update(&mut self, id: Id) -> StoreResult<Option<(Poll, Tally)>> {
        match with_tally(self, id) {
            Ok(found) => Ok(Some(found)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn has_voted(&mut self, poll: &Poll, voter: &str) -> StoreResult<bool> {
        let sql = if poll.anonymous {
            "SELECT 1 FROM participations WHERE poll_id = ?1 AND voter = ?2"
        } else {
            "SELECT 1 FROM ballots WHERE poll_id = ?1 AND voter = ?2"
        };
        Ok(self.prepare_cached(sql)?.exists(params![poll.id, voter])?)
    }
    fn stored_ballot(&mut self, poll: Id, voter: &str) -> StoreResult<Option<Ballot>> {
        let stored: Option<String> = self
            .prepare_cached("SELECT ballot FROM ballots WHERE poll_id = ?1 AND voter = ?2")?
            .query_row(params![poll, voter], |r| r.get(0))
            .optional()?;
        stored.map(|s| from_json(&s)).transpose()
    }
    fn insert_ballot(
        &mut self,
        poll: &Poll,
        voter: &str,
        ballot: &Ballot,
        now: Millis,
    ) -> StoreResult<()> {
        if poll.anonymous {
            self.prepare_cached("INSERT INTO participations (poll_id, voter) VALUES (?1, ?2)")?
                .execute(params![poll.id, voter])?;
        } else {
            self.prepare_cached("INSERT INTO ballots (poll_id, voter, ballot, cast_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")?
                .execute(params![poll.id, voter, to_json(ballot)?, now])?;
        }
        Ok(())
    }
    fn replace_ballot(
        &mut self,
        poll: Id,
        voter: &str,
        ballot: &Ballot,
        now: Millis,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE ballots SET ballot = ?1, updated_at = ?2 WHERE poll_id = ?3 AND voter = ?4",
        )?
        .execute(params![to_json(ballot)?, now, poll, voter])?;
        Ok(())
    }
    fn delete_ballot(&mut self, poll: Id, voter: &str) -> StoreResult<()> {
        self.prepare_cached("DELETE FROM ballots WHERE poll_id = ?1 AND voter = ?2")?
            .execute(params![poll, voter])?;
        Ok(())
    }
    fn save_tally(&mut self, poll: Id, tally: &Tally) -> StoreResult<()> {
        self.prepare_cached("UPDATE polls SET tally = ?1 WHERE id = ?2")?
            .execute(params![to_json(tally)?, poll])?;
        Ok(())
    }
    fn new_poll_id(&mut self, draft: &PollDraft) -> StoreResult<Id> {
        self.execute(
            "INSERT INTO polls (scope_id, data, tally) VALUES (?1, '{}', '{}')",
            [draft.scope_id],
        )?;
        Ok(Id::from(self.last_insert_rowid()))
    }
    fn save_poll(&mut self, poll: &Poll, tally: Option<&Tally>) -> StoreResult<()> {
        match tally {
            Some(t) => self.execute(
                "UPDATE polls SET data = ?1, tally = ?2 WHERE id = ?3",
                params![to_json(poll)?, to_json(t)?, poll.id],
            )?,
            None => self.execute(
                "UPDATE polls SET data = ?1 WHERE id = ?2",
                params![to_json(poll)?, poll.id],
            )?,
        };
        Ok(())
    }
}
