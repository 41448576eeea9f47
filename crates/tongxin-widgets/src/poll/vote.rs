//! Sending the resident's ballot: checks it against the poll first (no
//! request for a ballot the server would refuse), counts it at once
//! (optimistic), then reconciles with the server's answer. A retry after a
//! network failure is the same request (same idempotency key).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::ClientError;
use tongxin_core::contract::MyBallot;
use tongxin_core::poll::BallotError;

use super::state::PollState;
use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::i18n::I18n;
use crate::parts::{focus_soon, focused_root};

fn ballot_error_text(e: &BallotError, i18n: &I18n) -> String {
    match e {
        BallotError::Empty => i18n.t("choose_one"),
        BallotError::MissingAnswer(_) => i18n.t("rate_each"),
        BallotError::TooManyChoices { max, .. } => i18n.n("choose_up_to", max),
        other => i18n.x("invalid_ballot", other),
    }
}

/// Casts the draft (or, while editing, changes the ballot to it).
pub fn send_ballot(env: Env, s: PollState, action: ActionState) {
    let Some(pv) = s.view.get_untracked() else {
        return;
    };
    let (poll, id) = (pv.poll, s.id);
    let checked = s
        .draft
        .with_untracked(|d| d.to_ballot(&poll.kind))
        .and_then(|b| b.validate(&poll).map(|_| b));
    let ballot = match checked {
        Ok(b) => b,
        Err(e) => return action.refuse(ballot_error_text(&e, &env.i18n())),
    };
    if env.code_missing(poll.eligibility) {
        return action.refuse(env.t("code_required"));
    }
    let changing = s.editing.get_untracked();
    // Where the focus goes back to once the vote is in (the form is gone).
    let root = focused_root();
    let key = action.start();
    if !changing {
        s.extra.set(1);
    }
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        let result = if changing {
            b.change(id, &ballot, &key).await
        } else {
            b.cast(id, &ballot, &key).await
        };
        // The results come with the answer: the card is redrawn once, so
        // the focus given to "voted" stays there.
        let fresh = match result {
            Ok(_) => b.results(id).await.ok(),
            Err(_) => None,
        };
        action.finish(&result, &env.i18n(), "invalid_ballot", env.offline);
        s.extra.set(0);
        match result {
            Ok(receipt) => {
                if fresh.is_some() {
                    s.results.set(fresh);
                }
                env.forget_code(&b, poll.eligibility);
                s.mine.set(Some(MyBallot {
                    poll_id: id,
                    ballot: (!poll.anonymous).then(|| ballot.clone()),
                    cast_at: Some(receipt.at),
                    updated_at: Some(receipt.at),
                }));
                s.editing.set(false);
                env.fire(WidgetEvent::voted(id, (!poll.anonymous).then_some(&ballot)));
                if let Some(r) = root {
                    focus_soon(r, format!("tx-voted-{id}"));
                }
            }
            // Kept on the device with its key; sent when back online.
            Err(ClientError::Queued) => s.editing.set(false),
            Err(e) => {
                if e.code() == Some("already-voted")
                    && let Ok(m) = b.my_ballot(id).await
                {
                    s.mine.set(m);
                }
                env.fire(WidgetEvent::error(id, &e));
            }
        }
    });
}
