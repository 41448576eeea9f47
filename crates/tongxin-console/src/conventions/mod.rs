//! Conventions in the console: the list of those a member runs or follows,
//! the form for a new one ([`form`]) and one convention's desk ([`desk`]):
//! edit (a changed text publishes a new version), signatures by unit,
//! household codes, the CSV export and the embed snippet.

pub(crate) mod articles;
pub(crate) mod desk;
pub(crate) mod form;

use leptos::prelude::*;
use tongxin_core::contract::ConventionView;

use crate::parts::{load, show};
use crate::route::Route;
use crate::scopes::Scopes;
use crate::session::Session;

/// Whether a convention is open for signing, in words.
pub(crate) fn open_name(open: bool) -> &'static str {
    if open { "签署中" } else { "已截止" }
}

/// Every convention the member runs or whose scope holds one of their units.
#[component]
pub(crate) fn ConventionList() -> impl IntoView {
    let session = Session::get();
    let scopes = Scopes::get();
    let list = load::<Vec<ConventionView>>(|| "/api/v1/conventions".into(), Signal::stored(0));
    view! {
        <div class="cx-title-row">
            <h1>"公约"</h1>
            {move || session.runs_items().then(|| view! {
                <a class="cx-button cx-primary" href=Route::NewConvention.href()>"新建公约"</a>
            })}
        </div>
        {show(list, move |list| {
            let tree = scopes.tree();
            let mine: Vec<ConventionView> = list
                .into_iter()
                .filter(|c| session.concerns(c.convention.scope_id, &tree))
                .rev()
                .collect();
            if mine.is_empty() {
                return view! { <p class="cx-muted">"还没有公约。"</p> }.into_any();
            }
            view! {
                <ul class="cx-cards">
                    {mine.into_iter().map(|c| view! {
                        <li>
                            <a href=Route::Convention(c.convention.id).href()>{c.convention.title.clone()}</a>
                            <span class="cx-muted">
                                {format!("{} · 第 {} 版 · {} · 目标 {} 人", scopes.name(c.convention.scope_id), c.convention.version, open_name(c.open), c.convention.goal)}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
