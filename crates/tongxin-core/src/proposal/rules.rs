//! Who may do what on a proposal, and the limits on it: per-action
//! eligibility (support, pledge, comment, report, evaluate each `open`,
//! `code` or `token`), the per-voter pledge cap, and when reports hide a
//! comment. Staff set eligibility and the cap per proposal.

use serde::{Deserialize, Serialize};

use super::MAX_AMOUNT_FEN;
use crate::eligibility::Eligibility;
use crate::text::FieldErrors;

/// A resident action on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentAction {
    /// Support (and withdraw support).
    Support,
    /// Pledge money.
    Pledge,
    /// Comment or reply.
    Comment,
    /// Report a comment.
    Report,
    /// Rate the delivered result.
    Evaluate,
}

/// Eligibility per action; every action defaults to `open`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalEligibility {
    /// Who may support.
    #[serde(default)]
    pub support: Eligibility,
    /// Who may pledge.
    #[serde(default)]
    pub pledge: Eligibility,
    /// Who may comment.
    #[serde(default)]
    pub comment: Eligibility,
    /// Who may report comments.
    #[serde(default)]
    pub report: Eligibility,
    /// Who may evaluate.
    #[serde(default)]
    pub evaluate: Eligibility,
}

impl ProposalEligibility {
    /// Everyone through the same policy.
    pub fn all(policy: Eligibility) -> Self {
        ProposalEligibility {
            support: policy,
            pledge: policy,
            comment: policy,
            report: policy,
            evaluate: policy,
        }
    }

    /// The policy of one action.
    pub fn of(&self, action: ResidentAction) -> Eligibility {
        match action {
            ResidentAction::Support => self.support,
            ResidentAction::Pledge => self.pledge,
            ResidentAction::Comment => self.comment,
            ResidentAction::Report => self.report,
            ResidentAction::Evaluate => self.evaluate,
        }
    }
}

/// What one voter may pledge to one proposal in total unless staff set
/// another cap: 20,000 yuan.
pub const DEFAULT_PLEDGE_CAP_FEN: i64 = 2_000_000;

/// Distinct eligible reporters that hide a comment until staff restore it.
/// Reports made before a restore do not count again.
pub const HIDE_AFTER_REPORTS: i64 = 3;

/// Whether `reports` distinct reports hide a comment.
pub fn hidden_by_reports(reports: i64) -> bool {
    reports >= HIDE_AFTER_REPORTS
}

/// Checks a staff-set pledge cap.
pub fn check_cap(cap_fen: i64, e: &mut FieldErrors) {
    if !(1..=MAX_AMOUNT_FEN).contains(&cap_fen) {
        e.add("pledge_cap_fen", "must be between 1 and 10,000,000,000 fen");
    }
}

/// Checks a new pledge against the voter's earlier pledges and the cap.
pub fn check_pledge_cap(already_fen: i64, amount_fen: i64, cap_fen: i64) -> Result<(), String> {
    if already_fen.saturating_add(amount_fen) > cap_fen {
        Err(format!(
            "one resident may pledge at most {cap_fen} fen to this proposal ({already_fen} fen pledged already)"
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_its_policy_and_defaults_are_open() {
        let e: ProposalEligibility = serde_json::from_str(r#"{"support": "code"}"#).unwrap();
        assert_eq!(e.of(ResidentAction::Support), Eligibility::Code);
        assert_eq!(e.of(ResidentAction::Pledge), Eligibility::Open);
        assert_eq!(
            ProposalEligibility::all(Eligibility::Token).of(ResidentAction::Report),
            Eligibility::Token
        );
        assert!(serde_json::from_str::<ProposalEligibility>(r#"{"vote": "open"}"#).is_err());
    }

    #[test]
    fn pledges_stop_at_the_cap() {
        assert!(check_pledge_cap(0, 2_000_000, DEFAULT_PLEDGE_CAP_FEN).is_ok());
        assert!(check_pledge_cap(1_500_000, 600_000, DEFAULT_PLEDGE_CAP_FEN).is_err());
        assert!(check_pledge_cap(i64::MAX, 1, DEFAULT_PLEDGE_CAP_FEN).is_err());
        let mut e = FieldErrors::new();
        check_cap(0, &mut e);
        assert!(!e.is_empty());
    }

    #[test]
    fn three_distinct_reports_hide() {
        assert!(!hidden_by_reports(2));
        assert!(hidden_by_reports(3));
    }
}
