//! The audit log: every change asked of the staff API, who asked, when,
//! and the item before and after; filterable by actor and path, paged.
//! Nothing here can be edited (the server refuses any change to an entry).

use leptos::prelude::*;
use tongxin_core::contract::Page;
use tongxin_core::staff::AuditEntry;

use crate::parts::{ScrollBox, TextField, load, show};

/// A time in milliseconds as the clerk's clock shows it.
pub(crate) fn local_time(ms: i64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    d.to_locale_string("zh-CN", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

fn short(v: &Option<serde_json::Value>) -> String {
    let text = v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text
    }
}

fn query(actor: &str, path: &str, cursor: Option<&str>) -> String {
    let mut q = vec!["limit=50".to_string()];
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    if !actor.trim().is_empty() {
        q.push(format!("actor={}", enc(actor.trim())));
    }
    if !path.trim().is_empty() {
        q.push(format!("path={}", enc(path.trim())));
    }
    if let Some(c) = cursor {
        q.push(format!("cursor={}", enc(c)));
    }
    format!("/api/v1/admin/audit?{}", q.join("&"))
}

/// The audit log page.
#[component]
pub(crate) fn AuditLog() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let cursor = RwSignal::new(None::<String>);
    let applied = RwSignal::new((String::new(), String::new()));
    let page = load::<Page<AuditEntry>>(
        move || {
            let (a, p) = applied.get();
            query(&a, &p, cursor.get().as_deref())
        },
        Signal::stored(0),
    );
    let filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cursor.set(None);
        applied.set((actor.get(), path.get()));
    };
    view! {
        <h1>"操作记录"</h1>
        <form class="cx-form cx-pair" on:submit=filter>
            <TextField label="操作人（账号）" value=actor />
            <TextField label="路径开头，如 /api/v1/admin/polls" value=path />
            <button type="submit">"筛选"</button>
        </form>
        {show(page, move |p| {
            let next = p.next_cursor.clone();
            view! {
                <ScrollBox label="操作记录表格">
                    <table class="cx-table cx-audit">
                        <thead><tr><th scope="col">"时间"</th><th scope="col">"操作人"</th><th scope="col">"操作"</th><th scope="col">"结果"</th><th scope="col">"之前 → 之后"</th></tr></thead>
                        <tbody>
                            {p.items.into_iter().map(|e| view! {
                                <tr>
                                    <td>{local_time(e.at)}</td>
                                    <td>{e.actor.clone().unwrap_or_else(|| "（未登录）".into())}</td>
                                    <td><code>{format!("{} {}", e.method, e.path)}</code><br/><small>{short(&e.request)}</small></td>
                                    <td>{e.status}{e.problem.clone().map(|p| format!(" {p}"))}</td>
                                    <td><small>{short(&e.before)}</small>" → "<small>{short(&e.after)}</small></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollBox>
                {next.map(|c| view! { <button type="button" on:click=move |_| cursor.set(Some(c.clone()))>"更早的记录"</button> })}
            }
        })}
    }
}
