//! "You voted": the confirmation the focus moves to after a vote, the
//! resident's own choice (never in an anonymous poll) and the way to change
//! it where the poll allows.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::contract::MyBallot;
use tongxin_core::poll::{Ballot, Poll};

use crate::i18n::I18n;
use crate::parts::{Notice, NoticeKind};

/// The confirmation of the resident's ballot `mine`, with a "change my
/// vote" button calling `on_change` when `can_change`.
pub fn voted_block(
    poll: &Poll,
    mine: &MyBallot,
    can_change: bool,
    on_change: impl Fn() + 'static,
    i: &I18n,
) -> AnyView {
    let summary = mine
        .ballot
        .as_ref()
        .map(|b| i.x("your_ballot", ballot_summary(poll, b, i)));
    let note = poll.anonymous.then(|| i.t("anonymous_ballot"));
    let change = (can_change && mine.ballot.is_some()).then(|| {
        let l = i.t("change_vote");
        view! { <button type="button" class="tx-button tx-secondary" on:click=move |_| on_change()>{l}</button> }
    });
    view! {
        <div class="tx-voted" id=format!("tx-voted-{}", poll.id) tabindex="-1">
            <Notice kind=NoticeKind::Success text=i.t("voted") />
            {summary.map(|s| view! { <p class="tx-my-ballot">{s}</p> })}
            {note.map(|n| view! { <p class="tx-hint">{n}</p> })}
            {change}
        </div>
    }
    .into_any()
}

/// A one-line summary of a ballot ("Your choice: …").
pub fn ballot_summary(poll: &Poll, ballot: &Ballot, i18n: &I18n) -> String {
    let label = |id: &Id| poll.option_label(*id).unwrap_or_default().to_string();
    match ballot {
        Ballot::Single { option } => label(option),
        Ballot::Multiple { options } => options.iter().map(label).collect::<Vec<_>>().join("、"),
        Ballot::Approval { stances } => stances
            .iter()
            .map(|(o, s)| {
                let s = match s {
                    tongxin_core::poll::Stance::Agree => i18n.t("agree"),
                    tongxin_core::poll::Stance::Abstain => i18n.t("abstain"),
                    tongxin_core::poll::Stance::Disagree => i18n.t("disagree"),
                };
                format!("{}: {s}", label(o))
            })
            .collect::<Vec<_>>()
            .join("; "),
        Ballot::Score { scores } => scores
            .iter()
            .map(|(o, s)| format!("{}: {}", label(o), i18n.n("score_n", s)))
            .collect::<Vec<_>>()
            .join("; "),
        Ballot::Ranked { ranking } => ranking.iter().map(label).collect::<Vec<_>>().join(" > "),
        Ballot::Dot { points } => points
            .iter()
            .map(|(o, p)| format!("{}: {}", label(o), i18n.n("points_n", p)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}
