//! A vertical timeline of dated entries (who, when, what, note), e.g. every
//! transition of a proposal with the committee's written opinion.

use leptos::prelude::*;

/// One entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// What happened, e.g. "提议 → 合议".
    pub title: String,
    /// Who did it.
    pub actor: String,
    /// When, already formatted.
    pub when: String,
    /// A note, opinion or reason.
    pub note: Option<String>,
}

/// The entries, oldest first.
#[component]
pub fn Timeline(
    /// Entries.
    entries: Vec<TimelineEntry>,
    /// Heading.
    #[prop(into)]
    title: String,
) -> impl IntoView {
    view! {
        <section class="tx-timeline-box">
            <h3 class="tx-subhead">{title}</h3>
            <ol class="tx-timeline">
                {entries
                    .into_iter()
                    .map(|e| view! {
                        <li class="tx-tl-item">
                            <p class="tx-tl-title">{e.title}</p>
                            <p class="tx-hint">{e.actor} " · " <time>{e.when}</time></p>
                            {e.note.map(|n| view! { <blockquote class="tx-tl-note">{n}</blockquote> })}
                        </li>
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
