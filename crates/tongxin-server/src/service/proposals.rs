//! The resident and staff writes of a proposal (百姓点菜): submitting,
//! supporting, pledging, the ledger, the five-step moves and evaluations.
//! The rules are in `tongxin_core::proposal`; this module loads what they
//! read, applies them and writes the rows, in one transaction.

use tongxin_core::poll::Poll;
use tongxin_core::proposal::funding::{LedgerEntry, LedgerInput, Pledge, PledgeInput};
use tongxin_core::proposal::machine::TransitionContext;
use tongxin_core::proposal::polls::{PollRole, check_linked_poll, resolution_outcome};
use tongxin_core::proposal::rules::check_pledge_cap;
use tongxin_core::proposal::{
    EvaluationInput, Proposal, ProposalDraft, ProposalEdit, TransitionAction, TransitionRecord,
};
use tongxin_core::{Id, Millis};

use super::codes;
use crate::storage::rows::ProposalRows;
use crate::storage::{
    CodeTarget, PublicEvaluation, StoreError, StoreResult, SupportState, Voter, WriteMeta,
};

fn load(rows: &mut (impl ProposalRows + ?Sized), id: Id) -> StoreResult<Proposal> {
    rows.proposal_for_update(id)?
        .ok_or(StoreError::NotFound("proposal"))
}

/// A resident's proposal, at 提议 with the community's support threshold.
pub fn submit(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    voter: &Voter,
    draft: ProposalDraft,
    threshold: u32,
) -> StoreResult<Proposal> {
    draft.validate().map_err(StoreError::Invalid)?;
    super::require_scope(rows, draft.scope_id)?;
    let id = rows.new_proposal_id(&draft, &voter.key, meta.now)?;
    let p = draft.into_proposal(id, threshold, meta.now);
    rows.save_proposal(&p)?;
    Ok(p)
}

fn recount(
    rows: &mut (impl ProposalRows + ?Sized),
    p: &mut Proposal,
    now: Millis,
) -> StoreResult<()> {
    p.supports = rows.count_supports(p.id)?;
    p.updated_at = now;
    rows.save_proposal(p)
}

fn support_state(p: &Proposal, supported: bool) -> SupportState {
    SupportState {
        proposal_id: p.id,
        supported,
        supports: p.supports,
        threshold: p.support_threshold,
    }
}

/// Supports a proposal, once per voter.
pub fn support(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = load(rows, id)?;
    p.check_support()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if !rows.add_support(id, &voter.key, meta.now)? {
        return Err(StoreError::duplicate(
            "already-supported",
            "you already support this proposal",
        ));
    }
    recount(rows, &mut p, meta.now)?;
    Ok(support_state(&p, true))
}

/// Withdraws the voter's support.
pub fn unsupport(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SupportState> {
    let mut p = load(rows, id)?;
    p.check_support()?;
    if !rows.remove_support(id, &voter.key)? {
        return Err(StoreError::NotFound("support"));
    }
    recount(rows, &mut p, meta.now)?;
    Ok(support_state(&p, false))
}

/// A resident's pledge toward the co-funding goal, within the per-voter cap.
pub fn pledge(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &PledgeInput,
) -> StoreResult<Pledge> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = load(rows, id)?;
    p.check_pledge()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    let already = rows.pledged_by(id, &voter.key)?;
    if let Err(why) = check_pledge_cap(already, input.amount_fen, p.pledge_cap_fen) {
        return Err(StoreError::conflict("pledge-cap-reached", why));
    }
    // The totals must stay representable.
    let (mut summary, _) = rows.funding_and_ledger(&p)?;
    summary.add_pledge(input.source, input.amount_fen)?;
    rows.insert_pledge(id, &voter.key, input, meta.now)
}

/// A staff entry in the public ledger, with the balance after it.
pub fn add_ledger(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    input: &LedgerInput,
) -> StoreResult<LedgerEntry> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = load(rows, id)?;
    let (mut summary, _) = rows.funding_and_ledger(&p)?;
    summary.add_ledger(input.kind, input.amount_fen)?;
    let entry_id = rows.insert_ledger(id, input, meta.now)?;
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
pub fn transition(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    actor: String,
    action: &TransitionAction,
) -> StoreResult<TransitionRecord> {
    let mut p = load(rows, id)?;
    if let TransitionAction::Merge { into, .. } = action
        && *into != id
    {
        let Some(target) = rows.proposal_for_update(*into)? else {
            return Err(StoreError::conflict(
                "unknown-merge-target",
                format!("proposal {into} does not exist"),
            ));
        };
        // Merged into a proposal of its own scope or below, or into one
        // whose scope holds it (a community's proposal absorbing a building's).
        let tree = rows.scope_tree()?;
        tree.check_link(p.scope_id, target.scope_id)
            .or_else(|_| tree.check_link(target.scope_id, p.scope_id))?;
    }
    let resolution = match p.resolution_poll_id {
        None => None,
        Some(poll_id) => {
            let (poll, tally) = rows
                .poll_for_update(poll_id)?
                .ok_or(StoreError::NotFound("poll"))?;
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
    rows.save_proposal(&p)?;
    rows.insert_transition(id, &rec)?;
    Ok(rec)
}

/// A resident's rating of the delivered result, once per voter.
pub fn evaluate(
    rows: &mut (impl ProposalRows + ?Sized),
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
    if !rows.insert_evaluation(id, &voter.key, &evaluation)? {
        return Err(StoreError::duplicate(
            "already-evaluated",
            "you have already rated this project",
        ));
    }
    Ok(evaluation)
}

/// The proposal's consultation or resolution poll, made from the proposal
/// and attached to it in the same transaction.
pub fn create_poll(
    rows: &mut (impl ProposalRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    role: PollRole,
) -> StoreResult<Poll> {
    let mut p = load(rows, id)?;
    p.check_new_poll(role)?;
    let poll = super::polls::create(rows, meta, role.draft(&p))?;
    p.attach_poll(role, poll.id);
    p.updated_at = meta.now;
    rows.save_proposal(&p)?;
    Ok(poll)
}

/// Staff edits, with the consultation and resolution polls checked.
pub fn update(
    rows: &mut (impl ProposalRows + ?Sized),
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
            let found = rows.poll_for_update(pid)?;
            let found = found.as_ref().map(|(poll, _)| poll);
            check_linked_poll(role, pid, found).map_err(StoreError::Invalid)?;
            if let Some(poll) = found {
                rows.scope_tree()?.check_link(p.scope_id, poll.scope_id)?;
            }
        }
    }
    edit.apply(&mut p, meta.now).map_err(StoreError::Invalid)?;
    rows.save_proposal(&p)?;
    Ok(p)
}
