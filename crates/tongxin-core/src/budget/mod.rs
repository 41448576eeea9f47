//! Budget rounds (社区资金 百姓点菜): residents divide their community's
//! own fund among project proposals on one ballot. A round belongs to a
//! scope and has a fund, candidate projects with their costs, a voting
//! window, eligibility, anonymity, a change policy and a ballot rule
//! ([`BallotRule`]); it is counted by [`CountingMethod`] ([`count`]) into
//! results that explain themselves ([`results`]).

pub mod ballot;
pub mod confirm;
pub mod count;
pub mod draft;
pub mod pabulib;
pub mod results;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::eligibility::Eligibility;
use crate::poll::{PollStatus, ResultVisibility};
use crate::{Id, Millis};

pub use ballot::{BudgetBallot, BudgetBallotError};
pub use confirm::{BudgetConfirm, ConfirmError};
pub use draft::{BudgetDraft, BudgetEdit, ProjectDraft};
pub use results::{BudgetResults, BudgetTally, ProjectResult};

/// The most projects a round may list.
pub const MAX_PROJECTS: usize = 100;
/// The largest fund or cost, in fen: ¥100,000,000.
pub const MAX_FEN: i64 = 10_000_000_000;

/// What a ballot may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BallotRule {
    /// Projects whose costs together fit the fund (Decidim's and the
    /// Stanford platform's "knapsack" ballot), with an optional least and
    /// most number of projects.
    Knapsack {
        /// At least this many projects (none: at least one).
        #[serde(default)]
        min_projects: Option<u32>,
        /// At most this many projects.
        #[serde(default)]
        max_projects: Option<u32>,
    },
    /// At most `k` projects, whatever they cost.
    KApproval {
        /// How many projects a ballot may approve, at most.
        k: u32,
    },
}

/// How the ballots are counted into funded projects ([`count`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountingMethod {
    /// By approvals, most first, skipping what no longer fits.
    #[default]
    Greedy,
    /// The Method of Equal Shares (cost utilities, `add1` completion).
    EqualShares,
}

impl CountingMethod {
    /// The name in the API, in storage and in Pabulib's `rule` field.
    pub fn as_str(self) -> &'static str {
        match self {
            CountingMethod::Greedy => "greedy",
            CountingMethod::EqualShares => "equal_shares",
        }
    }
}

/// One project on the ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetProject {
    /// Its id within the round.
    pub id: Id,
    /// The proposal it comes from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<Id>,
    /// Its name.
    pub title: String,
    /// What it is, in a few lines.
    #[serde(default)]
    pub summary: String,
    /// What it costs, in fen, as residents are told.
    pub cost_fen: i64,
    /// Why the cost differs from the proposal's estimate, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_note: Option<String>,
}

/// Staff overriding the computed winners, with the public reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Override {
    /// The projects funded instead of the computed ones.
    pub funded: Vec<Id>,
    /// Why, shown beside the results.
    pub reason: String,
    /// Who decided (the staff member's login).
    pub by: String,
    /// When.
    pub at: Millis,
}

/// A budget round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetRound {
    /// Identifier.
    pub id: Id,
    /// The scope whose fund it divides.
    pub scope_id: Id,
    /// Its name, e.g. "2026 年度惠民资金".
    pub title: String,
    /// What residents should know, may be empty.
    #[serde(default)]
    pub description: String,
    /// The fund, in fen.
    pub fund_fen: i64,
    /// The projects in ballot order.
    pub projects: Vec<BudgetProject>,
    /// What a ballot may hold.
    pub rule: BallotRule,
    /// How it is counted.
    pub method: CountingMethod,
    /// Voting opens (none: at creation).
    #[serde(default)]
    pub opens_at: Option<Millis>,
    /// Voting closes (none: when staff close it).
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Who sees results when (an anonymous round: after close only).
    pub visibility: ResultVisibility,
    /// No link between a resident and their ballot is kept.
    pub anonymous: bool,
    /// Whether a ballot may be changed or withdrawn while voting is open.
    pub allow_change: bool,
    /// Who may vote.
    pub eligibility: Eligibility,
    /// Creation time.
    pub created_at: Millis,
    /// When staff confirmed the winners (funds recorded in the ledgers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<Millis>,
    /// Staff's override of the computed winners, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_winners: Option<Override>,
}

impl BudgetRound {
    /// Where the round stands at `now` (the same three states as a poll).
    pub fn status(&self, now: Millis) -> PollStatus {
        PollStatus::at(self.opens_at, self.closes_at, now)
    }

    /// Whether residents may see the results now.
    pub fn results_visible(&self, now: Millis, has_voted: bool) -> bool {
        let closed = self.status(now) == PollStatus::Closed;
        match self.visibility {
            ResultVisibility::Always => true,
            ResultVisibility::AfterVote => has_voted || closed,
            ResultVisibility::AfterClose => closed,
        }
    }

    /// The index of project `id` in ballot order.
    pub fn position(&self, id: Id) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }

    /// The projects as counting sees them.
    pub fn candidates(&self) -> Vec<count::Candidate> {
        self.projects
            .iter()
            .map(|p| count::Candidate {
                cost_fen: p.cost_fen,
            })
            .collect()
    }

    /// The ballots to show of `counted`: while an anonymous round is open,
    /// rounded down to a multiple of `batch` (a count that moves with each
    /// ballot would date it; see `poll::secrecy`).
    pub fn ballots_shown(&self, counted: u64, now: Millis, batch: u32) -> u64 {
        if self.anonymous && self.status(now) != PollStatus::Closed {
            let k = u64::from(batch.max(1));
            counted / k * k
        } else {
            counted
        }
    }

    /// What all the projects would cost together.
    pub fn total_cost_fen(&self) -> i64 {
        self.projects.iter().map(|p| p.cost_fen).sum()
    }
}
