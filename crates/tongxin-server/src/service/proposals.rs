//! The resident and staff writes of a proposal (百姓点菜): submitting,
//! supporting, pledging, the ledger, the five-step moves and evaluations.
//! The rules are in `tongxin_core::proposal`; this module loads what they
//! read, applies them and writes the rows, in one transaction.

use serde_json::json;
use tongxin_core::contract::live::Topic;
use tongxin_core::poll::Poll;
use tongxin_core::proposal::funding::{LedgerEntry, LedgerInput, Pledge, PledgeInput};
use tongxin_core::proposal::machine::TransitionContext;
use tongxin_core::proposal::polls::{PollRole, check_linked_poll, resolution_outcome};
use tongxin_core::proposal::rules::check_pledge_cap;
use tongxin_core::proposal::{
    EvaluationInput, Proposal, ProposalDraft, ProposalEdit, TransitionAction, TransitionRecord,
};
use tongxin_core::webhooks::EventType;
use tongxin_core::{Id, Millis};

use super::codes;
use super::webhooks;
use crate::storage::sql::{Db, polls, proposals, scopes};
use crate::storage::{
    CodeTarget, PublicEvaluation, StoreError, StoreResult, SupportState, Voter, WriteMeta,
};
use crate::storage::{Page, ProposalCard, ProposalFilter, Reply, Store};
use tongxin_core::proposal::funding::FundingSummary;

fn load(rows: &mut dyn Db, id: Id) -> StoreResult<Proposal> {
    proposals::proposal_for_update(rows, id)?.ok_or(StoreError::NotFound("proposal"))
}

/// A resident's proposal, at 提议 with the community's support threshold.
fn submit_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    voter: &Voter,
    draft: ProposalDraft,
    threshold: u32,
) -> StoreResult<Proposal> {
    draft.validate().map_err(StoreError::Invalid)?;
    super::require_scope(rows, draft.scope_id)?;
    let id = proposals::new_proposal_id(rows, &draft, &voter.key, meta.now)?;
    let p = draft.into_proposal(id, threshold, meta.now);
    proposals::save_proposal(rows, &p)?;
    Ok(p)
}

fn recount(rows: &mut dyn Db, p: &mut Proposal, now: Millis) -> StoreResult<()> {
    p.supports = proposals::count_supports(rows, p.id)?;
    p.updated_at = now;
    proposals::save_proposal(rows, p)
}

fn support_state(p: &Proposal, supported: bool) -> SupportState {
    SupportState {
        proposal_id: p.id,
        supported,
        supports: p.supports,
        threshold: p.support_threshold,
    }
}

/// The refusal of a second support by the same voter.
pub(super) fn already_supported() -> StoreError {
    StoreError::duplicate("already-supported", "you already support this proposal")
}

/// Supports a proposal, once per voter (online, or on paper).
pub(super) fn support_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = load(rows, id)?;
    p.check_support()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if !proposals::add_support(rows, id, &voter.key, meta.now)? {
        return Err(already_supported());
    }
    let before = p.supports;
    recount(rows, &mut p, meta.now)?;
    if before < p.support_threshold && p.supports >= p.support_threshold {
        webhooks::emit_tx(
            rows,
            EventType::ProposalThresholdReached,
            &format!("proposal:{id}"),
            p.scope_id,
            |_| {
                Ok(Some(
                    json!({"proposal_id": id, "scope_id": p.scope_id, "title": p.title, "supports": p.supports, "threshold": p.support_threshold}),
                ))
            },
            meta.now,
        )?;
    }
    Ok(support_state(&p, true))
}

/// Withdraws the voter's support.
fn unsupport_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = load(rows, id)?;
    p.check_support()?;
    if !proposals::remove_support(rows, id, &voter.key)? {
        return Err(StoreError::NotFound("support"));
    }
    recount(rows, &mut p, meta.now)?;
    Ok(support_state(&p, false))
}

/// A resident's pledge toward the co-funding goal, within the per-voter cap.
fn pledge_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &PledgeInput,
) -> StoreResult<Pledge> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = load(rows, id)?;
    p.check_pledge()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    let already = proposals::pledged_by(rows, id, &voter.key)?;
    if let Err(why) = check_pledge_cap(already, input.amount_fen, p.pledge_cap_fen) {
        return Err(StoreError::conflict("pledge-cap-reached", why));
    }
    // The totals must stay representable.
    let (mut summary, _) = proposals::funding_and_ledger(rows, &p)?;
    summary.add_pledge(input.source, input.amount_fen)?;
    proposals::insert_pledge(rows, id, &voter.key, input, meta.now)
}

/// A staff entry in the public ledger, with the balance after it.
pub(super) fn add_ledger_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    input: &LedgerInput,
) -> StoreResult<LedgerEntry> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = load(rows, id)?;
    let (mut summary, _) = proposals::funding_and_ledger(rows, &p)?;
    summary.add_ledger(input.kind, input.amount_fen)?;
    let entry_id = proposals::insert_ledger(rows, id, input, meta.now)?;
    Ok(LedgerEntry {
        id: entry_id,
        kind: input.kind,
        amount_fen: input.amount_fen,
        memo: input.memo.trim().to_string(),
        recorded_at: meta.now,
        balance_fen: summary.balance_fen,
    })
}

/// A move of the five-step machine, with what its guards read.
fn transition_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    actor: String,
    action: &TransitionAction,
) -> StoreResult<TransitionRecord> {
    let mut p = load(rows, id)?;
    if let TransitionAction::Merge { into, .. } = action
        && *into != id
    {
        let Some(target) = proposals::proposal_for_update(rows, *into)? else {
            return Err(StoreError::conflict(
                "unknown-merge-target",
                format!("proposal {into} does not exist"),
            ));
        };
        // Merged into a proposal of its own scope or below, or into one
        // whose scope holds it (a community's proposal absorbing a building's).
        let tree = scopes::scope_tree(rows)?;
        tree.check_link(p.scope_id, target.scope_id)
            .or_else(|_| tree.check_link(target.scope_id, p.scope_id))?;
    }
    let resolution = match p.resolution_poll_id {
        None => None,
        Some(poll_id) => {
            let (poll, tally) =
                polls::poll_for_update(rows, poll_id)?.ok_or(StoreError::NotFound("poll"))?;
            Some(resolution_outcome(&poll, &tally, meta.now).ok_or_else(|| {
                StoreError::conflict(
                    "resolution-poll-kind",
                    "the resolution poll must be an approval poll",
                )
            })?)
        }
    };
    let ctx = TransitionContext {
        actor,
        now: meta.now,
        resolution,
    };
    let rec = p.transition(action, &ctx)?;
    proposals::save_proposal(rows, &p)?;
    proposals::insert_transition(rows, id, &rec)?;
    if rec.from_step != rec.to_step {
        webhooks::emit_tx(
            rows,
            EventType::ProposalStepChanged,
            &format!("proposal:{id}:{}", rec.to_step.as_str()),
            p.scope_id,
            |_| {
                Ok(Some(
                    json!({"proposal_id": id, "scope_id": p.scope_id, "title": p.title, "from": rec.from_step, "to": rec.to_step, "status": rec.status}),
                ))
            },
            meta.now,
        )?;
    }
    Ok(rec)
}

/// A resident's rating of the delivered result, once per voter.
fn evaluate_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &EvaluationInput,
) -> StoreResult<PublicEvaluation> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = load(rows, id)?;
    p.check_evaluate()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    let evaluation = PublicEvaluation {
        score: input.score,
        comment: input
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from),
        created_at: meta.now,
    };
    if !proposals::insert_evaluation(rows, id, &voter.key, &evaluation)? {
        return Err(StoreError::duplicate(
            "already-evaluated",
            "you have already rated this project",
        ));
    }
    Ok(evaluation)
}

/// The proposal's consultation or resolution poll, made from the proposal
/// and attached to it in the same transaction.
fn create_poll_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    role: PollRole,
) -> StoreResult<Poll> {
    let mut p = load(rows, id)?;
    p.check_new_poll(role)?;
    let poll = super::polls::create_tx(rows, meta, role.draft(&p))?;
    p.attach_poll(role, poll.id);
    p.updated_at = meta.now;
    proposals::save_proposal(rows, &p)?;
    Ok(poll)
}

/// Staff edits, with the consultation and resolution polls checked.
fn update_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    edit: &ProposalEdit,
) -> StoreResult<Proposal> {
    let mut p = load(rows, id)?;
    for (role, poll) in [
        (PollRole::Consultation, edit.consultation_poll_id),
        (PollRole::Resolution, edit.resolution_poll_id),
    ] {
        if let Some(pid) = poll {
            let found = polls::poll_for_update(rows, pid)?;
            let found = found.as_ref().map(|(poll, _)| poll);
            check_linked_poll(role, pid, found).map_err(StoreError::Invalid)?;
            if let Some(poll) = found {
                scopes::scope_tree(rows)?.check_link(p.scope_id, poll.scope_id)?;
            }
        }
    }
    edit.apply(&mut p, meta.now).map_err(StoreError::Invalid)?;
    proposals::save_proposal(rows, &p)?;
    Ok(p)
}

/// Filtered, sorted, paginated list.
pub async fn list(store: &Store, filter: ProposalFilter) -> StoreResult<Page<ProposalCard>> {
    store.read(move |c| proposals::list(c, &filter)).await
}

/// One proposal.
pub async fn get(store: &Store, id: Id) -> StoreResult<Proposal> {
    store.read(move |c| proposals::get(c, id)).await
}

/// Submits a proposal ([`Proposal`]).
pub async fn submit(
    store: &Store,
    meta: WriteMeta,
    voter: Voter,
    draft: ProposalDraft,
    threshold: u32,
) -> StoreResult<Reply> {
    let reply = store
        .write(meta, move |c, m| submit_tx(c, m, &voter, draft, threshold))
        .await?;
    store.changed(Topic::Board);
    Ok(reply)
}

/// Supports ([`SupportState`]).
pub async fn support(store: &Store, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
    let key = voter.key.clone();
    let result = store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            support_tx(c, m, id, &voter)
        })
        .await;
    super::paper::name_first(store, CodeTarget::Proposal, id, &key, result).await
}

/// Withdraws support ([`SupportState`]).
pub async fn unsupport(store: &Store, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            unsupport_tx(c, m, id, &voter)
        })
        .await
}

/// Whether the voter supports the proposal.
pub async fn supports_it(store: &Store, id: Id, voter: &Voter) -> StoreResult<bool> {
    let voter = voter.clone();
    store
        .read(move |c| proposals::supports_it(c, id, &voter))
        .await
}

/// Pledges, newest first.
pub async fn pledges(store: &Store, id: Id) -> StoreResult<Vec<Pledge>> {
    store.read(move |c| proposals::pledges(c, id)).await
}

/// Adds a pledge ([`Pledge`]).
pub async fn pledge(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    input: PledgeInput,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            pledge_tx(c, m, id, &voter, &input)
        })
        .await
}

/// The ledger in order with running balance.
pub async fn ledger(store: &Store, id: Id) -> StoreResult<Vec<LedgerEntry>> {
    store.read(move |c| proposals::ledger(c, id)).await
}

/// Funding totals.
pub async fn funding(store: &Store, id: Id) -> StoreResult<FundingSummary> {
    store
        .read(move |c| {
            let p = proposals::get(c, id)?;
            proposals::funding(c, &p)
        })
        .await
}

/// Records a ledger entry ([`LedgerEntry`]).
pub async fn add_ledger(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    input: LedgerInput,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            add_ledger_tx(c, m, id, &input)
        })
        .await
}

/// The timeline.
pub async fn timeline(store: &Store, id: Id) -> StoreResult<Vec<TransitionRecord>> {
    store.read(move |c| proposals::timeline(c, id)).await
}

/// Applies a transition ([`TransitionRecord`]).
pub async fn transition(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    actor: String,
    action: TransitionAction,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            transition_tx(c, m, id, actor, &action)
        })
        .await
}

/// Evaluations, newest first.
pub async fn evaluations(store: &Store, id: Id) -> StoreResult<Vec<PublicEvaluation>> {
    store.read(move |c| proposals::evaluations(c, id)).await
}

/// Adds an evaluation ([`PublicEvaluation`]).
pub async fn evaluate(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    input: EvaluationInput,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            evaluate_tx(c, m, id, &voter, &input)
        })
        .await
}

/// Makes the proposal's consultation or resolution poll and attaches it,
/// in one write ([`Poll`]; replayed for a repeated idempotency key).
pub async fn create_poll(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    role: PollRole,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            create_poll_tx(c, m, id, role)
        })
        .await
}

/// Staff edits.
pub async fn update(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    edit: ProposalEdit,
) -> StoreResult<Proposal> {
    let reply = store
        .write_item(CodeTarget::Proposal, id, meta, move |c, m| {
            update_tx(c, m, id, &edit)
        })
        .await?;
    Ok(serde_json::from_str(&reply.body)?)
}
