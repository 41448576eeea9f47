//! The poll widget: loads a poll ([`state::use_poll`]), shows the right
//! state (loading, open, already voted, closed, results hidden, not
//! eligible, household code, error with retry that keeps the choice), and
//! casts or changes the ballot ([`vote::send_ballot`]) with an optimistic
//! count, then reconciles with the server.

pub mod draft;
pub mod form;
pub mod header;
mod order;
pub mod results;
pub mod state;
pub mod status;
pub mod vote;
pub mod vote_form;
pub mod voted;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::{Backend, Op, device};
use tongxin_core::Id;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::PollStatus;

use crate::action::use_action;
use crate::env::Env;
use crate::events::Emit;
use crate::i18n::I18n;
use crate::offline::OfflineNotices;
use crate::parts::{Notice, NoticeKind, load_failed_card, loading_card};
use header::poll_header;
use results::results_block;
use state::{load, use_poll};
use vote::send_ballot;
use vote_form::{VoteForm, vote_form};
use voted::voted_block;

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
    // A household code is never kept on the device: on a shared phone the
    // next person must not act as this household (codes kept by earlier
    // versions are dropped).
    device::forget(&format!("code:poll:{poll_id}"));
    // A backend without "change ballot" gets no change button.
    let can_change = backend.supports(Op::ChangeBallot);
    let env = Env::new(backend, i18n, emit, format!("/polls/{poll_id}/"));
    let s = use_poll(env, poll_id);
    let vote = use_action();
    let submit = Callback::new(move |_| send_ballot(env, s, vote));
    let edit = move |on: bool| {
        s.editing.set(on);
        vote.error.set(None);
    };

    move || {
        let i = env.i18n();
        if let Some(e) = s.load_error.get() {
            let retry = Callback::new(move |_| load(env, s));
            return load_failed_card(i.t("load_failed"), &e, "invalid_ballot", &i, retry);
        }
        let (Some(pv), Some(status)) = (s.view.get(), s.status()) else {
            return loading_card(&i);
        };
        let poll = pv.poll;
        let open = status == PollStatus::Open;
        let editing = s.editing.get();
        let my = s.mine.get();
        let can_vote = open && (my.is_none() || editing);
        let token_missing = poll.eligibility == Eligibility::Token && !has_voter_token;

        let form = (can_vote && !token_missing).then(|| {
            let code = (poll.eligibility == Eligibility::Code && !editing).then_some(env.code);
            let f = VoteForm {
                draft: s.draft,
                code,
                editing,
                busy: vote.busy,
            };
            vote_form(
                poll.clone(),
                f,
                move || submit.run(()),
                move || edit(false),
                &i,
            )
        });
        let voted = my.clone().filter(|_| !editing).map(|m| {
            let changeable = can_change && poll.allow_change && open;
            voted_block(&poll, &m, changeable, move || edit(true), &i)
        });
        let results = s.results.get().map(|r| {
            let mine = my.and_then(|m| m.ballot);
            results_block(poll.clone(), r, open, mine, i.clone())
        });

        view! {
            <article class="tx-card" lang=i.lang().tag()>
                {poll_header(&poll, status, s, &i)}
                {token_missing.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("not_eligible_token") /> })}
                <OfflineNotices offline=env.offline i18n=i.clone() />
                {voted}
                {form}
                {vote.error_view(submit, i.t("retry"))}
                {results}
            </article>
        }
        .into_any()
    }
}
