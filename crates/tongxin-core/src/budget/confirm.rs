//! Confirming a closed round: the winners become final (staff may
//! override the count, with a public reason), each funded project that
//! came from a proposal receives its money from the community fund in the
//! proposal's public ledger, and the proposal is adopted at 决议 with the
//! round named in its timeline.

use serde::{Deserialize, Serialize};

use super::{BudgetResults, BudgetRound, Override};
use crate::poll::PollStatus;
use crate::proposal::funding::{LedgerInput, LedgerKind};
use crate::proposal::{Proposal, ProposalStatus, Step, TransitionRecord};
use crate::text::{FieldErrors, TextLimits};
use crate::{Id, Millis};

/// The reason given for overriding the count.
pub const REASON: TextLimits = TextLimits::block(1, 1000);

/// What staff send to confirm the winners.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetConfirm {
    /// Fund these projects instead of the computed winners.
    #[serde(default)]
    pub override_funded: Option<Vec<Id>>,
    /// Why (required with an override; shown beside the results).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Why a round cannot be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmError {
    /// Voting is still open (or has not started).
    #[error("voting in this round is not closed yet")]
    NotClosed,
    /// The winners were confirmed already.
    #[error("the winners of this round are confirmed already")]
    AlreadyConfirmed,
    /// The override is not a valid set of winners.
    #[error("invalid override")]
    Invalid(FieldErrors),
}

impl ConfirmError {
    /// Stable short name for API problem types.
    pub fn code(&self) -> &'static str {
        match self {
            ConfirmError::NotClosed => "round-not-closed",
            ConfirmError::AlreadyConfirmed => "round-confirmed",
            ConfirmError::Invalid(_) => "invalid-override",
        }
    }
}

impl BudgetRound {
    /// Confirms the winners at `now`; the ids of the funded projects.
    /// `results` are the computed ones.
    pub fn confirm(
        &mut self,
        input: &BudgetConfirm,
        results: &BudgetResults,
        by: &str,
        now: Millis,
    ) -> Result<Vec<Id>, ConfirmError> {
        if self.confirmed_at.is_some() {
            return Err(ConfirmError::AlreadyConfirmed);
        }
        if self.status(now) != PollStatus::Closed {
            return Err(ConfirmError::NotClosed);
        }
        let computed = results.computed_winners();
        let funded = match &input.override_funded {
            None => {
                if input.reason.is_some() {
                    let mut e = FieldErrors::new();
                    e.add("reason", "give a reason only with override_funded");
                    return Err(ConfirmError::Invalid(e));
                }
                computed
            }
            Some(ids) => {
                let mut e = FieldErrors::new();
                let reason = input.reason.clone().unwrap_or_default();
                e.text("reason", &reason, REASON);
                let mut seen = Vec::new();
                for id in ids {
                    if self.position(*id).is_none() {
                        e.add(
                            "override_funded",
                            format!("project {id} is not in this round"),
                        );
                    } else if seen.contains(id) {
                        e.add("override_funded", format!("project {id} is listed twice"));
                    }
                    seen.push(*id);
                }
                let cost: i64 = self
                    .projects
                    .iter()
                    .filter(|p| ids.contains(&p.id))
                    .map(|p| p.cost_fen)
                    .sum();
                if cost > self.fund_fen {
                    e.add("override_funded", "these projects cost more than the fund");
                }
                e.into_result().map_err(ConfirmError::Invalid)?;
                if *ids != computed {
                    self.override_winners = Some(Override {
                        funded: ids.clone(),
                        reason: reason.trim().to_string(),
                        by: by.to_string(),
                        at: now,
                    });
                }
                ids.clone()
            }
        };
        self.confirmed_at = Some(now);
        Ok(funded)
    }

    /// The ledger entry a funded project's proposal receives.
    pub fn ledger_entry(&self, project: Id) -> Option<LedgerInput> {
        let p = self.projects.iter().find(|p| p.id == project)?;
        Some(LedgerInput {
            kind: LedgerKind::Received,
            amount_fen: p.cost_fen,
            memo: format!("社区资金 Community fund: {}", self.title),
        })
    }
}

impl Proposal {
    /// A budget round funded this proposal: still active and not yet
    /// adopted, it moves to 决议 (from an earlier step) and is adopted, the
    /// round named in its timeline. `None` when there was nothing to move
    /// (adopted already, or no longer active).
    pub fn adopt_by_round(
        &mut self,
        round: &str,
        actor: &str,
        now: Millis,
    ) -> Option<TransitionRecord> {
        if self.status != ProposalStatus::Active
            || self.adopted_at.is_some()
            || self.step > Step::Resolve
        {
            return None;
        }
        let from = self.step;
        self.step = Step::Resolve;
        self.adopted_at = Some(now);
        self.updated_at = now;
        Some(TransitionRecord {
            action: "funded_by_round".into(),
            from_step: from,
            to_step: Step::Resolve,
            status: self.status,
            actor: actor.to_string(),
            at: now,
            note: Some(format!("社区资金 Community fund: {round}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::draft::BudgetDraft;
    use crate::budget::{BallotRule, BudgetTally, CountingMethod, ProjectDraft};
    use crate::eligibility::Eligibility;
    use crate::poll::ResultVisibility;
    use crate::proposal::tests::proposal;

    fn round() -> BudgetRound {
        BudgetDraft {
            scope_id: Id::from(1),
            title: "2025".into(),
            description: String::new(),
            fund_fen: 1_000,
            projects: [600, 500, 300]
                .iter()
                .map(|&c| ProjectDraft {
                    proposal_id: None,
                    title: "P".into(),
                    summary: String::new(),
                    cost_fen: c,
                    cost_note: None,
                })
                .collect(),
            rule: BallotRule::KApproval { k: 3 },
            method: CountingMethod::Greedy,
            opens_at: None,
            closes_at: Some(10),
            visibility: ResultVisibility::AfterClose,
            anonymous: false,
            allow_change: false,
            eligibility: Eligibility::Open,
        }
        .into_round(Id::from(1), 0)
    }

    #[test]
    fn a_round_is_confirmed_once_after_close_and_an_override_needs_a_reason() {
        let mut r = round();
        let mut tally = BudgetTally::default();
        tally.add(&[0, 2]);
        let results = r.results(&tally);
        assert_eq!(
            r.confirm(&BudgetConfirm::default(), &results, "s", 5),
            Err(ConfirmError::NotClosed)
        );
        let bad = BudgetConfirm {
            override_funded: Some(vec![Id::from(1), Id::from(2)]),
            reason: None,
        };
        let Err(ConfirmError::Invalid(e)) = r.confirm(&bad, &results, "s", 20) else {
            panic!("an over-fund override without a reason passed");
        };
        assert!(e.0.contains_key("reason") && e.0.contains_key("override_funded"));
        let swap = BudgetConfirm {
            override_funded: Some(vec![Id::from(2), Id::from(3)]),
            reason: Some("P1's site is not ready".into()),
        };
        assert_eq!(
            r.confirm(&swap, &results, "s", 20),
            Ok(vec![Id::from(2), Id::from(3)])
        );
        assert_eq!(
            r.override_winners.as_ref().map(|o| o.by.as_str()),
            Some("s")
        );
        assert_eq!(
            r.confirm(&BudgetConfirm::default(), &results, "s", 21),
            Err(ConfirmError::AlreadyConfirmed)
        );
        assert_eq!(r.ledger_entry(Id::from(3)).map(|l| l.amount_fen), Some(300));
    }

    #[test]
    fn a_funded_proposal_is_adopted_at_resolve_once() {
        let mut p = proposal();
        let rec = p.adopt_by_round("2025", "staff", 7).expect("moved");
        assert_eq!(
            (rec.to_step, p.step, p.adopted_at),
            (Step::Resolve, Step::Resolve, Some(7))
        );
        assert!(p.adopt_by_round("2025", "staff", 8).is_none());
    }
}
