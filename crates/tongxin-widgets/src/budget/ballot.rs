//! The ballot a resident composes: one card per project (title, cost,
//! summary) with a checkbox, and a sticky meter "已选 ¥x / 共 ¥fund" that
//! refuses an addition breaking the round's rule and says why (the rule
//! itself is `BudgetRound::check_addition`, in core).

use leptos::prelude::*;
use tongxin_core::budget::{BallotRule, BudgetBallotError, BudgetProject, BudgetRound};
use tongxin_core::proposal::funding::format_yuan;

use super::state::BudgetState;
use crate::i18n::I18n;
use crate::parts::{HouseholdCodeField, Notice, NoticeKind, ProgressBar, Text, submit_row};

/// What the form is bound to besides the state.
pub struct BallotForm {
    /// The household code field's value, where the round needs a code.
    pub code: Option<RwSignal<String>>,
    /// A request is in flight.
    pub busy: RwSignal<bool>,
}

/// Why a ballot (or an addition) breaks the round's rule, in the
/// resident's words. (Over the fund is said by [`toggle`], which knows the
/// project; a ballot sent is checked as it was composed.)
pub fn refusal_text(e: &BudgetBallotError, i: &I18n) -> String {
    match e {
        BudgetBallotError::TooMany { max, .. } => i.n("one_too_many", max),
        BudgetBallotError::TooFew { min, .. } => i.n("too_few_projects", min),
        BudgetBallotError::Empty => i.t("choose_project"),
        other => i.x("invalid_ballot", other),
    }
}

/// Ticks or unticks project `p`; an addition the rule refuses is undone
/// and its reason shown.
fn toggle(s: BudgetState, round: &BudgetRound, p: &BudgetProject, on: bool, i: &I18n) {
    if !on {
        s.chosen.update(|c| c.retain(|x| *x != p.id));
        s.refusal.set(None);
        return;
    }
    let chosen = s.chosen.get_untracked();
    match round.check_addition(&chosen, p.id) {
        Ok(()) => {
            s.chosen.update(|c| c.push(p.id));
            s.refusal.set(None);
        }
        Err(e) => {
            let text = match e {
                BudgetBallotError::OverBudget { .. } => i.nx(
                    "does_not_fit",
                    format_yuan(p.cost_fen),
                    format_yuan(round.fund_fen - round.cost_of(&chosen)),
                ),
                e => refusal_text(&e, i),
            };
            s.refusal.set(Some(text));
            // Redraw the checkbox unticked (the list did not change).
            s.chosen.update(|_| {});
        }
    }
}

/// One project's card.
fn project_card(s: BudgetState, round: &BudgetRound, p: &BudgetProject, i: &I18n) -> AnyView {
    let id = p.id;
    let cost_id = format!("tx-cost-{}", p.id);
    let (round2, p2, i2) = (round.clone(), p.clone(), i.clone());
    let summary = (!p.summary.is_empty()).then(|| {
        view! { <p class="tx-hint"><Text text=p.summary.clone() lang=i.lang() /></p> }
    });
    view! {
        <li class="tx-project">
            <label class="tx-option">
                <input
                    type="checkbox"
                    aria-describedby=cost_id.clone()
                    prop:checked=move || s.chosen.with(|c| c.contains(&id))
                    on:change=move |ev| toggle(s, &round2, &p2, event_target_checked(&ev), &i2)
                />
                <span class="tx-item-label"><Text text=p.title.clone() lang=i.lang() /></span>
            </label>
            <span id=cost_id>{i.x("cost", format_yuan(p.cost_fen))}</span>
            {summary}
        </li>
    }
    .into_any()
}

/// The rule in a line or two.
fn rule_hint(round: &BudgetRound, i: &I18n) -> String {
    match round.rule {
        BallotRule::KApproval { k } => i.n("rule_at_most", k),
        BallotRule::Knapsack {
            min_projects,
            max_projects,
        } => {
            let mut t = i.t("rule_knapsack");
            if let Some(min) = min_projects.filter(|m| *m > 1) {
                t.push(' ');
                t.push_str(&i.n("rule_at_least", min));
            }
            if let Some(max) = max_projects {
                t.push(' ');
                t.push_str(&i.n("rule_at_most", max));
            }
            t
        }
    }
}

/// The ballot form for `round`: `on_submit` on send, `on_cancel` on
/// cancel (offered while `editing`).
pub fn ballot_form(
    s: BudgetState,
    round: BudgetRound,
    f: BallotForm,
    editing: bool,
    on_submit: impl Fn() + 'static,
    on_cancel: impl Fn() + 'static,
    i: &I18n,
) -> AnyView {
    let code_field = f
        .code
        .map(|code| view! { <HouseholdCodeField code=code i18n=i.clone() /> });
    let cards = round
        .projects
        .iter()
        .map(|p| project_card(s, &round, p, i))
        .collect_view();
    let fund = round.fund_fen;
    let k = match round.rule {
        BallotRule::KApproval { k } => Some(k),
        BallotRule::Knapsack { .. } => None,
    };
    let figure = {
        let (i, round) = (i.clone(), round.clone());
        move || {
            s.chosen.with(|c| match k {
                Some(k) => i.nx("meter_count", c.len(), k),
                None => {
                    let spent = round.cost_of(c);
                    format!(
                        "{} · {}",
                        i.nx("meter_fund", format_yuan(spent), format_yuan(fund)),
                        i.x("meter_left", format_yuan(fund - spent))
                    )
                }
            })
        }
    };
    let value = {
        let round = round.clone();
        Signal::derive(move || {
            s.chosen.with(|c| match k {
                Some(_) => c.len() as u64,
                None => round.cost_of(c).max(0) as u64,
            })
        })
    };
    let max = k.map_or(fund.max(0) as u64, u64::from);
    let label = if editing {
        i.t("submit_change")
    } else {
        i.t("send_budget")
    };
    let actions = submit_row(label, f.busy, editing.then_some(on_cancel), i);
    let figure2 = figure.clone();
    view! {
        <form class="tx-form tx-budget-form" on:submit=move |ev| { ev.prevent_default(); on_submit(); }>
            {code_field}
            <fieldset class="tx-fieldset">
                <legend class="tx-item-label">{rule_hint(&round, i)}</legend>
                <ul class="tx-cards">{cards}</ul>
            </fieldset>
            <div class="tx-sticky-bar tx-meter">
                <ProgressBar label=round.title value=value max=max text=Signal::derive(figure2) />
                <span class="tx-sticky-figure tx-sr-only" role="status" aria-live="polite">{figure}</span>
                {move || s.refusal.get().map(|t| view! { <Notice kind=NoticeKind::Error text=t /> })}
                {actions}
            </div>
        </form>
    }
    .into_any()
}
