//! Moderation of residents' comments: what the queue shows staff and what a
//! moderator must give to hide or restore one. Residents' reports hide a
//! comment on their own after [`HIDE_AFTER_REPORTS`]; a moderator then
//! keeps it hidden with a reason (which its author is shown) or puts it back.
//!
//! [`HIDE_AFTER_REPORTS`]: crate::proposal::rules::HIDE_AFTER_REPORTS

use serde::{Deserialize, Serialize};

use crate::Id;
use crate::contract::{CommentHidden, HiddenBy, PublicComment};
use crate::proposal::rules::hidden_by_reports;
use crate::text::{self, FieldErrors, TextLimits};

/// A moderator's reason: shown to the comment's author, kept in the audit log.
pub const REASON: TextLimits = TextLimits::line(2, 200);

/// Most comments one page of the queue holds.
pub const QUEUE_PAGE: u32 = 200;

/// Hide or restore a comment, saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModerationRequest {
    /// Why: 2–200 characters, one line.
    pub reason: String,
}

impl ModerationRequest {
    /// Checks the reason.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("reason", &self.reason, REASON);
        e.into_result()
    }
}

/// Which comments the queue lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueFilter {
    /// Reported at least once and not hidden by a moderator: to look at.
    #[default]
    Reported,
    /// Hidden by a moderator.
    Hidden,
}

/// One comment in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationItem {
    /// The proposal it was written on.
    pub proposal_id: Id,
    /// That proposal's title.
    pub proposal_title: String,
    /// The comment (`hidden` set when the public does not see it).
    pub comment: PublicComment,
    /// Distinct residents' reports since it was last restored.
    pub reports: u32,
    /// The reasons residents gave, newest first (empty ones left out).
    pub report_reasons: Vec<String>,
}

/// Whether and why a comment is hidden from the public: a moderator's
/// reason wins; otherwise enough residents' reports hide it pending review.
pub fn comment_hidden(reports: i64, staff_reason: Option<String>) -> Option<CommentHidden> {
    match staff_reason {
        Some(reason) => Some(CommentHidden {
            by: HiddenBy::Staff,
            reason: Some(reason),
        }),
        None if hidden_by_reports(reports) => Some(CommentHidden {
            by: HiddenBy::Reports,
            reason: None,
        }),
        None => None,
    }
}

/// Checks a moderation reason as typed (for forms before they send).
pub fn check_reason(reason: &str) -> Result<(), String> {
    text::check_text(reason, REASON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_short_line() {
        let ok = ModerationRequest {
            reason: "人身攻击".into(),
        };
        assert!(ok.validate().is_ok());
        for bad in ["", " 好 ", "第一行\n第二行", &"长".repeat(201)] {
            let r = ModerationRequest { reason: bad.into() };
            assert!(r.validate().is_err(), "{bad:?}");
        }
        assert_eq!(
            serde_json::from_str::<QueueFilter>("\"hidden\"").unwrap(),
            QueueFilter::Hidden
        );
    }

    #[test]
    fn a_moderators_reason_wins_over_reports() {
        assert_eq!(comment_hidden(0, None), None);
        assert_eq!(comment_hidden(2, None), None);
        assert_eq!(
            comment_hidden(3, None),
            Some(CommentHidden {
                by: HiddenBy::Reports,
                reason: None
            })
        );
        let staff = comment_hidden(5, Some("人身攻击".into())).unwrap();
        assert_eq!(
            (staff.by, staff.reason.as_deref()),
            (HiddenBy::Staff, Some("人身攻击"))
        );
        assert_eq!(
            comment_hidden(0, Some("广告".into())).unwrap().by,
            HiddenBy::Staff
        );
    }
}
