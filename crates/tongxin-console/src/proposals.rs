//! "Residents order the dish" (百姓点菜) in the console: the queue of
//! proposals per step of 提议→合议→群议→决议→评议, and one proposal's desk —
//! move it with a note (the server's guard is shown when it refuses),
//! create its consultation and resolution polls, keep its ledger, read
//! its timeline.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::{Page, ProposalCard, ProposalDetail};
use tongxin_core::poll::Poll;
use tongxin_core::proposal::funding::{LedgerInput, LedgerKind, format_yuan, parse_yuan};
use tongxin_core::proposal::polls::{NewProposalPoll, PollRole};
use tongxin_core::proposal::{
    Proposal, Step, TransitionAction, TransitionRecord, TransitionRequest,
};
use tongxin_core::staff::codes::CodeTarget;

use crate::api::{self, Problem};
use crate::audit::local_time;
use crate::parts::{ProblemNote, TextArea, TextField, invalid, load, local_problem, show};
use crate::proposal_settings::SettingsForm;
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;

/// The Chinese name of a step.
pub(crate) fn step_name(step: Step) -> &'static str {
    match step {
        Step::Propose => "提议",
        Step::Deliberate => "合议",
        Step::Consult => "群议",
        Step::Resolve => "决议",
        Step::Evaluate => "评议",
    }
}

/// The queue: one column per step.
#[component]
pub(crate) fn Queue() -> impl IntoView {
    let step = RwSignal::new(Step::Propose);
    let page = load::<Page<ProposalCard>>(
        move || format!("/api/v1/proposals?step={}&limit=100", step.get().as_str()),
        Signal::stored(0),
    );
    let scopes = Scopes::get();
    let session = Session::get();
    view! {
        <h1>"百姓点菜 · 提议队列"</h1>
        <div role="tablist" aria-label="步骤" class="cx-tabs">
            {Step::ALL.into_iter().map(|s| view! {
                <button type="button" role="tab" aria-selected=move || (step.get() == s).to_string()
                    on:click=move |_| step.set(s)>{step_name(s)}</button>
            }).collect_view()}
        </div>
        <div role="tabpanel">
            {show(page, move |p| {
                let tree = scopes.tree();
                let mine: Vec<_> = p.items.into_iter().filter(|c| session.concerns(c.proposal.scope_id, &tree)).collect();
                if mine.is_empty() {
                    return view! { <p class="cx-muted">"这一步没有提议。"</p> }.into_any();
                }
                view! {
                    <ul class="cx-cards">
                        {mine.into_iter().map(|c| view! {
                            <li>
                                <a href=Route::Proposal(c.proposal.id).href()>{c.proposal.title.clone()}</a>
                                <span class="cx-muted">{format!("{} · 支持 {} / {} · 已筹 {} 元",
                                    scopes.name(c.proposal.scope_id), c.proposal.supports, c.proposal.support_threshold,
                                    format_yuan(c.funding.pledged_total_fen))}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </div>
    }
}

/// The actions a clerk can ask for at `step`.
fn actions_at(step: Step) -> &'static [(&'static str, &'static str)] {
    match step {
        Step::Resolve => &[
            ("decide", "按决议投票结果决定"),
            ("record_delivery", "登记已实施"),
            ("advance", "进入下一步"),
            ("reject", "不予采纳"),
            ("withdraw", "撤回"),
        ],
        Step::Evaluate => &[("withdraw", "撤回")],
        _ => &[
            ("advance", "进入下一步"),
            ("reject", "不予采纳"),
            ("withdraw", "撤回"),
        ],
    }
}

/// The transition a form asks for.
fn action_of(name: &str, note: Option<String>, override_threshold: bool) -> TransitionAction {
    match name {
        "decide" => TransitionAction::Decide { note },
        "record_delivery" => TransitionAction::RecordDelivery { note },
        "reject" => TransitionAction::Reject {
            reason: note.unwrap_or_default(),
        },
        "withdraw" => TransitionAction::Withdraw { note },
        _ => TransitionAction::Advance {
            note,
            override_threshold,
        },
    }
}

/// One proposal's desk.
#[component]
pub(crate) fn ProposalDesk(
    /// The proposal.
    id: Id,
) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let detail = load::<ProposalDetail>(move || format!("/api/v1/proposals/{id}"), reload.into());
    let timeline = load::<Vec<TransitionRecord>>(
        move || format!("/api/v1/proposals/{id}/timeline"),
        reload.into(),
    );
    let scopes = Scopes::get();
    view! {
        <p><a href=Route::Proposals.href()>"← 提议队列"</a></p>
        {show(detail, move |d| {
            let p = d.proposal.clone();
            view! {
                <h1>{p.title.clone()}</h1>
                <ol class="cx-steps" aria-label="五步议事">
                    {Step::ALL.into_iter().map(|s| view! {
                        <li aria-current=(s == p.step).then_some("step")>{step_name(s)}</li>
                    }).collect_view()}
                </ol>
                <p class="cx-muted">{
                    // Its own closure: the scope list arriving must not redraw the desk.
                    let (scope, rest) = (p.scope_id, format!("{} · 支持 {} / {} · 认筹 {} / {} 元 · 收 {} 元 · 支 {} 元",
                        p.status.as_str(), p.supports, p.support_threshold,
                        format_yuan(d.funding.pledged_total_fen), format_yuan(d.funding.goal_fen),
                        format_yuan(d.funding.received_fen), format_yuan(d.funding.spent_fen)));
                    move || format!("{} · {rest}", scopes.name(scope))
                }</p>
                <div class="cx-actions">
                    <a class="cx-button" href=Route::Codes(CodeTarget::Proposal, id).href()>"入户码"</a>
                    <a class="cx-button" href=Route::Paper(CodeTarget::Proposal, id).href()>"纸质录入"</a>
                    <a class="cx-button" href=format!("/api/v1/proposals/{id}/ledger.csv") download=format!("proposal-{id}-ledger.csv")>"导出账目 CSV"</a>
                </div>
                <PollLinks proposal=p.clone() reload=reload />
                <MoveForm proposal=p.clone() reload=reload />
                <LedgerForm id=id reload=reload />
                <SettingsForm proposal=p.clone() reload=reload />
            }
        })}
        <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">"进程记录"</h2>
            {show(timeline, |list| view! {
                <ol class="cx-timeline">
                    {list.into_iter().map(|r| view! {
                        <li>
                            <strong>{format!("{} → {}", step_name(r.from_step), step_name(r.to_step))}</strong>
                            {format!(" · {} · {}", r.actor, local_time(r.at))}
                            {r.note.map(|n| view! { <p>{n}</p> })}
                        </li>
                    }).collect_view()}
                </ol>
            })}
        </section>
    }
}

/// The consultation and resolution polls: a link to each, or a button
/// that has the server make it from the proposal and attach it (one write).
#[component]
fn PollLinks(proposal: Proposal, reload: RwSignal<u32>) -> impl IntoView {
    let problem = RwSignal::new(None::<Problem>);
    let id = proposal.id;
    let create = move |role: PollRole| {
        spawn_local(async move {
            let path = format!("/api/v1/admin/proposals/{id}/polls");
            match api::post::<_, Poll>(&path, &NewProposalPoll { role }).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    let row = move |label: &'static str, role: PollRole| {
        match proposal.poll_of(role) {
        Some(poll) => view! { <li><a href=Route::Poll(poll).href()>{label}</a></li> }.into_any(),
        None => view! { <li><button type="button" on:click=move |_| create(role)>{format!("创建{label}")}</button></li> }.into_any(),
    }
    };
    view! {
        <ul class="cx-inline">
            {row("群议投票", PollRole::Consultation)}
            {row("决议投票", PollRole::Resolution)}
        </ul>
        <ProblemNote problem=problem />
    }
}

/// Moves the proposal with a note; the server says why when it refuses.
#[component]
fn MoveForm(proposal: Proposal, reload: RwSignal<u32>) -> impl IntoView {
    let session = Session::get();
    let me = session
        .0
        .with(|s| s.as_ref().map(|s| s.account.display_name.clone()))
        .unwrap_or_default();
    let actor = RwSignal::new(me);
    let action = RwSignal::new(actions_at(proposal.step)[0].0.to_string());
    let note = RwSignal::new(String::new());
    let override_threshold = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let id = proposal.id;
    let at_propose = proposal.step == Step::Propose;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = note.get().trim().to_string();
        let req = TransitionRequest {
            actor: actor.get().trim().to_string(),
            action: action_of(
                &action.get(),
                (!text.is_empty()).then_some(text),
                override_threshold.get(),
            ),
        };
        spawn_local(async move {
            match api::post::<_, TransitionRecord>(
                &format!("/api/v1/admin/proposals/{id}/transitions"),
                &req,
            )
            .await
            {
                Ok(_) => {
                    problem.set(None);
                    note.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="cx-form" on:submit=submit aria-labelledby="move-h">
            <h2 id="move-h">"推进"</h2>
            <label class="cx-field">
                <span>"操作"</span>
                <select aria-label="操作" on:change=move |ev| action.set(event_target_value(&ev))>
                    {actions_at(proposal.step).iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </label>
            <TextArea label="说明（合议进入群议时填写居委会意见；不予采纳须写理由）" value=note />
            <TextField label="署名（显示在进程记录上）" value=actor />
            {at_propose.then(|| view! {
                <label class="cx-check"><input type="checkbox" bind:checked=override_threshold />"支持数未达门槛也推进（须写明理由）"</label>
            })}
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary">"提交"</button>
        </form>
    }
}

/// Records money received or spent.
#[component]
fn LedgerForm(id: Id, reload: RwSignal<u32>) -> impl IntoView {
    let kind = RwSignal::new("received".to_string());
    let amount = RwSignal::new(String::new());
    let memo = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(fen) = parse_yuan(&amount.get()) else {
            problem.set(Some(local_problem(
                "amount_fen",
                "请填写金额（元），如 120 或 120.50",
            )));
            return;
        };
        let input = LedgerInput {
            kind: if kind.get() == "spent" {
                LedgerKind::Spent
            } else {
                LedgerKind::Received
            },
            amount_fen: fen,
            memo: memo.get().trim().to_string(),
        };
        if let Err(e) = input.validate() {
            problem.set(Some(invalid(e)));
            return;
        }
        spawn_local(async move {
            match api::post::<_, serde_json::Value>(
                &format!("/api/v1/admin/proposals/{id}/ledger"),
                &input,
            )
            .await
            {
                Ok(_) => {
                    problem.set(None);
                    amount.set(String::new());
                    memo.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="cx-form" on:submit=submit aria-labelledby="ledger-h">
            <h2 id="ledger-h">"记账"</h2>
            <label class="cx-field">
                <span>"类别"</span>
                <select aria-label="类别" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="received">"收入"</option>
                    <option value="spent">"支出"</option>
                </select>
            </label>
            <TextField label="金额（元）" value=amount />
            <TextField label="摘要，如 蹲便器 4 套" value=memo />
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary">"记一笔"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_asks_the_machine_for_what_it_names() {
        assert_eq!(
            action_of("advance", Some("同意".into()), true),
            TransitionAction::Advance {
                note: Some("同意".into()),
                override_threshold: true
            }
        );
        assert_eq!(
            action_of("reject", None, false),
            TransitionAction::Reject {
                reason: String::new()
            }
        );
        assert!(matches!(
            action_of("decide", None, false),
            TransitionAction::Decide { .. }
        ));
        for step in Step::ALL {
            assert!(!actions_at(step).is_empty());
        }
    }
}
