//! Polls in the console: the list of the polls a member runs or follows,
//! the form for a new one ([`form`]), one poll's desk ([`detail`]) and
//! editing it ([`edit`]).

pub(crate) mod detail;
pub(crate) mod edit;
pub(crate) mod form;

use leptos::prelude::*;
use tongxin_core::contract::PollView;
use tongxin_core::poll::{PollKind, PollStatus};

use crate::parts::{load, show};
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;

/// The Chinese name of a poll kind.
pub(crate) fn kind_name(kind: &PollKind) -> &'static str {
    match kind {
        PollKind::Single => "单选",
        PollKind::Multiple { .. } => "多选",
        PollKind::Approval { .. } => "赞成 / 反对",
        PollKind::Score => "满意度评分",
        PollKind::Ranked => "排序",
        PollKind::Dot { .. } => "投点",
    }
}

/// The Chinese name of a status.
pub(crate) fn status_name(status: PollStatus) -> &'static str {
    match status {
        PollStatus::Scheduled => "未开始",
        PollStatus::Open => "进行中",
        PollStatus::Closed => "已结束",
    }
}

/// Every poll the member runs or whose scope holds one of their units.
#[component]
pub(crate) fn PollList() -> impl IntoView {
    let session = Session::get();
    let scopes = Scopes::get();
    let polls = load::<Vec<PollView>>(|| "/api/v1/polls".into(), Signal::stored(0));
    view! {
        <div class="cx-title-row">
            <h1>"投票"</h1>
            {move || session.runs_items().then(|| view! {
                <a class="cx-button cx-primary" href=Route::NewPoll.href()>"新建投票"</a>
            })}
        </div>
        {show(polls, move |list| {
            let tree = scopes.tree();
            let mine: Vec<PollView> = list
                .into_iter()
                .filter(|p| session.concerns(p.poll.scope_id, &tree))
                .rev()
                .collect();
            if mine.is_empty() {
                return view! { <p class="cx-muted">"还没有投票。"</p> }.into_any();
            }
            view! {
                <ul class="cx-cards">
                    {mine.into_iter().map(|p| view! {
                        <li>
                            <a href=Route::Poll(p.poll.id).href()>{p.poll.title.clone()}</a>
                            <span class="cx-muted">
                                {format!("{} · {} · {} · {} 票", scopes.name(p.poll.scope_id), kind_name(&p.poll.kind), status_name(p.status), p.ballots)}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
