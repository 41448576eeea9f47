//! The results of a round, explained: the funded projects above the line
//! (in the order they were chosen, with how), the money spent and left,
//! then the others by approvals; for equal shares, the round each project
//! was bought in and the most one supporter paid, in plain words. Only
//! aggregates: never a voter.

use leptos::prelude::*;
use tongxin_core::budget::{BudgetResults, BudgetRound, CountingMethod, ProjectResult};
use tongxin_core::contract::BudgetResultsView;
use tongxin_core::poll::ResultVisibility;
use tongxin_core::proposal::funding::format_yuan;

use crate::i18n::I18n;
use crate::parts::Text;

/// One project's line.
fn project_line(p: &ProjectResult, i: &I18n) -> AnyView {
    let how = match (p.round, p.max_share_fen) {
        (Some(r), Some(share)) => Some(i.nx("bought_in_round", r, format_yuan(share))),
        _ => p.filled.then(|| i.t("filled_by_approvals")),
    };
    let class = if p.funded {
        "tx-project tx-funded"
    } else {
        "tx-project"
    };
    view! {
        <li class=class>
            <span class="tx-item-label"><Text text=p.title.clone() lang=i.lang() /></span>
            <span class="tx-hint">
                {format!("{} · {}", i.x("cost", format_yuan(p.cost_fen)), i.n("approvals", p.approvals))}
            </span>
            {how.map(|h| view! { <span class="tx-hint">{h}</span> })}
        </li>
    }
    .into_any()
}

/// The lists above and below the funded line.
fn explained(r: &BudgetResults, i: &I18n) -> AnyView {
    let explain = match r.method {
        CountingMethod::Greedy => i.t("explain_greedy"),
        CountingMethod::EqualShares => i.t("explain_equal_shares"),
    };
    let (funded, others): (Vec<_>, Vec<_>) = r.projects.iter().partition(|p| p.funded);
    let line = i.nx("funded_line", funded.len(), format_yuan(r.spent_fen));
    let over = r
        .override_winners
        .as_ref()
        .map(|o| view! { <p class="tx-notice tx-info">{i.x("override_reason", &o.reason)}</p> });
    let others = (!others.is_empty()).then(|| {
        view! {
            <h4 class="tx-item-label">{i.t("not_funded")}</h4>
            <ol class="tx-cards">{others.iter().map(|p| project_line(p, i)).collect_view()}</ol>
        }
    });
    view! {
        <p class="tx-hint">{i.n("participants", r.ballots)}</p>
        {over}
        <h4 class="tx-item-label">{i.t("funded")}</h4>
        <ol class="tx-cards">{funded.iter().map(|p| project_line(p, i)).collect_view()}</ol>
        <p class="tx-funded-line"><strong>{line}</strong>" · "{i.x("leftover", format_yuan(r.leftover_fen))}</p>
        {others}
        <p class="tx-hint">{explain}</p>
    }
    .into_any()
}

/// The results section, or when they will be shown.
pub fn results_block(round: &BudgetRound, r: BudgetResultsView, i: &I18n) -> AnyView {
    let body = match &r.results {
        Some(res) if r.visible => explained(res, i),
        _ => {
            let key = match round.visibility {
                ResultVisibility::AfterVote => "results_after_vote",
                _ => "results_after_close",
            };
            view! { <p class="tx-hint">{i.t(key)}</p> }.into_any()
        }
    };
    let confirmed = r
        .confirmed
        .then(|| view! { <p class="tx-notice tx-success">{i.t("round_confirmed")}</p> });
    view! {
        <section class="tx-results" aria-label=i.x("results_of", &round.title)>
            <h3 class="tx-results-title">{i.t("budget_results")}</h3>
            {confirmed}
            {body}
        </section>
    }
    .into_any()
}
