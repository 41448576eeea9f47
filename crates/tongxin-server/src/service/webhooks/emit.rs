//! An event into the outbox, inside the transaction of the change that
//! caused it: it exists if and only if the change was committed. Each
//! event is recorded once per type and subject (a poll closes once; a
//! proposal enters each step once) and queued for every endpoint on that
//! day whose scope holds the item and which asked for its type.

use serde_json::{Value, json};
use tongxin_core::webhooks::{EventType, iso_utc};
use tongxin_core::{Id, Millis};

use crate::storage::sql::{Db, scopes, webhooks};
use crate::storage::{StoreError, StoreResult};

/// A new event id (`msg_` and 16 random hex bytes), the `webhook-id`
/// header of every attempt to deliver it.
fn event_id() -> StoreResult<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| StoreError::Internal(e.to_string()))?;
    Ok(format!("msg_{}", crate::hex::encode(&b)))
}

/// Records `kind` about `subject` (e.g. `poll:7`) of an item in `scope`
/// and queues it for the endpoints that want it. `data` is asked only
/// then (one query of the endpoints on every other write), and may say the
/// event did not happen after all (`None`: a count short of its goal).
pub fn emit_tx(
    db: &mut dyn Db,
    kind: EventType,
    subject: &str,
    scope: Id,
    data: impl FnOnce(&mut dyn Db) -> StoreResult<Option<Value>>,
    now: Millis,
) -> StoreResult<()> {
    let wanted: Vec<_> = webhooks::active(db)?
        .into_iter()
        .filter(|w| w.events.contains(&kind))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let tree = scopes::scope_tree(db)?;
    let wanted: Vec<Id> = wanted
        .into_iter()
        .filter(|w| tree.is_within(scope, w.scope_id))
        .map(|w| w.id)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(data) = data(db)? else {
        return Ok(());
    };
    let id = event_id()?;
    let payload = json!({"type": kind, "timestamp": iso_utc(now), "data": data}).to_string();
    if webhooks::insert_event(db, &id, kind, subject, scope, &payload, now)? {
        for w in wanted {
            webhooks::queue(db, &id, w, now)?;
        }
    }
    Ok(())
}
