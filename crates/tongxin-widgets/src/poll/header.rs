//! The top of the poll card: title, status badge, live count of
//! participants, opening or closing time and description.

use leptos::prelude::*;
use tongxin_core::poll::{Poll, PollStatus};

use super::state::PollState;
use crate::i18n::I18n;
use crate::parts::Text;

/// The header of `poll` in `status`, its count read from `state`.
/// (Plain functions, not components, for the parts of the poll card: each
/// component costs the bundle a props builder.)
pub fn poll_header(poll: &Poll, status: PollStatus, state: PollState, i: &I18n) -> AnyView {
    let count = {
        let i = i.clone();
        move || i.n("participants", state.ballots())
    };
    let badge = match status {
        PollStatus::Open => ("tx-badge tx-open", i.t("status_open")),
        PollStatus::Closed => ("tx-badge tx-closed", i.t("status_closed")),
        PollStatus::Scheduled => ("tx-badge", i.t("status_scheduled")),
    };
    let times = match (status, poll.opens_at, poll.closes_at) {
        (PollStatus::Scheduled, Some(o), _) => Some(i.x("opens_at", i.time(o))),
        (PollStatus::Open, _, Some(c)) => Some(i.x("closes_at", i.time(c))),
        _ => None,
    };
    let description = (!poll.description.is_empty()).then(|| {
        view! { <p class="tx-description"><Text text=poll.description.clone() lang=i.lang() /></p> }
    });
    view! {
        <header class="tx-header">
            <h2 class="tx-title"><Text text=poll.title.clone() lang=i.lang() /></h2>
            <div class="tx-meta">
                <span class=badge.0>{badge.1}</span>
                <span class="tx-count" aria-live="polite">{count}</span>
            </div>
            {times.map(|t| view! { <p class="tx-hint">{t}</p> })}
        </header>
        {description}
    }
    .into_any()
}
