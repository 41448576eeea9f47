//! What the indicators are computed from: a few figures per item, already
//! counted by the store (SQL aggregates: participants per poll, signatures
//! per unit and day, money and ratings per day). No names of residents, no
//! ballots: an indicator never needs them.

use crate::proposal::funding::PledgeSource;
use crate::proposal::{ProposalStatus, Step};
use crate::scope::Scope;
use crate::{Id, Millis};

use super::period::Day;

/// Everything the store knows that indicators use.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The scope tree, with household counts where staff recorded them.
    pub scopes: Vec<Scope>,
    /// One entry per poll.
    pub polls: Vec<PollFact>,
    /// One entry per budget round, reduced like a poll to its participation.
    pub budgets: Vec<PollFact>,
    /// One entry per convention.
    pub conventions: Vec<ConventionFact>,
    /// One entry per proposal.
    pub proposals: Vec<ProposalFact>,
}

/// A poll (or a budget round), reduced to its participation.
#[derive(Debug, Clone, PartialEq)]
pub struct PollFact {
    /// Poll id.
    pub id: Id,
    /// Its scope.
    pub scope_id: Id,
    /// Title (shown in the per-item list).
    pub title: String,
    /// When it opened (or was created): a poll counts in that month.
    /// Ballots carry no time of their own here, so anonymous polls keep
    /// none.
    pub opened_at: Millis,
    /// Distinct voters (one per household for `code` polls).
    pub participants: u64,
}

/// A convention, reduced to its active signatures.
#[derive(Debug, Clone, PartialEq)]
pub struct ConventionFact {
    /// Convention id.
    pub id: Id,
    /// Its scope.
    pub scope_id: Id,
    /// Title.
    pub title: String,
    /// Active (not withdrawn) signatures, counted per unit and local day.
    pub signatures: Vec<DayCount>,
}

/// `count` events in `unit_id` on local day `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// Unit (building or group) the signers gave.
    pub unit_id: Id,
    /// Local day.
    pub day: Day,
    /// How many.
    pub count: u64,
}

/// A step entered, from the proposal's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepEntry {
    /// The step after the transition.
    pub step: Step,
    /// The status after it.
    pub status: ProposalStatus,
    /// The step before it.
    pub from: Step,
    /// When.
    pub at: Millis,
}

/// Money moved on a proposal on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyDay {
    /// What kind of money.
    pub kind: MoneyKind,
    /// Local day.
    pub day: Day,
    /// Amount in fen.
    pub fen: i64,
}

/// Pledged by whom, received or spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyKind {
    /// A pledge.
    Pledged(PledgeSource),
    /// Received (ledger).
    Received,
    /// Spent (ledger).
    Spent,
}

/// Ratings of one value given on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingDay {
    /// Local day.
    pub day: Day,
    /// 1–5.
    pub score: u8,
    /// How many.
    pub count: u64,
}

/// A proposal with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalFact {
    /// Proposal id.
    pub id: Id,
    /// Its scope.
    pub scope_id: Id,
    /// Title.
    pub title: String,
    /// Submitted (entered 提议).
    pub created_at: Millis,
    /// Current status.
    pub status: ProposalStatus,
    /// Supports gathered.
    pub supports: u32,
    /// Supports needed.
    pub support_threshold: u32,
    /// When the resolution vote adopted it.
    pub adopted_at: Option<Millis>,
    /// When delivery was recorded.
    pub delivered_at: Option<Millis>,
    /// Co-funding goal in fen (0 = none).
    pub funding_goal_fen: i64,
    /// Transitions, oldest first.
    pub steps: Vec<StepEntry>,
    /// Pledges and ledger entries per day.
    pub money: Vec<MoneyDay>,
    /// 评议 ratings per day.
    pub ratings: Vec<RatingDay>,
}

impl ProposalFact {
    /// When it entered `step` (提议 = submission), if it did.
    pub fn entered(&self, step: Step) -> Option<Millis> {
        if step == Step::Propose {
            return Some(self.created_at);
        }
        self.steps.iter().find(|e| e.step == step).map(|e| e.at)
    }

    /// When the 决议 vote refused it, if it did: a rejection while in 决议.
    pub fn refused_at(&self) -> Option<Millis> {
        self.steps
            .iter()
            .find(|e| e.from == Step::Resolve && e.status == ProposalStatus::Rejected)
            .map(|e| e.at)
    }
}
