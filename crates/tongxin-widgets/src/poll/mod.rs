//! The poll widget: loads a poll, shows the right state (loading, open,
//! already voted, closed, results hidden, not eligible, household code,
//! error with retry that keeps the choice), casts or changes the ballot with
//! an optimistic count, then reconciles with the server.

pub mod draft;
pub mod form;
pub mod results;

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientError, IdemKey, Op, device};
use tongxin_core::Id;
use tongxin_core::contract::{MyBallot, PollView, ResultsView};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{BallotError, PollStatus, ResultVisibility};

use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::offline::{Offline, OfflineNotices};
use crate::parts::{
    HouseholdCodeField, Notice, NoticeKind, Skeleton, Text, focus_soon, focused_root,
};
use draft::Draft;
use form::BallotForm;
use results::{PollResultsView, ballot_summary};

/// What the resident sees for an error, in their language.
pub fn error_text(e: &ClientError, i18n: &I18n) -> String {
    crate::errors::error_text(e, i18n, "invalid_ballot")
}

fn ballot_error_text(e: &BallotError, i18n: &I18n) -> String {
    match e {
        BallotError::Empty => i18n.t("choose_one"),
        BallotError::MissingAnswer(_) => i18n.t("rate_each"),
        BallotError::TooManyChoices { max, .. } => i18n.n("choose_up_to", max),
        other => i18n.x("invalid_ballot", other),
    }
}

/// The poll widget.
#[component]
pub fn PollWidget(
    /// Poll id.
    poll_id: Id,
    /// Where the poll lives.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Whether the host page passed a signed voter token (for `token` polls).
    #[prop(optional)]
    has_voter_token: bool,
    /// Receives `ready`, `voted` and `error` events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
) -> impl IntoView {
    let backend = StoredValue::new_local(backend);
    let emit = StoredValue::new_local(emit);
    let view_state: RwSignal<Option<PollView>> = RwSignal::new(None);
    let results: RwSignal<Option<ResultsView>> = RwSignal::new(None);
    let mine: RwSignal<Option<MyBallot>> = RwSignal::new(None);
    let load_error: RwSignal<Option<ClientError>> = RwSignal::new(None);
    let submit_error: RwSignal<Option<String>> = RwSignal::new(None);
    let submitting = RwSignal::new(false);
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(Draft::default());
    // A household code is never kept on the device: on a shared phone the
    // next person must not act as this household (codes kept by earlier
    // versions are dropped).
    device::forget(&format!("code:poll:{poll_id}"));
    let code = RwSignal::new(String::new());
    let extra = RwSignal::new(0u64);
    let pending_key: StoredValue<Option<IdemKey>> = StoredValue::new(None);
    let i18n = StoredValue::new_local(i18n);
    let offline = Offline::new(backend, format!("/polls/{poll_id}/"));
    // A backend without "change ballot" gets no change button.
    let can_change = backend.with_value(|b| b.supports(Op::ChangeBallot));
    let fire = move |e: WidgetEvent| {
        emit.try_with_value(|f| {
            if let Some(f) = f {
                f(e);
            }
        })
    };

    let load = move || {
        load_error.set(None);
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            if !code.get_untracked().is_empty() {
                b.set_household_code(Some(code.get_untracked()));
            }
            // A ballot kept offline goes out before the poll is shown.
            offline.settle().await;
            // One round trip, not three: on a phone each costs ~150 ms or more.
            let (poll, my, r) =
                futures::future::join3(b.poll(poll_id), b.my_ballot(poll_id), b.results(poll_id))
                    .await;
            match poll {
                Ok(p) => {
                    let my = my.unwrap_or(None);
                    let r = r.ok();
                    draft.set(match my.as_ref().and_then(|m| m.ballot.as_ref()) {
                        Some(ballot) => Draft::from_ballot(&p.poll, ballot),
                        None => Draft::new(&p.poll),
                    });
                    mine.set(my);
                    results.set(r);
                    view_state.set(Some(p));
                    fire(WidgetEvent::ready(poll_id));
                }
                Err(e) => {
                    fire(WidgetEvent::error(poll_id, &e));
                    load_error.set(Some(e));
                }
            }
        });
    };
    load();
    offline.reload_with(load);

    let submit = move || {
        let Some(pv) = view_state.get_untracked() else {
            return;
        };
        let poll = pv.poll;
        let checked = draft
            .with_untracked(|d| d.to_ballot(&poll.kind))
            .and_then(|b| b.validate(&poll).map(|_| b));
        let ballot = match checked {
            Ok(b) => b,
            Err(e) => {
                submit_error.set(Some(i18n.with_value(|i| ballot_error_text(&e, i))));
                return;
            }
        };
        if poll.eligibility == Eligibility::Code && code.get_untracked().trim().is_empty() {
            submit_error.set(Some(i18n.with_value(|i| i.t("code_required"))));
            return;
        }
        let key = pending_key.get_value().unwrap_or_default();
        pending_key.set_value(Some(key.clone()));
        let changing = editing.get_untracked();
        // Where the focus goes back to once the vote is in (the form is gone).
        let root = focused_root();
        submitting.set(true);
        submit_error.set(None);
        if !changing {
            extra.set(1);
        }
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            if poll.eligibility == Eligibility::Code {
                b.set_household_code(Some(code.get_untracked()));
            }
            let result = if changing {
                b.change(poll_id, &ballot, &key).await
            } else {
                b.cast(poll_id, &ballot, &key).await
            };
            // The results come with the answer: the card is redrawn once, so
            // the focus given to "voted" stays there.
            let fresh = match result {
                Ok(_) => b.results(poll_id).await.ok(),
                Err(_) => None,
            };
            submitting.set(false);
            match result {
                Ok(receipt) => {
                    pending_key.set_value(None);
                    if fresh.is_some() {
                        results.set(fresh);
                    }
                    extra.set(0);
                    if poll.eligibility == Eligibility::Code {
                        code.set(String::new());
                        b.set_household_code(None);
                    }
                    mine.set(Some(MyBallot {
                        poll_id,
                        ballot: if poll.anonymous {
                            None
                        } else {
                            Some(ballot.clone())
                        },
                        cast_at: Some(receipt.at),
                        updated_at: Some(receipt.at),
                    }));
                    editing.set(false);
                    fire(WidgetEvent::voted(
                        poll_id,
                        (!poll.anonymous).then_some(&ballot),
                    ));
                    if let Some(r) = root {
                        focus_soon(r, format!("tx-voted-{poll_id}"));
                    }
                }
                Err(ClientError::Queued) => {
                    // Kept on the device with its key; sent when back online.
                    pending_key.set_value(None);
                    extra.set(0);
                    editing.set(false);
                    offline.kept();
                }
                Err(e) => {
                    extra.set(0);
                    if e.code() == Some("already-voted") {
                        pending_key.set_value(None);
                        if let Ok(m) = b.my_ballot(poll_id).await {
                            mine.set(m);
                        }
                    }
                    fire(WidgetEvent::error(poll_id, &e));
                    submit_error.set(Some(i18n.with_value(|i| error_text(&e, i))));
                }
            }
        });
    };

    move || {
        let i = i18n.get_value();
        if let Some(e) = load_error.get() {
            let retry = (i.t("retry"), Callback::new(move |_| load()));
            return view! {
                <div class="tx-card">
                    <Notice kind=NoticeKind::Error text=format!("{} {}", i.t("load_failed"), error_text(&e, &i)) retry=retry />
                </div>
            }
            .into_any();
        }
        let Some(pv) = view_state.get() else {
            return view! { <div class="tx-card"><Skeleton label=i.t("loading") /></div> }
                .into_any();
        };
        let poll = pv.poll.clone();
        // A poll only moves forward (scheduled → open → closed): the later
        // of the two answers' statuses is the fresher one.
        let status = results
            .with(|r| r.as_ref().map(|r| r.status))
            .map_or(pv.status, |s| s.max(pv.status));
        let ballots = results
            .with(|r| r.as_ref().map(|r| r.ballots))
            .unwrap_or(pv.ballots)
            + extra.get();
        let my = mine.get();
        let voted = my.is_some();
        let badge = match status {
            PollStatus::Open => ("tx-badge tx-open", i.t("status_open")),
            PollStatus::Closed => ("tx-badge tx-closed", i.t("status_closed")),
            PollStatus::Scheduled => ("tx-badge", i.t("status_scheduled")),
        };
        let times = match (status, poll.opens_at, poll.closes_at) {
            (PollStatus::Scheduled, Some(o), _) => Some(i.x("opens_at", i.time(o))),
            (PollStatus::Open, _, Some(c)) => Some(i.x("closes_at", i.time(c))),
            _ => None,
        };
        let can_vote = status == PollStatus::Open && (!voted || editing.get());
        let token_missing = poll.eligibility == Eligibility::Token && !has_voter_token;

        let form = (can_vote && !token_missing).then(|| {
            let p = poll.clone();
            let i2 = i.clone();
            let code_field = (poll.eligibility == Eligibility::Code && !editing.get())
                .then(|| view! { <HouseholdCodeField code=code i18n=i2.clone() /> });
            let label = if editing.get() { i2.t("submit_change") } else { i2.t("vote") };
            let busy_label = i2.t("submitting");
            view! {
                <form class="tx-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    {code_field}
                    <BallotForm poll=p draft=draft i18n=i2.clone() />
                    <div class="tx-actions">
                        <button type="submit" class="tx-button" prop:disabled=move || submitting.get()>
                            {move || if submitting.get() { busy_label.clone() } else { label.clone() }}
                        </button>
                        {editing.get().then(|| {
                            let cancel = i2.t("cancel");
                            view! {
                                <button type="button" class="tx-button tx-secondary" on:click=move |_| { editing.set(false); submit_error.set(None); }>
                                    {cancel}
                                </button>
                            }
                        })}
                    </div>
                </form>
            }
        });

        let voted_block = (voted && !editing.get()).then(|| {
            let summary = my.as_ref().and_then(|m| m.ballot.as_ref()).map(|b| i.x("your_ballot", ballot_summary(&poll, b, &i)));
            let note = if poll.anonymous { Some(i.t("anonymous_ballot")) } else { None };
            let change = (can_change && poll.allow_change && status == PollStatus::Open && my.as_ref().is_some_and(|m| m.ballot.is_some())).then(|| {
                let l = i.t("change_vote");
                view! { <button type="button" class="tx-button tx-secondary" on:click=move |_| { editing.set(true); submit_error.set(None); }>{l}</button> }
            });
            view! {
                <div class="tx-voted" id=format!("tx-voted-{poll_id}") tabindex="-1">
                    <Notice kind=NoticeKind::Success text=i.t("voted") />
                    {summary.map(|s| view! { <p class="tx-my-ballot">{s}</p> })}
                    {note.map(|n| view! { <p class="tx-hint">{n}</p> })}
                    {change}
                </div>
            }
        });

        let results_block = results.get().map(|r| match r.results {
            Some(res) if r.ballots > 0 => view! { <PollResultsView poll=poll.clone() results=res mine=my.as_ref().and_then(|m| m.ballot.clone()) i18n=i.clone() /> }.into_any(),
            // An open anonymous poll shows its figures in batches (server side).
            Some(_) if poll.anonymous && status == PollStatus::Open => view! { <p class="tx-hint">{i.t("results_in_batches")}</p> }.into_any(),
            Some(_) => view! { <p class="tx-hint">{i.t("no_votes")}</p> }.into_any(),
            None => {
                let why = match r.visibility {
                    ResultVisibility::AfterClose => i.t("results_after_close"),
                    _ => i.t("results_after_vote"),
                };
                view! { <p class="tx-hint tx-hidden-results">{why}</p> }.into_any()
            }
        });

        view! {
            <article class="tx-card" lang=i.lang().tag()>
                <header class="tx-header">
                    <h2 class="tx-title"><Text text=poll.title.clone() lang=i.lang() /></h2>
                    <div class="tx-meta">
                        <span class=badge.0>{badge.1}</span>
                        <span class="tx-count" aria-live="polite">{i.n("participants", ballots)}</span>
                    </div>
                    {times.map(|t| view! { <p class="tx-hint">{t}</p> })}
                </header>
                {(!poll.description.is_empty()).then(|| view! { <p class="tx-description"><Text text=poll.description.clone() lang=i.lang() /></p> })}
                {token_missing.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("not_eligible_token") /> })}
                <OfflineNotices offline=offline i18n=i.clone() />
                {voted_block}
                {form}
                {move || submit_error.get().map(|e| {
                    let retry = (i18n.with_value(|i| i.t("retry")), Callback::new(move |_| submit()));
                    view! { <Notice kind=NoticeKind::Error text=e retry=retry /> }
                })}
                {results_block}
            </article>
        }
        .into_any()
    }
}
