//! One poll's desk: its settings, results (staff see hidden ones too),
//! participation by unit (from the household codes used per building),
//! the CSV export, closing early, household codes and the embed snippet
//! with the real widget as preview.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::{PollView, ResultsView};
use tongxin_core::export::result_figures;
use tongxin_core::poll::{PollEdit, PollStatus};
use tongxin_core::staff::codes::{CodeSummary, CodeTarget};

use super::edit::PollEditForm;
use super::{kind_name, status_name};
use crate::api::{self, Problem};
use crate::codes::Participation;
use crate::parts::{ProblemNote, ScrollBox, load, show};
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;
use crate::snippet::SnippetPanel;

/// The poll desk.
#[component]
pub(crate) fn PollDetail(
    /// The poll.
    id: Id,
) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let poll = load::<PollView>(move || format!("/api/v1/polls/{id}"), reload.into());
    let results = load::<ResultsView>(move || format!("/api/v1/polls/{id}/results"), reload.into());
    let codes = load::<CodeSummary>(
        move || format!("/api/v1/admin/codes?target=poll&target_id={id}"),
        reload.into(),
    );
    let scopes = Scopes::get();
    let session = Session::get();
    let problem = RwSignal::new(None::<Problem>);
    let close = move |_| {
        let edit = PollEdit {
            close_now: true,
            ..PollEdit::default()
        };
        spawn_local(async move {
            match api::patch::<_, serde_json::Value>(&format!("/api/v1/admin/polls/{id}"), &edit)
                .await
            {
                Ok(_) => {
                    problem.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <p><a href=Route::Polls.href()>"← 全部投票"</a></p>
        {show(poll, move |p| {
            let open = p.status != PollStatus::Closed;
            view! {
                <h1>{p.poll.title.clone()}</h1>
                // The scope's name in a closure of its own: the scope list
                // arriving later must not redraw the desk (and close the
                // edit form being filled in).
                <p class="cx-muted">
                    {let (scope, rest) = (p.poll.scope_id, format!("{} · {} · {} 票", kind_name(&p.poll.kind), status_name(p.status), p.ballots));
                     move || format!("{} · {rest}", scopes.name(scope))}
                </p>
                <div class="cx-actions">
                    <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"刷新"</button>
                    <a class="cx-button" href=format!("/api/v1/polls/{id}/results.csv") download=format!("poll-{id}-results.csv")>"导出结果 CSV"</a>
                    <a class="cx-button" href=Route::Codes(CodeTarget::Poll, id).href()>"入户码"</a>
                    <a class="cx-button" href=Route::Paper(CodeTarget::Poll, id).href()>"纸质录入"</a>
                    {(open && session.runs_items()).then(|| view! {
                        <button type="button" class="cx-danger" on:click=close>"提前结束投票"</button>
                    })}
                </div>
                {(open && session.runs_items()).then(|| view! { <PollEditForm poll=p.poll.clone() reload=reload /> })}
            }
        })}
        <ProblemNote problem=problem />
        <section aria-labelledby="results-h">
            <h2 id="results-h">"结果"</h2>
            {show(results, |r| view! { <ResultTable view=r /> })}
        </section>
        <section aria-labelledby="units-h">
            <h2 id="units-h">"各楼栋参与情况"</h2>
            {show(codes, |c| view! { <Participation summary=c /> })}
        </section>
        <SnippetPanel widget="poll" id=id />
    }
}

/// The Chinese name of a results figure.
fn measure_name(m: &str) -> String {
    let known = match m {
        "ballots" => "选票",
        "count" => "票数",
        "percent" => "占比 %",
        "agree" => "赞成",
        "abstain" => "弃权",
        "disagree" => "反对",
        "agree_percent" => "赞成 %",
        "adopted" => "通过",
        "threshold_percent" => "门槛 %",
        "ratings" => "评分人数",
        "mean" => "平均分",
        "satisfaction_percent" => "满意度 %",
        "first_preferences" => "第一选择",
        "winner" => "胜出",
        "total_points" => "总点数",
        "points" => "点数",
        "voters" => "人数",
        _ => return m.replace("round_", "第 ").replace("_exhausted", " 轮耗尽"),
    };
    known.to_string()
}

/// Results as a table: one row per option, one column per figure.
#[component]
fn ResultTable(
    /// The results as the server sent them.
    view: ResultsView,
) -> impl IntoView {
    let Some(results) = view.results else {
        return view! { <p class="cx-muted">"结果暂不公开。"</p> }.into_any();
    };
    let figures = result_figures(view.ballots, &results);
    let mut measures: Vec<String> = Vec::new();
    let mut rows: Vec<(Id, String)> = Vec::new();
    let mut overall = Vec::new();
    for f in &figures {
        match &f.option {
            None => overall.push(format!("{}：{}", measure_name(&f.measure), f.value)),
            Some((id, label)) => {
                if !measures.contains(&f.measure) {
                    measures.push(f.measure.clone());
                }
                if !rows.iter().any(|(r, _)| r == id) {
                    rows.push((*id, label.clone()));
                }
            }
        }
    }
    let value = |id: Id, m: &str| {
        figures
            .iter()
            .find(|f| f.measure == m && f.option.as_ref().is_some_and(|(o, _)| *o == id))
            .map(|f| f.value.clone())
            .unwrap_or_default()
    };
    let body: Vec<(String, Vec<String>)> = rows
        .into_iter()
        .map(|(id, label)| (label, measures.iter().map(|m| value(id, m)).collect()))
        .collect();
    let heads: Vec<String> = measures.iter().map(|m| measure_name(m)).collect();
    view! {
        <p>{overall.join(" · ")}</p>
        <ScrollBox label="结果表格">
            <table class="cx-table" aria-labelledby="results-h">
                <thead><tr>
                    <th scope="col">"选项"</th>
                    {heads.into_iter().map(|m| view! { <th scope="col" class="cx-num">{m}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {body.into_iter().map(|(label, values)| view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {values.into_iter().map(|v| view! { <td class="cx-num">{v}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollBox>
    }
    .into_any()
}
