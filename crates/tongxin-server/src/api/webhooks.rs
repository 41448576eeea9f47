//! Staff API of webhooks: register an endpoint for a scope (the signing
//! secret is in the answer, once), list and switch off endpoints, read an
//! endpoint's delivery log and send a delivery again. What the events are
//! and how they are delivered: `tongxin_core::webhooks`, `crate::webhooks`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::{Power, allows};
use tongxin_core::text::FieldErrors;
use tongxin_core::webhooks::{Delivery, Webhook, WebhookDraft};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register_webhook, list_webhooks))
        .routes(routes!(disable_webhook))
        .routes(routes!(webhook_deliveries))
        .routes(routes!(retry_delivery))
}

/// How much of the log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct LogQuery {
    /// Newest deliveries to return, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Registers an endpoint for the events of a scope's items (and those of
/// the scopes below it). The answer carries `secret` (`whsec_…`), shown
/// this once: keep it to verify the `webhook-signature` of deliveries.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "webhooks", request_body = WebhookDraft,
    responses((status = 201, body = Webhook), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn register_webhook(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<WebhookDraft>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, Some(draft.scope_id)).await?;
    draft.validate().map_err(ApiError::invalid)?;
    // Where it resolves now: a private address is refused at once rather
    // than at every delivery.
    let url = reqwest::Url::parse(&draft.url).map_err(|e| field("url", e.to_string()))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    crate::webhooks::address::resolve(&host, port, s.config.webhook_settings().reach)
        .await
        .map_err(|e| field("url", e))?;
    let hook =
        service::webhooks::register(&s.store, ctx.staff_meta(), draft, who.who.clone()).await?;
    Ok((StatusCode::CREATED, Json(hook)).into_response())
}

fn field(name: &str, message: String) -> ApiError {
    let mut e = FieldErrors::new();
    e.add(name, message);
    ApiError::invalid(e)
}

/// The endpoints of the scopes the caller runs, newest first (without
/// their secrets).
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<Webhook>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_webhooks(
    State(s): State<AppState>,
    Staff(_, who): Staff,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    s.require_power(&who, Power::Run).await?;
    let tree = ScopeTree::new(service::scopes::list(&s.store).await?);
    let all = service::webhooks::list(&s.store).await?;
    Ok(Json(
        all.into_iter()
            .filter(|w| allows(&who.grants, Power::Run, Some(w.scope_id), &tree))
            .collect(),
    ))
}

/// An endpoint the caller may run.
async fn hook_of(s: &AppState, who: &super::Caller, id: Id) -> Result<Webhook, ApiError> {
    let hook = service::webhooks::get(&s.store, id).await?;
    s.authorize(who, Power::Run, Some(hook.scope_id)).await?;
    Ok(hook)
}

/// Switches an endpoint off: nothing more is queued or sent to it.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, body = Webhook), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn disable_webhook(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<Webhook>, ApiError> {
    hook_of(&s, &who, id).await?;
    Ok(Json(
        service::webhooks::disable(&s.store, ctx.staff_meta(), id).await?,
    ))
}

/// An endpoint's delivery log: each event sent (or to send) to it, newest
/// first, with attempts, the last answer and when it is tried next.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), LogQuery),
    responses((status = 200, body = Vec<Delivery>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn webhook_deliveries(
    State(s): State<AppState>,
    Staff(_, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=200) => n,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid-query",
                "limit must be between 1 and 200",
            ));
        }
    };
    hook_of(&s, &who, id).await?;
    Ok(Json(
        service::webhooks::deliveries(&s.store, id, limit).await?,
    ))
}

/// Sends an event to the endpoint again now (a delivery still pending or
/// given up; a delivered one is not sent twice).
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/deliveries/{event_id}/retry", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), ("event_id" = String, Path, description = "Event id (msg_…)")),
    responses((status = 200, body = Delivery), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn retry_delivery(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath((id, event_id)): ApiPath<(Id, String)>,
) -> Result<Json<Delivery>, ApiError> {
    hook_of(&s, &who, id).await?;
    Ok(Json(
        service::webhooks::retry(&s.store, ctx.staff_meta(), id, event_id).await?,
    ))
}
