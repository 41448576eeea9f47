//! Sending the resident's budget ballot: checked against the round's rule
//! first (no request for a ballot the server would refuse), then cast or
//! changed; a retry after a network failure is the same request (same
//! idempotency key), and a ballot without network waits in the outbox.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::ClientError;
use tongxin_core::budget::BudgetBallot;
use tongxin_core::contract::MyBudgetBallot;

use super::ballot::refusal_text;
use super::state::BudgetState;
use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::parts::{focus_soon, focused_root};

/// Casts the chosen projects (or, while editing, changes the ballot to them).
pub fn send_ballot(env: Env, s: BudgetState, action: ActionState) {
    let Some(view) = s.view.get_untracked() else {
        return;
    };
    let (round, id) = (view.round, s.id);
    let ballot = BudgetBallot {
        projects: s.chosen.get_untracked(),
    };
    if let Err(e) = round.check_ballot(&ballot) {
        return action.refuse(refusal_text(&e, &env.i18n()));
    }
    if env.code_missing(round.eligibility) {
        return action.refuse(env.t("code_required"));
    }
    let changing = s.editing.get_untracked();
    let root = focused_root();
    let key = action.start();
    s.refusal.set(None);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        let result = if changing {
            b.change_budget(id, &ballot, &key).await
        } else {
            b.cast_budget(id, &ballot, &key).await
        };
        // The results come with the answer: the card is redrawn once.
        let fresh = match result {
            Ok(_) => b.budget_results(id).await.ok(),
            Err(_) => None,
        };
        action.finish(&result, &env.i18n(), "invalid_ballot", env.offline);
        match result {
            Ok(receipt) => {
                if fresh.is_some() {
                    s.results.set(fresh);
                }
                env.forget_code(&b, round.eligibility);
                let shown = (!round.anonymous).then(|| ballot.projects.clone());
                if !changing && !round.anonymous {
                    s.view.update(|v| {
                        if let Some(v) = v {
                            v.ballots += 1;
                        }
                    });
                }
                s.mine.set(Some(MyBudgetBallot {
                    budget_id: id,
                    projects: shown.clone(),
                    cast_at: Some(receipt.at),
                    updated_at: Some(receipt.at),
                }));
                s.editing.set(false);
                env.fire(WidgetEvent::budget_voted(id, shown.as_deref()));
                if let Some(r) = root {
                    focus_soon(r, format!("tx-voted-{id}"));
                }
            }
            Err(ClientError::Queued) => s.editing.set(false),
            Err(e) => {
                if e.code() == Some("already-voted")
                    && let Ok(m) = b.my_budget_ballot(id).await
                {
                    s.mine.set(m);
                }
                env.fire(WidgetEvent::error(id, &e));
            }
        }
    });
}
