//! Proposal shapes of REST contract v1: list cards, the detail with funding
//! and the viewer's support, comments, the ledger and evaluations.

use serde::{Deserialize, Serialize};

use crate::proposal::Proposal;
use crate::proposal::funding::{FundingSummary, LedgerEntry};
use crate::score::ScoreSummary;
use crate::{Id, Millis};

/// Cards the proposal board asks for per page (the widget, and the first
/// read the loader sends for it).
pub const BOARD_PAGE: u32 = 10;

/// Sort order of the proposal list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalSort {
    /// Newest first.
    #[default]
    Newest,
    /// Most supports first.
    Supports,
    /// Closest to (or furthest past) the funding goal first.
    Funding,
}

impl ProposalSort {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalSort::Newest => "newest",
            ProposalSort::Supports => "supports",
            ProposalSort::Funding => "funding",
        }
    }
}

/// One proposal in a list, with its funding totals for the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalCard {
    /// The proposal (proposer masked).
    pub proposal: Proposal,
    /// Funding totals.
    pub funding: FundingSummary,
}

/// A proposal with its funding and the viewer's support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalDetail {
    /// The proposal (proposer masked).
    pub proposal: Proposal,
    /// Funding totals.
    pub funding: FundingSummary,
    /// Whether the viewer (by device token) supports it; `null` if unknown.
    pub supported_by_me: Option<bool>,
    /// Supports split by channel, beside the attendees of meetings (written by the
    /// server; the widgets do not read it).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub channels: Option<crate::paper::Channels>,
    /// Meetings' shows of hands, kept apart (written by the server only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<crate::paper::MeetingTallyDraft>,
}

/// A voter's support of a proposal, after a support or its withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportState {
    /// Proposal.
    pub proposal_id: Id,
    /// Whether this voter now supports it.
    pub supported: bool,
    /// Supports now.
    pub supports: u32,
    /// Supports needed to leave the propose step.
    pub threshold: u32,
}

/// A comment as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicComment {
    /// Id.
    pub id: Id,
    /// Top-level comment replied to.
    pub parent_id: Option<Id>,
    /// Masked author.
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: Millis,
    /// Set only on the viewer's own comment that the public no longer sees:
    /// its author is told it was hidden, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<CommentHidden>,
}

/// Why a comment is hidden from the public list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentHidden {
    /// Who hid it.
    pub by: HiddenBy,
    /// The moderator's reason (`None` while it waits for review after reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Who hid a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HiddenBy {
    /// Residents' reports reached the threshold; staff have not looked yet.
    Reports,
    /// A moderator hid it, with a reason.
    Staff,
}

/// A public evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEvaluation {
    /// 1–5.
    pub score: u8,
    /// Comment.
    pub comment: Option<String>,
    /// When.
    pub created_at: Millis,
}

/// The ledger with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerView {
    /// Totals.
    pub funding: FundingSummary,
    /// Entries in order, each with the running balance.
    pub entries: Vec<LedgerEntry>,
}

/// Evaluations with their summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationsView {
    /// Distribution, mean, satisfaction %.
    pub summary: ScoreSummary,
    /// Newest first.
    pub items: Vec<PublicEvaluation>,
}

/// The answer to a moderation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportReceipt {
    /// The comment reported.
    pub comment_id: Id,
    /// Whether it is now hidden pending moderation.
    pub hidden: bool,
}
