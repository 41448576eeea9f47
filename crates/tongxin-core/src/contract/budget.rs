//! The budget-round answers of the contract: a round as residents see it,
//! the receipt of a ballot, the resident's own ballot and the results.

use serde::{Deserialize, Serialize};

use crate::budget::{BudgetResults, BudgetRound};
use crate::poll::PollStatus;
use crate::{Id, Millis};

/// A round with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetView {
    /// The round, its projects and their costs.
    pub round: BudgetRound,
    /// Scheduled, open or closed, now.
    pub status: PollStatus,
    /// Ballots counted; while an anonymous round is open, rounded down to
    /// its publication batch (a running count would date each ballot).
    pub ballots: u64,
    /// What all the projects together would cost, in fen.
    pub total_cost_fen: i64,
}

/// What a ballot came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetReceipt {
    /// The round.
    pub budget_id: Id,
    /// The projects counted (`null` in an anonymous round and after a
    /// withdrawal).
    pub projects: Option<Vec<Id>>,
    /// When; rounded down to the minute in an anonymous round.
    pub at: Millis,
}

/// The resident's own ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyBudgetBallot {
    /// The round.
    pub budget_id: Id,
    /// The projects (`null` in an anonymous round: only that they voted).
    pub projects: Option<Vec<Id>>,
    /// When it was cast.
    pub cast_at: Option<Millis>,
    /// When it was last changed.
    pub updated_at: Option<Millis>,
}

/// The results, or why they are not shown yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetResultsView {
    /// The round.
    pub budget_id: Id,
    /// Scheduled, open or closed, now.
    pub status: PollStatus,
    /// Whether the results are shown to this caller now.
    pub visible: bool,
    /// The winners are confirmed (funds recorded in the proposals' ledgers).
    pub confirmed: bool,
    /// The results when visible.
    pub results: Option<BudgetResults>,
    /// Split by channel, beside the attendees of meetings (written by the
    /// server; the widgets do not read it).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub channels: Option<crate::paper::Channels>,
    /// Meetings' shows of hands, kept apart (written by the server only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<crate::paper::MeetingTallyDraft>,
}
