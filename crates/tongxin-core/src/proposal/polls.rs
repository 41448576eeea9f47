//! The polls a proposal takes through 群议 and 决议, as staff create them
//! from the proposal: in the proposal's scope, open to the residents who
//! may support it. The resolution poll is an approval poll with the
//! proposal as its one motion: adopted when agree reaches the threshold
//! (the rule the transition to 评议 reads).

use crate::poll::{PollDraft, PollKind, ResultVisibility};

use super::Proposal;

/// Default adoption threshold of a resolution poll, in percent.
pub const RESOLUTION_THRESHOLD_PERCENT: u8 = 50;

/// The consultation poll (群议) of `p`: residents say whether to go ahead
/// as planned, change the plan, or not do it.
pub fn consultation_draft(p: &Proposal) -> PollDraft {
    let mut d = PollDraft::new(
        p.scope_id,
        format!("群议：{}", p.title),
        PollKind::Single,
        ["按方案实施", "修改方案后实施", "不实施"],
    );
    d.description = p.plan.clone();
    d.eligibility = p.eligibility.support;
    d
}

/// The resolution poll (决议) of `p`: one motion, adopted at `threshold_percent`.
pub fn resolution_draft(p: &Proposal, threshold_percent: u8) -> PollDraft {
    let mut d = PollDraft::new(
        p.scope_id,
        format!("决议：{}", p.title),
        PollKind::Approval { threshold_percent },
        [p.title.clone()],
    );
    d.description = p.plan.clone();
    d.eligibility = p.eligibility.support;
    d.visibility = ResultVisibility::AfterClose;
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::Eligibility;
    use crate::proposal::rules::ProposalEligibility;

    fn proposal() -> Proposal {
        let mut p: Proposal = serde_json::from_value(serde_json::json!({
            "id": 4, "scope_id": 3, "title": "公厕改造", "problem": "老旧", "plan": "换蹲便器",
            "estimated_cost_fen": 100, "proposer_name": "李", "step": "consult", "status": "active",
            "support_threshold": 5, "supports": 9, "funding_goal_fen": 0, "responsible": [],
            "pledge_cap_fen": 0, "created_at": 0, "updated_at": 0
        }))
        .unwrap();
        p.eligibility = ProposalEligibility::all(Eligibility::Code);
        p
    }

    #[test]
    fn both_polls_are_valid_drafts_in_the_proposals_scope() {
        let p = proposal();
        for d in [consultation_draft(&p), resolution_draft(&p, 60)] {
            d.validate().unwrap();
            assert_eq!(d.scope_id, p.scope_id);
            assert_eq!(d.eligibility, Eligibility::Code);
        }
        let r = resolution_draft(&p, 60);
        assert_eq!(
            r.kind,
            PollKind::Approval {
                threshold_percent: 60
            }
        );
        assert_eq!(r.options, vec!["公厕改造".to_string()]);
    }
}
