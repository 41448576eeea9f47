//! Proposal rows and everything hanging off them: supports, comments,
//! pledges, the ledger, the timeline and evaluations.

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::poll::{PollKind, PollResults, PollStatus};
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, LedgerKind, Pledge, PledgeInput, PledgeSource,
};
use tongxin_core::proposal::machine::{ResolutionOutcome, TransitionContext};
use tongxin_core::proposal::rules::check_pledge_cap;
use tongxin_core::proposal::{
    EvaluationInput, Proposal, ProposalDraft, ProposalEdit, TransitionAction, TransitionRecord,
};
use tongxin_core::text::FieldErrors;
use tongxin_core::{Id, Millis};

use super::conventions::page;
use super::{SqliteRows, decode_cursor, encode_cursor, from_json, key, polls, scopes, to_json};
use crate::service::codes;
use crate::storage::CodeTarget;
use crate::storage::{
    Page, ProposalCard, ProposalFilter, ProposalSort, PublicEvaluation, StoreError, StoreResult,
    SupportState, Voter, WriteMeta,
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

pub(crate) fn submit(
    conn: &Connection,
    meta: &WriteMeta,
    voter: &Voter,
    draft: ProposalDraft,
    threshold: u32,
) -> StoreResult<Proposal> {
    draft.validate().map_err(StoreError::Invalid)?;
    scopes::require(conn, "scope_id", draft.scope_id)?;
    let contact = draft.contact.clone().filter(|c| !c.trim().is_empty());
    conn.prepare_cached(
        "INSERT INTO proposals (scope_id, step, status, supports, created_at, proposer_voter, contact, data)
         VALUES (?1, 'propose', 'active', 0, ?2, ?3, ?4, '{}')",
    )?
    .execute(params![draft.scope_id, meta.now, voter.key, contact])?;
    let p = draft.into_proposal(Id::from(conn.last_insert_rowid()), threshold, meta.now);
    save(conn, &p)?;
    Ok(p)
}

fn recount_supports(conn: &Connection, p: &mut Proposal, now: Millis) -> StoreResult<()> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM supports WHERE proposal_id = ?1")?
        .query_row([p.id], |r| r.get(0))?;
    p.supports = n as u32;
    p.updated_at = now;
    save(conn, p)
}

fn support_state(p: &Proposal, supported: bool) -> SupportState {
    SupportState {
        proposal_id: p.id,
        supported,
        supports: p.supports,
        threshold: p.support_threshold,
    }
}

pub(crate) fn support(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = get(conn, id)?;
    p.check_support()?;
    codes::require(
        &mut SqliteRows(conn),
        voter,
        CodeTarget::Proposal,
        id,
        meta.now,
    )?;
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO supports (proposal_id, voter, at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, voter.key, meta.now])?;
    if n == 0 {
        return Err(StoreError::duplicate(
            "already-supported",
            "you already support this proposal",
        ));
    }
    recount_supports(conn, &mut p, meta.now)?;
    Ok(support_state(&p, true))
}

pub(crate) fn unsupport(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = get(conn, id)?;
    p.check_support()?;
    let n = conn
        .prepare_cached("DELETE FROM supports WHERE proposal_id = ?1 AND voter = ?2")?
        .execute(params![id, voter.key])?;
    if n == 0 {
        return Err(StoreError::NotFound("support"));
    }
    recount_supports(conn, &mut p, meta.now)?;
    Ok(support_state(&p, false))
}

pub(crate) fn supports_it(conn: &Connection, id: Id, voter: &Voter) -> StoreResult<bool> {
    get(conn, id)?;
    Ok(conn
        .prepare_cached("SELECT 1 FROM supports WHERE proposal_id = ?1 AND voter = ?2")?
        .exists(params![id, voter.key])?)
}

fn source_str(s: PledgeSource) -> &'static str {
    match s {
        PledgeSource::Resident => "resident",
        PledgeSource::Organisation => "organisation",
    }
}

fn source_parse(s: &str) -> PledgeSource {
    if s == "organisation" {
        PledgeSource::Organisation
    } else {
        PledgeSource::Resident
    }
}

fn kind_str(k: LedgerKind) -> &'static str {
    match k {
        LedgerKind::Received => "received",
        LedgerKind::Spent => "spent",
    }
}

fn kind_parse(s: &str) -> LedgerKind {
    if s == "spent" {
        LedgerKind::Spent
    } else {
        LedgerKind::Received
    }
}

fn pledge_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pledge> {
    let source: String = r.get(1)?;
    Ok(Pledge {
        id: r.get(0)?,
        source: source_parse(&source),
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

pub(crate) fn pledge(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &PledgeInput,
) -> StoreResult<Pledge> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = get(conn, id)?;
    p.check_pledge()?;
    codes::require(
        &mut SqliteRows(conn),
        voter,
        CodeTarget::Proposal,
        id,
        meta.now,
    )?;
    let already: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(amount_fen), 0) FROM pledges WHERE proposal_id = ?1 AND voter = ?2",
        )?
        .query_row(params![id, voter.key], |r| r.get(0))?;
    if let Err(why) = check_pledge_cap(already, input.amount_fen, p.pledge_cap_fen) {
        return Err(StoreError::conflict("pledge-cap-reached", why));
    }
    // The totals must stay representable.
    let mut summary = funding(conn, &p)?;
    summary.add_pledge(input.source, input.amount_fen)?;
    let name = input
        .public_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    conn.prepare_cached(
        "INSERT INTO pledges (proposal_id, voter, source, amount_fen, public_name, pledged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, voter.key, source_str(input.source), input.amount_fen, name, meta.now])?;
    let pledge_id = conn.last_insert_rowid();
    rank_funding(conn, id)?;
    Ok(conn
        .prepare_cached(
            "SELECT id, source, amount_fen, public_name, pledged_at FROM pledges WHERE id = ?1",
        )?
        .query_row([pledge_id], pledge_row)?)
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
        summary.add_pledge(source_parse(&source), amount)?;
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
        let kind = kind_parse(&kind);
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

pub(crate) fn add_ledger(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    input: &LedgerInput,
) -> StoreResult<LedgerEntry> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = get(conn, id)?;
    let mut summary = funding(conn, &p)?;
    summary.add_ledger(input.kind, input.amount_fen)?;
    let memo = input.memo.trim();
    conn.prepare_cached("INSERT INTO ledger (proposal_id, kind, amount_fen, memo, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, kind_str(input.kind), input.amount_fen, memo, meta.now])?;
    Ok(LedgerEntry {
        id: Id::from(conn.last_insert_rowid()),
        kind: input.kind,
        amount_fen: input.amount_fen,
        memo: memo.to_string(),
        recorded_at: meta.now,
        balance_fen: summary.balance_fen,
    })
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

pub(crate) fn record(conn: &Connection, id: Id, rec: &TransitionRecord) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO transitions (proposal_id, data) VALUES (?1, ?2)")?
        .execute(params![id, to_json(rec)?])?;
    Ok(())
}

fn resolution(
    conn: &Connection,
    p: &Proposal,
    now: Millis,
) -> StoreResult<Option<ResolutionOutcome>> {
    let Some(poll_id) = p.resolution_poll_id else {
        return Ok(None);
    };
    let (poll, tally) = polls::with_tally(conn, poll_id)?;
    let PollKind::Approval { threshold_percent } = poll.kind else {
        return Err(StoreError::conflict(
            "resolution-poll-kind",
            "the resolution poll must be an approval poll",
        ));
    };
    let PollResults::Approval { options, .. } = tally.results(&poll) else {
        return Err(StoreError::Internal(
            "approval poll without approval results".into(),
        ));
    };
    let first = options.first();
    Ok(Some(ResolutionOutcome {
        closed: poll.status(now) == PollStatus::Closed,
        adopted: first.is_some_and(|o| o.adopted),
        agree_percent: first.map_or(0.0, |o| o.agree_percent),
        threshold_percent,
    }))
}

pub(crate) fn transition(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    actor: String,
    action: &TransitionAction,
) -> StoreResult<TransitionRecord> {
    let mut p = get(conn, id)?;
    if let TransitionAction::Merge { into, .. } = action
        && *into != id
    {
        get(conn, *into).map_err(|_| {
            StoreError::conflict(
                "unknown-merge-target",
                format!("proposal {into} does not exist"),
            )
        })?;
    }
    let ctx = TransitionContext {
        actor,
        now: meta.now,
        resolution: resolution(conn, &p, meta.now)?,
    };
    let rec = p.transition(action, &ctx)?;
    save(conn, &p)?;
    record(conn, id, &rec)?;
    Ok(rec)
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

pub(crate) fn evaluate(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &EvaluationInput,
) -> StoreResult<PublicEvaluation> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = get(conn, id)?;
    p.check_evaluate()?;
    codes::require(
        &mut SqliteRows(conn),
        voter,
        CodeTarget::Proposal,
        id,
        meta.now,
    )?;
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO evaluations (proposal_id, voter, score, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, voter.key, input.score, comment, meta.now])?;
    if n == 0 {
        return Err(StoreError::duplicate(
            "already-evaluated",
            "you have already rated this project",
        ));
    }
    Ok(PublicEvaluation {
        score: input.score,
        comment: comment.map(String::from),
        created_at: meta.now,
    })
}

pub(crate) fn update(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    edit: &ProposalEdit,
) -> StoreResult<Proposal> {
    let mut p = get(conn, id)?;
    for (field, poll) in [
        ("consultation_poll_id", edit.consultation_poll_id),
        ("resolution_poll_id", edit.resolution_poll_id),
    ] {
        if let Some(pid) = poll {
            let found = polls::with_tally(conn, pid);
            let ok = match (&found, field) {
                (Ok((poll, _)), "resolution_poll_id") => {
                    matches!(poll.kind, PollKind::Approval { .. })
                }
                (Ok(_), _) => true,
                (Err(_), _) => false,
            };
            if !ok {
                let mut e = FieldErrors::new();
                e.add(
                    field,
                    if found.is_ok() {
                        "must be an approval poll".to_string()
                    } else {
                        format!("poll {pid} does not exist")
                    },
                );
                return Err(StoreError::Invalid(e));
            }
        }
    }
    edit.apply(&mut p, meta.now).map_err(StoreError::Invalid)?;
    save(conn, &p)?;
    Ok(p)
}
