//! "Your choice is in": the confirmation the focus moves to after a vote,
//! the projects chosen with what they cost together (never in an anonymous
//! round) and the way to change them where the round allows.

use leptos::prelude::*;
use tongxin_core::budget::BudgetRound;
use tongxin_core::contract::MyBudgetBallot;
use tongxin_core::proposal::funding::format_yuan;

use crate::i18n::I18n;
use crate::parts::{Notice, NoticeKind};

/// The confirmation of `mine`, with a "change my choice" button calling
/// `on_change` when `can_change`.
pub fn receipt_block(
    round: &BudgetRound,
    mine: &MyBudgetBallot,
    can_change: bool,
    on_change: impl Fn() + 'static,
    i: &I18n,
) -> AnyView {
    let summary = mine.projects.as_ref().map(|ids| {
        let titles: Vec<&str> = ids
            .iter()
            .filter_map(|id| {
                round
                    .position(*id)
                    .map(|p| round.projects[p].title.as_str())
            })
            .collect();
        format!(
            "{} ({})",
            i.x("your_projects", titles.join("、")),
            i.x("cost", format_yuan(round.cost_of(ids)))
        )
    });
    let note = round.anonymous.then(|| i.t("anonymous_ballot"));
    let change = (can_change && mine.projects.is_some()).then(|| {
        let l = i.t("change_choice");
        view! { <button type="button" class="tx-button tx-secondary" on:click=move |_| on_change()>{l}</button> }
    });
    view! {
        <div class="tx-voted" id=format!("tx-voted-{}", round.id) tabindex="-1">
            <Notice kind=NoticeKind::Success text=i.t("budget_voted") />
            {summary.map(|s| view! { <p class="tx-my-ballot">{s}</p> })}
            {note.map(|n| view! { <p class="tx-hint">{n}</p> })}
            {change}
        </div>
    }
    .into_any()
}
