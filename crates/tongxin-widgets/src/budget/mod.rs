//! The budget-round widget (社区资金 百姓点菜): residents divide their
//! community's fund among project proposals on one ballot. It loads the
//! round ([`state::use_budget`]), lets the resident tick projects against
//! a sticky meter that refuses what does not fit ([`ballot`]), sends one
//! ballot ([`send::send_ballot`]) with a receipt and, where the round
//! allows, a change; after close it shows the funded projects above the
//! line and explains how they were counted ([`results`]).

pub mod ballot;
pub mod receipt;
pub mod results;
pub mod send;
pub mod state;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::{Backend, Op, device};
use tongxin_core::Id;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::PollStatus;
use tongxin_core::proposal::funding::format_yuan;

use crate::action::use_action;
use crate::env::Env;
use crate::events::Emit;
use crate::i18n::I18n;
use crate::offline::OfflineNotices;
use crate::parts::{Notice, NoticeKind, Text, load_failed_card, loading_card};
use crate::poll::status::status_meta;
use ballot::{BallotForm, ballot_form};
use receipt::receipt_block;
use results::results_block;
use send::send_ballot;
use state::{load, use_budget};

/// The budget-round widget.
#[component]
pub fn BudgetWidget(
    /// Round id.
    budget_id: Id,
    /// Where the round lives.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Whether the host page passed a signed voter token (for `token` rounds).
    #[prop(optional)]
    has_voter_token: bool,
    /// Receives `ready`, `voted` and `error` events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
) -> impl IntoView {
    // A household code is never kept on the device (a shared phone).
    device::forget(&format!("code:budget:{budget_id}"));
    let can_change = backend.supports(Op::ChangeBudgetBallot);
    let env = Env::new(backend, i18n, emit, format!("/budgets/{budget_id}/"));
    let s = use_budget(env, budget_id);
    let vote = use_action();
    let submit = Callback::new(move |_| send_ballot(env, s, vote));
    let edit = move |on: bool| {
        s.editing.set(on);
        s.refusal.set(None);
        vote.error.set(None);
        if !on {
            // Back to the ballot as cast.
            if let Some(p) = s.mine.get_untracked().and_then(|m| m.projects) {
                s.chosen.set(p);
            }
        }
    };

    move || {
        let i = env.i18n();
        if let Some(e) = s.load_error.get() {
            let retry = Callback::new(move |_| load(env, s));
            return load_failed_card(i.t("budget_load_failed"), &e, "invalid_ballot", &i, retry);
        }
        let (Some(bv), Some(status)) = (s.view.get(), s.status()) else {
            return loading_card(&i);
        };
        let round = bv.round;
        let open = status == PollStatus::Open;
        let editing = s.editing.get();
        let my = s.mine.get();
        let token_missing = round.eligibility == Eligibility::Token && !has_voter_token;
        let can_vote = open && (my.is_none() || editing) && !token_missing;

        let count = {
            let i = i.clone();
            move || {
                i.n(
                    "participants",
                    s.view.with(|v| v.as_ref().map_or(0, |v| v.ballots)),
                )
            }
        };
        let fund = i.nx(
            "fund_and_costs",
            round.projects.len(),
            format_yuan(round.fund_fen),
        );
        let description = (!round.description.is_empty()).then(|| {
            view! { <p class="tx-description"><Text text=round.description.clone() lang=i.lang() /></p> }
        });
        let form = can_vote.then(|| {
            let f = BallotForm {
                code: (round.eligibility == Eligibility::Code && !editing).then_some(env.code),
                busy: vote.busy,
            };
            ballot_form(
                s,
                round.clone(),
                f,
                editing,
                move || submit.run(()),
                move || edit(false),
                &i,
            )
        });
        let receipt = my.filter(|_| !editing).map(|m| {
            let changeable = can_change && round.allow_change && !round.anonymous && open;
            receipt_block(&round, &m, changeable, move || edit(true), &i)
        });
        let results = s.results.get().map(|r| results_block(&round, r, &i));

        view! {
            <article class="tx-card tx-budget" lang=i.lang().tag()>
                <header class="tx-header">
                    <h2 class="tx-title"><Text text=round.title.clone() lang=i.lang() /></h2>
                    {status_meta(status, (round.opens_at, round.closes_at), count, &i)}
                    <p class="tx-hint">{fund}</p>
                </header>
                {description}
                {token_missing.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("not_eligible_token") /> })}
                <OfflineNotices offline=env.offline i18n=i.clone() />
                {receipt}
                {form}
                {vote.error_view(submit, i.t("retry"))}
                {results}
            </article>
        }
        .into_any()
    }
}
