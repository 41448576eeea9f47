//! Shapes of REST contract v1 that the widgets read, shared by the server
//! (which writes them) and the client (which reads them), so the two cannot
//! disagree. Field meanings are documented in `/openapi.json`.

mod budget;
mod convention;
pub mod live;
mod proposal;
pub mod routes;
pub mod version;

use serde::{Deserialize, Serialize};

pub use budget::{BudgetReceipt, BudgetResultsView, BudgetView, MyBudgetBallot};
pub use convention::{ConventionView, SignatureCounts, SignatureReceipt, UnitCount};
pub use proposal::{
    BOARD_PAGE, CommentHidden, EvaluationsView, HiddenBy, LedgerView, ProposalCard, ProposalDetail,
    ProposalSort, PublicComment, PublicEvaluation, ReportReceipt, SupportState,
};

use crate::eligibility::Eligibility;
use crate::paper::{Channels, MeetingTallyDraft};
use crate::poll::wire::RawResults;
use crate::poll::{Ballot, Poll, PollKind, PollOption, PollResults, PollStatus, ResultVisibility};
use crate::{Id, Millis};

/// A poll with where it stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "PollViewFields")]
pub struct PollView {
    /// The poll.
    #[serde(flatten)]
    pub poll: Poll,
    /// Scheduled, open or closed, now.
    pub status: PollStatus,
    /// Ballots counted (participation; always public).
    pub ballots: u64,
}

/// [`PollView`] as it is read: every field side by side. Reading through
/// `#[serde(flatten)]` buffers the whole object in serde's `Content` first,
/// which costs every widget bundle kilobytes; it is written flattened.
#[derive(Deserialize)]
struct PollViewFields {
    id: Id,
    scope_id: Id,
    title: String,
    description: String,
    kind: PollKind,
    options: Vec<PollOption>,
    opens_at: Option<Millis>,
    closes_at: Option<Millis>,
    visibility: ResultVisibility,
    anonymous: bool,
    allow_change: bool,
    eligibility: Eligibility,
    created_at: Millis,
    status: PollStatus,
    // A backend may leave participation to the results answer (the
    // widgets show the results' count when they have one).
    #[serde(default)]
    ballots: u64,
}

impl From<PollViewFields> for PollView {
    fn from(f: PollViewFields) -> Self {
        PollView {
            poll: Poll {
                id: f.id,
                scope_id: f.scope_id,
                title: f.title,
                description: f.description,
                kind: f.kind,
                options: f.options,
                opens_at: f.opens_at,
                closes_at: f.closes_at,
                visibility: f.visibility,
                anonymous: f.anonymous,
                allow_change: f.allow_change,
                eligibility: f.eligibility,
                created_at: f.created_at,
            },
            status: f.status,
            ballots: f.ballots,
        }
    }
}

/// Results, or `null` where they are hidden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "ResultsViewFields")]
pub struct ResultsView {
    /// Poll.
    pub poll_id: Id,
    /// Status now.
    pub status: PollStatus,
    /// Ballots counted (participation; always public).
    pub ballots: u64,
    /// Whether `results` is shown to this viewer.
    pub visible: bool,
    /// The poll's visibility rule.
    pub visibility: ResultVisibility,
    /// Per-option results; `null` when hidden.
    pub results: Option<PollResults>,
    /// The ballots split by channel (online, paper, door) beside the
    /// attendees of meetings; absent where the backend does not tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Channels>,
    /// Meetings' shows of hands, kept apart from the ballots (not read by
    /// the widgets, which show the attendees in `channels`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<MeetingTallyDraft>,
}

/// [`ResultsView`] as it is read: `ballots` may be left out by a backend
/// that sends only counts, and is then what the results imply
/// ([`RawResults::derive`]), as are the rows' derived fields.
#[derive(Deserialize)]
struct ResultsViewFields {
    poll_id: Id,
    status: PollStatus,
    ballots: Option<u64>,
    visible: bool,
    visibility: ResultVisibility,
    results: Option<RawResults>,
    #[serde(default)]
    channels: Option<Channels>,
}

impl TryFrom<ResultsViewFields> for ResultsView {
    type Error = String;

    fn try_from(f: ResultsViewFields) -> Result<Self, String> {
        let (results, ballots) = match f.results {
            Some(raw) => {
                let (r, n) = raw.derive(f.ballots)?;
                (Some(r), n)
            }
            None => (None, f.ballots.unwrap_or(0)),
        };
        Ok(ResultsView {
            poll_id: f.poll_id,
            status: f.status,
            ballots,
            visible: f.visible,
            visibility: f.visibility,
            results,
            channels: f.channels,
            meetings: Vec::new(),
        })
    }
}

impl ResultsView {
    /// Results counted from a backend's stored ballots, with the poll's
    /// visibility rule applied for a viewer who has (or has not) voted —
    /// for backends that keep ballots but count nothing. Ballots that do
    /// not fit the poll (another kind, unknown options) are left out.
    pub fn from_ballots(poll: &Poll, ballots: &[Ballot], now: Millis, has_voted: bool) -> Self {
        let mut tally = crate::poll::tally::Tally::new(poll);
        for b in ballots.iter().filter_map(|b| b.validate(poll).ok()) {
            let _ = tally.add(&b);
        }
        let visible = poll.results_visible(now, has_voted);
        ResultsView {
            poll_id: poll.id,
            status: poll.status(now),
            ballots: tally.ballots,
            visible,
            visibility: poll.visibility,
            results: visible.then(|| tally.results(poll)),
            channels: None,
            meetings: Vec::new(),
        }
    }
}

/// A cheap counter for progress displays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollCount {
    /// Poll.
    pub poll_id: Id,
    /// Ballots counted.
    pub ballots: u64,
    /// Status now.
    pub status: PollStatus,
}

/// A voter's own ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyBallot {
    /// Poll.
    pub poll_id: Id,
    /// The choices; `null` for anonymous polls, which keep no link.
    pub ballot: Option<Ballot>,
    /// First cast.
    pub cast_at: Option<Millis>,
    /// Last change.
    pub updated_at: Option<Millis>,
}

/// The answer to a cast, change or retraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotReceipt {
    /// Poll.
    pub poll_id: Id,
    /// What was counted (`null` for anonymous polls and retractions).
    pub ballot: Option<Ballot>,
    /// Ballots counted now; 0 for anonymous polls, where a running count
    /// would be a sequence number.
    pub ballots: u64,
    /// When; rounded down to the minute for anonymous polls.
    pub at: Millis,
}

/// A problem+json body (RFC 9457), as every error is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// Stable identifier, `/problems/<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Per-field messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<crate::text::FieldErrors>,
}

impl Problem {
    /// The stable code: the last segment of `type`.
    pub fn code(&self) -> &str {
        self.type_.rsplit('/').next().unwrap_or(&self.type_)
    }
}

/// A page of items with the cursor for the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// Items.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::tests::poll;
    use crate::poll::{PollKind, PollResults};

    #[test]
    fn views_read_back_what_they_write() {
        let p = poll(PollKind::Single, 3);
        let view = PollView {
            poll: p,
            status: PollStatus::Open,
            ballots: 7,
        };
        let text = serde_json::to_string(&view).unwrap();
        assert!(
            text.contains(r#""title":"#) && !text.contains(r#""poll":"#),
            "flat: {text}"
        );
        assert_eq!(serde_json::from_str::<PollView>(&text).unwrap(), view);
        let mut missing: serde_json::Value = serde_json::from_str(&text).unwrap();
        missing.as_object_mut().unwrap().remove("title");
        let e = serde_json::from_value::<PollView>(missing).unwrap_err();
        assert!(e.to_string().contains("missing field `title`"), "{e}");
    }

    #[test]
    fn results_from_stored_ballots_follow_visibility_and_skip_misfits() {
        let mut p = poll(PollKind::Single, 3);
        let ballots = [
            Ballot::Single {
                option: Id::from(2),
            },
            Ballot::Single {
                option: Id::from(2),
            },
            Ballot::Single {
                option: Id::from(9),
            },
            Ballot::Multiple {
                options: vec![Id::from(1)],
            },
            Ballot::Single {
                option: Id::from(1),
            },
        ];
        let r = ResultsView::from_ballots(&p, &ballots, 0, false);
        assert_eq!(r.ballots, 3);
        let Some(PollResults::Choices { options }) = r.results else {
            panic!("{r:?}")
        };
        assert_eq!(
            options.iter().map(|o| o.count).collect::<Vec<_>>(),
            [1, 2, 0]
        );
        p.visibility = ResultVisibility::AfterVote;
        let hidden = ResultsView::from_ballots(&p, &ballots, 0, false);
        assert!(!hidden.visible && hidden.results.is_none());
        assert!(ResultsView::from_ballots(&p, &ballots, 0, true).visible);
    }
}
