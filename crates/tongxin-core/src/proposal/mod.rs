//! "Residents order the dish" (百姓点菜): residents propose small livelihood
//! projects (民生小实事), support them, take them through the five-step
//! deliberation ([`machine`]), fund them together ([`funding`]) and rate the
//! result (evaluations, here).

pub mod funding;
pub mod machine;
pub mod polls;
pub mod rules;

use serde::{Deserialize, Serialize};

use crate::text::{self, FieldErrors};
use crate::{Id, Millis};

pub use machine::{Step, TransitionAction, TransitionError, TransitionRecord, TransitionRequest};

/// Highest estimated cost or goal accepted: 100 million yuan, in fen.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000;

/// Whether a proposal is still moving through the steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// In one of the five steps.
    #[default]
    Active,
    /// Withdrawn by its proposer or staff.
    Withdrawn,
    /// Rejected, with a reason.
    Rejected,
    /// Merged into another proposal.
    Merged,
}

impl ProposalStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Active => "active",
            ProposalStatus::Withdrawn => "withdrawn",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Merged => "merged",
        }
    }
}

/// A person answerable for carrying a proposal out (责由民担).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponsiblePerson {
    /// Name, shown in full: responsibility is public.
    pub name: String,
    /// Role, e.g. 院落自管会主任.
    pub role: String,
}

/// A proposal as stored. Public views mask the proposer and drop the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// Identifier.
    pub id: Id,
    /// Scope the project serves.
    pub scope_id: Id,
    /// Title.
    pub title: String,
    /// The problem residents face.
    pub problem: String,
    /// What should be done.
    pub plan: String,
    /// Estimated cost in fen.
    pub estimated_cost_fen: i64,
    /// Proposer's display name (masked in public views).
    pub proposer_name: String,
    /// Current step.
    pub step: Step,
    /// Active or a side state.
    pub status: ProposalStatus,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// The proposal it was merged into.
    pub merged_into: Option<Id>,
    /// Supports needed to leave the propose step.
    pub support_threshold: u32,
    /// Current number of supports.
    pub supports: u32,
    /// The public consultation poll (群议).
    pub consultation_poll_id: Option<Id>,
    /// The binding resolution poll (决议); must be an approval poll.
    pub resolution_poll_id: Option<Id>,
    /// Set when the resolution vote adopted the proposal.
    pub adopted_at: Option<Millis>,
    /// Set when delivery of the project is recorded.
    pub delivered_at: Option<Millis>,
    /// Co-funding goal in fen (0 = no co-funding).
    pub funding_goal_fen: i64,
    /// Named responsible persons.
    pub responsible: Vec<ResponsiblePerson>,
    /// Who may support, pledge, comment, report and evaluate.
    #[serde(default)]
    pub eligibility: rules::ProposalEligibility,
    /// Most one voter may pledge in total, in fen.
    #[serde(default = "default_cap")]
    pub pledge_cap_fen: i64,
    /// Submission time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

fn default_cap() -> i64 {
    rules::DEFAULT_PLEDGE_CAP_FEN
}

/// Why a resident action on a proposal is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The proposal left the active states.
    #[error("the proposal is {0}")]
    NotActive(&'static str),
    /// Supports are gathered only in the propose step.
    #[error("supports are only gathered in the propose step (now: {0})")]
    SupportClosed(&'static str),
    /// Comments are taken from propose to resolve.
    #[error("comments are closed in the {0} step")]
    CommentsClosed(&'static str),
    /// Evaluations only after delivery, in the evaluate step.
    #[error(
        "evaluations open once the project is delivered and the proposal is in the evaluate step"
    )]
    EvaluationNotOpen,
    /// Pledges need an active proposal with a funding goal.
    #[error("this proposal does not take pledges")]
    NoFunding,
    /// The proposal already has its poll in this role (`consultation`,
    /// `resolution`).
    #[error("the proposal already has its {0} poll")]
    PollAttached(&'static str),
}

impl ActionError {
    /// Stable short name.
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::NotActive(_) => "proposal-not-active",
            ActionError::SupportClosed(_) => "support-closed",
            ActionError::CommentsClosed(_) => "comments-closed",
            ActionError::EvaluationNotOpen => "evaluation-not-open",
            ActionError::NoFunding => "no-funding",
            ActionError::PollAttached(_) => "poll-already-attached",
        }
    }
}

impl Proposal {
    fn active(&self) -> Result<(), ActionError> {
        if self.status == ProposalStatus::Active {
            Ok(())
        } else {
            Err(ActionError::NotActive(self.status.as_str()))
        }
    }

    /// Residents may support (or withdraw support) only while proposing.
    pub fn check_support(&self) -> Result<(), ActionError> {
        self.active()?;
        if self.step == Step::Propose {
            Ok(())
        } else {
            Err(ActionError::SupportClosed(self.step.as_str()))
        }
    }

    /// Comments are open from propose through resolve.
    pub fn check_comment(&self) -> Result<(), ActionError> {
        self.active()?;
        if self.step == Step::Evaluate {
            Err(ActionError::CommentsClosed(self.step.as_str()))
        } else {
            Ok(())
        }
    }

    /// Pledges are taken while active and a funding goal is set.
    pub fn check_pledge(&self) -> Result<(), ActionError> {
        self.active()?;
        if self.funding_goal_fen > 0 {
            Ok(())
        } else {
            Err(ActionError::NoFunding)
        }
    }

    /// Evaluations only after delivery, in the evaluate step.
    pub fn check_evaluate(&self) -> Result<(), ActionError> {
        self.active()?;
        if self.step == Step::Evaluate && self.delivered_at.is_some() {
            Ok(())
        } else {
            Err(ActionError::EvaluationNotOpen)
        }
    }
}

/// What a resident (or staff) sends to submit a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalDraft {
    /// Scope the project serves.
    pub scope_id: Id,
    /// Title, 1–200 characters.
    pub title: String,
    /// The problem, 1–8,000 characters.
    pub problem: String,
    /// The plan, 1–8,000 characters.
    pub plan: String,
    /// Estimated cost in fen, 0–10,000,000,000.
    pub estimated_cost_fen: i64,
    /// Proposer's display name.
    pub proposer_name: String,
    /// Contact (phone, e-mail) kept private: never on public endpoints.
    #[serde(default)]
    pub contact: Option<String>,
}

impl ProposalDraft {
    /// Validates every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("title", &self.title, text::TITLE);
        e.text("problem", &self.problem, text::TextLimits::block(1, 8000));
        e.text("plan", &self.plan, text::TextLimits::block(1, 8000));
        e.text("proposer_name", &self.proposer_name, text::NAME);
        if let Some(c) = &self.contact {
            e.text("contact", c, text::TextLimits::line(0, 100));
        }
        if !(0..=MAX_AMOUNT_FEN).contains(&self.estimated_cost_fen) {
            e.add(
                "estimated_cost_fen",
                "must be between 0 and 10,000,000,000 fen (100 million yuan)",
            );
        }
        e.into_result()
    }

    /// The new proposal, at the propose step.
    pub fn into_proposal(self, id: Id, support_threshold: u32, now: Millis) -> Proposal {
        Proposal {
            id,
            scope_id: self.scope_id,
            title: self.title.trim().to_string(),
            problem: self.problem,
            plan: self.plan,
            estimated_cost_fen: self.estimated_cost_fen,
            proposer_name: self.proposer_name.trim().to_string(),
            step: Step::Propose,
            status: ProposalStatus::Active,
            rejection_reason: None,
            merged_into: None,
            support_threshold,
            supports: 0,
            consultation_poll_id: None,
            resolution_poll_id: None,
            adopted_at: None,
            delivered_at: None,
            funding_goal_fen: 0,
            responsible: Vec::new(),
            eligibility: rules::ProposalEligibility::default(),
            pledge_cap_fen: rules::DEFAULT_PLEDGE_CAP_FEN,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Staff edits to a proposal's settings (its step moves only by transitions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalEdit {
    /// New title.
    #[serde(default)]
    pub title: Option<String>,
    /// New plan.
    #[serde(default)]
    pub plan: Option<String>,
    /// New support threshold (≥ 1).
    #[serde(default)]
    pub support_threshold: Option<u32>,
    /// Co-funding goal in fen.
    #[serde(default)]
    pub funding_goal_fen: Option<i64>,
    /// Consultation poll.
    #[serde(default)]
    pub consultation_poll_id: Option<Id>,
    /// Resolution poll (an approval poll).
    #[serde(default)]
    pub resolution_poll_id: Option<Id>,
    /// Responsible persons (replaces the list).
    #[serde(default)]
    pub responsible: Option<Vec<ResponsiblePerson>>,
    /// Who may do each resident action (replaces all five).
    #[serde(default)]
    pub eligibility: Option<rules::ProposalEligibility>,
    /// Most one voter may pledge in total, in fen (1 – 10,000,000,000).
    #[serde(default)]
    pub pledge_cap_fen: Option<i64>,
}

impl ProposalEdit {
    /// Applies the edit after validating it.
    pub fn apply(&self, p: &mut Proposal, now: Millis) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(t) = &self.title {
            e.text("title", t, text::TITLE);
        }
        if let Some(t) = &self.plan {
            e.text("plan", t, text::TextLimits::block(1, 8000));
        }
        if self.support_threshold == Some(0)
            || self.support_threshold.is_some_and(|t| t > 1_000_000)
        {
            e.add("support_threshold", "must be between 1 and 1,000,000");
        }
        if self
            .funding_goal_fen
            .is_some_and(|g| !(0..=MAX_AMOUNT_FEN).contains(&g))
        {
            e.add(
                "funding_goal_fen",
                "must be between 0 and 10,000,000,000 fen",
            );
        }
        if let Some(cap) = self.pledge_cap_fen {
            rules::check_cap(cap, &mut e);
        }
        if let Some(r) = &self.responsible {
            if r.len() > 20 {
                e.add("responsible", "at most 20 persons");
            }
            for (i, person) in r.iter().enumerate() {
                e.text(&format!("responsible[{i}].name"), &person.name, text::NAME);
                e.text(&format!("responsible[{i}].role"), &person.role, text::LABEL);
            }
        }
        e.into_result()?;
        if let Some(t) = &self.title {
            p.title = t.trim().to_string();
        }
        if let Some(t) = &self.plan {
            p.plan = t.clone();
        }
        if let Some(el) = self.eligibility {
            p.eligibility = el;
        }
        if let Some(cap) = self.pledge_cap_fen {
            p.pledge_cap_fen = cap;
        }
        if let Some(t) = self.support_threshold {
            p.support_threshold = t;
        }
        if let Some(g) = self.funding_goal_fen {
            p.funding_goal_fen = g;
        }
        if let Some(id) = self.consultation_poll_id {
            p.attach_poll(polls::PollRole::Consultation, id);
        }
        if let Some(id) = self.resolution_poll_id {
            p.attach_poll(polls::PollRole::Resolution, id);
        }
        if let Some(r) = &self.responsible {
            p.responsible = r.clone();
        }
        p.updated_at = now;
        Ok(())
    }
}

/// A resident's rating of a delivered project (评议).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// 1–5.
    pub score: u8,
    /// Optional comment, up to 1,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

impl EvaluationInput {
    /// Validates the rating and comment.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if !(crate::score::MIN_SCORE..=crate::score::MAX_SCORE).contains(&self.score) {
            e.add("score", "must be between 1 and 5");
        }
        if let Some(c) = &self.comment {
            e.text("comment", c, text::TextLimits::block(0, 1000));
        }
        e.into_result()
    }
}

/// A comment in the consultation (群议), threaded one level deep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// Author's display name (masked in public).
    pub author_name: String,
    /// Text, 1–2,000 characters.
    pub body: String,
    /// The top-level comment this replies to.
    #[serde(default)]
    pub parent_id: Option<Id>,
}

impl CommentInput {
    /// Validates the fields (the parent's existence is checked by the store).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("author_name", &self.author_name, text::NAME);
        e.text("body", &self.body, text::TextLimits::block(1, 2000));
        e.into_result()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn proposal() -> Proposal {
        ProposalDraft {
            scope_id: Id::from(1),
            title: "明通巷47号院公厕改造".into(),
            problem: "120户共用一个公厕".into(),
            plan: "翻新并加装无障碍设施".into(),
            estimated_cost_fen: 1_860_000,
            proposer_name: "孙雨萌".into(),
            contact: Some("13800000000".into()),
        }
        .into_proposal(Id::from(1), 3, 0)
    }

    #[test]
    fn new_proposals_start_at_propose() {
        let p = proposal();
        assert_eq!(
            (p.step, p.status, p.supports),
            (Step::Propose, ProposalStatus::Active, 0)
        );
        assert!(p.check_support().is_ok());
        assert!(p.check_comment().is_ok());
        assert_eq!(p.check_pledge(), Err(ActionError::NoFunding));
        assert_eq!(p.check_evaluate(), Err(ActionError::EvaluationNotOpen));
    }

    #[test]
    fn actions_follow_step_and_status() {
        let mut p = proposal();
        p.step = Step::Deliberate;
        assert_eq!(
            p.check_support(),
            Err(ActionError::SupportClosed("deliberate"))
        );
        p.funding_goal_fen = 100;
        assert!(p.check_pledge().is_ok());
        p.step = Step::Evaluate;
        assert!(p.check_comment().is_err());
        assert_eq!(p.check_evaluate(), Err(ActionError::EvaluationNotOpen));
        p.delivered_at = Some(5);
        assert!(p.check_evaluate().is_ok());
        p.status = ProposalStatus::Rejected;
        assert_eq!(p.check_pledge(), Err(ActionError::NotActive("rejected")));
        assert_eq!(p.check_evaluate(), Err(ActionError::NotActive("rejected")));
    }

    #[test]
    fn drafts_validate_amounts_and_text() {
        let mut d = ProposalDraft {
            scope_id: Id::from(1),
            title: "t".into(),
            problem: "p".into(),
            plan: "q".into(),
            estimated_cost_fen: -1,
            proposer_name: "".into(),
            contact: None,
        };
        let e = d.validate().unwrap_err();
        assert!(e.0.contains_key("estimated_cost_fen") && e.0.contains_key("proposer_name"));
        d.estimated_cost_fen = MAX_AMOUNT_FEN + 1;
        d.proposer_name = "x".into();
        assert!(
            d.validate()
                .unwrap_err()
                .0
                .contains_key("estimated_cost_fen")
        );
        d.estimated_cost_fen = MAX_AMOUNT_FEN;
        assert!(d.validate().is_ok());
    }

    #[test]
    fn edits_validate_before_applying() {
        let mut p = proposal();
        let before = p.clone();
        let bad = ProposalEdit {
            support_threshold: Some(0),
            funding_goal_fen: Some(-5),
            ..Default::default()
        };
        assert!(bad.apply(&mut p, 1).is_err());
        assert_eq!(p, before);
        let good = ProposalEdit {
            funding_goal_fen: Some(1_860_000),
            responsible: Some(vec![ResponsiblePerson {
                name: "李四".into(),
                role: "自管会主任".into(),
            }]),
            ..Default::default()
        };
        good.apply(&mut p, 2).unwrap();
        assert_eq!(
            (p.funding_goal_fen, p.responsible.len(), p.updated_at),
            (1_860_000, 1, 2)
        );
    }

    #[test]
    fn evaluations_and_comments_validate() {
        assert!(
            EvaluationInput {
                score: 0,
                comment: None
            }
            .validate()
            .is_err()
        );
        assert!(
            EvaluationInput {
                score: 6,
                comment: None
            }
            .validate()
            .is_err()
        );
        assert!(
            EvaluationInput {
                score: 5,
                comment: Some("好".into())
            }
            .validate()
            .is_ok()
        );
        assert!(
            EvaluationInput {
                score: 5,
                comment: Some("x".repeat(1001))
            }
            .validate()
            .is_err()
        );
        assert!(
            CommentInput {
                author_name: "a".into(),
                body: "".into(),
                parent_id: None
            }
            .validate()
            .is_err()
        );
    }
}
