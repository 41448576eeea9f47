//! The poll as the widget knows it — the poll, its results, the resident's
//! ballot and the choice being filled in — and loading them
//! ([`use_poll`], in the manner of leptos-use: a hook that returns a
//! `Copy` struct of signals).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::ClientError;
use tongxin_core::Id;
use tongxin_core::contract::live::Topic;
use tongxin_core::contract::{MyBallot, PollView, ResultsView};
use tongxin_core::poll::PollStatus;

use super::draft::Draft;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::live::use_live;

/// What the poll widget shows, as signals.
#[derive(Clone, Copy)]
pub struct PollState {
    /// The poll's id.
    pub id: Id,
    /// The poll and its status, once loaded.
    pub view: RwSignal<Option<PollView>>,
    /// Its results as the server shows them (hidden ones come as `None`).
    pub results: RwSignal<Option<ResultsView>>,
    /// The resident's ballot (or, in an anonymous poll, that they voted).
    pub mine: RwSignal<Option<MyBallot>>,
    /// Why the poll could not be loaded.
    pub load_error: RwSignal<Option<ClientError>>,
    /// The choice being filled in.
    pub draft: RwSignal<Draft>,
    /// The resident is changing their ballot.
    pub editing: RwSignal<bool>,
    /// Ballots counted here before the server confirmed them (optimistic).
    pub extra: RwSignal<u64>,
}

impl PollState {
    /// The status to show: a poll only moves forward (scheduled → open →
    /// closed), so the later of the two answers' statuses is the fresher.
    pub fn status(&self) -> Option<PollStatus> {
        let view = self.view.with(|v| v.as_ref().map(|v| v.status))?;
        let results = self.results.with(|r| r.as_ref().map(|r| r.status));
        Some(results.map_or(view, |s| s.max(view)))
    }

    /// The ballots to show, with the one being sent.
    pub fn ballots(&self) -> u64 {
        let from_results = self.results.with(|r| r.as_ref().map(|r| r.ballots));
        let from_view = self.view.with(|v| v.as_ref().map_or(0, |v| v.ballots));
        from_results.unwrap_or(from_view) + self.extra.get()
    }
}

/// Loads the poll `id` now and again whenever a ballot kept offline went
/// through or was refused; tells the host `ready` or `error`.
pub fn use_poll(env: Env, id: Id) -> PollState {
    let state = PollState {
        id,
        view: RwSignal::new(None),
        results: RwSignal::new(None),
        mine: RwSignal::new(None),
        load_error: RwSignal::new(None),
        draft: RwSignal::new(Draft::default()),
        editing: RwSignal::new(false),
        extra: RwSignal::new(0),
    };
    load(env, state);
    env.offline.reload_with(move || load(env, state));
    use_live(
        env,
        Topic::Poll(id),
        15,
        Box::new(move |news| live_results(env, state, news)),
    );
    state
}

/// New figures from the poll's stream. An event shows what anyone may see;
/// a resident who sees more (results shown after voting) reads them again.
fn live_results(env: Env, s: PollState, news: Option<String>) {
    let sees_more = s
        .results
        .with_untracked(|r| r.as_ref().is_some_and(|r| r.visible));
    match news.and_then(|n| serde_json::from_str::<ResultsView>(&n).ok()) {
        Some(r) if r.visible || !sees_more => s.results.set(Some(r)),
        _ => spawn_local(async move {
            let Some(b) = env.backend() else { return };
            if let Ok(r) = b.results(s.id).await {
                s.results.set(Some(r));
            }
        }),
    }
}

/// Loads (again) the poll, the resident's ballot and the results.
pub fn load(env: Env, s: PollState) {
    s.load_error.set(None);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        // A ballot kept offline goes out before the poll is shown.
        env.offline.settle().await;
        // One round trip, not three: on a phone each costs ~150 ms or more.
        let (poll, my, r) =
            futures::future::join3(b.poll(s.id), b.my_ballot(s.id), b.results(s.id)).await;
        match poll {
            Ok(p) => {
                let my = my.unwrap_or(None);
                s.draft
                    .set(match my.as_ref().and_then(|m| m.ballot.as_ref()) {
                        Some(ballot) => Draft::from_ballot(&p.poll, ballot),
                        None => Draft::new(&p.poll),
                    });
                s.mine.set(my);
                s.results.set(r.ok());
                s.view.set(Some(p));
                env.fire(WidgetEvent::ready(s.id));
            }
            Err(e) => {
                env.fire(WidgetEvent::error(s.id, &e));
                s.load_error.set(Some(e));
            }
        }
    });
}
