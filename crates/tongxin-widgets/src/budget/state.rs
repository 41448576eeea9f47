//! The budget round as the widget knows it — the round, its results, the
//! resident's ballot and the projects being chosen — and loading them
//! ([`use_budget`], a hook returning a `Copy` struct of signals like the
//! poll widget's).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::ClientError;
use tongxin_core::Id;
use tongxin_core::contract::{BudgetResultsView, BudgetView, MyBudgetBallot};
use tongxin_core::poll::PollStatus;

use crate::env::Env;
use crate::events::WidgetEvent;

/// What the budget widget shows, as signals.
#[derive(Clone, Copy)]
pub struct BudgetState {
    /// The round's id.
    pub id: Id,
    /// The round and its status, once loaded.
    pub view: RwSignal<Option<BudgetView>>,
    /// Its results as the backend shows them (hidden ones come as `None`).
    pub results: RwSignal<Option<BudgetResultsView>>,
    /// The resident's ballot (in an anonymous round, only that they voted).
    pub mine: RwSignal<Option<MyBudgetBallot>>,
    /// Why the round could not be loaded.
    pub load_error: RwSignal<Option<ClientError>>,
    /// The projects chosen so far, in the order they were ticked.
    pub chosen: RwSignal<Vec<Id>>,
    /// Why the last project ticked was not added (the meter says it).
    pub refusal: RwSignal<Option<String>>,
    /// The resident is changing their ballot.
    pub editing: RwSignal<bool>,
}

impl BudgetState {
    /// The status to show: the later of the round's and the results'.
    pub fn status(&self) -> Option<PollStatus> {
        let view = self.view.with(|v| v.as_ref().map(|v| v.status))?;
        let results = self.results.with(|r| r.as_ref().map(|r| r.status));
        Some(results.map_or(view, |s| s.max(view)))
    }
}

/// Loads round `id` now and again whenever a ballot kept offline went
/// through or was refused; tells the host `ready` or `error`.
pub fn use_budget(env: Env, id: Id) -> BudgetState {
    let state = BudgetState {
        id,
        view: RwSignal::new(None),
        results: RwSignal::new(None),
        mine: RwSignal::new(None),
        load_error: RwSignal::new(None),
        chosen: RwSignal::new(Vec::new()),
        refusal: RwSignal::new(None),
        editing: RwSignal::new(false),
    };
    load(env, state);
    env.offline.reload_with(move || load(env, state));
    state
}

/// Loads (again) the round, the resident's ballot and the results, in
/// one round trip.
pub fn load(env: Env, s: BudgetState) {
    s.load_error.set(None);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        env.offline.settle().await;
        let (round, my, r) = futures::future::join3(
            b.budget(s.id),
            b.my_budget_ballot(s.id),
            b.budget_results(s.id),
        )
        .await;
        match round {
            Ok(v) => {
                let my = my.unwrap_or(None);
                if let Some(p) = my.as_ref().and_then(|m| m.projects.clone()) {
                    s.chosen.set(p);
                }
                s.mine.set(my);
                s.results.set(r.ok());
                s.view.set(Some(v));
                env.fire(WidgetEvent::ready(s.id));
            }
            Err(e) => {
                env.fire(WidgetEvent::error(s.id, &e));
                s.load_error.set(Some(e));
            }
        }
    });
}
