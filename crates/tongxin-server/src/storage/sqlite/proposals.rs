//! Proposal rows and what hangs off them (supports, pledges, the ledger, the
//! timeline, evaluations), as SQL: the public reads, and [`ProposalRows`] for
//! the use cases in [`crate::service::proposals`].

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, Pledge, PledgeInput,
};
use tongxin_core::proposal::{Proposal, ProposalDraft, TransitionRecord};
use tongxin_core::{Id, Millis};

use super::conventions::page;
use super::{SqliteRows, decode_cursor, encode_cursor, from_json, key, scopes, to_json};
use crate::storage::columns;
use crate::storage::rows::ProposalRows;
use crate::storage::{
    Page, ProposalCard, ProposalFilter, ProposalSort, PublicEvaluation, StoreError, StoreResult,
    Voter,
};

pub(crate) fn get(conn: &Connection, id: Id) -> StoreResult<Proposal> {
    let data: String = conn
        .prepare_cached("SELECT data FROM proposals WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NotFound("proposal"))?;
    from_json(&data)
}

fn save(conn: &Connection, p: &Proposal) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE proposals SET step = ?1, status = ?2, supports = ?3, data = ?4 WHERE id = ?5",
    )?
    .execute(params![
        p.step.as_str(),
        p.status.as_str(),
        p.supports,
        to_json(p)?,
        p.id
    ])?;
    rank_funding(conn, p.id)
}

/// Recomputes the funding progress the board sorts by (permille of the goal).
fn rank_funding(conn: &Connection, id: Id) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE proposals SET funding_permille = CASE
            WHEN json_extract(data, '$.funding_goal_fen') > 0 THEN
              COALESCE((SELECT SUM(amount_fen) FROM pledges WHERE pledges.proposal_id = proposals.id), 0) * 1000
                / json_extract(data, '$.funding_goal_fen')
            ELSE 0 END
         WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

pub(crate) fn list(conn: &Connection, f: &ProposalFilter) -> StoreResult<Page<ProposalCard>> {
    let tree = scopes::tree(conn)?;
    let cursor = f
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, 2))
        .transpose()?;
    let (a, b) = cursor.map(|c| (c[0], c[1])).unwrap_or((i64::MAX, i64::MAX));
    let order = match f.sort {
        ProposalSort::Newest => "(created_at, id) < (?3, ?4) ORDER BY created_at DESC, id DESC",
        ProposalSort::Supports => "(supports, id) < (?3, ?4) ORDER BY supports DESC, id DESC",
        ProposalSort::Funding => {
            "(funding_permille, id) < (?3, ?4) ORDER BY funding_permille DESC, id DESC"
        }
    };
    let sql = format!(
        "SELECT data, funding_permille FROM proposals WHERE (?1 OR status = 'active') AND (?2 IS NULL OR step = ?2) AND {order}"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(params![f.include_closed, f.step.map(|s| s.as_str()), a, b])?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        let p: Proposal = from_json(&r.get::<_, String>(0)?)?;
        if f.scope_id.is_none_or(|s| tree.is_within(p.scope_id, s)) {
            items.push((p, r.get::<_, i64>(1)?));
            if items.len() > f.limit as usize {
                break;
            }
        }
    }
    let sort = f.sort;
    let page = page(items, f.limit, move |(p, rank)| match sort {
        ProposalSort::Newest => encode_cursor(&[p.created_at, key(p.id)]),
        ProposalSort::Supports => encode_cursor(&[i64::from(p.supports), key(p.id)]),
        ProposalSort::Funding => encode_cursor(&[*rank, key(p.id)]),
    });
    let mut cards = Vec::with_capacity(page.items.len());
    for (proposal, _) in page.items {
        cards.push(ProposalCard {
            funding: funding(conn, &proposal)?,
            proposal,
        });
    }
    Ok(Page {
        items: cards,
        next_cursor: page.next_cursor,
    })
}

pub(crate) fn supports_it(conn: &Connection, id: Id, voter: &Voter) -> StoreResult<bool> {
    get(conn, id)?;
    Ok(conn
        .prepare_cached("SELECT 1 FROM supports WHERE proposal_id = ?1 AND voter = ?2")?
        .exists(params![id, voter.key])?)
}

fn pledge_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pledge> {
    let source: String = r.get(1)?;
    Ok(Pledge {
        id: r.get(0)?,
        source: columns::parse_pledge_source(&source),
        amount_fen: r.get(2)?,
        public_name: r.get(3)?,
        pledged_at: r.get(4)?,
    })
}

pub(crate) fn pledges(conn: &Connection, id: Id) -> StoreResult<Vec<Pledge>> {
    get(conn, id)?;
    let mut st = conn.prepare_cached(
        "SELECT id, source, amount_fen, public_name, pledged_at FROM pledges WHERE proposal_id = ?1 ORDER BY id DESC",
    )?;
    Ok(st
        .query_map([id], pledge_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

pub(crate) fn ledger(conn: &Connection, id: Id) -> StoreResult<Vec<LedgerEntry>> {
    let p = get(conn, id)?;
    Ok(funding_and_ledger(conn, &p)?.1)
}

pub(crate) fn funding(conn: &Connection, p: &Proposal) -> StoreResult<FundingSummary> {
    Ok(funding_and_ledger(conn, p)?.0)
}

/// Pledges and ledger totals, and the ledger with its running balance, both
/// computed by [`FundingSummary`] so the arithmetic lives in one place.
fn funding_and_ledger(
    conn: &Connection,
    p: &Proposal,
) -> StoreResult<(FundingSummary, Vec<LedgerEntry>)> {
    let mut summary = FundingSummary::new(p.funding_goal_fen);
    let mut st =
        conn.prepare_cached("SELECT source, amount_fen FROM pledges WHERE proposal_id = ?1")?;
    for row in st.query_map([p.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (source, amount) = row?;
        summary.add_pledge(columns::parse_pledge_source(&source), amount)?;
    }
    let mut st = conn.prepare_cached(
        "SELECT id, kind, amount_fen, memo, recorded_at FROM ledger WHERE proposal_id = ?1 ORDER BY id",
    )?;
    let mut entries = Vec::new();
    for row in st.query_map([p.id], |r| {
        Ok((
            r.get::<_, Id>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Millis>(4)?,
        ))
    })? {
        let (id, kind, amount_fen, memo, recorded_at) = row?;
        let kind = columns::parse_ledger_kind(&kind);
        summary.add_ledger(kind, amount_fen)?;
        entries.push(LedgerEntry {
            id,
            kind,
            amount_fen,
            memo,
            recorded_at,
            balance_fen: summary.balance_fen,
        });
    }
    Ok((summary, entries))
}

pub(crate) fn timeline(conn: &Connection, id: Id) -> StoreResult<Vec<TransitionRecord>> {
    get(conn, id)?;
    let mut st =
        conn.prepare_cached("SELECT data FROM transitions WHERE proposal_id = ?1 ORDER BY id")?;
    let rows = st
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|d| from_json(d)).collect()
}

pub(crate) fn evaluations(conn: &Connection, id: Id) -> StoreResult<Vec<PublicEvaluation>> {
    get(conn, id)?;
    let mut st = conn.prepare_cached(
        "SELECT score, comment, created_at FROM evaluations WHERE proposal_id = ?1 ORDER BY created_at DESC LIMIT 1000",
    )?;
    Ok(st
        .query_map([id], |r| {
            Ok(PublicEvaluation {
                score: r.get(0)?,
                comment: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

impl ProposalRows for SqliteRows<'_> {
    fn proposal_for_update(&mut self, id: Id) -> StoreResult<Option<Proposal>> {
        match get(self, id) {
            Ok(p) => Ok(Some(p)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn new_proposal_id(
        &mut self,
        draft: &ProposalDraft,
        voter: &str,
        now: Millis,
    ) -> StoreResult<Id> {
        let contact = draft.contact.clone().filter(|c| !c.trim().is_empty());
        self.prepare_cached(
            "INSERT INTO proposals (scope_id, step, status, supports, created_at, proposer_voter, contact, data)
             VALUES (?1, 'propose', 'active', 0, ?2, ?3, ?4, '{}')",
        )?
        .execute(params![draft.scope_id, now, voter, contact])?;
        Ok(Id::from(self.last_insert_rowid()))
    }
    fn save_proposal(&mut self, p: &Proposal) -> StoreResult<()> {
        save(self, p)
    }
    fn add_support(&mut self, id: Id, voter: &str, now: Millis) -> StoreResult<bool> {
        let n = self
            .prepare_cached(
                "INSERT OR IGNORE INTO supports (proposal_id, voter, at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, voter, now])?;
        Ok(n == 1)
    }
    fn remove_support(&mut self, id: Id, voter: &str) -> StoreResult<bool> {
        let n = self
            .prepare_cached("DELETE FROM supports WHERE proposal_id = ?1 AND voter = ?2")?
            .execute(params![id, voter])?;
        Ok(n == 1)
    }
    fn count_supports(&mut self, id: Id) -> StoreResult<u32> {
        let n: i64 = self
            .prepare_cached("SELECT COUNT(*) FROM supports WHERE proposal_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        Ok(n as u32)
    }
    fn pledged_by(&mut self, id: Id, voter: &str) -> StoreResult<i64> {
        Ok(self
            .prepare_cached(
                "SELECT COALESCE(SUM(amount_fen), 0) FROM pledges WHERE proposal_id = ?1 AND voter = ?2",
            )?
            .query_row(params![id, voter], |r| r.get(0))?)
    }
    fn funding_and_ledger(
        &mut self,
        p: &Proposal,
    ) -> StoreResult<(FundingSummary, Vec<LedgerEntry>)> {
        funding_and_ledger(self, p)
    }
    fn insert_pledge(
        &mut self,
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
        self.prepare_cached(
            "INSERT INTO pledges (proposal_id, voter, source, amount_fen, public_name, pledged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, voter, columns::pledge_source(input.source), input.amount_fen, name, now])?;
        let pledge_id = self.last_insert_rowid();
        rank_funding(self, id)?;
        Ok(self
            .prepare_cached(
                "SELECT id, source, amount_fen, public_name, pledged_at FROM pledges WHERE id = ?1",
            )?
            .query_row([pledge_id], pledge_row)?)
    }
    fn insert_ledger(&mut self, id: Id, input: &LedgerInput, now: Millis) -> StoreResult<Id> {
        self.prepare_cached("INSERT INTO ledger (proposal_id, kind, amount_fen, memo, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![id, columns::ledger_kind(input.kind), input.amount_fen, input.memo.trim(), now])?;
        Ok(Id::from(self.last_insert_rowid()))
    }
    fn insert_transition(&mut self, id: Id, rec: &TransitionRecord) -> StoreResult<()> {
        self.prepare_cached("INSERT INTO transitions (proposal_id, data) VALUES (?1, ?2)")?
            .execute(params![id, to_json(rec)?])?;
        Ok(())
    }
    fn insert_evaluation(
        &mut self,
        id: Id,
        voter: &str,
        e: &PublicEvaluation,
    ) -> StoreResult<bool> {
        let n = self
            .prepare_cached("INSERT OR IGNORE INTO evaluations (proposal_id, voter, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![id, voter, e.score, e.comment, e.created_at])?;
        Ok(n == 1)
    }
}
