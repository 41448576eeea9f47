//! What the governance indicators are computed from, counted with SQL
//! aggregates (participants per poll — anonymous polls' participation
//! records plus the other polls' ballots; signatures, ratings and money per
//! item and local day), and the snapshots the periodic job keeps. The
//! rules themselves are in `tongxin_core::indicators`.

use std::collections::HashMap;

use tongxin_core::budget::BudgetRound;
use tongxin_core::convention::Convention;
use tongxin_core::indicators::facts::{
    ConventionFact, DayCount, Facts, MoneyDay, MoneyKind, PollFact, ProposalFact, RatingDay,
    StepEntry,
};
use tongxin_core::poll::Poll;
use tongxin_core::proposal::funding::PledgeSource;
use tongxin_core::proposal::{Proposal, TransitionRecord};
use tongxin_core::{Id, Millis};

use super::{Db, from_json, p, scopes};
use crate::storage::StoreResult;

/// Most snapshots kept: the least recently asked-for go first.
pub(crate) const MAX_SNAPSHOTS: i64 = 2_000;

/// `(t + offset) / day` in SQL: the local day of a column.
fn day_of(column: &str) -> String {
    format!("(({column}) + ?1) / 86400000")
}

/// Every fact, with local days at `offset_minutes`.
pub(crate) fn facts<D: Db + ?Sized>(db: &mut D, offset_minutes: i32) -> StoreResult<Facts> {
    let offset = i64::from(offset_minutes) * 60_000;
    let polls = db
        .query(
            "SELECT p.data, \
                    (SELECT COUNT(*) FROM participations v WHERE v.poll_id = p.id) \
                    + (SELECT COUNT(*) FROM ballots b WHERE b.poll_id = p.id) \
             FROM polls p ORDER BY p.id",
            &[],
        )?
        .iter()
        .map(|r| {
            let poll: Poll = from_json(&r.get::<String>(0)?)?;
            Ok(PollFact {
                id: poll.id,
                scope_id: poll.scope_id,
                title: poll.title,
                opened_at: poll.opens_at.unwrap_or(poll.created_at),
                participants: r.get::<i64>(1)?.max(0) as u64,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

    let budgets = db
        .query(
            "SELECT b.data, \
                    (SELECT COUNT(*) FROM budget_participations v WHERE v.budget_id = b.id) \
                    + (SELECT COUNT(*) FROM budget_ballots x WHERE x.budget_id = b.id) \
             FROM budgets b ORDER BY b.id",
            &[],
        )?
        .iter()
        .map(|r| {
            let round: BudgetRound = from_json(&r.get::<String>(0)?)?;
            Ok(PollFact {
                id: round.id,
                scope_id: round.scope_id,
                title: round.title,
                opened_at: round.opens_at.unwrap_or(round.created_at),
                participants: r.get::<i64>(1)?.max(0) as u64,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

    let mut signatures: HashMap<Id, Vec<DayCount>> = HashMap::new();
    let sql = format!(
        "SELECT convention_id, unit_id, {} AS d, COUNT(*) FROM signatures \
         WHERE withdrawn_at IS NULL GROUP BY convention_id, unit_id, d",
        day_of("signed_at")
    );
    for r in db.query(&sql, p![offset])? {
        signatures.entry(r.get(0)?).or_default().push(DayCount {
            unit_id: r.get(1)?,
            day: r.get(2)?,
            count: r.get::<i64>(3)?.max(0) as u64,
        });
    }
    let conventions = db
        .query("SELECT data FROM conventions ORDER BY id", &[])?
        .iter()
        .map(|r| {
            let c: Convention = from_json(&r.get::<String>(0)?)?;
            Ok(ConventionFact {
                id: c.id,
                scope_id: c.scope_id,
                signatures: signatures.remove(&c.id).unwrap_or_default(),
                title: c.title,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

    Ok(Facts {
        scopes: scopes::all(db)?,
        polls,
        budgets,
        conventions,
        proposals: proposals(db, offset)?,
    })
}

fn proposals<D: Db + ?Sized>(db: &mut D, offset: i64) -> StoreResult<Vec<ProposalFact>> {
    let mut steps: HashMap<Id, Vec<StepEntry>> = HashMap::new();
    for r in db.query("SELECT proposal_id, data FROM transitions ORDER BY id", &[])? {
        if let Ok(t) = serde_json::from_str::<TransitionRecord>(&r.get::<String>(1)?) {
            steps.entry(r.get(0)?).or_default().push(StepEntry {
                step: t.to_step,
                status: t.status,
                from: t.from_step,
                at: t.at,
            });
        }
    }
    let mut money: HashMap<Id, Vec<MoneyDay>> = HashMap::new();
    let pledges = format!(
        "SELECT proposal_id, source, {} AS d, CAST(SUM(amount_fen) AS BIGINT) FROM pledges GROUP BY proposal_id, source, d",
        day_of("pledged_at")
    );
    let ledger = format!(
        "SELECT proposal_id, kind, {} AS d, CAST(SUM(amount_fen) AS BIGINT) FROM ledger GROUP BY proposal_id, kind, d",
        day_of("recorded_at")
    );
    for sql in [pledges, ledger] {
        for r in db.query(&sql, p![offset])? {
            let kind = match r.get::<String>(1)?.as_str() {
                "resident" => MoneyKind::Pledged(PledgeSource::Resident),
                "organisation" => MoneyKind::Pledged(PledgeSource::Organisation),
                "received" => MoneyKind::Received,
                _ => MoneyKind::Spent,
            };
            money.entry(r.get(0)?).or_default().push(MoneyDay {
                kind,
                day: r.get(2)?,
                fen: r.get(3)?,
            });
        }
    }
    let mut ratings: HashMap<Id, Vec<RatingDay>> = HashMap::new();
    let sql = format!(
        "SELECT proposal_id, {} AS d, score, COUNT(*) FROM evaluations GROUP BY proposal_id, d, score",
        day_of("created_at")
    );
    for r in db.query(&sql, p![offset])? {
        ratings.entry(r.get(0)?).or_default().push(RatingDay {
            day: r.get(1)?,
            score: r.get::<i64>(2)?.clamp(0, 255) as u8,
            count: r.get::<i64>(3)?.max(0) as u64,
        });
    }
    db.query("SELECT data FROM proposals ORDER BY id", &[])?
        .iter()
        .map(|r| {
            let p: Proposal = from_json(&r.get::<String>(0)?)?;
            Ok(ProposalFact {
                id: p.id,
                scope_id: p.scope_id,
                created_at: p.created_at,
                status: p.status,
                supports: p.supports,
                support_threshold: p.support_threshold,
                adopted_at: p.adopted_at,
                delivered_at: p.delivered_at,
                funding_goal_fen: p.funding_goal_fen,
                steps: steps.remove(&p.id).unwrap_or_default(),
                money: money.remove(&p.id).unwrap_or_default(),
                ratings: ratings.remove(&p.id).unwrap_or_default(),
                title: p.title,
            })
        })
        .collect()
}

/// The stored snapshot of `(scope, period)`: when it was computed, and its JSON.
pub(crate) fn snapshot<D: Db + ?Sized>(
    db: &mut D,
    scope: Id,
    period: &str,
) -> StoreResult<Option<(Millis, String)>> {
    db.opt(
        "SELECT computed_at, body FROM indicator_snapshots WHERE scope_id = ?1 AND period = ?2",
        p![scope, period],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

/// Stores a snapshot; a first one is marked asked-for at `computed_at`.
/// Keeps at most [`MAX_SNAPSHOTS`].
pub(crate) fn save_snapshot<D: Db + ?Sized>(
    db: &mut D,
    scope: Id,
    period: &str,
    computed_at: Millis,
    body: &str,
) -> StoreResult<()> {
    db.exec(
        "INSERT INTO indicator_snapshots (scope_id, period, computed_at, read_at, body) \
         VALUES (?1, ?2, ?3, ?3, ?4) \
         ON CONFLICT (scope_id, period) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body",
        p![scope, period, computed_at, body],
    )?;
    db.exec(
        "DELETE FROM indicator_snapshots WHERE (scope_id, period) IN (SELECT scope_id, period \
           FROM indicator_snapshots ORDER BY read_at DESC LIMIT 1000000000 OFFSET ?1)",
        p![MAX_SNAPSHOTS],
    )?;
    Ok(())
}

/// Drops snapshots first asked for before `before`, and lists the others
/// (the job recomputes those).
pub(crate) fn snapshot_keys<D: Db + ?Sized>(
    db: &mut D,
    before: Millis,
) -> StoreResult<Vec<(Id, String)>> {
    db.exec(
        "DELETE FROM indicator_snapshots WHERE read_at < ?1",
        p![before],
    )?;
    db.query(
        "SELECT scope_id, period FROM indicator_snapshots ORDER BY scope_id, period",
        &[],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}
