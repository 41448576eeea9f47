//! What the governance indicators are computed from, counted with SQL
//! aggregates (participants per poll — anonymous polls' participation
//! records plus the other polls' ballots; signatures, ratings and money per
//! item and local day), and the snapshots the periodic job keeps. The
//! rules themselves are in `tongxin_core::indicators`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::indicators::facts::{
    ConventionFact, DayCount, Facts, MoneyDay, MoneyKind, PollFact, ProposalFact, RatingDay,
    StepEntry,
};
use tongxin_core::proposal::funding::PledgeSource;
use tongxin_core::proposal::{ProposalStatus, TransitionRecord};
use tongxin_core::{Id, Millis};

use super::scopes;
use crate::storage::StoreResult;

/// Most snapshots kept: the least recently asked-for go first.
pub(crate) const MAX_SNAPSHOTS: i64 = 2_000;

/// `(t + offset) / day` in SQL: the local day of a column.
fn day_of(column: &str) -> String {
    format!("(({column}) + ?1) / 86400000")
}

fn status(s: &str) -> ProposalStatus {
    match s {
        "withdrawn" => ProposalStatus::Withdrawn,
        "rejected" => ProposalStatus::Rejected,
        "merged" => ProposalStatus::Merged,
        _ => ProposalStatus::Active,
    }
}

/// Every fact, with local days at `offset_minutes`.
pub(crate) fn facts(conn: &Connection, offset_minutes: i32) -> StoreResult<Facts> {
    let offset = i64::from(offset_minutes) * 60_000;
    let polls = conn
        .prepare_cached(
            "SELECT p.id, p.scope_id, json_extract(p.data, '$.title'),
                    COALESCE(json_extract(p.data, '$.opens_at'), json_extract(p.data, '$.created_at')),
                    (SELECT COUNT(*) FROM participations v WHERE v.poll_id = p.id)
                    + (SELECT COUNT(*) FROM ballots b WHERE b.poll_id = p.id)
             FROM polls p ORDER BY p.id",
        )?
        .query_map([], |r| {
            Ok(PollFact {
                id: r.get(0)?,
                scope_id: r.get(1)?,
                title: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                opened_at: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                participants: r.get::<_, i64>(4)?.max(0) as u64,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut signatures: HashMap<Id, Vec<DayCount>> = HashMap::new();
    let sql = format!(
        "SELECT convention_id, unit_id, {} AS d, COUNT(*) FROM signatures
         WHERE withdrawn_at IS NULL GROUP BY convention_id, unit_id, d",
        day_of("signed_at")
    );
    for row in conn.prepare_cached(&sql)?.query_map([offset], |r| {
        Ok((
            r.get::<_, Id>(0)?,
            DayCount {
                unit_id: r.get(1)?,
                day: r.get(2)?,
                count: r.get::<_, i64>(3)?.max(0) as u64,
            },
        ))
    })? {
        let (c, dc) = row?;
        signatures.entry(c).or_default().push(dc);
    }
    let conventions = conn
        .prepare_cached(
            "SELECT id, scope_id, json_extract(data, '$.title') FROM conventions ORDER BY id",
        )?
        .query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, Id>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(id, scope_id, title)| ConventionFact {
            id,
            scope_id,
            title: title.unwrap_or_default(),
            signatures: signatures.remove(&id).unwrap_or_default(),
        })
        .collect();

    Ok(Facts {
        scopes: scopes::all(conn)?,
        polls,
        conventions,
        proposals: proposals(conn, offset)?,
    })
}

fn proposals(conn: &Connection, offset: i64) -> StoreResult<Vec<ProposalFact>> {
    let mut steps: HashMap<Id, Vec<StepEntry>> = HashMap::new();
    for row in conn
        .prepare_cached("SELECT proposal_id, data FROM transitions ORDER BY id")?
        .query_map([], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?)))?
    {
        let (id, data) = row?;
        if let Ok(t) = serde_json::from_str::<TransitionRecord>(&data) {
            steps.entry(id).or_default().push(StepEntry {
                step: t.to_step,
                status: t.status,
                from: t.from_step,
                at: t.at,
            });
        }
    }
    let mut money: HashMap<Id, Vec<MoneyDay>> = HashMap::new();
    let pledges = format!(
        "SELECT proposal_id, source, {} AS d, SUM(amount_fen) FROM pledges GROUP BY proposal_id, source, d",
        day_of("pledged_at")
    );
    let ledger = format!(
        "SELECT proposal_id, kind, {} AS d, SUM(amount_fen) FROM ledger GROUP BY proposal_id, kind, d",
        day_of("recorded_at")
    );
    for sql in [pledges, ledger] {
        for row in conn.prepare_cached(&sql)?.query_map([offset], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })? {
            let (id, kind, day, fen) = row?;
            let kind = match kind.as_str() {
                "resident" => MoneyKind::Pledged(PledgeSource::Resident),
                "organisation" => MoneyKind::Pledged(PledgeSource::Organisation),
                "received" => MoneyKind::Received,
                _ => MoneyKind::Spent,
            };
            money
                .entry(id)
                .or_default()
                .push(MoneyDay { kind, day, fen });
        }
    }
    let mut ratings: HashMap<Id, Vec<RatingDay>> = HashMap::new();
    let sql = format!(
        "SELECT proposal_id, {} AS d, score, COUNT(*) FROM evaluations GROUP BY proposal_id, d, score",
        day_of("created_at")
    );
    for row in conn.prepare_cached(&sql)?.query_map([offset], |r| {
        Ok((
            r.get::<_, Id>(0)?,
            RatingDay {
                day: r.get(1)?,
                score: r.get::<_, i64>(2)?.clamp(0, 255) as u8,
                count: r.get::<_, i64>(3)?.max(0) as u64,
            },
        ))
    })? {
        let (id, r) = row?;
        ratings.entry(id).or_default().push(r);
    }
    let rows = conn
        .prepare_cached(
            "SELECT id, scope_id, json_extract(data, '$.title'), created_at, status, supports,
                    json_extract(data, '$.support_threshold'), json_extract(data, '$.adopted_at'),
                    json_extract(data, '$.delivered_at'), json_extract(data, '$.funding_goal_fen')
             FROM proposals ORDER BY id",
        )?
        .query_map([], |r| {
            Ok(ProposalFact {
                id: r.get(0)?,
                scope_id: r.get(1)?,
                title: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                created_at: r.get(3)?,
                status: status(&r.get::<_, String>(4)?),
                supports: r.get::<_, i64>(5)?.clamp(0, i64::from(u32::MAX)) as u32,
                support_threshold: r
                    .get::<_, Option<i64>>(6)?
                    .unwrap_or(0)
                    .clamp(0, i64::from(u32::MAX)) as u32,
                adopted_at: r.get(7)?,
                delivered_at: r.get(8)?,
                funding_goal_fen: r.get::<_, Option<i64>>(9)?.unwrap_or(0),
                steps: Vec::new(),
                money: Vec::new(),
                ratings: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|mut p| {
            p.steps = steps.remove(&p.id).unwrap_or_default();
            p.money = money.remove(&p.id).unwrap_or_default();
            p.ratings = ratings.remove(&p.id).unwrap_or_default();
            p
        })
        .collect())
}

/// The stored snapshot of `(scope, period)`: when it was computed, and its JSON.
pub(crate) fn snapshot(
    conn: &Connection,
    scope: Id,
    period: &str,
) -> StoreResult<Option<(Millis, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT computed_at, body FROM indicator_snapshots WHERE scope_id = ?1 AND period = ?2",
        )?
        .query_row(params![scope, period], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Stores a snapshot; a first one is marked asked-for at `computed_at`.
/// Keeps at most [`MAX_SNAPSHOTS`].
pub(crate) fn save_snapshot(
    conn: &Connection,
    scope: Id,
    period: &str,
    computed_at: Millis,
    body: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO indicator_snapshots (scope_id, period, computed_at, read_at, body)
         VALUES (?1, ?2, ?3, ?3, ?4)
         ON CONFLICT (scope_id, period) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body",
    )?
    .execute(params![scope, period, computed_at, body])?;
    conn.prepare_cached(
        "DELETE FROM indicator_snapshots WHERE (scope_id, period) IN (SELECT scope_id, period
           FROM indicator_snapshots ORDER BY read_at DESC LIMIT -1 OFFSET ?1)",
    )?
    .execute([MAX_SNAPSHOTS])?;
    Ok(())
}

/// Drops snapshots first asked for before `before`, and lists the others
/// (the job recomputes those).
pub(crate) fn snapshot_keys(conn: &Connection, before: Millis) -> StoreResult<Vec<(Id, String)>> {
    conn.prepare_cached("DELETE FROM indicator_snapshots WHERE read_at < ?1")?
        .execute([before])?;
    Ok(conn
        .prepare_cached(
            "SELECT scope_id, period FROM indicator_snapshots ORDER BY scope_id, period",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?)
}
