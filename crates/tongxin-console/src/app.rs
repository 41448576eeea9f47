//! The console's frame: the session check at start, the sign-in form or
//! the header with its navigation, and the page of the current route.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::scope::Scope;
use tongxin_core::staff::SessionView;

use crate::route::{Route, use_route};
use crate::scopes::Scopes;
use crate::session::{Session, SignIn};
use crate::{
    accounts, audit, budgets, codes, conventions, moderation, paper, polls, proposals, scopes,
    webhooks,
};

/// The whole console.
#[component]
pub(crate) fn App() -> impl IntoView {
    let session = Session(RwSignal::new(None));
    provide_context(session);
    let checked = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(v) = crate::api::get::<SessionView>("/api/v1/staff/session").await {
            session.keep(v);
        }
        checked.set(true);
    });
    move || {
        if !checked.get() {
            view! { <p class="cx-muted">"加载中…"</p> }.into_any()
        } else if session.0.with(Option::is_some) {
            view! { <Shell /> }.into_any()
        } else {
            view! { <SignIn /> }.into_any()
        }
    }
}

/// Header, navigation and the current page, for a signed-in member.
#[component]
fn Shell() -> impl IntoView {
    let session = Session::get();
    let route = use_route();
    let tree = RwSignal::new(Vec::<Scope>::new());
    provide_context(Scopes(tree));
    spawn_local(async move {
        if let Ok(list) = crate::api::get::<Vec<Scope>>("/api/v1/scopes").await {
            tree.set(list);
        }
    });
    let name = move || {
        session
            .0
            .with(|s| s.as_ref().map(|s| s.account.display_name.clone()))
            .unwrap_or_default()
    };
    let link = move |r: Route, label: &'static str| {
        let current = move || {
            let here = route.get();
            let same = std::mem::discriminant(&here) == std::mem::discriminant(&r)
                || matches!(
                    (here, r),
                    (
                        Route::Poll(_) | Route::NewPoll | Route::Codes(..) | Route::Paper(..),
                        Route::Polls
                    )
                )
                || matches!((here, r), (Route::Proposal(_), Route::Proposals))
                || matches!(
                    (here, r),
                    (Route::Budget(_) | Route::NewBudget, Route::Budgets)
                )
                || matches!(
                    (here, r),
                    (
                        Route::Convention(_) | Route::NewConvention,
                        Route::Conventions
                    )
                );
            same.then_some("page")
        };
        view! { <a href=r.href() aria-current=current>{label}</a> }
    };
    view! {
        <header class="cx-header">
            <span class="cx-brand">"同心 · 工作台"</span>
            <nav aria-label="工作台">
                {link(Route::Polls, "投票")}
                {link(Route::Conventions, "公约")}
                {move || session.runs_items().then(|| link(Route::Proposals, "百姓点菜"))}
                {link(Route::Budgets, "社区资金")}
                {move || session.runs_items().then(|| link(Route::Moderation, "评论审核"))}
                {link(Route::Scopes, "辖区")}
                {move || session.is_administrator().then(|| link(Route::Accounts, "账号"))}
                {move || session.runs_items().then(|| link(Route::Webhooks, "网站通知"))}
                {move || session.is_administrator().then(|| link(Route::Audit, "操作记录"))}
            </nav>
            <span class="cx-who">{name}</span>
            <button type="button" class="cx-link" on:click=move |_| session.end()>"退出"</button>
        </header>
        <main class="cx-main">
            {move || match route.get() {
                Route::Polls => view! { <polls::PollList /> }.into_any(),
                Route::NewPoll => view! { <polls::form::NewPoll /> }.into_any(),
                Route::Poll(id) => view! { <polls::detail::PollDetail id=id /> }.into_any(),
                Route::Conventions => view! { <conventions::ConventionList /> }.into_any(),
                Route::NewConvention => view! { <conventions::form::NewConvention /> }.into_any(),
                Route::Convention(id) => view! { <conventions::desk::ConventionDesk id=id /> }.into_any(),
                Route::Proposals => view! { <proposals::Queue /> }.into_any(),
                Route::Proposal(id) => view! { <proposals::ProposalDesk id=id /> }.into_any(),
                Route::Budgets => view! { <budgets::BudgetList /> }.into_any(),
                Route::NewBudget => view! { <budgets::form::NewBudget /> }.into_any(),
                Route::Budget(id) => view! { <budgets::desk::BudgetDesk id=id /> }.into_any(),
                Route::Codes(t, id) => view! { <codes::CodesPage target=t id=id /> }.into_any(),
                Route::Paper(t, id) => view! { <paper::PaperPage target=t id=id /> }.into_any(),
                Route::Moderation => view! { <moderation::ModerationQueue /> }.into_any(),
                Route::Scopes => view! { <scopes::ScopeTreePage /> }.into_any(),
                Route::Accounts => view! { <accounts::Accounts /> }.into_any(),
                Route::Audit => view! { <audit::AuditLog /> }.into_any(),
                Route::Webhooks => view! { <webhooks::WebhooksPage /> }.into_any(),
            }}
        </main>
    }
}
