//! A resident's budget ballot: the projects they would fund, checked
//! against the round's rule before anything is written.

use serde::{Deserialize, Serialize};

use super::{BallotRule, BudgetRound};
use crate::Id;
use crate::contract::BudgetReceipt;
use crate::poll::PollStatus;

/// The projects a resident approves, in any order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetBallot {
    /// Project ids of the round.
    pub projects: Vec<Id>,
}

/// Why a budget ballot is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetBallotError {
    /// Voting has not opened yet.
    #[error("voting in this round has not opened yet")]
    NotOpenYet,
    /// Voting has closed.
    #[error("voting in this round has closed")]
    Closed,
    /// No project chosen.
    #[error("choose at least one project")]
    Empty,
    /// A project the round does not list.
    #[error("project {0} is not in this round")]
    UnknownProject(Id),
    /// The same project twice.
    #[error("project {0} is chosen more than once")]
    DuplicateProject(Id),
    /// The chosen projects cost more than the fund.
    #[error("the chosen projects cost {chosen_fen} fen, more than the fund of {fund_fen} fen")]
    OverBudget {
        /// What they cost together.
        chosen_fen: i64,
        /// The fund.
        fund_fen: i64,
    },
    /// More projects than the rule allows.
    #[error("at most {max} projects may be chosen, got {got}")]
    TooMany {
        /// The most.
        max: u32,
        /// Chosen.
        got: usize,
    },
    /// Fewer projects than the rule asks for.
    #[error("at least {min} projects must be chosen, got {got}")]
    TooFew {
        /// The least.
        min: u32,
        /// Chosen.
        got: usize,
    },
    /// The resident has a ballot in this round already.
    #[error("you have already voted in this round")]
    AlreadyVoted,
    /// The round keeps every ballot as first cast.
    #[error("this round does not allow changing or withdrawing a ballot")]
    ChangeNotAllowed,
}

impl BudgetBallotError {
    /// Stable short name for API problem types and message catalogues.
    pub fn code(&self) -> &'static str {
        match self {
            BudgetBallotError::NotOpenYet => "round-not-open",
            BudgetBallotError::Closed => "round-closed",
            BudgetBallotError::Empty => "empty-ballot",
            BudgetBallotError::UnknownProject(_) => "unknown-project",
            BudgetBallotError::DuplicateProject(_) => "duplicate-project",
            BudgetBallotError::OverBudget { .. } => "over-budget",
            BudgetBallotError::TooMany { .. } => "too-many-projects",
            BudgetBallotError::TooFew { .. } => "too-few-projects",
            BudgetBallotError::AlreadyVoted => "already-voted",
            BudgetBallotError::ChangeNotAllowed => "change-not-allowed",
        }
    }

    /// Whether the refusal is about the state of the round or the voter
    /// (409) rather than what the ballot holds (422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            BudgetBallotError::NotOpenYet
                | BudgetBallotError::Closed
                | BudgetBallotError::AlreadyVoted
                | BudgetBallotError::ChangeNotAllowed
        )
    }
}

impl BudgetRound {
    /// Checks that voting is open at `now`.
    pub fn check_open(&self, now: crate::Millis) -> Result<(), BudgetBallotError> {
        match self.status(now) {
            PollStatus::Open => Ok(()),
            PollStatus::Scheduled => Err(BudgetBallotError::NotOpenYet),
            PollStatus::Closed => Err(BudgetBallotError::Closed),
        }
    }

    /// Checks that a ballot may be changed or withdrawn at `now`.
    pub fn check_change(&self, now: crate::Millis) -> Result<(), BudgetBallotError> {
        self.check_open(now)?;
        if self.allow_change && !self.anonymous {
            Ok(())
        } else {
            Err(BudgetBallotError::ChangeNotAllowed)
        }
    }

    /// Checks a ballot against the round's rule; its projects as sorted
    /// positions in the round (the form counting and storage use).
    pub fn check_ballot(&self, ballot: &BudgetBallot) -> Result<Vec<usize>, BudgetBallotError> {
        let mut chosen = Vec::with_capacity(ballot.projects.len());
        for &id in &ballot.projects {
            let i = self
                .position(id)
                .ok_or(BudgetBallotError::UnknownProject(id))?;
            if chosen.contains(&i) {
                return Err(BudgetBallotError::DuplicateProject(id));
            }
            chosen.push(i);
        }
        chosen.sort_unstable();
        let got = chosen.len();
        if got == 0 {
            return Err(BudgetBallotError::Empty);
        }
        match self.rule {
            BallotRule::Knapsack {
                min_projects,
                max_projects,
            } => {
                let chosen_fen: i64 = chosen.iter().map(|&i| self.projects[i].cost_fen).sum();
                if chosen_fen > self.fund_fen {
                    return Err(BudgetBallotError::OverBudget {
                        chosen_fen,
                        fund_fen: self.fund_fen,
                    });
                }
                if let Some(max) = max_projects
                    && got > max as usize
                {
                    return Err(BudgetBallotError::TooMany { max, got });
                }
                if let Some(min) = min_projects
                    && got < min as usize
                {
                    return Err(BudgetBallotError::TooFew { min, got });
                }
            }
            BallotRule::KApproval { k } => {
                if got > k as usize {
                    return Err(BudgetBallotError::TooMany { max: k, got });
                }
            }
        }
        Ok(chosen)
    }

    /// Whether project `add` may join the projects `chosen` so far: the
    /// widget's meter refuses an addition that breaks the rule (over the
    /// fund, one too many) and says which, before anything is sent.
    pub fn check_addition(&self, chosen: &[Id], add: Id) -> Result<(), BudgetBallotError> {
        let projects = chosen.iter().copied().chain([add]).collect();
        match self.check_ballot(&BudgetBallot { projects }) {
            Ok(_) | Err(BudgetBallotError::TooFew { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// What the projects `chosen` cost together, in fen (unknown ids count 0).
    pub fn cost_of(&self, chosen: &[Id]) -> i64 {
        chosen
            .iter()
            .filter_map(|&id| self.position(id))
            .map(|i| self.projects[i].cost_fen)
            .sum()
    }

    /// The ids of projects at `positions`.
    pub fn ids_at(&self, positions: &[usize]) -> Vec<Id> {
        positions
            .iter()
            .filter_map(|&i| self.projects.get(i).map(|p| p.id))
            .collect()
    }
}

impl BudgetRound {
    /// The receipt of a ballot of `projects` (`None`: withdrawn) at `at`:
    /// in an anonymous round no projects and the time to the minute.
    pub fn receipt(&self, projects: Option<&[usize]>, at: crate::Millis) -> BudgetReceipt {
        if self.anonymous {
            return BudgetReceipt {
                budget_id: self.id,
                projects: None,
                at: at - at.rem_euclid(60_000),
            };
        }
        BudgetReceipt {
            budget_id: self.id,
            projects: projects.map(|p| self.ids_at(p)),
            at,
        }
    }
}
