//! Moderation: residents' reported comments on the proposals of the staff
//! member's scopes, most reported first, each with the reasons residents
//! gave; hide one or put it back, always with a reason. The reason is shown
//! to the comment's author and kept in the audit log.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::contract::{PublicComment, ReportReceipt};
use tongxin_core::staff::moderation::{ModerationItem, ModerationRequest, QueueFilter};

use crate::api::{self, Problem};
use crate::audit::local_time;
use crate::parts::{ProblemNote, TextField, load, local_problem, show};
use crate::route::Route;

/// The moderation queue page.
#[component]
pub(crate) fn ModerationQueue() -> impl IntoView {
    let filter = RwSignal::new(QueueFilter::Reported);
    let reload = RwSignal::new(0u32);
    let items = load::<Vec<ModerationItem>>(
        move || {
            let state = match filter.get() {
                QueueFilter::Reported => "reported",
                QueueFilter::Hidden => "hidden",
            };
            format!("/api/v1/admin/comments?state={state}")
        },
        reload.into(),
    );
    let tab = move |f: QueueFilter, label: &'static str| {
        view! {
            <button type="button" class="cx-link" aria-pressed=move || (filter.get() == f).to_string()
                on:click=move |_| filter.set(f)>{label}</button>
        }
    };
    view! {
        <h1>"评论审核"</h1>
        <p class="cx-muted">"居民举报的评论在这里。被三位居民举报的评论会先自动隐藏，等待审核。隐藏或恢复都要写明原因，原因会告诉评论作者，并记入操作记录。"</p>
        <div class="cx-actions" role="group" aria-label="显示">
            {tab(QueueFilter::Reported, "待审核")}
            {tab(QueueFilter::Hidden, "已隐藏")}
        </div>
        {show(items, move |list| {
            if list.is_empty() {
                return view! { <p class="cx-muted">"没有需要处理的评论。"</p> }.into_any();
            }
            view! {
                <ul class="cx-cards cx-moderation">
                    {list.into_iter().map(|item| view! { <Card item=item reload=reload /> }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

/// One comment with its reports and the hide / restore form.
#[component]
fn Card(item: ModerationItem, reload: RwSignal<u32>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let (pid, cid) = (item.proposal_id, item.comment.id);
    let hidden = item.comment.hidden.clone();
    let state = match &hidden {
        Some(h) if h.reason.is_some() => {
            format!("已隐藏：{}", h.reason.clone().unwrap_or_default())
        }
        Some(_) => "举报达到三次，已自动隐藏，等待审核".to_string(),
        None => "公开显示中".to_string(),
    };
    let act = move |what: &'static str| {
        let text = reason.get().trim().to_string();
        if let Err(m) = tongxin_core::staff::moderation::check_reason(&text) {
            problem.set(Some(local_problem("reason", &m)));
            return;
        }
        let path = format!("/api/v1/admin/proposals/{pid}/comments/{cid}/{what}");
        let req = ModerationRequest { reason: text };
        spawn_local(async move {
            let done = if what == "hide" {
                api::post::<_, PublicComment>(&path, &req).await.map(|_| ())
            } else {
                api::post::<_, ReportReceipt>(&path, &req).await.map(|_| ())
            };
            match done {
                Ok(()) => reload.update(|n| *n += 1),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let staff_hidden = hidden.as_ref().is_some_and(|h| h.reason.is_some());
    let (heading, labelled) = (format!("comment-{cid}"), format!("comment-{cid}"));
    view! {
        <li aria-labelledby=labelled>
            <h2 id=heading class="cx-card-title">
                <a href=Route::Proposal(pid).href()>{item.proposal_title}</a>
            </h2>
            <p class="cx-muted">{item.comment.author}" · "{local_time(item.comment.created_at)}" · 举报 "{item.reports}" 次 · "{state}</p>
            <blockquote class="cx-quote">{item.comment.body}</blockquote>
            {(!item.report_reasons.is_empty()).then(|| view! {
                <p>"举报理由："{item.report_reasons.join("；")}</p>
            })}
            <form class="cx-form" on:submit=move |ev| ev.prevent_default()>
                <TextField label="处理原因（告诉评论作者）" value=reason />
                <ProblemNote problem=problem />
                <div class="cx-actions">
                    {(!staff_hidden).then(|| view! {
                        <button type="button" class="cx-primary" on:click=move |_| act("hide")>"隐藏"</button>
                    })}
                    <button type="button" on:click=move |_| act("restore")>"恢复公开"</button>
                </div>
            </form>
        </li>
    }
}
