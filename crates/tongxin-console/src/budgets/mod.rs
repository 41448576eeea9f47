//! Budget rounds in the console (社区资金 百姓点菜): the rounds a member runs
//! or follows, the form for a new one from the proposals of a scope
//! ([`form`]) and one round's desk ([`desk`]): turnout per building,
//! results, close, confirm the winners, exports.

pub(crate) mod desk;
pub(crate) mod form;

use leptos::prelude::*;
use tongxin_core::budget::CountingMethod;
use tongxin_core::contract::BudgetView;
use tongxin_core::proposal::funding::format_yuan;

use crate::parts::{load, show};
use crate::polls::status_name;
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;

/// The Chinese name of a counting method.
pub(crate) fn method_name(m: CountingMethod) -> &'static str {
    match m {
        CountingMethod::Greedy => "按票数依次资助",
        CountingMethod::EqualShares => "平均分配法",
    }
}

/// One line about a round: scope, fund, status, ballots.
pub(crate) fn summary(v: &BudgetView, scopes: Scopes) -> String {
    format!(
        "{} · 资金 ¥{} · {} 个项目共 ¥{} · {} · {} · {} 票",
        scopes.name(v.round.scope_id),
        format_yuan(v.round.fund_fen),
        v.round.projects.len(),
        format_yuan(v.total_cost_fen),
        method_name(v.round.method),
        status_name(v.status),
        v.ballots
    )
}

/// Every round the member runs or whose scope holds one of their units.
#[component]
pub(crate) fn BudgetList() -> impl IntoView {
    let session = Session::get();
    let scopes = Scopes::get();
    let rounds = load::<Vec<BudgetView>>(|| "/api/v1/budgets".into(), Signal::stored(0));
    view! {
        <div class="cx-title-row">
            <h1>"社区资金"</h1>
            {move || session.runs_items().then(|| view! {
                <a class="cx-button cx-primary" href=Route::NewBudget.href()>"新建预算投票"</a>
            })}
        </div>
        {show(rounds, move |list| {
            let tree = scopes.tree();
            let mine: Vec<BudgetView> = list
                .into_iter()
                .filter(|v| session.concerns(v.round.scope_id, &tree))
                .rev()
                .collect();
            if mine.is_empty() {
                return view! { <p class="cx-muted">"还没有预算投票。"</p> }.into_any();
            }
            view! {
                <ul class="cx-cards">
                    {mine.into_iter().map(|v| view! {
                        <li>
                            <a href=Route::Budget(v.round.id).href()>{v.round.title.clone()}</a>
                            <span class="cx-muted">{summary(&v, scopes)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
