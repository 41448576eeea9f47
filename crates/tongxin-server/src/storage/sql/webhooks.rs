//! The rows of webhooks: endpoints (with their signing secret), events
//! (once per type and subject), and the outbox of deliveries the worker
//! claims, attempts and marks.

use tongxin_core::webhooks::{Delivery, DeliveryState, EventType, Webhook};
use tongxin_core::{Id, Millis};

use super::{Db, Row, from_json, key, p, to_json};
use crate::storage::StoreResult;

/// An endpoint as the delivery worker needs it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Endpoint {
    /// Its id.
    pub id: Id,
    /// Where to send.
    pub url: String,
    /// The signing secret (`whsec_…`).
    pub secret: String,
}

/// A delivery claimed for an attempt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Due {
    /// The event (`webhook-id`).
    pub event_id: String,
    /// When the event happened.
    pub event_at: Millis,
    /// The body to send.
    pub payload: String,
    /// Attempts already made.
    pub attempts: u32,
    /// Where.
    pub endpoint: Endpoint,
}

const HOOK_COLS: &str = "id, scope_id, url, events, created_at, created_by, disabled_at";

fn hook(r: &Row) -> StoreResult<Webhook> {
    let events: Vec<EventType> = from_json(&r.get::<String>(3)?)?;
    Ok(Webhook {
        id: r.get(0)?,
        scope_id: r.get(1)?,
        url: r.get(2)?,
        events,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
        disabled_at: r.get(6)?,
        secret: None,
    })
}

/// Stores a new endpoint; its id.
pub(crate) fn insert<D: Db + ?Sized>(db: &mut D, w: &Webhook, secret: &str) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO webhooks (scope_id, url, secret, events, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        p![
            w.scope_id,
            &w.url,
            secret,
            to_json(&w.events)?,
            &w.created_by,
            w.created_at
        ],
    )
}

/// Every endpoint, newest first.
pub(crate) fn all<D: Db + ?Sized>(db: &mut D) -> StoreResult<Vec<Webhook>> {
    db.query(
        &format!("SELECT {HOOK_COLS} FROM webhooks ORDER BY id DESC"),
        &[],
    )?
    .iter()
    .map(hook)
    .collect()
}

/// One endpoint.
pub(crate) fn get<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Option<Webhook>> {
    db.opt(
        &format!("SELECT {HOOK_COLS} FROM webhooks WHERE id = ?1"),
        p![key(id)],
    )?
    .as_ref()
    .map(hook)
    .transpose()
}

/// Endpoints still on in `scope`.
pub(crate) fn active_in_scope<D: Db + ?Sized>(db: &mut D, scope: Id) -> StoreResult<u64> {
    db.one(
        "SELECT COUNT(*) FROM webhooks WHERE scope_id = ?1 AND disabled_at IS NULL",
        p![scope],
    )?
    .get(0)
}

/// Endpoints still on.
pub(crate) fn active<D: Db + ?Sized>(db: &mut D) -> StoreResult<Vec<Webhook>> {
    db.query(
        &format!("SELECT {HOOK_COLS} FROM webhooks WHERE disabled_at IS NULL ORDER BY id"),
        &[],
    )?
    .iter()
    .map(hook)
    .collect()
}

/// Switches an endpoint off; whether it was on.
pub(crate) fn disable<D: Db + ?Sized>(db: &mut D, id: Id, now: Millis) -> StoreResult<bool> {
    Ok(db.exec(
        "UPDATE webhooks SET disabled_at = ?2 WHERE id = ?1 AND disabled_at IS NULL",
        p![key(id), now],
    )? == 1)
}

/// Records an event unless one of its type and subject exists; whether it
/// is new.
pub(crate) fn insert_event<D: Db + ?Sized>(
    db: &mut D,
    event_id: &str,
    kind: EventType,
    subject: &str,
    scope: Id,
    payload: &str,
    now: Millis,
) -> StoreResult<bool> {
    Ok(db.exec(
        "INSERT INTO webhook_events (event_id, kind, subject, scope_id, payload, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (kind, subject) DO NOTHING",
        p![event_id, kind.as_str(), subject, scope, payload, now],
    )? == 1)
}

/// Queues an event for an endpoint, due now.
pub(crate) fn queue<D: Db + ?Sized>(
    db: &mut D,
    event_id: &str,
    webhook: Id,
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "INSERT INTO webhook_deliveries (event_id, webhook_id, state, attempts, next_at) \
         VALUES (?1, ?2, 'pending', 0, ?3) ON CONFLICT (event_id, webhook_id) DO NOTHING",
        p![event_id, key(webhook), now],
    )?;
    Ok(())
}

/// Whether any delivery is due at `now` (a read, so an idle worker writes
/// nothing).
pub(crate) fn any_due<D: Db + ?Sized>(db: &mut D, now: Millis) -> StoreResult<bool> {
    db.exists(
        "SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ?1 \
         AND (lease_until IS NULL OR lease_until <= ?1) LIMIT 1",
        p![now],
    )
}

/// Claims up to `limit` deliveries due at `now` for `lease_ms`: another
/// instance (or this one after a crash) takes them again only once the
/// lease is over. On PostgreSQL the rows are locked and skipped by the
/// other instances' claims.
pub(crate) fn claim<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    lease_ms: Millis,
    limit: u32,
) -> StoreResult<Vec<Due>> {
    let lock = db.lock_for_update();
    let skip = if lock.is_empty() { "" } else { " SKIP LOCKED" };
    let rows = db.query(
        &format!(
            "SELECT d.event_id, d.webhook_id, d.attempts, e.created_at, e.payload, w.url, w.secret \
             FROM webhook_deliveries d \
             JOIN webhook_events e ON e.event_id = d.event_id \
             JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.state = 'pending' AND d.next_at <= ?1 \
             AND (d.lease_until IS NULL OR d.lease_until <= ?1) AND w.disabled_at IS NULL \
             ORDER BY d.next_at LIMIT ?2{}",
            if lock.is_empty() {
                String::new()
            } else {
                format!(" FOR UPDATE OF d{skip}")
            }
        ),
        p![now, limit],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let due = Due {
            event_id: r.get(0)?,
            attempts: r.get(2)?,
            event_at: r.get(3)?,
            payload: r.get(4)?,
            endpoint: Endpoint {
                id: r.get(1)?,
                url: r.get(5)?,
                secret: r.get(6)?,
            },
        };
        db.exec(
            "UPDATE webhook_deliveries SET lease_until = ?3 WHERE event_id = ?1 AND webhook_id = ?2",
            p![&due.event_id, due.endpoint.id, now + lease_ms],
        )?;
        out.push(due);
    }
    Ok(out)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The answer's status, if one came.
    pub status: Option<u16>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Delivered (2xx).
    pub delivered: bool,
    /// When to try again; `None` with `delivered` false: given up.
    pub next_at: Option<Millis>,
}

/// Records an attempt's outcome.
pub(crate) fn record<D: Db + ?Sized>(
    db: &mut D,
    event_id: &str,
    webhook: Id,
    o: &Outcome,
    now: Millis,
) -> StoreResult<()> {
    let state = match (o.delivered, o.next_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    db.exec(
        "UPDATE webhook_deliveries SET state = ?3, attempts = attempts + 1, next_at = ?4, \
         lease_until = NULL, last_status = ?5, last_error = ?6, \
         delivered_at = CASE WHEN ?7 THEN ?8 ELSE delivered_at END \
         WHERE event_id = ?1 AND webhook_id = ?2",
        p![
            event_id,
            key(webhook),
            state,
            o.next_at,
            o.status,
            o.error.as_deref(),
            o.delivered,
            now
        ],
    )?;
    Ok(())
}

/// An endpoint's deliveries, newest event first.
pub(crate) fn deliveries<D: Db + ?Sized>(
    db: &mut D,
    webhook: Id,
    limit: u32,
) -> StoreResult<Vec<Delivery>> {
    deliveries_of(db, webhook, None, limit)
}

/// One event's delivery to an endpoint.
pub(crate) fn delivery<D: Db + ?Sized>(
    db: &mut D,
    webhook: Id,
    event_id: &str,
) -> StoreResult<Option<Delivery>> {
    Ok(deliveries_of(db, webhook, Some(event_id), 1)?.pop())
}

fn deliveries_of<D: Db + ?Sized>(
    db: &mut D,
    webhook: Id,
    event_id: Option<&str>,
    limit: u32,
) -> StoreResult<Vec<Delivery>> {
    db.query(
        "SELECT d.event_id, e.kind, e.created_at, d.state, d.attempts, d.next_at, d.last_status, \
         d.last_error, d.delivered_at FROM webhook_deliveries d \
         JOIN webhook_events e ON e.event_id = d.event_id \
         WHERE d.webhook_id = ?1 AND (CAST(?3 AS TEXT) IS NULL OR d.event_id = ?3) \
         ORDER BY e.created_at DESC, d.event_id DESC LIMIT ?2",
        p![key(webhook), limit, event_id],
    )?
    .into_iter()
    .map(|r| {
        let kind: String = r.get(1)?;
        let state: String = r.get(3)?;
        Ok(Delivery {
            event_id: r.get(0)?,
            kind: EventType::parse(&kind).ok_or_else(|| {
                crate::storage::StoreError::Internal(format!("event type {kind}"))
            })?,
            created_at: r.get(2)?,
            state: match state.as_str() {
                "delivered" => DeliveryState::Delivered,
                "failed" => DeliveryState::Failed,
                _ => DeliveryState::Pending,
            },
            attempts: r.get(4)?,
            next_at: r.get(5)?,
            last_status: r.get::<Option<i64>>(6)?.map(|s| s as u16),
            last_error: r.get(7)?,
            delivered_at: r.get(8)?,
        })
    })
    .collect()
}

/// Makes a delivery due again now (a retry asked by staff); whether it
/// exists.
pub(crate) fn retry<D: Db + ?Sized>(
    db: &mut D,
    webhook: Id,
    event_id: &str,
    now: Millis,
) -> StoreResult<bool> {
    Ok(db.exec(
        "UPDATE webhook_deliveries SET state = 'pending', next_at = ?3, lease_until = NULL \
         WHERE webhook_id = ?1 AND event_id = ?2 AND state <> 'delivered'",
        p![key(webhook), event_id, now],
    )? == 1)
}
