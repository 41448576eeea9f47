//! Proposal rows and what hangs off them (supports, pledges, the ledger, the
//! timeline, evaluations), as SQL: the public reads, and the rows the
//! proposal use cases read and write.

use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, Pledge, PledgeInput,
};
use tongxin_core::proposal::{Proposal, ProposalDraft, TransitionRecord};
use tongxin_core::{Id, Millis};

use super::{
    Db, Row, Value, decode_cursor, encode_cursor, from_json, key, p, page, scopes, to_json,
};
use crate::storage::columns;
use crate::storage::{
    Page, ProposalCard, ProposalFilter, ProposalSort, PublicEvaluation, StoreError, StoreResult,
    Voter,
};

fn read<D: Db + ?Sized>(db: &mut D, id: Id, lock: &str) -> StoreResult<Option<Proposal>> {
    db.opt(
        &format!("SELECT data FROM proposals WHERE id = ?1{lock}"),
        p![id],
    )?
    .map(|r| from_json(&r.get::<String>(0)?))
    .transpose()
}

pub(crate) fn get<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Proposal> {
    read(db, id, "")?.ok_or(StoreError::NotFound("proposal"))
}

/// Stores a proposal (and the funding rank the board sorts by).
pub(crate) fn save_proposal<D: Db + ?Sized>(db: &mut D, p: &Proposal) -> StoreResult<()> {
    db.exec(
        "UPDATE proposals SET step = ?1, status = ?2, supports = ?3, data = ?4 WHERE id = ?5",
        p![
            p.step.as_str(),
            p.status.as_str(),
            p.supports,
            to_json(p)?,
            p.id
        ],
    )?;
    rank_funding(db, p.id, p.funding_goal_fen)
}

/// Recomputes the funding progress the board sorts by (permille of the goal).
fn rank_funding<D: Db + ?Sized>(db: &mut D, id: Id, goal_fen: i64) -> StoreResult<()> {
    if goal_fen > 0 {
        db.exec(
            "UPDATE proposals SET funding_permille = \
             CAST(COALESCE((SELECT SUM(amount_fen) FROM pledges WHERE proposal_id = ?1), 0) AS BIGINT) * 1000 / ?2 \
             WHERE id = ?1",
            p![id, goal_fen],
        )?;
    } else {
        db.exec(
            "UPDATE proposals SET funding_permille = 0 WHERE id = ?1",
            p![id],
        )?;
    }
    Ok(())
}

/// One page of the board: the filters, the order and the cursor all run
/// in SQL (the scope filter through [`scopes::WITHIN`]).
pub(crate) fn list<D: Db + ?Sized>(
    db: &mut D,
    f: &ProposalFilter,
) -> StoreResult<Page<ProposalCard>> {
    let cursor = f
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, 2))
        .transpose()?;
    let (a, b) = cursor.map(|c| (c[0], c[1])).unwrap_or((i64::MAX, i64::MAX));
    let mut params: Vec<Value> = Vec::new();
    let mut arg = |v: Value| {
        params.push(v);
        format!("?{}", params.len())
    };
    let mut sql = String::new();
    let mut conditions = Vec::new();
    if let Some(s) = f.scope_id {
        arg(s.into());
        sql.push_str(scopes::WITHIN);
        conditions.push("scope_id IN (SELECT id FROM within)".to_string());
    }
    if !f.include_closed {
        conditions.push("status = 'active'".into());
    }
    if let Some(step) = f.step {
        conditions.push(format!("step = {}", arg(step.as_str().into())));
    }
    let column = match f.sort {
        ProposalSort::Newest => "created_at",
        ProposalSort::Supports => "supports",
        ProposalSort::Funding => "funding_permille",
    };
    conditions.push(format!(
        "({column}, id) < ({}, {})",
        arg(a.into()),
        arg(b.into())
    ));
    let limit = arg((i64::from(f.limit) + 1).into());
    sql.push_str(&format!(
        " SELECT data, funding_permille FROM proposals WHERE {} ORDER BY {column} DESC, id DESC LIMIT {limit}",
        conditions.join(" AND ")
    ));
    let items = db
        .query(&sql, &params)?
        .iter()
        .map(|r| {
            Ok((
                from_json::<Proposal>(&r.get::<String>(0)?)?,
                r.get::<i64>(1)?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let sort = f.sort;
    let page = page(items, f.limit, move |(p, rank)| match sort {
        ProposalSort::Newest => encode_cursor(&[p.created_at, key(p.id)]),
        ProposalSort::Supports => encode_cursor(&[i64::from(p.supports), key(p.id)]),
        ProposalSort::Funding => encode_cursor(&[*rank, key(p.id)]),
    });
    let mut cards = Vec::with_capacity(page.items.len());
    for (proposal, _) in page.items {
        cards.push(ProposalCard {
            funding: funding(db, &proposal)?,
            proposal,
        });
    }
    Ok(Page {
        items: cards,
        next_cursor: page.next_cursor,
    })
}

pub(crate) fn supports_it<D: Db + ?Sized>(db: &mut D, id: Id, voter: &Voter) -> StoreResult<bool> {
    get(db, id)?;
    db.exists(
        "SELECT 1 FROM supports WHERE proposal_id = ?1 AND voter = ?2",
        p![id, &voter.key],
    )
}

const PLEDGE_COLS: &str = "id, source, amount_fen, public_name, pledged_at";

fn pledge_row(r: &Row) -> StoreResult<Pledge> {
    Ok(Pledge {
        id: r.get(0)?,
        source: columns::parse_pledge_source(&r.get::<String>(1)?),
        amount_fen: r.get(2)?,
        public_name: r.get(3)?,
        pledged_at: r.get(4)?,
    })
}

pub(crate) fn pledges<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Vec<Pledge>> {
    get(db, id)?;
    db.query(
        &format!("SELECT {PLEDGE_COLS} FROM pledges WHERE proposal_id = ?1 ORDER BY id DESC"),
        p![id],
    )?
    .iter()
    .map(pledge_row)
    .collect()
}

pub(crate) fn ledger<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Vec<LedgerEntry>> {
    let p = get(db, id)?;
    Ok(funding_and_ledger(db, &p)?.1)
}

pub(crate) fn funding<D: Db + ?Sized>(db: &mut D, p: &Proposal) -> StoreResult<FundingSummary> {
    Ok(funding_and_ledger(db, p)?.0)
}

/// Pledges and ledger totals, and the ledger with its running balance, both
/// computed by [`FundingSummary`] so the arithmetic lives in one place.
pub(crate) fn funding_and_ledger<D: Db + ?Sized>(
    db: &mut D,
    p: &Proposal,
) -> StoreResult<(FundingSummary, Vec<LedgerEntry>)> {
    let mut summary = FundingSummary::new(p.funding_goal_fen);
    for r in db.query(
        "SELECT source, amount_fen FROM pledges WHERE proposal_id = ?1",
        p![p.id],
    )? {
        summary.add_pledge(
            columns::parse_pledge_source(&r.get::<String>(0)?),
            r.get(1)?,
        )?;
    }
    let mut entries = Vec::new();
    for r in db.query(
        "SELECT id, kind, amount_fen, memo, recorded_at FROM ledger WHERE proposal_id = ?1 ORDER BY id",
        p![p.id],
    )? {
        let kind = columns::parse_ledger_kind(&r.get::<String>(1)?);
        let amount_fen: i64 = r.get(2)?;
        summary.add_ledger(kind, amount_fen)?;
        entries.push(LedgerEntry {
            id: r.get(0)?,
            kind,
            amount_fen,
            memo: r.get(3)?,
            recorded_at: r.get::<Millis>(4)?,
            balance_fen: summary.balance_fen,
        });
    }
    Ok((summary, entries))
}

pub(crate) fn timeline<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Vec<TransitionRecord>> {
    get(db, id)?;
    db.query(
        "SELECT data FROM transitions WHERE proposal_id = ?1 ORDER BY id",
        p![id],
    )?
    .iter()
    .map(|r| from_json(&r.get::<String>(0)?))
    .collect()
}

pub(crate) fn evaluations<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Vec<PublicEvaluation>> {
    get(db, id)?;
    db.query(
        "SELECT score, comment, created_at FROM evaluations WHERE proposal_id = ?1 ORDER BY created_at DESC, voter LIMIT 1000",
        p![id],
    )?
    .iter()
    .map(|r| {
        Ok(PublicEvaluation {
            score: r.get(0)?,
            comment: r.get(1)?,
            created_at: r.get(2)?,
        })
    })
    .collect()
}

/// A proposal, locked until the transaction ends.
pub(crate) fn proposal_for_update<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Option<Proposal>> {
    let lock = db.lock_for_update();
    read(db, id, lock)
}

/// Reserves a row for a new proposal by `voter` and returns its id.
pub(crate) fn new_proposal_id<D: Db + ?Sized>(
    db: &mut D,
    draft: &ProposalDraft,
    voter: &str,
    now: Millis,
) -> StoreResult<Id> {
    let contact = draft.contact.clone().filter(|c| !c.trim().is_empty());
    db.insert(
        "INSERT INTO proposals (scope_id, step, status, supports, created_at, proposer_voter, contact, data) \
         VALUES (?1, 'propose', 'active', 0, ?2, ?3, ?4, '{}') RETURNING id",
        p![draft.scope_id, now, voter, contact],
    )
}

/// Records a support; false when the voter already supports it.
pub(crate) fn add_support<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    now: Millis,
) -> StoreResult<bool> {
    let n = db.exec(
        "INSERT INTO supports (proposal_id, voter, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        p![id, voter, now],
    )?;
    Ok(n == 1)
}

/// Removes a support; false when there was none.
pub(crate) fn remove_support<D: Db + ?Sized>(db: &mut D, id: Id, voter: &str) -> StoreResult<bool> {
    let n = db.exec(
        "DELETE FROM supports WHERE proposal_id = ?1 AND voter = ?2",
        p![id, voter],
    )?;
    Ok(n == 1)
}

/// Supports counted.
pub(crate) fn count_supports<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<u32> {
    db.one(
        "SELECT COUNT(*) FROM supports WHERE proposal_id = ?1",
        p![id],
    )?
    .get(0)
}

/// What the voter has pledged so far, in fen.
pub(crate) fn pledged_by<D: Db + ?Sized>(db: &mut D, id: Id, voter: &str) -> StoreResult<i64> {
    db.one(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM pledges WHERE proposal_id = ?1 AND voter = ?2",
        p![id, voter],
    )?
    .get(0)
}

/// Stores a pledge (and the funding rank) and returns it.
pub(crate) fn insert_pledge<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    input: &PledgeInput,
    now: Millis,
) -> StoreResult<Pledge> {
    let name = input
        .public_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let row = db.one(
        &format!(
            "INSERT INTO pledges (proposal_id, voter, source, amount_fen, public_name, pledged_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING {PLEDGE_COLS}"
        ),
        p![
            id,
            voter,
            columns::pledge_source(input.source),
            input.amount_fen,
            name,
            now
        ],
    )?;
    let goal = get(db, id)?.funding_goal_fen;
    rank_funding(db, id, goal)?;
    pledge_row(&row)
}

/// Stores a ledger entry and returns its id.
pub(crate) fn insert_ledger<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    input: &LedgerInput,
    now: Millis,
) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO ledger (proposal_id, kind, amount_fen, memo, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        p![
            id,
            columns::ledger_kind(input.kind),
            input.amount_fen,
            input.memo.trim(),
            now
        ],
    )
}

/// Appends to the timeline.
pub(crate) fn insert_transition<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    rec: &TransitionRecord,
) -> StoreResult<()> {
    db.exec(
        "INSERT INTO transitions (proposal_id, data) VALUES (?1, ?2)",
        p![id, to_json(rec)?],
    )?;
    Ok(())
}

/// Stores an evaluation; false when the voter already rated it.
pub(crate) fn insert_evaluation<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    e: &PublicEvaluation,
) -> StoreResult<bool> {
    let n = db.exec(
        "INSERT INTO evaluations (proposal_id, voter, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT DO NOTHING",
        p![id, voter, e.score, &e.comment, e.created_at],
    )?;
    Ok(n == 1)
}
