//! Webhooks: the host site's endpoints that hear of events of the staff
//! member's scopes (an item opened, closes tomorrow, closed with its
//! outcome, a proposal's threshold or step, a round decided, a comment
//! reported). Register one (its signing secret is shown once, to copy),
//! switch one off, read its delivery log and send a delivery again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::staff::Power;
use tongxin_core::webhooks::{Delivery, DeliveryState, EventType, Webhook, WebhookDraft};

use crate::api::{self, Problem};
use crate::audit::local_time;
use crate::parts::{ProblemNote, ScrollBox, TextField, invalid, load, show};
use crate::scopes::ScopeSelect;

/// What an event is called on this page.
fn event_label(e: EventType) -> &'static str {
    match e {
        EventType::PollOpened => "投票开始",
        EventType::PollClosingSoon => "投票 24 小时内截止",
        EventType::PollClosed => "投票结束（附结果）",
        EventType::BudgetOpened => "社区资金分配开始",
        EventType::BudgetClosingSoon => "社区资金分配 24 小时内截止",
        EventType::BudgetDecided => "社区资金分配有了结果",
        EventType::ConventionOpened => "公约开始签署",
        EventType::ConventionGoalReached => "公约签署达到目标",
        EventType::ProposalThresholdReached => "提议获得足够附议",
        EventType::ProposalStepChanged => "提议进入下一步",
        EventType::CommentReported => "评论被举报",
    }
}

fn state_label(s: DeliveryState) -> &'static str {
    match s {
        DeliveryState::Pending => "等待发送",
        DeliveryState::Delivered => "已送达",
        DeliveryState::Failed => "已放弃（24 小时未送达）",
    }
}

/// The webhooks page.
#[component]
pub(crate) fn WebhooksPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let hooks = load::<Vec<Webhook>>(|| "/api/v1/admin/webhooks".into(), reload.into());
    view! {
        <h1>"网站通知（Webhook）"</h1>
        <p class="cx-muted">"社区网站可以在这些事情发生时收到通知，例如提醒居民投票明天截止、公布结果。每条通知都带有签名（Standard Webhooks），网站用登记时显示的密钥核对。发送失败会在 24 小时内自动重试。"</p>
        <NewWebhook reload=reload />
        <h2>"已登记的地址"</h2>
        {show(hooks, move |list| {
            if list.is_empty() {
                return view! { <p class="cx-muted">"还没有登记地址。"</p> }.into_any();
            }
            view! {
                <ul class="cx-cards">
                    {list.into_iter().map(|w| view! { <HookCard hook=w reload=reload /> }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

/// The form registering an endpoint; shows the secret once.
#[component]
fn NewWebhook(reload: RwSignal<u32>) -> impl IntoView {
    let scope = RwSignal::new(None::<Id>);
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![EventType::PollClosingSoon, EventType::PollClosed]);
    let problem = RwSignal::new(None::<Problem>);
    let secret = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(scope_id) = scope.get() else {
            problem.set(Some(crate::parts::local_problem("scope_id", "请选择辖区")));
            return;
        };
        let draft = WebhookDraft {
            scope_id,
            url: url.get().trim().to_string(),
            events: chosen.get(),
        };
        if let Err(e) = draft.validate() {
            problem.set(Some(invalid(e)));
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match api::post::<_, Webhook>("/api/v1/admin/webhooks", &draft).await {
                Ok(w) => {
                    secret.set(w.secret);
                    url.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    let boxes = EventType::ALL
        .into_iter()
        .map(|e| {
            view! {
                <label class="cx-check">
                    <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&e))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| *x != e);
                                if on {
                                    c.push(e);
                                }
                            });
                        } />
                    {event_label(e)}" "<code>{e.as_str()}</code>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="cx-form" on:submit=submit>
            <h2>"登记新地址"</h2>
            <ScopeSelect label="哪个辖区的事情" value=scope power=Power::Run />
            <TextField label="接收地址（https://…）" value=url kind="url" />
            <fieldset class="cx-fieldset">
                <legend>"通知哪些事情"</legend>
                {boxes}
            </fieldset>
            <ProblemNote problem=problem />
            <div class="cx-actions">
                <button type="submit" class="cx-primary" prop:disabled=move || busy.get()>"登记"</button>
            </div>
            {move || secret.get().map(|s| view! {
                <div class="cx-secret-box" role="status">
                    <p>"已登记。请现在复制签名密钥交给网站开发人员，它只显示这一次："</p>
                    <p><code class="cx-secret">{s}</code></p>
                </div>
            })}
        </form>
    }
}

/// One endpoint: its events, switch off, its delivery log.
#[component]
fn HookCard(hook: Webhook, reload: RwSignal<u32>) -> impl IntoView {
    let id = hook.id;
    let open = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let off = hook.disabled_at.is_some();
    let switch_off = move |_| {
        spawn_local(async move {
            match api::delete(&format!("/api/v1/admin/webhooks/{id}")).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let events = hook
        .events
        .iter()
        .map(|e| event_label(*e))
        .collect::<Vec<_>>()
        .join("、");
    view! {
        <li>
            <h3 class="cx-card-title"><code>{hook.url.clone()}</code></h3>
            <p class="cx-muted">{events}</p>
            <p class="cx-muted">
                {format!("{} 登记于 {}", hook.created_by, local_time(hook.created_at))}
                {hook.disabled_at.map(|t| format!(" · 已于 {} 停用", local_time(t)))}
            </p>
            <ProblemNote problem=problem />
            <div class="cx-actions">
                <button type="button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>"投递记录"</button>
                {(!off).then(|| view! { <button type="button" on:click=switch_off>"停用"</button> })}
            </div>
            {move || open.get().then(|| view! { <DeliveryLog id=id /> })}
        </li>
    }
}

/// An endpoint's last deliveries, with "send again" where not delivered.
#[component]
fn DeliveryLog(id: Id) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let problem = RwSignal::new(None::<Problem>);
    let log = load::<Vec<Delivery>>(
        move || format!("/api/v1/admin/webhooks/{id}/deliveries?limit=50"),
        reload.into(),
    );
    let again = move |event: String| {
        spawn_local(async move {
            let path = format!("/api/v1/admin/webhooks/{id}/deliveries/{event}/retry");
            match api::post::<_, Delivery>(&path, &()).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <ProblemNote problem=problem />
        {show(log, move |list| {
            if list.is_empty() {
                return view! { <p class="cx-muted">"还没有通知。"</p> }.into_any();
            }
            view! {
                <ScrollBox label="投递记录">
                <table class="cx-table">
                    <thead><tr><th>"事情"</th><th>"时间"</th><th>"状态"</th><th>"尝试"</th><th>"最近结果"</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|d| {
                            let event = d.event_id.clone();
                            let result = match (d.last_status, d.last_error.clone()) {
                                (_, Some(e)) => e,
                                (Some(s), None) => format!("HTTP {s}"),
                                _ => String::new(),
                            };
                            let next = d.next_at.map(|t| format!("，下次 {}", local_time(t))).unwrap_or_default();
                            view! {
                                <tr>
                                    <td>{event_label(d.kind)}</td>
                                    <td>{local_time(d.created_at)}</td>
                                    <td>{format!("{}{next}", state_label(d.state))}</td>
                                    <td>{d.attempts}</td>
                                    <td>{result}</td>
                                    <td>{(d.state != DeliveryState::Delivered).then(|| {
                                        let event = event.clone();
                                        view! { <button type="button" on:click=move |_| again(event.clone())>"重新发送"</button> }
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </ScrollBox>
            }.into_any()
        })}
    }
}
