//! Events out for host sites: registering endpoints, their delivery log
//! and retries (staff), and the events themselves — written into the
//! durable outbox by the transaction of the change that caused them
//! ([`emit_tx`]) or by the clock ([`clock`]: items that opened, close
//! within a day or closed). The delivery worker (`crate::webhooks`) sends
//! what is due.

pub mod clock;
mod emit;

use base64::Engine as _;
use tongxin_core::Id;
use tongxin_core::webhooks::{Delivery, MAX_PER_SCOPE, Webhook, WebhookDraft};

pub use emit::emit_tx;

use crate::storage::sql::webhooks::{Due, Outcome};
use crate::storage::sql::{scopes, webhooks};
use crate::storage::{Store, StoreError, StoreResult, WriteMeta};

/// A new signing secret: `whsec_` and 24 random bytes in base64, as
/// Standard Webhooks has it.
fn new_secret() -> StoreResult<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Internal(e.to_string()))?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Registers an endpoint; the answer carries its secret, shown this once.
pub async fn register(
    store: &Store,
    meta: WriteMeta,
    draft: WebhookDraft,
    by: String,
) -> StoreResult<Webhook> {
    draft.validate().map_err(StoreError::Invalid)?;
    let secret = new_secret()?;
    store
        .write_typed(meta, move |db, m| {
            if !scopes::scope_exists(db, draft.scope_id)? {
                return Err(StoreError::NotFound("scope"));
            }
            if webhooks::active_in_scope(db, draft.scope_id)? >= MAX_PER_SCOPE as u64 {
                return Err(StoreError::conflict(
                    "too-many-webhooks",
                    format!("a scope has at most {MAX_PER_SCOPE} endpoints; switch one off first"),
                ));
            }
            let mut w = Webhook {
                id: Id::int(0),
                scope_id: draft.scope_id,
                url: draft.url,
                events: draft.events,
                created_at: m.now,
                created_by: by,
                disabled_at: None,
                secret: None,
            };
            w.id = webhooks::insert(db, &w, &secret)?;
            w.secret = Some(secret);
            Ok(w)
        })
        .await
}

/// Every endpoint (without secrets), newest first.
pub async fn list(store: &Store) -> StoreResult<Vec<Webhook>> {
    store.read(|db| webhooks::all(db)).await
}

/// One endpoint (without its secret).
pub async fn get(store: &Store, id: Id) -> StoreResult<Webhook> {
    store
        .read(move |db| webhooks::get(db, id))
        .await?
        .ok_or(StoreError::NotFound("webhook"))
}

/// Switches an endpoint off: nothing more is queued or sent to it.
pub async fn disable(store: &Store, meta: WriteMeta, id: Id) -> StoreResult<Webhook> {
    store
        .write_typed(meta, move |db, m| {
            webhooks::disable(db, id, m.now)?;
            webhooks::get(db, id)?.ok_or(StoreError::NotFound("webhook"))
        })
        .await
}

/// An endpoint's delivery log, newest event first.
pub async fn deliveries(store: &Store, id: Id, limit: u32) -> StoreResult<Vec<Delivery>> {
    store
        .read(move |db| webhooks::deliveries(db, id, limit))
        .await
}

/// Sends an event to an endpoint again now (pending or given up).
pub async fn retry(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    event_id: String,
) -> StoreResult<Delivery> {
    store
        .write_typed(meta, move |db, m| {
            if !webhooks::retry(db, id, &event_id, m.now)? {
                return Err(StoreError::NotFound("pending or failed delivery"));
            }
            webhooks::delivery(db, id, &event_id)?.ok_or(StoreError::NotFound("delivery"))
        })
        .await
}

/// Claims up to `limit` deliveries due now for `lease_ms` (the worker's
/// next batch; see `crate::webhooks`).
pub async fn claim_due(
    store: &Store,
    now: tongxin_core::Millis,
    lease_ms: i64,
    limit: u32,
) -> StoreResult<Vec<Due>> {
    // Most seconds nothing is due: a read, not an empty write transaction.
    if !store.read(move |db| webhooks::any_due(db, now)).await? {
        return Ok(Vec::new());
    }
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            webhooks::claim(db, m.now, lease_ms, limit)
        })
        .await
}

/// Records how an attempt at `due` ended.
pub async fn record(store: &Store, due: &Due, outcome: Outcome) -> StoreResult<()> {
    let (event, hook) = (due.event_id.clone(), due.endpoint.id);
    store
        .write(WriteMeta::plain(crate::clock::now_ms()), move |db, m| {
            webhooks::record(db, &event, hook, &outcome, m.now)
        })
        .await?;
    Ok(())
}
