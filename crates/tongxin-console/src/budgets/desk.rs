//! One budget round's desk: where it stands, turnout per building (from
//! the household codes used), the results as staff see them (hidden ones
//! too), closing early, confirming the winners — the computed ones, or
//! others with a public reason — the CSV and Pabulib exports, household
//! codes and the embed snippet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::budget::{BudgetConfirm, BudgetEdit, BudgetResults};
use tongxin_core::contract::{BudgetResultsView, BudgetView};
use tongxin_core::poll::PollStatus;
use tongxin_core::proposal::funding::format_yuan;
use tongxin_core::staff::codes::{CodeSummary, CodeTarget};

use super::summary;
use crate::api::{self, Problem};
use crate::codes::Participation;
use crate::parts::{ProblemNote, ScrollBox, TextArea, load, show};
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;
use crate::snippet::SnippetPanel;

/// The round desk.
#[component]
pub(crate) fn BudgetDesk(
    /// The round.
    id: Id,
) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let round = load::<BudgetView>(move || format!("/api/v1/budgets/{id}"), reload.into());
    let results = load::<BudgetResultsView>(
        move || format!("/api/v1/budgets/{id}/results"),
        reload.into(),
    );
    let codes = load::<CodeSummary>(
        move || format!("/api/v1/admin/codes?target=budget&target_id={id}"),
        reload.into(),
    );
    let scopes = Scopes::get();
    let session = Session::get();
    let problem = RwSignal::new(None::<Problem>);
    let after = move |r: Result<serde_json::Value, Problem>| match r {
        Ok(_) => {
            problem.set(None);
            reload.update(|n| *n += 1);
        }
        Err(p) => problem.set(Some(p)),
    };
    let close = move |_| {
        let edit = BudgetEdit {
            close_now: true,
            ..BudgetEdit::default()
        };
        spawn_local(async move {
            after(api::patch(&format!("/api/v1/admin/budgets/{id}"), &edit).await);
        });
    };
    view! {
        <p><a href=Route::Budgets.href()>"← 全部预算投票"</a></p>
        {show(round, move |v| {
            let open = v.status != PollStatus::Closed;
            view! {
                <h1>{v.round.title.clone()}</h1>
                // Its own closure: the scope list arriving must not redraw the desk.
                <p class="cx-muted">{move || summary(&v, scopes)}</p>
                <div class="cx-actions">
                    <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"刷新"</button>
                    <a class="cx-button" href=format!("/api/v1/budgets/{id}/results.csv") download=format!("budget-{id}-results.csv")>"导出结果 CSV"</a>
                    <a class="cx-button" href=format!("/api/v1/budgets/{id}/pabulib.pb") download=format!("budget-{id}.pb")>"导出 Pabulib"</a>
                    <a class="cx-button" href=Route::Codes(CodeTarget::Budget, id).href()>"入户码"</a>
                    <a class="cx-button" href=Route::Paper(CodeTarget::Budget, id).href()>"纸质录入"</a>
                    {(open && session.runs_items()).then(|| view! {
                        <button type="button" class="cx-danger" on:click=close>"提前结束投票"</button>
                    })}
                </div>
            }
        })}
        <ProblemNote problem=problem />
        <section aria-labelledby="results-h">
            <h2 id="results-h">"结果"</h2>
            {show(results, move |r| {
                let confirmable = r.status == PollStatus::Closed && !r.confirmed && session.runs_items();
                match r.results {
                    None => view! { <p class="cx-muted">"结果暂不公开。"</p> }.into_any(),
                    Some(res) => view! {
                        <ResultTable results=res.clone() />
                        {r.confirmed.then(|| view! { <p>"已确认：资金已记入获资助提议的公开账目。"</p> })}
                        {confirmable.then(|| view! { <ConfirmForm id=id results=res reload=reload problem=problem /> })}
                    }.into_any(),
                }
            })}
        </section>
        <section aria-labelledby="units-h">
            <h2 id="units-h">"各楼栋参与情况"</h2>
            {show(codes, |c| view! { <Participation summary=c /> })}
        </section>
        <SnippetPanel widget="budget" id=id />
    }
}

/// The results, one row per project, funded first.
#[component]
fn ResultTable(
    /// The results as the server counted them.
    results: BudgetResults,
) -> impl IntoView {
    let line = format!(
        "{} 张选票 · 资助 ¥{} · 剩余 ¥{}",
        results.ballots,
        format_yuan(results.spent_fen),
        format_yuan(results.leftover_fen)
    );
    let reason = results
        .override_winners
        .as_ref()
        .map(|o| format!("工作人员调整了资助结果（{}）：{}", o.by, o.reason));
    view! {
        <p>{line}</p>
        {reason.map(|r| view! { <p>{r}</p> })}
        <ScrollBox label="结果表格">
            <table class="cx-table" aria-labelledby="results-h">
                <thead><tr>
                    <th scope="col">"项目"</th>
                    <th scope="col" class="cx-num">"费用 ¥"</th>
                    <th scope="col" class="cx-num">"支持票"</th>
                    <th scope="col">"资助"</th>
                    <th scope="col">"计票说明"</th>
                </tr></thead>
                <tbody>
                    {results.projects.into_iter().map(|p| {
                        let how = match (p.round, p.max_share_fen) {
                            (Some(r), Some(s)) => format!("第 {r} 轮，每人最多 ¥{}", format_yuan(s)),
                            _ if p.filled => "剩余资金补足".to_string(),
                            _ => String::new(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{p.title}</th>
                                <td class="cx-num">{format_yuan(p.cost_fen)}</td>
                                <td class="cx-num">{p.approvals}</td>
                                <td>{if p.funded { "是" } else { "否" }}</td>
                                <td>{how}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollBox>
    }
}

/// Confirming the winners: the computed ones are ticked; ticking others
/// is an override and needs a public reason.
#[component]
fn ConfirmForm(
    /// The round.
    id: Id,
    /// Its results.
    results: BudgetResults,
    /// Bumped after confirming.
    reload: RwSignal<u32>,
    /// Where a refusal goes.
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let computed = results.computed_winners();
    let ticks: Vec<(Id, String, RwSignal<bool>)> = results
        .projects
        .iter()
        .map(|p| (p.project_id, p.title.clone(), RwSignal::new(p.computed)))
        .collect();
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let chosen = {
        let ticks = ticks.clone();
        move || -> Vec<Id> {
            ticks
                .iter()
                .filter(|(_, _, t)| t.get_untracked())
                .map(|(id, _, _)| *id)
                .collect()
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let funded = chosen();
        let overridden = {
            let (mut a, mut b) = (funded.clone(), computed.clone());
            a.sort_unstable_by_key(|i| i.to_string());
            b.sort_unstable_by_key(|i| i.to_string());
            a != b
        };
        let body = BudgetConfirm {
            override_funded: overridden.then_some(funded),
            reason: overridden.then(|| reason.get_untracked().trim().to_string()),
        };
        busy.set(true);
        spawn_local(async move {
            match api::post::<_, serde_json::Value>(
                &format!("/api/v1/admin/budgets/{id}/confirm"),
                &body,
            )
            .await
            {
                Ok(_) => {
                    problem.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="cx-form" on:submit=submit>
            <fieldset class="cx-fieldset">
                <legend>"确认资助的项目（按计票结果预选；改动需说明理由，理由公开显示）"</legend>
                {ticks.into_iter().map(|(_, title, t)| view! {
                    <label class="cx-check"><input type="checkbox" bind:checked=t />{title}</label>
                }).collect_view()}
            </fieldset>
            <TextArea label="调整理由（仅在改动计票结果时填写）" value=reason />
            <button type="submit" class="cx-primary" disabled=move || busy.get()>"确认资助结果并记账"</button>
        </form>
    }
}
