//! Events a widget announces to its host page (`tongxin:ready`,
//! `tongxin:voted`, `tongxin:budget-voted`, `tongxin:signed`, `tongxin:withdrawn`, `tongxin:supported`, `tongxin:pledged`,
//! `tongxin:proposal-submitted`, `tongxin:evaluated`, `tongxin:error`). The embed layer turns them into DOM
//! `CustomEvent`s on the host element.

use std::rc::Rc;

use serde_json::json;
use tongxin_client::ClientError;
use tongxin_core::Id;
use tongxin_core::poll::Ballot;

/// One event: its name (without the `tongxin:` prefix) and a JSON detail.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetEvent {
    /// `ready`, `voted`, `error`.
    pub name: &'static str,
    /// The event's `detail`, as JSON text.
    pub detail: String,
}

/// Where a widget sends its events.
pub type Emit = Rc<dyn Fn(WidgetEvent)>;

impl WidgetEvent {
    /// The widget has loaded its item.
    pub fn ready(id: Id) -> Self {
        WidgetEvent {
            name: "ready",
            detail: json!({ "id": id }).to_string(),
        }
    }

    /// A ballot was accepted: poll id and the choices. `ballot` is `None`
    /// for anonymous polls: a host page's analytics must not learn what a
    /// resident chose in a secret ballot, so the event says only that they voted.
    pub fn voted(poll_id: Id, ballot: Option<&Ballot>) -> Self {
        let detail = match ballot {
            Some(b) => json!({ "pollId": poll_id, "choices": b.options(), "ballot": b }),
            None => json!({ "pollId": poll_id, "anonymous": true }),
        };
        WidgetEvent {
            name: "voted",
            detail: detail.to_string(),
        }
    }

    /// A budget ballot was accepted: round id and the projects chosen
    /// (`None` in an anonymous round, as for [`WidgetEvent::voted`]). Its
    /// own event: a host's `tongxin:voted` listeners read a poll's ballot.
    pub fn budget_voted(budget_id: Id, projects: Option<&[Id]>) -> Self {
        let detail = match projects {
            Some(p) => json!({ "budgetId": budget_id, "projects": p }),
            None => json!({ "budgetId": budget_id, "anonymous": true }),
        };
        WidgetEvent {
            name: "budget-voted",
            detail: detail.to_string(),
        }
    }

    /// A signature was accepted: convention id, version signed and receipt number.
    pub fn signed(convention_id: Id, version: u32, receipt: Id) -> Self {
        WidgetEvent {
            name: "signed",
            detail:
                json!({ "conventionId": convention_id, "version": version, "receipt": receipt })
                    .to_string(),
        }
    }

    /// A signature was withdrawn.
    pub fn withdrawn(convention_id: Id, receipt: Id) -> Self {
        WidgetEvent {
            name: "withdrawn",
            detail: json!({ "conventionId": convention_id, "receipt": receipt }).to_string(),
        }
    }

    /// The viewer supported a proposal (or withdrew their support).
    pub fn supported(proposal_id: Id, supported: bool, supports: u32) -> Self {
        WidgetEvent {
            name: "supported",
            detail:
                json!({ "proposalId": proposal_id, "supported": supported, "supports": supports })
                    .to_string(),
        }
    }

    /// A pledge was recorded.
    pub fn pledged(proposal_id: Id, amount_fen: i64) -> Self {
        WidgetEvent {
            name: "pledged",
            detail: json!({ "proposalId": proposal_id, "amountFen": amount_fen }).to_string(),
        }
    }

    /// A new proposal was submitted.
    pub fn proposal_submitted(proposal_id: Id) -> Self {
        WidgetEvent {
            name: "proposal-submitted",
            detail: json!({ "proposalId": proposal_id }).to_string(),
        }
    }

    /// The viewer rated a delivered project.
    pub fn evaluated(proposal_id: Id, score: u8) -> Self {
        WidgetEvent {
            name: "evaluated",
            detail: json!({ "proposalId": proposal_id, "score": score }).to_string(),
        }
    }

    /// Something failed.
    pub fn error(id: Id, e: &ClientError) -> Self {
        WidgetEvent {
            name: "error",
            detail: json!({ "id": id, "code": e.code(), "message": e.to_string() }).to_string(),
        }
    }
}
