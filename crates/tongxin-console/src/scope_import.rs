//! Importing scopes and household counts from a CSV the community office
//! keeps in Excel: choose the file (or paste it), preview what would
//! change, then import. The server applies the whole file or nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::scope::Scope;
use tongxin_core::scope_import::{HEADERS, ImportReport, ImportRequest};
use wasm_bindgen::JsCast;

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, TextArea};
use crate::scopes::Scopes;

/// The text of the file chosen in `ev`'s input, if any.
async fn chosen_text(ev: leptos::ev::Event) -> Option<String> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

/// What a report says, in words.
fn report_text(r: &ImportReport) -> String {
    let verb = if r.dry_run { "将" } else { "已" };
    format!(
        "{verb}新建 {} 个，{verb}更新户数 {} 个，{} 行无变化。",
        r.created, r.updated, r.unchanged
    )
}

/// The import form, below the tree.
#[component]
pub(crate) fn ImportForm() -> impl IntoView {
    let scopes = Scopes::get();
    let csv = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let report = RwSignal::new(None::<String>);
    let send = move |dry_run: bool| {
        let req = ImportRequest {
            csv: csv.get(),
            dry_run,
        };
        spawn_local(async move {
            match api::post::<_, ImportReport>("/api/v1/admin/scopes/import", &req).await {
                Ok(r) => {
                    problem.set(None);
                    report.set(Some(report_text(&r)));
                    if !r.dry_run
                        && let Ok(list) = api::get::<Vec<Scope>>("/api/v1/scopes").await
                    {
                        scopes.0.set(list);
                    }
                }
                Err(p) => {
                    report.set(None);
                    problem.set(Some(p));
                }
            }
        });
    };
    let pick = move |ev: leptos::ev::Event| {
        spawn_local(async move {
            if let Some(text) = chosen_text(ev).await {
                csv.set(text);
            }
        });
    };
    view! {
        <section class="cx-form" aria-labelledby="import-h">
            <h2 id="import-h">"从表格导入"</h2>
            <p class="cx-muted">
                "CSV 文件（UTF-8），第一行为 " <code>{HEADERS[0].join(",")}</code>
                "，每行一个辖区，从区写起；户数可不填。已有的按名称对应，缺少的新建，户数不同的更新；同一文件再导入不会重复。每次最多 64 KB。"
            </p>
            <label class="cx-field">
                <span>"选择 CSV 文件"</span>
                <input type="file" accept=".csv,text/csv" on:change=pick />
            </label>
            <TextArea label="或粘贴表格内容" value=csv rows=6 />
            <ProblemNote problem=problem />
            <p role="status">{move || report.get()}</p>
            <div class="cx-actions">
                <button type="button" on:click=move |_| send(true)>"预览"</button>
                <button type="button" class="cx-primary" on:click=move |_| send(false)>"导入"</button>
            </div>
        </section>
    }
}
