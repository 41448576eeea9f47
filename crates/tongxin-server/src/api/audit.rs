//! The audit log of staff actions: a layer records every change asked of
//! an existing `/api/v1/admin/…` route by an authenticated caller — who,
//! what was asked, the item before (for allowed changes only) and the
//! answer after, refusals included — and `GET /api/v1/admin/audit` shows
//! it: all of it to administrators, their own actions to everyone else.
//!
//! Requests without valid credentials, and requests to routes that do not
//! exist, are answered and counted but never stored: the log is permanent,
//! so whoever can write into it without signing in could fill it.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use axum::Json;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tongxin_core::Id;
use tongxin_core::contract::Page;
use tongxin_core::staff::{AuditEntry, Power};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, BODY_LIMIT, Staff, page_limit};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiQuery, Ctx};
use crate::service;
use crate::storage::{AuditFilter, WriteMeta};

/// Where the recorded operations live.
const ADMIN: &str = "/api/v1/admin/";
/// Longest request body kept as it came; longer ones are kept as their size.
const KEEP_BYTES: usize = 8 * 1024;
/// Longest answer read back for the log.
const ANSWER_LIMIT: usize = 1 << 20;
/// Longest path kept; a longer one is cut (with `…`).
const PATH_KEEP_CHARS: usize = 300;

/// Marks an answer that no route of the API gave (an unknown path or a
/// method the path does not take): nothing to record.
#[derive(Debug, Clone, Copy)]
pub struct NoRoute;

/// Changes asked of the staff API without valid credentials since start.
static UNRECORDED: AtomicU64 = AtomicU64::new(0);
/// When the last line about them was logged (s since the epoch).
static LAST_LOGGED: AtomicI64 = AtomicI64::new(0);

/// Counts an unauthenticated change asked of the staff API, and says so in
/// the log at most once a minute.
fn count_unrecorded(now_ms: i64) {
    let n = UNRECORDED.fetch_add(1, Ordering::Relaxed) + 1;
    let now = now_ms / 1000;
    let last = LAST_LOGGED.load(Ordering::Relaxed);
    if now - last >= 60
        && LAST_LOGGED
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::warn!(
            total = n,
            "changes asked of the staff API without valid credentials (answered, not recorded)"
        );
    }
}

/// Changes asked of the staff API without valid credentials since start.
pub fn unrecorded() -> u64 {
    UNRECORDED.load(Ordering::Relaxed)
}

fn cut(path: &str) -> String {
    match path.char_indices().nth(PATH_KEEP_CHARS) {
        Some((i, _)) => format!("{}…", &path[..i]),
        None => path.to_string(),
    }
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

fn kept(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    match serde_json::from_slice::<Value>(bytes) {
        // Only an object is kept as it came (what the schema promises);
        // anything else the API refuses anyway, and is kept as its size.
        Ok(mut v) if bytes.len() <= KEEP_BYTES && v.is_object() => {
            // An account's password is never kept, only that one was sent;
            // nor a paper slip's household code or choice (a secret ballot
            // keyed by staff stays secret in the log too).
            for secret in ["password", "code", "ballot"] {
                if let Some(p) = v.get_mut(secret).filter(|p| !p.is_null()) {
                    *p = json!("…");
                }
            }
            Some(v)
        }
        _ => Some(json!({"bytes": bytes.len()})),
    }
}

/// The item a change is about to touch, as the API shows it.
async fn before(s: &AppState, method: &Method, path: &str) -> Option<Value> {
    if method == Method::POST && path.matches('/').count() <= 4 {
        return None; // a creation: nothing before
    }
    let rest = path.strip_prefix(ADMIN)?;
    let mut parts = rest.split('/');
    let (kind, id) = (parts.next()?, Id::parse(parts.next()?).ok()?);
    let store = &s.store;
    match kind {
        "polls" => serde_json::to_value(service::polls::get(store, id).await.ok()?.0).ok(),
        "conventions" => {
            serde_json::to_value(service::conventions::get(store, id).await.ok()?).ok()
        }
        // As the API shows it: the proposer's name masked.
        "proposals" => serde_json::to_value(super::proposals::public(
            service::proposals::get(store, id).await.ok()?,
        ))
        .ok(),
        "accounts" => {
            let login = rest.split('/').nth(1)?;
            let all = service::staff::list(store).await.ok()?;
            serde_json::to_value(all.into_iter().find(|a| a.login == login)?).ok()
        }
        "scopes" => {
            let all = service::scopes::list(store).await.ok()?;
            serde_json::to_value(all.into_iter().find(|sc| sc.id == id)?).ok()
        }
        _ => None,
    }
}

/// What is kept of an answer: the JSON, except household codes (only
/// how many were issued) and problem documents (their type is kept apart).
fn after(path: &str, ok: bool, answer: &[u8]) -> Option<Value> {
    let v: Value = serde_json::from_slice(answer).ok()?;
    if !ok {
        return None;
    }
    if answer.len() > KEEP_BYTES {
        return Some(json!({"bytes": answer.len()}));
    }
    if path == "/api/v1/admin/codes" {
        let n = v["codes"].as_array().map_or(0, Vec::len);
        return Some(json!({"target": v["target"], "target_id": v["target_id"], "issued": n}));
    }
    Some(v)
}

fn body_too_large() -> Response {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        format!("the body is larger than {BODY_LIMIT} bytes"),
    )
    .into_response()
}

/// The layer: records every change asked of the staff API.
pub async fn record(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with(ADMIN) || matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(ctx) = Ctx::from_request_parts(&mut parts, &s).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let (bytes, too_large) = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    let Some(actor) = s.staff_caller(&ctx).await.ok().flatten().map(|c| c.who) else {
        count_unrecorded(ctx.now);
        return if too_large {
            body_too_large()
        } else {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        };
    };
    let before = before(&s, &ctx.method, &path).await;
    let res = if too_large {
        body_too_large()
    } else {
        next.run(Request::from_parts(parts, Body::from(bytes.clone())))
            .await
    };
    if res.extensions().get::<NoRoute>().is_some() {
        return res;
    }
    let (rparts, rbody) = res.into_parts();
    let answer = to_bytes(rbody, ANSWER_LIMIT).await.unwrap_or_default();
    let ok = rparts.status.is_success();
    let problem = (!ok)
        .then(|| serde_json::from_slice::<Value>(&answer).ok())
        .flatten()
        .and_then(|v| {
            v["type"]
                .as_str()
                .map(|t| t.trim_start_matches("/problems/").to_string())
        });
    let entry = AuditEntry {
        id: Id::int(0),
        at: ctx.now,
        actor: Some(actor),
        method: ctx.method.to_string(),
        path: cut(&path),
        status: rparts.status.as_u16(),
        problem,
        request: kept(&bytes),
        // A refused caller never gets the item's state through the log.
        before: before.filter(|_| ok),
        after: after(&path, ok, &answer),
    };
    if let Err(e) = service::audit::append(&s.store, WriteMeta::plain(ctx.now), entry).await {
        tracing::error!(error = %e, path = %path, "the audit log refused an entry");
    }
    Response::from_parts(rparts, Body::from(answer))
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this actor's actions (a login, or `TONGXIN_ADMIN_TOKEN`).
    pub actor: Option<String>,
    /// Only operations whose path starts with this, e.g. `/api/v1/admin/polls/3`.
    pub path: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Staff actions, newest first, allowed and refused. Administrators see
/// everyone's; every other member sees their own (the `actor` filter is
/// then theirs, whatever was asked).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list(
    State(s): State<AppState>,
    Staff(_, who): Staff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let actor = if s.authorize(&who, Power::ManageAccounts, None).await.is_ok() {
        q.actor
    } else {
        Some(who.who.clone())
    };
    let limit = page_limit(q.limit)?;
    let before_id = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            Id::parse(c)
                .ok()
                .filter(|id| id.as_i64().is_some_and(|n| n > 0))
                .ok_or_else(|| {
                    ApiError::field(
                        "validation-failed",
                        "cursor",
                        "is not a cursor this server made",
                    )
                })?,
        ),
    };
    let filter = AuditFilter {
        actor,
        path_prefix: q.path,
        before_id,
        limit: limit + 1,
    };
    let mut items = service::audit::log(&s.store, filter).await?;
    let next_cursor = (items.len() > limit as usize).then(|| {
        items.truncate(limit as usize);
        items.last().map(|e| e.id.to_string()).unwrap_or_default()
    });
    Ok(Json(Page { items, next_cursor }))
}
