//! The status line of a voting item (a poll, and a budget round, which
//! speaks the poll's status words): its badge
//! (scheduled, open, closed), the count of participants, announced
//! politely as it moves (live news reaches a widget at most every few
//! seconds, so it is read out at most that often), and when it opens or closes.

use leptos::prelude::*;
use tongxin_core::Millis;
use tongxin_core::poll::PollStatus;

use crate::i18n::I18n;

/// The badge and `count` of an item in `status`, then its opening time
/// (scheduled) or closing time (open) where it has one.
pub fn status_meta(
    status: PollStatus,
    window: (Option<Millis>, Option<Millis>),
    count: impl Fn() -> String + Send + Sync + 'static,
    i: &I18n,
) -> AnyView {
    let badge = match status {
        PollStatus::Open => ("tx-badge tx-open", i.t("status_open")),
        PollStatus::Closed => ("tx-badge tx-closed", i.t("status_closed")),
        PollStatus::Scheduled => ("tx-badge", i.t("status_scheduled")),
    };
    let times = match (status, window) {
        (PollStatus::Scheduled, (Some(o), _)) => Some(i.x("opens_at", i.time(o))),
        (PollStatus::Open, (_, Some(c))) => Some(i.x("closes_at", i.time(c))),
        _ => None,
    };
    view! {
        <div class="tx-meta">
            <span class=badge.0>{badge.1}</span>
            <span class="tx-count" aria-live="polite">{count}</span>
        </div>
        {times.map(|t| view! { <p class="tx-hint">{t}</p> })}
    }
    .into_any()
}
