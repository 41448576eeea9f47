//! A proposal on the board: title, the five-dot stepper, supports against
//! the threshold while it gathers them, and funding progress when it has a
//! goal.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::contract::ProposalCard;
use tongxin_core::proposal::funding::{FundingSummary, format_yuan};
use tongxin_core::proposal::{Proposal, ProposalStatus, Step};

use crate::i18n::I18n;
use crate::parts::{ProgressBar, Stepper, Text};

/// The badge for a proposal that left the active states or was adopted.
pub fn status_badge(p: &Proposal, i18n: &I18n) -> Option<(&'static str, String)> {
    match p.status {
        ProposalStatus::Rejected => Some(("tx-badge tx-closed", i18n.t("status_rejected"))),
        ProposalStatus::Withdrawn => Some(("tx-badge tx-closed", i18n.t("status_withdrawn"))),
        ProposalStatus::Merged => Some(("tx-badge tx-closed", i18n.t("status_merged"))),
        ProposalStatus::Active if p.delivered_at.is_some() => {
            Some(("tx-badge tx-open", i18n.t("status_delivered")))
        }
        ProposalStatus::Active if p.adopted_at.is_some() => {
            Some(("tx-badge tx-open", i18n.t("status_adopted")))
        }
        ProposalStatus::Active => None,
    }
}

/// Whole percent of the funding goal pledged (0 without a goal).
pub fn funded_percent(f: &FundingSummary) -> u64 {
    if f.goal_fen <= 0 {
        0
    } else {
        (f.pledged_total_fen.max(0) as u128 * 100 / f.goal_fen as u128) as u64
    }
}

/// The funding bar: residents' pledges first, then organisations'.
#[component]
pub fn FundingBar(
    /// Totals.
    funding: FundingSummary,
    /// The proposal's title (names the bar).
    #[prop(into)]
    title: String,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let label = i18n.x("funding_progress_label", &title);
    let text = i18n.nx(
        "funding_progress",
        funded_percent(&funding),
        format_yuan(funding.pledged_total_fen),
    );
    view! {
        <ProgressBar
            label=label
            value=funding.pledged_total_fen.max(0) as u64
            max=funding.goal_fen.max(0) as u64
            first_part=funding.pledged_residents_fen.max(0) as u64
            text=text
        />
    }
}

/// One card.
#[component]
pub fn ProposalCardView(
    /// The proposal and its funding.
    card: ProposalCard,
    /// Opens the proposal.
    on_open: Callback<Id>,
    /// Whether the title opens the proposal (not when the backend cannot
    /// show one). Default true.
    #[prop(default = true)]
    openable: bool,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let p = card.proposal;
    let id = p.id;
    let badge = status_badge(&p, &i18n);
    let supports = (p.step == Step::Propose).then(|| {
        let text = i18n.nx("supports_of", p.supports, p.support_threshold);
        let label = i18n.x("support_progress_label", &p.title);
        view! { <ProgressBar label=label value=p.supports as u64 max=p.support_threshold as u64 text=text /> }
    });
    let funding = (card.funding.goal_fen > 0).then(
        || view! { <FundingBar funding=card.funding title=p.title.clone() i18n=i18n.clone() /> },
    );
    view! {
        <li class="tx-card tx-proposal-card">
            <h3 class="tx-title tx-card-title">
                {if openable {
                    view! {
                        <button type="button" class="tx-link-button tx-card-open" id=format!("tx-open-{id}") on:click=move |_| on_open.run(id)>
                            <Text text=p.title.clone() lang=i18n.lang() />
                        </button>
                    }
                    .into_any()
                } else {
                    p.title.clone().into_any()
                }}
            </h3>
            <div class="tx-meta">
                <Stepper current=p.step compact=true i18n=i18n.clone() />
                {badge.map(|(class, text)| view! { <span class=class>{text}</span> })}
            </div>
            {supports}
            {funding}
        </li>
    }
}
