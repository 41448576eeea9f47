//! Events out for host sites (webhooks): what a community's web developer
//! can subscribe to, what a subscription must look like, and when a failed
//! delivery is tried again. Deliveries follow the Standard Webhooks
//! conventions (`webhook-id`, `webhook-timestamp`, `webhook-signature`);
//! the server signs and sends them (`tongxin-server`'s `webhooks`).

mod retry;

use serde::{Deserialize, Serialize};

use crate::text::FieldErrors;
use crate::{Id, Millis};

pub use retry::{GIVE_UP_AFTER_MS, retry_delay_ms};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    /// A poll opened (at creation, or at its opening time).
    #[serde(rename = "poll.opened")]
    PollOpened,
    /// A poll closes within 24 hours.
    #[serde(rename = "poll.closing_soon")]
    PollClosingSoon,
    /// A poll closed; the event carries its outcome where it is public.
    #[serde(rename = "poll.closed")]
    PollClosed,
    /// A budget round opened.
    #[serde(rename = "budget.opened")]
    BudgetOpened,
    /// A budget round closes within 24 hours.
    #[serde(rename = "budget.closing_soon")]
    BudgetClosingSoon,
    /// A budget round closed: its funded projects are known.
    #[serde(rename = "budget.decided")]
    BudgetDecided,
    /// A convention was published for signing.
    #[serde(rename = "convention.opened")]
    ConventionOpened,
    /// A convention reached its goal of signatures.
    #[serde(rename = "convention.goal_reached")]
    ConventionGoalReached,
    /// A proposal reached its support threshold.
    #[serde(rename = "proposal.threshold_reached")]
    ProposalThresholdReached,
    /// A proposal moved to another step (提议→合议→群议→决议→评议).
    #[serde(rename = "proposal.step_changed")]
    ProposalStepChanged,
    /// A resident reported a comment for moderation.
    #[serde(rename = "comment.reported")]
    CommentReported,
}

impl EventType {
    /// Every event type, in the order the console lists them.
    pub const ALL: [EventType; 11] = [
        EventType::PollOpened,
        EventType::PollClosingSoon,
        EventType::PollClosed,
        EventType::BudgetOpened,
        EventType::BudgetClosingSoon,
        EventType::BudgetDecided,
        EventType::ConventionOpened,
        EventType::ConventionGoalReached,
        EventType::ProposalThresholdReached,
        EventType::ProposalStepChanged,
        EventType::CommentReported,
    ];

    /// The name on the wire (`poll.closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::PollOpened => "poll.opened",
            EventType::PollClosingSoon => "poll.closing_soon",
            EventType::PollClosed => "poll.closed",
            EventType::BudgetOpened => "budget.opened",
            EventType::BudgetClosingSoon => "budget.closing_soon",
            EventType::BudgetDecided => "budget.decided",
            EventType::ConventionOpened => "convention.opened",
            EventType::ConventionGoalReached => "convention.goal_reached",
            EventType::ProposalThresholdReached => "proposal.threshold_reached",
            EventType::ProposalStepChanged => "proposal.step_changed",
            EventType::CommentReported => "comment.reported",
        }
    }

    /// Reads [`Self::as_str`] back.
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// Longest endpoint URL, in bytes.
pub const MAX_URL_BYTES: usize = 2_000;
/// Endpoints one scope may have.
pub const MAX_PER_SCOPE: usize = 20;

/// A new endpoint, as staff register it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookDraft {
    /// Events of items in this scope and below it are sent.
    pub scope_id: Id,
    /// Where to send them: an `https://` (or `http://`) URL without
    /// credentials; private and loopback addresses are refused unless the
    /// operator allows them.
    pub url: String,
    /// What to send (at least one).
    pub events: Vec<EventType>,
}

impl WebhookDraft {
    /// Checks the URL's form and the events (the addresses it resolves to
    /// are checked by the server, at registration and at each delivery).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Err(why) = check_url(&self.url) {
            e.add("url", why);
        }
        if self.events.is_empty() {
            e.add("events", "name at least one event");
        }
        let mut seen = self.events.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != self.events.len() {
            e.add("events", "an event is named twice");
        }
        e.into_result()
    }
}

/// Whether `url` may be an endpoint: `http(s)://host[:port]/path`, no user
/// or password, no fragment, no spaces or control characters.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_BYTES {
        return Err(format!("at most {MAX_URL_BYTES} bytes"));
    }
    crate::text::check_text(url, crate::text::TextLimits::line(1, MAX_URL_BYTES))?;
    if url.chars().any(char::is_whitespace) {
        return Err("no spaces".into());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("an http:// or https:// URL")?;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if authority.is_empty() {
        return Err("the URL names no host".into());
    }
    if authority.contains('@') {
        return Err("no user or password in the URL (the signature authenticates us)".into());
    }
    if url.contains('#') {
        return Err("no #fragment".into());
    }
    Ok(())
}

/// A registered endpoint as staff see it (the secret only when created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Its id.
    pub id: Id,
    /// Events of items in this scope and below it are sent.
    pub scope_id: Id,
    /// Where they go.
    pub url: String,
    /// Which events.
    pub events: Vec<EventType>,
    /// When it was registered.
    pub created_at: Millis,
    /// Who registered it.
    pub created_by: String,
    /// When it was switched off (nothing more is sent), if it was.
    pub disabled_at: Option<Millis>,
    /// The signing secret (`whsec_` + base64), shown once: in the answer
    /// that registered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Where one event stands for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up 24 hours after the event (staff may retry it).
    Failed,
}

/// One event for one endpoint, in the delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The event's id (the `webhook-id` header, the same on every retry).
    pub event_id: String,
    /// The event's type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When the event happened.
    pub created_at: Millis,
    /// Where its delivery stands.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (pending only).
    pub next_at: Option<Millis>,
    /// The last answer's HTTP status, if one came.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<Millis>,
}

/// What the clock makes of a voting item (a poll, a budget round) at
/// `now`: which of its moments fell in the last day, so that a server that
/// was down catches up and one started on an old database does not
/// announce its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moments {
    /// It opened (at `opens_at`, or at creation) within the last day.
    pub opened: bool,
    /// It is open and closes within the next day.
    pub closing_soon: bool,
    /// It closed within the last day.
    pub closed: bool,
}

/// A day, in ms: how far back a moment still makes an event, and how far
/// ahead "closing soon" looks.
pub const DAY_MS: Millis = 24 * 3600 * 1000;

/// The [`Moments`] of an item in `status` with `opens_at`, `closes_at`,
/// created at `created_at`.
pub fn moments(
    status: crate::poll::PollStatus,
    (opens_at, closes_at): (Option<Millis>, Option<Millis>),
    created_at: Millis,
    now: Millis,
) -> Moments {
    use crate::poll::PollStatus::{Closed, Open, Scheduled};
    let recent = |t: Option<Millis>| t.is_some_and(|t| t <= now && now - t < DAY_MS);
    Moments {
        opened: status != Scheduled && recent(Some(opens_at.unwrap_or(created_at))),
        closing_soon: status == Open && closes_at.is_some_and(|c| c > now && c - now <= DAY_MS),
        closed: status == Closed && recent(closes_at),
    }
}

/// `ms` as the payload's `timestamp`: ISO 8601 in UTC, to the second
/// (`2026-12-07T09:30:00Z`).
pub fn iso_utc(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = crate::indicators::period::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_announces_only_the_last_day() {
        use crate::poll::PollStatus::*;
        let now = 10 * DAY_MS;
        let m = |st, o, c, created| moments(st, (o, c), created, now);
        assert_eq!(
            m(Scheduled, Some(now + 5), None, now - 9),
            Moments::default()
        );
        assert!(
            m(Open, None, None, now - 1_000).opened,
            "open since creation an instant ago"
        );
        assert!(
            !m(Open, None, None, now - 2 * DAY_MS).opened,
            "history is not news"
        );
        assert!(m(Open, Some(now - 5), Some(now + DAY_MS), 0).closing_soon);
        assert!(
            !m(Open, None, Some(now + DAY_MS + 1), 0).closing_soon,
            "not yet"
        );
        let closed = m(Closed, None, Some(now - 1), 0);
        assert!(closed.closed && !closed.closing_soon);
        assert!(!m(Closed, None, Some(now - DAY_MS - 1), 0).closed);
    }

    #[test]
    fn timestamps_are_iso_utc() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_796_635_800_123), "2026-12-07T09:30:00Z");
    }

    #[test]
    fn names_read_back() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::Value::String(e.as_str().into())
            );
        }
        assert_eq!(EventType::parse("poll.deleted"), None);
    }

    #[test]
    fn urls_are_checked() {
        for ok in [
            "https://example.org/hooks",
            "http://10.0.0.2:8080/x?y=1",
            "https://a.b",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ftp://example.org",
            "example.org",
            "https://",
            "https://user:pw@example.org/",
            "https://example.org/#x",
            "https://example.org/ a",
            "javascript:alert(1)",
            "https://example.org/\n",
            "https://exa\u{200b}mple.org/",
            "https://example.org/\u{202e}gpj",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://e.org/{}", "x".repeat(MAX_URL_BYTES))).is_err());
    }

    #[test]
    fn a_draft_names_events_once() {
        let d = |events: Vec<EventType>| WebhookDraft {
            scope_id: Id::int(1),
            url: "https://example.org/h".into(),
            events,
        };
        assert!(d(vec![EventType::PollClosed]).validate().is_ok());
        assert!(d(vec![]).validate().is_err());
        assert!(
            d(vec![EventType::PollClosed, EventType::PollClosed])
                .validate()
                .is_err()
        );
    }
}
