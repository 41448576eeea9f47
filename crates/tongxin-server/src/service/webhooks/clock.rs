//! Events the clock causes rather than a write: a poll or budget round
//! that opened, closes within 24 hours or closed (with its outcome where
//! it is public), a convention published. A job looks every
//! [`EVERY_SECS`] at the items whose moment fell in the last day (so a
//! server that was down catches up, and one that starts on an old
//! database does not announce its whole history); each event is recorded
//! once (`emit_tx`), whichever instance sees it first.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tongxin_core::webhooks::{DAY_MS, EventType, moments};
use tongxin_core::{Id, Millis};

use super::emit_tx;
use crate::service;
use crate::storage::sql::webhooks;
use crate::storage::{Store, StoreResult, WriteMeta};

/// Seconds between looks.
pub const EVERY_SECS: u64 = 5;

/// One event the clock found.
struct Found {
    kind: EventType,
    subject: String,
    scope: Id,
    data: Value,
}

/// Starts the job on the current runtime.
pub fn start(store: Arc<Store>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut done = HashSet::new();
        let mut every = tokio::time::interval(Duration::from_secs(EVERY_SECS));
        loop {
            every.tick().await;
            if let Err(e) = look(&store, crate::clock::now_ms(), &mut done).await {
                tracing::warn!("webhooks: looking for events: {e}");
            }
        }
    })
}

/// Records the events due at `now` not in `done` (those recorded by this
/// process already).
pub async fn look(
    store: &Store,
    now: Millis,
    done: &mut HashSet<(EventType, String)>,
) -> StoreResult<()> {
    if store.read(|db| webhooks::active(db)).await?.is_empty() {
        return Ok(());
    }
    let mut found = Vec::new();
    for p in service::polls::list(store, None).await? {
        let subject = format!("poll:{}", p.id);
        let at = moments(p.status(now), (p.opens_at, p.closes_at), p.created_at, now);
        let base = || json!({"poll_id": p.id, "scope_id": p.scope_id, "title": p.title, "opens_at": p.opens_at, "closes_at": p.closes_at});
        let mut add = |kind, data| {
            found.push(Found {
                kind,
                subject: subject.clone(),
                scope: p.scope_id,
                data,
            });
        };
        if at.opened {
            add(EventType::PollOpened, base());
        }
        if at.closing_soon {
            add(EventType::PollClosingSoon, base());
        }
        if at.closed {
            let (poll, tally) = service::polls::get(store, p.id).await?;
            let mut data = base();
            data["ballots"] = json!(tally.ballots);
            if poll.results_visible(now, false) {
                data["results"] = serde_json::to_value(tally.results(&poll))?;
            }
            add(EventType::PollClosed, data);
        }
    }
    for b in service::budgets::list(store, None).await? {
        let subject = format!("budget:{}", b.id);
        let at = moments(b.status(now), (b.opens_at, b.closes_at), b.created_at, now);
        let base = || json!({"budget_id": b.id, "scope_id": b.scope_id, "title": b.title, "fund_fen": b.fund_fen, "opens_at": b.opens_at, "closes_at": b.closes_at});
        let mut add = |kind, data| {
            found.push(Found {
                kind,
                subject: subject.clone(),
                scope: b.scope_id,
                data,
            });
        };
        if at.opened {
            add(EventType::BudgetOpened, base());
        }
        if at.closing_soon {
            add(EventType::BudgetClosingSoon, base());
        }
        if at.closed {
            let (round, tally) = service::budgets::get(store, b.id).await?;
            let mut data = base();
            data["ballots"] = json!(tally.ballots);
            if round.results_visible(now, false) {
                let r = service::budget_results::results(&round, &tally);
                data["funded"] = json!(r.computed_winners());
                data["spent_fen"] = json!(r.spent_fen);
            }
            add(EventType::BudgetDecided, data);
        }
    }
    for c in service::conventions::list(store, None).await? {
        if now >= c.created_at && now - c.created_at < DAY_MS {
            found.push(Found {
                kind: EventType::ConventionOpened,
                subject: format!("convention:{}", c.id),
                scope: c.scope_id,
                data: json!({"convention_id": c.id, "scope_id": c.scope_id, "title": c.title, "goal": c.goal}),
            });
        }
    }
    for f in found {
        let seen = (f.kind, f.subject.clone());
        if done.contains(&seen) {
            continue;
        }
        store
            .write(WriteMeta::plain(now), move |db, m| {
                emit_tx(db, f.kind, &f.subject, f.scope, |_| Ok(Some(f.data)), m.now)
            })
            .await?;
        done.insert(seen);
    }
    Ok(())
}
