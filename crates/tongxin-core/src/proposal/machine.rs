//! The five-step deliberation method (五议工作法) as a state machine:
//!
//! ```text
//! propose ──▶ deliberate ──▶ consult ──▶ resolve ──▶ evaluate
//! 提议          合议            群议          决议          评议
//! ```
//!
//! * `advance` moves one step forward, with a guard per step:
//!   - propose → deliberate: supports ≥ threshold, or a staff override with a
//!     written reason;
//!   - deliberate → consult: the committee's written opinion is required as
//!     the note;
//!   - consult → resolve: a resolution poll must be attached;
//!   - resolve → evaluate: the proposal was adopted and delivery recorded.
//! * `decide` (at resolve) reads the closed resolution poll: adopted, or
//!   rejected with the vote as the reason.
//! * `record_delivery` (after adoption) notes that the project was delivered.
//! * side exits: `withdraw` (propose … consult), `reject` with a reason (any
//!   step before evaluate), `merge` into another proposal (propose … consult).
//!
//! Every transition yields a [`TransitionRecord`] (actor, time, note) for the
//! public timeline.

use serde::{Deserialize, Serialize};

use super::{Proposal, ProposalStatus};
use crate::text::{self, check_text};
use crate::{Id, Millis};

/// The five steps.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 提议: submitted, gathering supports.
    #[default]
    Propose,
    /// 合议: committee review and written opinion.
    Deliberate,
    /// 群议: public consultation.
    Consult,
    /// 决议: binding vote.
    Resolve,
    /// 评议: residents rate the delivered result.
    Evaluate,
}

impl Step {
    /// All steps in order.
    pub const ALL: [Step; 5] = [
        Step::Propose,
        Step::Deliberate,
        Step::Consult,
        Step::Resolve,
        Step::Evaluate,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Propose => "propose",
            Step::Deliberate => "deliberate",
            Step::Consult => "consult",
            Step::Resolve => "resolve",
            Step::Evaluate => "evaluate",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The next step.
    pub fn next(self) -> Option<Step> {
        let i = Step::ALL.iter().position(|s| *s == self)?;
        Step::ALL.get(i + 1).copied()
    }
}

/// A transition asked by staff: who acts (shown on the timeline) and what
/// they do (`POST /api/v1/admin/proposals/{id}/transitions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Who acts, shown on the timeline (e.g. 碧鸡社区居委会).
    pub actor: String,
    /// The action.
    pub action: TransitionAction,
}

/// What staff (or the proposer, for `withdraw`) ask the machine to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TransitionAction {
    /// Move to the next step.
    Advance {
        /// Note for the timeline (required at deliberate → consult: the committee's opinion).
        #[serde(default)]
        note: Option<String>,
        /// Leave propose before the support threshold; needs a note giving the reason.
        #[serde(default)]
        override_threshold: bool,
    },
    /// Apply the closed resolution poll's outcome.
    Decide {
        /// Optional note.
        #[serde(default)]
        note: Option<String>,
    },
    /// Record that the adopted project was delivered.
    RecordDelivery {
        /// What was delivered.
        #[serde(default)]
        note: Option<String>,
    },
    /// Withdraw the proposal.
    Withdraw {
        /// Why.
        #[serde(default)]
        note: Option<String>,
    },
    /// Reject the proposal.
    Reject {
        /// Reason, required.
        reason: String,
    },
    /// Merge into another proposal.
    Merge {
        /// The proposal that continues.
        into: Id,
        /// Note.
        #[serde(default)]
        note: Option<String>,
    },
}

impl TransitionAction {
    /// Every action's name, as [`TransitionAction::name`] spells it (the
    /// widgets give each a catalogue string; timelines never show codes).
    pub const NAMES: [&'static str; 6] = [
        "advance",
        "decide",
        "record_delivery",
        "withdraw",
        "reject",
        "merge",
    ];

    /// The action's snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            TransitionAction::Advance { .. } => "advance",
            TransitionAction::Decide { .. } => "decide",
            TransitionAction::RecordDelivery { .. } => "record_delivery",
            TransitionAction::Withdraw { .. } => "withdraw",
            TransitionAction::Reject { .. } => "reject",
            TransitionAction::Merge { .. } => "merge",
        }
    }
}

/// The resolution poll's outcome, computed by the caller from the poll.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolutionOutcome {
    /// Whether the poll has closed.
    pub closed: bool,
    /// Whether the motion reached its threshold.
    pub adopted: bool,
    /// Agree share in percent.
    pub agree_percent: f64,
    /// Threshold in percent.
    pub threshold_percent: u8,
}

/// Facts the machine needs besides the proposal itself.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionContext {
    /// Who acts (staff name or "proposer").
    pub actor: String,
    /// Now.
    pub now: Millis,
    /// The resolution poll's outcome, when one is attached.
    pub resolution: Option<ResolutionOutcome>,
}

/// One entry of the public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRecord {
    /// Action taken.
    pub action: String,
    /// Step before.
    pub from_step: Step,
    /// Step after.
    pub to_step: Step,
    /// Status after.
    pub status: ProposalStatus,
    /// Who acted.
    pub actor: String,
    /// When.
    pub at: Millis,
    /// Note, opinion or reason.
    pub note: Option<String>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The proposal already left the active states.
    #[error("the proposal is {0}; it cannot move any more")]
    NotActive(&'static str),
    /// Not enough supports and no override.
    #[error("{supports} of {threshold} supports; gather more or override with a reason")]
    ThresholdNotMet {
        /// Current supports.
        supports: u32,
        /// Threshold.
        threshold: u32,
    },
    /// A note is required for this transition.
    #[error("a note is required: {0}")]
    NoteRequired(&'static str),
    /// A note or reason is malformed.
    #[error("note: {0}")]
    BadNote(String),
    /// Consult → resolve needs a resolution poll.
    #[error("attach a resolution poll before moving to resolve")]
    NoResolutionPoll,
    /// The resolution poll is still open.
    #[error("the resolution poll is still open")]
    ResolutionPollOpen,
    /// `decide` was already applied.
    #[error("the resolution has already been decided")]
    AlreadyDecided,
    /// Delivery or evaluate before adoption.
    #[error("the proposal has not been adopted")]
    NotAdopted,
    /// Evaluate before delivery.
    #[error("record delivery before moving to evaluate")]
    NotDelivered,
    /// Delivery recorded twice.
    #[error("delivery was already recorded")]
    AlreadyDelivered,
    /// The action does not apply in this step.
    #[error("{action} is not possible in the {step} step")]
    WrongStep {
        /// Action.
        action: &'static str,
        /// Current step.
        step: &'static str,
    },
    /// A proposal cannot merge into itself.
    #[error("a proposal cannot be merged into itself")]
    MergeIntoSelf,
}

impl TransitionError {
    /// Stable short name.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotActive(_) => "proposal-not-active",
            TransitionError::ThresholdNotMet { .. } => "threshold-not-met",
            TransitionError::NoteRequired(_) => "note-required",
            TransitionError::BadNote(_) => "bad-note",
            TransitionError::NoResolutionPoll => "no-resolution-poll",
            TransitionError::ResolutionPollOpen => "resolution-poll-open",
            TransitionError::AlreadyDecided => "already-decided",
            TransitionError::NotAdopted => "not-adopted",
            TransitionError::NotDelivered => "not-delivered",
            TransitionError::AlreadyDelivered => "already-delivered",
            TransitionError::WrongStep { .. } => "wrong-step",
            TransitionError::MergeIntoSelf => "merge-into-self",
        }
    }
}

fn clean(note: &Option<String>) -> Result<Option<String>, TransitionError> {
    match note.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => {
            check_text(n, text::TextLimits::block(1, 4000)).map_err(TransitionError::BadNote)?;
            Ok(Some(n.to_string()))
        }
    }
}

impl Proposal {
    /// Applies `action`, mutating the proposal only when it succeeds, and
    /// returns the timeline record.
    pub fn transition(
        &mut self,
        action: &TransitionAction,
        ctx: &TransitionContext,
    ) -> Result<TransitionRecord, TransitionError> {
        if self.status != ProposalStatus::Active {
            return Err(TransitionError::NotActive(self.status.as_str()));
        }
        let from = self.step;
        let wrong = |action: &'static str| TransitionError::WrongStep {
            action,
            step: from.as_str(),
        };
        let mut next = self.clone();
        let note = match action {
            TransitionAction::Advance {
                note,
                override_threshold,
            } => {
                let note = clean(note)?;
                match from {
                    Step::Propose if self.supports < self.support_threshold => {
                        if !override_threshold {
                            return Err(TransitionError::ThresholdNotMet {
                                supports: self.supports,
                                threshold: self.support_threshold,
                            });
                        }
                        if note.is_none() {
                            return Err(TransitionError::NoteRequired(
                                "the reason for overriding the support threshold",
                            ));
                        }
                    }
                    Step::Deliberate if note.is_none() => {
                        return Err(TransitionError::NoteRequired(
                            "the committee's written opinion",
                        ));
                    }
                    Step::Consult if self.resolution_poll_id.is_none() => {
                        return Err(TransitionError::NoResolutionPoll);
                    }
                    Step::Resolve if self.adopted_at.is_none() => {
                        return Err(TransitionError::NotAdopted);
                    }
                    Step::Resolve if self.delivered_at.is_none() => {
                        return Err(TransitionError::NotDelivered);
                    }
                    Step::Evaluate => return Err(wrong("advance")),
                    _ => {}
                }
                next.step = from.next().ok_or_else(|| wrong("advance"))?;
                note
            }
            TransitionAction::Decide { note } => {
                if from != Step::Resolve {
                    return Err(wrong("decide"));
                }
                if self.adopted_at.is_some() {
                    return Err(TransitionError::AlreadyDecided);
                }
                let outcome = ctx.resolution.ok_or(TransitionError::NoResolutionPoll)?;
                if !outcome.closed {
                    return Err(TransitionError::ResolutionPollOpen);
                }
                let summary = format!(
                    "{:.1} % agree, threshold {} %",
                    outcome.agree_percent, outcome.threshold_percent
                );
                if outcome.adopted {
                    next.adopted_at = Some(ctx.now);
                } else {
                    next.status = ProposalStatus::Rejected;
                    next.rejection_reason = Some(format!("resolution vote failed: {summary}"));
                }
                Some(match clean(note)? {
                    Some(n) => format!("{summary}. {n}"),
                    None => summary,
                })
            }
            TransitionAction::RecordDelivery { note } => {
                if from != Step::Resolve {
                    return Err(wrong("record_delivery"));
                }
                if self.adopted_at.is_none() {
                    return Err(TransitionError::NotAdopted);
                }
                if self.delivered_at.is_some() {
                    return Err(TransitionError::AlreadyDelivered);
                }
                next.delivered_at = Some(ctx.now);
                clean(note)?
            }
            TransitionAction::Withdraw { note } => {
                if from > Step::Consult {
                    return Err(wrong("withdraw"));
                }
                next.status = ProposalStatus::Withdrawn;
                clean(note)?
            }
            TransitionAction::Reject { reason } => {
                if from == Step::Evaluate {
                    return Err(wrong("reject"));
                }
                let reason = clean(&Some(reason.clone()))?
                    .ok_or(TransitionError::NoteRequired("the reason for rejecting"))?;
                next.status = ProposalStatus::Rejected;
                next.rejection_reason = Some(reason.clone());
                Some(reason)
            }
            TransitionAction::Merge { into, note } => {
                if from > Step::Consult {
                    return Err(wrong("merge"));
                }
                if *into == self.id {
                    return Err(TransitionError::MergeIntoSelf);
                }
                next.status = ProposalStatus::Merged;
                next.merged_into = Some(*into);
                clean(note)?
            }
        };
        next.updated_at = ctx.now;
        *self = next;
        Ok(TransitionRecord {
            action: action.name().to_string(),
            from_step: from,
            to_step: self.step,
            status: self.status,
            actor: ctx.actor.clone(),
            at: ctx.now,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::tests::proposal;

    fn ctx() -> TransitionContext {
        TransitionContext {
            actor: "staff".into(),
            now: 10,
            resolution: None,
        }
    }

    fn advance(note: Option<&str>) -> TransitionAction {
        TransitionAction::Advance {
            note: note.map(String::from),
            override_threshold: false,
        }
    }

    /// A proposal walked to `step` along the happy path.
    fn at(step: Step) -> Proposal {
        let mut p = proposal();
        p.supports = p.support_threshold;
        let mut c = ctx();
        while p.step < step {
            if p.step == Step::Consult {
                p.resolution_poll_id = Some(Id::from(9));
            }
            if p.step == Step::Resolve {
                c.resolution = Some(ResolutionOutcome {
                    closed: true,
                    adopted: true,
                    agree_percent: 90.0,
                    threshold_percent: 80,
                });
                p.transition(&TransitionAction::Decide { note: None }, &c)
                    .unwrap();
                p.transition(&TransitionAction::RecordDelivery { note: None }, &c)
                    .unwrap();
            }
            p.transition(&advance(Some("委员会意见：同意")), &c)
                .unwrap();
        }
        p
    }

    #[test]
    fn names_lists_every_action() {
        let all = [
            advance(None),
            TransitionAction::Decide { note: None },
            TransitionAction::RecordDelivery { note: None },
            TransitionAction::Withdraw { note: None },
            TransitionAction::Reject { reason: "x".into() },
            TransitionAction::Merge {
                into: Id::from(1),
                note: None,
            },
        ];
        let names: Vec<&str> = all.iter().map(TransitionAction::name).collect();
        assert_eq!(names, TransitionAction::NAMES);
    }

    #[test]
    fn the_happy_path_visits_all_five_steps() {
        let p = at(Step::Evaluate);
        assert_eq!(p.step, Step::Evaluate);
        assert!(p.adopted_at.is_some() && p.delivered_at.is_some());
        assert!(p.check_evaluate().is_ok());
    }

    #[test]
    fn propose_needs_the_threshold_or_a_reasoned_override() {
        let mut p = proposal();
        p.supports = 2;
        assert_eq!(
            p.transition(&advance(None), &ctx()),
            Err(TransitionError::ThresholdNotMet {
                supports: 2,
                threshold: 3
            })
        );
        let bare = TransitionAction::Advance {
            note: None,
            override_threshold: true,
        };
        assert!(matches!(
            p.transition(&bare, &ctx()),
            Err(TransitionError::NoteRequired(_))
        ));
        let reasoned = TransitionAction::Advance {
            note: Some("街道已列入年度计划".into()),
            override_threshold: true,
        };
        let rec = p.transition(&reasoned, &ctx()).unwrap();
        assert_eq!(
            (rec.from_step, rec.to_step),
            (Step::Propose, Step::Deliberate)
        );
        assert_eq!(rec.note.as_deref(), Some("街道已列入年度计划"));
    }

    #[test]
    fn deliberate_needs_the_committee_opinion() {
        let mut p = at(Step::Deliberate);
        assert!(matches!(
            p.transition(&advance(Some("  ")), &ctx()),
            Err(TransitionError::NoteRequired(_))
        ));
        assert!(
            p.transition(&advance(Some("同意，建议群议")), &ctx())
                .is_ok()
        );
        assert_eq!(p.step, Step::Consult);
    }

    #[test]
    fn consult_needs_a_resolution_poll() {
        let mut p = at(Step::Consult);
        assert_eq!(
            p.transition(&advance(None), &ctx()),
            Err(TransitionError::NoResolutionPoll)
        );
        p.resolution_poll_id = Some(Id::from(3));
        assert!(p.transition(&advance(None), &ctx()).is_ok());
    }

    #[test]
    fn resolve_reads_the_closed_poll() {
        let mut p = at(Step::Resolve);
        let mut c = ctx();
        assert_eq!(
            p.transition(&TransitionAction::Decide { note: None }, &c),
            Err(TransitionError::NoResolutionPoll)
        );
        c.resolution = Some(ResolutionOutcome {
            closed: false,
            adopted: true,
            agree_percent: 90.0,
            threshold_percent: 80,
        });
        assert_eq!(
            p.transition(&TransitionAction::Decide { note: None }, &c),
            Err(TransitionError::ResolutionPollOpen)
        );
        assert_eq!(
            p.transition(&advance(None), &c),
            Err(TransitionError::NotAdopted)
        );
        assert_eq!(
            p.transition(&TransitionAction::RecordDelivery { note: None }, &c),
            Err(TransitionError::NotAdopted)
        );
        c.resolution = Some(ResolutionOutcome {
            closed: true,
            adopted: true,
            agree_percent: 90.0,
            threshold_percent: 80,
        });
        p.transition(&TransitionAction::Decide { note: None }, &c)
            .unwrap();
        assert_eq!(
            p.transition(&TransitionAction::Decide { note: None }, &c),
            Err(TransitionError::AlreadyDecided)
        );
        assert_eq!(
            p.transition(&advance(None), &c),
            Err(TransitionError::NotDelivered)
        );
        p.transition(
            &TransitionAction::RecordDelivery {
                note: Some("已完工".into()),
            },
            &c,
        )
        .unwrap();
        assert_eq!(
            p.transition(&TransitionAction::RecordDelivery { note: None }, &c),
            Err(TransitionError::AlreadyDelivered)
        );
        p.transition(&advance(None), &c).unwrap();
        assert_eq!(p.step, Step::Evaluate);
        assert_eq!(
            p.transition(&advance(None), &c),
            Err(TransitionError::WrongStep {
                action: "advance",
                step: "evaluate"
            })
        );
    }

    #[test]
    fn a_failed_vote_rejects_with_the_figures() {
        let mut p = at(Step::Resolve);
        let c = TransitionContext {
            resolution: Some(ResolutionOutcome {
                closed: true,
                adopted: false,
                agree_percent: 62.5,
                threshold_percent: 80,
            }),
            ..ctx()
        };
        let rec = p
            .transition(&TransitionAction::Decide { note: None }, &c)
            .unwrap();
        assert_eq!(p.status, ProposalStatus::Rejected);
        assert_eq!(rec.status, ProposalStatus::Rejected);
        assert!(p.rejection_reason.as_deref().unwrap().contains("62.5 %"));
        assert_eq!(
            p.transition(&advance(None), &c),
            Err(TransitionError::NotActive("rejected"))
        );
    }

    #[test]
    fn side_exits_and_their_windows() {
        for step in [Step::Propose, Step::Deliberate, Step::Consult] {
            let mut p = at(step);
            p.transition(&TransitionAction::Withdraw { note: None }, &ctx())
                .unwrap();
            assert_eq!(p.status, ProposalStatus::Withdrawn);
            let mut p = at(step);
            assert_eq!(
                p.transition(
                    &TransitionAction::Merge {
                        into: p.id,
                        note: None
                    },
                    &ctx()
                ),
                Err(TransitionError::MergeIntoSelf)
            );
            p.transition(
                &TransitionAction::Merge {
                    into: Id::from(99),
                    note: None,
                },
                &ctx(),
            )
            .unwrap();
            assert_eq!(
                (p.status, p.merged_into),
                (ProposalStatus::Merged, Some(Id::int(99)))
            );
        }
        for step in [Step::Resolve, Step::Evaluate] {
            let mut p = at(step);
            assert!(matches!(
                p.transition(&TransitionAction::Withdraw { note: None }, &ctx()),
                Err(TransitionError::WrongStep { .. })
            ));
            assert!(matches!(
                p.transition(
                    &TransitionAction::Merge {
                        into: Id::from(2),
                        note: None
                    },
                    &ctx()
                ),
                Err(TransitionError::WrongStep { .. })
            ));
        }
        let mut p = at(Step::Resolve);
        assert!(matches!(
            p.transition(&TransitionAction::Reject { reason: " ".into() }, &ctx()),
            Err(TransitionError::NoteRequired(_))
        ));
        p.transition(
            &TransitionAction::Reject {
                reason: "预算不足".into(),
            },
            &ctx(),
        )
        .unwrap();
        assert_eq!(p.rejection_reason.as_deref(), Some("预算不足"));
        let mut p = at(Step::Evaluate);
        assert!(matches!(
            p.transition(&TransitionAction::Reject { reason: "x".into() }, &ctx()),
            Err(TransitionError::WrongStep { .. })
        ));
    }

    #[test]
    fn refused_transitions_change_nothing() {
        let mut p = at(Step::Deliberate);
        let before = p.clone();
        let _ = p.transition(&advance(None), &ctx());
        let _ = p.transition(&TransitionAction::Decide { note: None }, &ctx());
        let _ = p.transition(
            &TransitionAction::Reject {
                reason: "\u{0}".into(),
            },
            &ctx(),
        );
        assert_eq!(p, before);
    }

    #[test]
    fn records_carry_actor_time_and_note() {
        let mut p = at(Step::Deliberate);
        let c = TransitionContext {
            actor: "碧鸡社区居委会".into(),
            now: 1234,
            resolution: None,
        };
        let r = p.transition(&advance(Some("同意")), &c).unwrap();
        assert_eq!(
            (r.actor.as_str(), r.at, r.action.as_str()),
            ("碧鸡社区居委会", 1234, "advance")
        );
        assert_eq!(p.updated_at, 1234);
    }

    #[test]
    fn steps_parse_and_order() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
        assert_eq!(Step::Evaluate.next(), None);
        assert!(Step::Propose < Step::Evaluate);
    }
}
