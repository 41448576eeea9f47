//! One convention's desk: its text and version, signatures against the
//! goal and by unit, household codes, the masked CSV export, the embed
//! snippet, and editing (a changed title, preamble or article publishes a
//! new version; signatures of earlier versions stay counted apart).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::{ConventionView, SignatureCounts};
use tongxin_core::convention::{Convention, ConventionEdit};
use tongxin_core::staff::codes::CodeTarget;

use super::articles::{ArticleEditor, rows_of, texts};
use super::open_name;
use crate::api::{self, Problem};
use crate::parts::{ProblemNote, ScrollBox, TextArea, TextField, load, show};
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;
use crate::snippet::SnippetPanel;

/// The convention desk.
#[component]
pub(crate) fn ConventionDesk(
    /// The convention.
    id: Id,
) -> impl IntoView {
    // The text reloads after a save only (so "refresh" never resets a form
    // being typed in); the counts on every refresh and save.
    let saved_text = RwSignal::new(0u32);
    let reload = RwSignal::new(0u32);
    let saved = RwSignal::new(None::<String>);
    let view_ = load::<ConventionView>(
        move || format!("/api/v1/conventions/{id}"),
        saved_text.into(),
    );
    let counts = load::<SignatureCounts>(
        move || format!("/api/v1/conventions/{id}/count"),
        Signal::derive(move || reload.get() + saved_text.get()),
    );
    let scopes = Scopes::get();
    let session = Session::get();
    view! {
        <p><a href=Route::Conventions.href()>"← 全部公约"</a></p>
        {show(view_, move |v| {
            let c = v.convention.clone();
            view! {
                <h1>{c.title.clone()}</h1>
                <p class="cx-muted">{
                    // Its own closure: the scope list arriving must not redraw the desk.
                    let (scope, rest) = (c.scope_id, format!("第 {} 版 · {}", c.version, open_name(v.open)));
                    move || format!("{} · {rest}", scopes.name(scope))
                }</p>
                <div class="cx-actions">
                    <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"刷新"</button>
                    <a class="cx-button" href=format!("/api/v1/conventions/{id}/signatures.csv") download=format!("convention-{id}-signatures.csv")>"导出签署名单 CSV"</a>
                    <a class="cx-button" href=Route::Codes(CodeTarget::Convention, id).href()>"入户码"</a>
                    <a class="cx-button" href=Route::Paper(CodeTarget::Convention, id).href()>"纸质录入"</a>
                </div>
                {session.runs_items().then(|| view! { <EditForm convention=c saved=saved reload=saved_text /> })}
            }
        })}
        <p role="status">{move || saved.get()}</p>
        <section aria-labelledby="signatures-h">
            <h2 id="signatures-h">"签署情况"</h2>
            {show(counts, |c| view! { <Signatures counts=c /> })}
        </section>
        <SnippetPanel widget="convention" id=id />
    }
}

/// Signatures of the current version against the goal, then by unit.
#[component]
fn Signatures(
    /// The counts as the server sent them.
    counts: SignatureCounts,
) -> impl IntoView {
    let percent = (counts.count * 100)
        .checked_div(u64::from(counts.goal))
        .unwrap_or(0)
        .min(100);
    view! {
        <p>{format!("第 {} 版已签 {} 人，目标 {} 人（{}%）", counts.version, counts.count, counts.goal, percent)}</p>
        {(counts.earlier_versions > 0).then(|| view! {
            <p class="cx-muted">{format!("另有 {} 人签署的是旧版本", counts.earlier_versions)}</p>
        })}
        {if counts.by_unit.is_empty() {
            view! { <p class="cx-muted">"还没有签署。"</p> }.into_any()
        } else {
            view! {
                <ScrollBox label="各单元签署人数">
                    <table class="cx-table">
                        <thead><tr><th scope="col">"单元"</th><th scope="col">"签署人数"</th></tr></thead>
                        <tbody>
                            {counts.by_unit.into_iter().map(|u| view! {
                                <tr><td>{u.name}</td><td>{u.count}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollBox>
            }.into_any()
        }}
    }
}

/// Edits the text and goal; a changed text publishes a new version.
#[component]
fn EditForm(
    convention: Convention,
    saved: RwSignal<Option<String>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let id = convention.id;
    let title = RwSignal::new(convention.title.clone());
    let preamble = RwSignal::new(convention.preamble.clone());
    let texts_now: Vec<String> = convention.articles.iter().map(|a| a.text.clone()).collect();
    let rows = RwSignal::new(rows_of(&texts_now));
    let goal = RwSignal::new(convention.goal.to_string());
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = ConventionEdit {
            title: Some(title.get().trim().to_string()),
            preamble: Some(preamble.get().trim().to_string()),
            articles: Some(texts(&rows.get())),
            goal: Some(goal.get().trim().parse().unwrap_or(0)),
            ..ConventionEdit::default()
        };
        let before = convention.version;
        spawn_local(async move {
            match api::patch::<_, Convention>(&format!("/api/v1/admin/conventions/{id}"), &edit)
                .await
            {
                Ok(c) => {
                    problem.set(None);
                    saved.set(Some(if c.version > before {
                        format!(
                            "已发布第 {} 版。此前的签署计入旧版本，居民需重新签署新版本。",
                            c.version
                        )
                    } else {
                        "已保存，文本未变，版本不变。".to_string()
                    }));
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="cx-form" on:submit=submit aria-labelledby="edit-h">
            <h2 id="edit-h">"修改公约"</h2>
            <p class="cx-muted">"修改标题、序言或条款会发布新版本。"</p>
            <TextField label="标题" value=title />
            <TextArea label="序言" value=preamble rows=4 />
            <ArticleEditor rows=rows />
            <TextField label="签署目标（人）" value=goal kind="number" />
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary">"保存"</button>
        </form>
    }
}
