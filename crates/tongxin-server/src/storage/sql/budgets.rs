//! Budget round rows, their tallies, and the residents' ballots, as SQL.
//! An anonymous round writes only that a voter took part
//! (`budget_participations`); what they chose goes into the grouped tally
//! alone.

use tongxin_core::budget::{BudgetRound, BudgetTally};
use tongxin_core::{Id, Millis};

use super::{Db, from_json, p, scopes, to_json};
use crate::storage::{StoreError, StoreResult};

/// Rounds in id order, those inside `scope_id` when given.
pub(crate) fn list<D: Db + ?Sized>(
    db: &mut D,
    scope_id: Option<Id>,
) -> StoreResult<Vec<BudgetRound>> {
    scopes::items_within(db, "budgets", scope_id)
}

fn read<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    lock: &str,
) -> StoreResult<Option<(BudgetRound, BudgetTally)>> {
    db.opt(
        &format!("SELECT data, tally FROM budgets WHERE id = ?1{lock}"),
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

/// A round and its tally.
pub(crate) fn get<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<(BudgetRound, BudgetTally)> {
    read(db, id, "")?.ok_or(StoreError::NotFound("budget round"))
}

/// A round and its tally, locked until the transaction ends.
pub(crate) fn for_update<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<(BudgetRound, BudgetTally)> {
    let lock = db.lock_for_update();
    read(db, id, lock)?.ok_or(StoreError::NotFound("budget round"))
}

/// Reserves a row for a new round of `scope` and returns its id.
pub(crate) fn new_id<D: Db + ?Sized>(db: &mut D, scope: Id) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO budgets (scope_id, data, tally) VALUES (?1, '{}', '{}') RETURNING id",
        p![scope],
    )
}

/// Stores a round (and, with `tally`, its tally).
pub(crate) fn save<D: Db + ?Sized>(
    db: &mut D,
    round: &BudgetRound,
    tally: Option<&BudgetTally>,
) -> StoreResult<()> {
    db.exec(
        "UPDATE budgets SET data = ?1 WHERE id = ?2",
        p![to_json(round)?, round.id],
    )?;
    if let Some(t) = tally {
        db.exec(
            "UPDATE budgets SET tally = ?1 WHERE id = ?2",
            p![to_json(t)?, round.id],
        )?;
    }
    Ok(())
}

/// Whether the voter took part (either table).
pub(crate) fn has_voted<D: Db + ?Sized>(
    db: &mut D,
    round: &BudgetRound,
    voter: &str,
) -> StoreResult<bool> {
    let sql = if round.anonymous {
        "SELECT 1 FROM budget_participations WHERE budget_id = ?1 AND voter = ?2"
    } else {
        "SELECT 1 FROM budget_ballots WHERE budget_id = ?1 AND voter = ?2"
    };
    db.exists(sql, p![round.id, voter])
}

/// The voter's ballot (sorted project positions) with when it was cast
/// and last changed; never stored for an anonymous round.
pub(crate) fn ballot<D: Db + ?Sized>(
    db: &mut D,
    round: Id,
    voter: &str,
) -> StoreResult<Option<(Vec<usize>, Millis, Millis)>> {
    db.opt(
        "SELECT projects, cast_at, updated_at FROM budget_ballots WHERE budget_id = ?1 AND voter = ?2",
        p![round, voter],
    )?
    .map(|r| Ok((from_json(&r.get::<String>(0)?)?, r.get(1)?, r.get(2)?)))
    .transpose()
}

/// Records a first ballot: in an anonymous round only that the voter took part.
pub(crate) fn insert_ballot<D: Db + ?Sized>(
    db: &mut D,
    round: &BudgetRound,
    voter: &str,
    projects: &[usize],
    now: Millis,
) -> StoreResult<()> {
    if round.anonymous {
        db.exec(
            "INSERT INTO budget_participations (budget_id, voter) VALUES (?1, ?2)",
            p![round.id, voter],
        )?;
    } else {
        db.exec(
            "INSERT INTO budget_ballots (budget_id, voter, projects, cast_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            p![round.id, voter, to_json(&projects)?, now],
        )?;
    }
    Ok(())
}

/// Replaces the voter's ballot.
pub(crate) fn replace_ballot<D: Db + ?Sized>(
    db: &mut D,
    round: Id,
    voter: &str,
    projects: &[usize],
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "UPDATE budget_ballots SET projects = ?1, updated_at = ?2 WHERE budget_id = ?3 AND voter = ?4",
        p![to_json(&projects)?, now, round, voter],
    )?;
    Ok(())
}

/// Deletes the voter's ballot.
pub(crate) fn delete_ballot<D: Db + ?Sized>(db: &mut D, round: Id, voter: &str) -> StoreResult<()> {
    db.exec(
        "DELETE FROM budget_ballots WHERE budget_id = ?1 AND voter = ?2",
        p![round, voter],
    )?;
    Ok(())
}

/// Forgets that the voter took part in an anonymous round (a voided paper
/// ballot; its choice was taken out of the tally by the caller).
pub(crate) fn delete_participation<D: Db + ?Sized>(
    db: &mut D,
    round: Id,
    voter: &str,
) -> StoreResult<()> {
    db.exec(
        "DELETE FROM budget_participations WHERE budget_id = ?1 AND voter = ?2",
        p![round, voter],
    )?;
    Ok(())
}
