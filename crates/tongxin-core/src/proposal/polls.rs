//! The polls a proposal takes through 群议 and 决议, as staff create them
//! from the proposal: in the proposal's scope, open to the residents who
//! may support it. The resolution poll is an approval poll with the
//! proposal as its one motion: adopted when agree reaches the threshold
//! (the rule the transition to 评议 reads).

use serde::{Deserialize, Serialize};

use crate::poll::{Poll, PollDraft, PollKind, PollResults, PollStatus, ResultVisibility, Tally};
use crate::text::FieldErrors;
use crate::{Id, Millis};

use super::machine::ResolutionOutcome;
use super::{ActionError, Proposal};

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

/// Which of a proposal's two polls: the consultation (群议) or the
/// resolution (决议).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollRole {
    /// The consultation poll ([`consultation_draft`]).
    Consultation,
    /// The resolution poll ([`resolution_draft`] at
    /// [`RESOLUTION_THRESHOLD_PERCENT`]).
    Resolution,
}

impl PollRole {
    /// The spelling on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PollRole::Consultation => "consultation",
            PollRole::Resolution => "resolution",
        }
    }

    /// The proposal's field that holds this poll's id.
    pub fn field(self) -> &'static str {
        match self {
            PollRole::Consultation => "consultation_poll_id",
            PollRole::Resolution => "resolution_poll_id",
        }
    }

    /// The poll of this role for `p`, as staff get it made.
    pub fn draft(self, p: &Proposal) -> PollDraft {
        match self {
            PollRole::Consultation => consultation_draft(p),
            PollRole::Resolution => resolution_draft(p, RESOLUTION_THRESHOLD_PERCENT),
        }
    }
}

/// Staff asking for a proposal's poll: made from the proposal and attached
/// to it in one write, so there is never a poll without its proposal or a
/// second poll for the same role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProposalPoll {
    /// Which poll.
    pub role: PollRole,
}

impl Proposal {
    /// The id of the poll attached in `role`, if any.
    pub fn poll_of(&self, role: PollRole) -> Option<Id> {
        match role {
            PollRole::Consultation => self.consultation_poll_id,
            PollRole::Resolution => self.resolution_poll_id,
        }
    }

    /// Whether the `role` poll may be made now: the proposal is active and
    /// has none in that role yet.
    pub fn check_new_poll(&self, role: PollRole) -> Result<(), ActionError> {
        self.active()?;
        match self.poll_of(role) {
            Some(_) => Err(ActionError::PollAttached(role.as_str())),
            None => Ok(()),
        }
    }

    /// Attaches the poll `id` in `role`.
    pub fn attach_poll(&mut self, role: PollRole, id: Id) {
        match role {
            PollRole::Consultation => self.consultation_poll_id = Some(id),
            PollRole::Resolution => self.resolution_poll_id = Some(id),
        }
    }
}

/// What the resolution poll decided so far, for the move to 评议; `None`
/// when the poll is not an approval poll (it cannot decide).
pub fn resolution_outcome(poll: &Poll, tally: &Tally, now: Millis) -> Option<ResolutionOutcome> {
    let PollKind::Approval { threshold_percent } = poll.kind else {
        return None;
    };
    let PollResults::Approval { options, .. } = tally.results(poll) else {
        return None;
    };
    let first = options.first();
    Some(ResolutionOutcome {
        closed: poll.status(now) == PollStatus::Closed,
        adopted: first.is_some_and(|o| o.adopted),
        agree_percent: first.map_or(0.0, |o| o.agree_percent),
        threshold_percent,
    })
}

/// Checks a poll staff attach in `role` (the error names the role's
/// field): it must exist (`found`), and a resolution poll must be an
/// approval poll.
pub fn check_linked_poll(role: PollRole, id: Id, found: Option<&Poll>) -> Result<(), FieldErrors> {
    let message = match found {
        None => format!("poll {id} does not exist"),
        Some(p) if role == PollRole::Resolution && !matches!(p.kind, PollKind::Approval { .. }) => {
            "must be an approval poll".to_string()
        }
        Some(_) => return Ok(()),
    };
    let mut e = FieldErrors::new();
    e.add(role.field(), message);
    Err(e)
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

    #[test]
    fn a_poll_is_made_once_per_role_and_only_for_an_active_proposal() {
        let mut p = proposal();
        for role in [PollRole::Consultation, PollRole::Resolution] {
            assert_eq!(p.check_new_poll(role), Ok(()));
            assert_eq!(role.draft(&p).scope_id, p.scope_id);
            p.attach_poll(role, Id::from(40));
            assert_eq!(p.poll_of(role), Some(Id::from(40)));
            let e = p.check_new_poll(role).unwrap_err();
            assert_eq!(e.code(), "poll-already-attached");
            assert!(e.to_string().contains(role.as_str()), "{e}");
        }
        assert!(matches!(
            PollRole::Resolution.draft(&p).kind,
            PollKind::Approval {
                threshold_percent: RESOLUTION_THRESHOLD_PERCENT
            }
        ));
        let mut closed = proposal();
        closed.status = crate::proposal::ProposalStatus::Rejected;
        assert_eq!(
            closed.check_new_poll(PollRole::Consultation),
            Err(ActionError::NotActive("rejected"))
        );
        // The wire form: a role and nothing else.
        let ok: NewProposalPoll = serde_json::from_str(r#"{"role":"resolution"}"#).unwrap();
        assert_eq!(ok.role, PollRole::Resolution);
        for bad in [
            r#"{}"#,
            r#"{"role":"vote"}"#,
            r#"{"role":"resolution","x":1}"#,
        ] {
            assert!(
                serde_json::from_str::<NewProposalPoll>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_resolution_is_read_from_an_approval_poll_only() {
        use crate::poll::{Ballot, Stance};
        let p = proposal();
        let mut d = resolution_draft(&p, 60);
        d.closes_at = Some(100);
        let poll = d.into_poll(Id::from(9), 0);
        let mut tally = Tally::new(&poll);
        let agree = Ballot::Approval {
            stances: [(poll.options[0].id, Stance::Agree)].into(),
        };
        tally.add(&agree).unwrap();
        let open = resolution_outcome(&poll, &tally, 50).unwrap();
        assert!(!open.closed && open.adopted && open.threshold_percent == 60);
        assert!(resolution_outcome(&poll, &tally, 100).unwrap().closed);
        let single = consultation_draft(&p).into_poll(Id::from(8), 0);
        assert_eq!(resolution_outcome(&single, &Tally::new(&single), 0), None);

        assert_eq!(
            check_linked_poll(PollRole::Resolution, poll.id, Some(&poll)),
            Ok(())
        );
        assert_eq!(
            check_linked_poll(PollRole::Consultation, single.id, Some(&single)),
            Ok(())
        );
        let e = check_linked_poll(PollRole::Resolution, single.id, Some(&single)).unwrap_err();
        assert_eq!(
            e.0["resolution_poll_id"],
            vec!["must be an approval poll".to_string()]
        );
        let e = check_linked_poll(PollRole::Consultation, Id::from(77), None).unwrap_err();
        assert_eq!(
            e.0["consultation_poll_id"],
            vec!["poll 77 does not exist".to_string()]
        );
    }
}
