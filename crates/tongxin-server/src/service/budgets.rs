//! Budget rounds (社区资金 百姓点菜): staff open a round over proposals of
//! a scope, residents cast one ballot each (the rule is checked before
//! anything is written), and staff confirm the winners once voting closed:
//! each funded proposal then receives its money from the community fund in
//! its public ledger and is adopted at 决议. The rules are
//! `tongxin_core::budget`; this module loads what they read and writes
//! what they decide, one transaction per use case.

use tongxin_core::Id;
use tongxin_core::budget::{
    BudgetBallot, BudgetBallotError, BudgetConfirm, BudgetDraft, BudgetEdit, BudgetRound,
    BudgetTally,
};
use tongxin_core::contract::MyBudgetBallot;

use super::codes;
use crate::storage::sql::{Db, budgets, proposals, scopes};
use crate::storage::{CodeTarget, Reply, Store, StoreError, StoreResult, Voter, WriteMeta};

/// Rounds, those inside `scope_id` when given.
pub async fn list(store: &Store, scope_id: Option<Id>) -> StoreResult<Vec<BudgetRound>> {
    store.read(move |db| budgets::list(db, scope_id)).await
}

/// A round and its tally.
pub async fn get(store: &Store, id: Id) -> StoreResult<(BudgetRound, BudgetTally)> {
    store.read(move |db| budgets::get(db, id)).await
}

/// Opens a round: every project's proposal must be one of the round's
/// scope (or below it).
pub async fn create(
    store: &Store,
    meta: WriteMeta,
    draft: BudgetDraft,
) -> StoreResult<BudgetRound> {
    store
        .write_typed(meta, move |db, m| {
            draft.validate().map_err(StoreError::Invalid)?;
            super::require_scope(db, draft.scope_id)?;
            let tree = scopes::scope_tree(db)?;
            for (i, p) in draft.projects.iter().enumerate() {
                let Some(pid) = p.proposal_id else { continue };
                let Some(proposal) = proposals::proposal_for_update(db, pid)? else {
                    let mut e = tongxin_core::text::FieldErrors::new();
                    e.add(
                        format!("projects[{i}].proposal_id"),
                        format!("proposal {pid} does not exist"),
                    );
                    return Err(StoreError::Invalid(e));
                };
                tree.check_link(draft.scope_id, proposal.scope_id)?;
            }
            let id = budgets::new_id(db, draft.scope_id)?;
            let round = draft.into_round(id, m.now);
            budgets::save(db, &round, Some(&BudgetTally::default()))?;
            Ok(round)
        })
        .await
}

/// Staff edits: texts and the voting window (`close_now` closes it).
pub async fn update(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    edit: BudgetEdit,
) -> StoreResult<BudgetRound> {
    store
        .write_typed(meta, move |db, m| {
            let (mut round, _) = budgets::for_update(db, id)?;
            edit.apply(&mut round, m.now).map_err(StoreError::Invalid)?;
            budgets::save(db, &round, None)?;
            Ok(round)
        })
        .await
}

/// A first ballot ([`tongxin_core::contract::BudgetReceipt`]).
pub async fn cast(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    ballot: BudgetBallot,
) -> StoreResult<Reply> {
    let key = voter.key.clone();
    let result = store
        .write_item(CodeTarget::Budget, id, meta, move |db, m| {
            cast_tx(db, m, id, &voter, &ballot)
        })
        .await;
    super::paper::name_first(store, CodeTarget::Budget, id, &key, result).await
}

/// A first ballot (online, or keyed from paper by `service::paper`).
pub(super) fn cast_tx(
    db: &mut dyn Db,
    m: &WriteMeta,
    id: Id,
    voter: &Voter,
    ballot: &BudgetBallot,
) -> StoreResult<tongxin_core::contract::BudgetReceipt> {
    let (round, mut tally) = budgets::for_update(db, id)?;
    round.check_open(m.now)?;
    let chosen = round.check_ballot(ballot)?;
    codes::require(db, voter, CodeTarget::Budget, id, m.now)?;
    if budgets::has_voted(db, &round, &voter.key)? {
        return Err(BudgetBallotError::AlreadyVoted.into());
    }
    budgets::insert_ballot(db, &round, &voter.key, &chosen, m.now)?;
    tally.add(&chosen);
    budgets::save(db, &round, Some(&tally))?;
    Ok(round.receipt(Some(&chosen), m.now))
}

/// The voter's ballot, where the round lets it be changed.
fn changeable(
    db: &mut dyn Db,
    round: &BudgetRound,
    voter: &Voter,
    now: tongxin_core::Millis,
) -> StoreResult<Vec<usize>> {
    round.check_change(now)?;
    budgets::ballot(db, round.id, &voter.key)?
        .map(|(projects, _, _)| projects)
        .ok_or(StoreError::NotFound("ballot"))
}

/// Replaces the voter's ballot while voting is open, where allowed.
pub async fn change(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    ballot: BudgetBallot,
) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Budget, id, meta, move |db, m| {
            let (round, mut tally) = budgets::for_update(db, id)?;
            let old = changeable(db, &round, &voter, m.now)?;
            let chosen = round.check_ballot(&ballot)?;
            if !tally.remove(&old) {
                return Err(super::broken_tally("a stored ballot is not in the tally"));
            }
            tally.add(&chosen);
            budgets::replace_ballot(db, id, &voter.key, &chosen, m.now)?;
            budgets::save(db, &round, Some(&tally))?;
            Ok(round.receipt(Some(&chosen), m.now))
        })
        .await
}

/// Withdraws the voter's ballot while voting is open, where allowed.
pub async fn retract(store: &Store, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Budget, id, meta, move |db, m| {
            let (round, mut tally) = budgets::for_update(db, id)?;
            let old = changeable(db, &round, &voter, m.now)?;
            if !tally.remove(&old) {
                return Err(super::broken_tally("a stored ballot is not in the tally"));
            }
            budgets::delete_ballot(db, id, &voter.key)?;
            budgets::save(db, &round, Some(&tally))?;
            Ok(round.receipt(None, m.now))
        })
        .await
}

/// The voter's own ballot, if any (in an anonymous round only that they voted).
pub async fn mine(store: &Store, id: Id, voter: &Voter) -> StoreResult<Option<MyBudgetBallot>> {
    let key = voter.key.clone();
    store
        .read(move |db| {
            let (round, _) = budgets::get(db, id)?;
            if round.anonymous {
                let voted = budgets::has_voted(db, &round, &key)?;
                return Ok(voted.then_some(MyBudgetBallot {
                    budget_id: id,
                    projects: None,
                    cast_at: None,
                    updated_at: None,
                }));
            }
            Ok(
                budgets::ballot(db, id, &key)?.map(|(projects, cast_at, updated_at)| {
                    MyBudgetBallot {
                        budget_id: id,
                        projects: Some(round.ids_at(&projects)),
                        cast_at: Some(cast_at),
                        updated_at: Some(updated_at),
                    }
                }),
            )
        })
        .await
}

/// Confirms the winners of a closed round (with staff's override and its
/// reason, if any): each funded project's proposal receives its cost from
/// the community fund in its ledger and is adopted at 决议, the round
/// named in its timeline; all in one transaction.
pub async fn confirm(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    input: BudgetConfirm,
    by: String,
) -> StoreResult<BudgetRound> {
    store
        .write_typed(meta, move |db, m| {
            let (mut round, tally) = budgets::for_update(db, id)?;
            let results = round.results(&tally);
            let funded = round.confirm(&input, &results, &by, m.now)?;
            for project in funded {
                let Some(p) = round.projects.iter().find(|p| p.id == project) else {
                    continue;
                };
                let Some(pid) = p.proposal_id else { continue };
                let Some(entry) = round.ledger_entry(project) else {
                    continue;
                };
                super::proposals::add_ledger_tx(db, m, pid, &entry)?;
                let Some(mut proposal) = proposals::proposal_for_update(db, pid)? else {
                    continue;
                };
                if let Some(rec) = proposal.adopt_by_round(&round.title, &by, m.now) {
                    proposals::save_proposal(db, &proposal)?;
                    proposals::insert_transition(db, pid, &rec)?;
                }
            }
            budgets::save(db, &round, None)?;
            Ok(round)
        })
        .await
}
