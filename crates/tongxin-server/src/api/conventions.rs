//! Convention endpoints: read, sign, withdraw, my signatures, the masked
//! public list (cursor-paginated, newest first) and counts by unit.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::contract::ConventionView;
use tongxin_core::convention::{PublicSignature, SignatureInput};
use tongxin_core::staff::codes::CodeTarget;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, page_limit};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Ctx, reply};
use crate::service;
use crate::storage::{Page, SignatureCounts, SignatureReceipt};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conventions))
        .routes(routes!(get_convention))
        .routes(routes!(sign, list_signatures))
        .routes(routes!(my_signatures, withdraw))
        .routes(routes!(counts))
}

/// List filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ConventionListQuery {
    /// Only conventions inside this scope.
    pub scope_id: Option<Id>,
}

/// Page request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PageQuery {
    /// Cursor from the previous page's `next_cursor`.
    #[param(min_length = 1, max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Conventions, optionally inside a scope.
#[utoipa::path(get, path = "/api/v1/conventions", tag = "conventions", params(ConventionListQuery),
    responses((status = 200, body = Vec<ConventionView>)))]
async fn list_conventions(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ConventionListQuery>,
) -> Result<Json<Vec<ConventionView>>, ApiError> {
    Ok(Json(
        service::conventions::list(&s.store, q.scope_id)
            .await?
            .into_iter()
            .map(|c| ConventionView::at(c, ctx.now))
            .collect(),
    ))
}

/// One convention with its articles.
#[utoipa::path(get, path = "/api/v1/conventions/{id}", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, body = ConventionView), (status = 404, body = Problem)))]
async fn get_convention(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<ConventionView>, ApiError> {
    Ok(Json(ConventionView::at(
        service::conventions::get(&s.store, id).await?,
        ctx.now,
    )))
}

/// Signs the current version. Returns the receipt (only to the signer).
#[utoipa::path(post, path = "/api/v1/conventions/{id}/signatures", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    request_body = SignatureInput,
    responses((status = 201, body = SignatureReceipt), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn sign(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<SignatureInput>,
) -> Result<Response, ApiError> {
    let c = service::conventions::get(&s.store, id).await?;
    let voter = s.voter(&ctx, c.eligibility)?;
    let meta = ctx.write_meta(&voter.key, &input)?;
    Ok(reply(
        StatusCode::CREATED,
        service::conventions::sign(&s.store, meta, id, voter, input).await?,
    ))
}

/// Public signatories, names masked, newest first.
#[utoipa::path(get, path = "/api/v1/conventions/{id}/signatures", tag = "conventions",
    params(("id" = i64, Path, description = "Convention id"), PageQuery),
    responses((status = 200, body = Page<PublicSignature>), (status = 400, body = Problem), (status = 404, body = Problem)))]
async fn list_signatures(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<PublicSignature>>, ApiError> {
    let limit = page_limit(q.limit)?;
    Ok(Json(
        service::conventions::signatures(&s.store, id, q.cursor, limit).await?,
    ))
}

/// The caller's own signatures on this convention, newest first.
#[utoipa::path(get, path = "/api/v1/conventions/{id}/signatures/mine", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, body = Vec<SignatureReceipt>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn my_signatures(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<Vec<SignatureReceipt>>, ApiError> {
    let c = service::conventions::get(&s.store, id).await?;
    let voter = s.require_viewer(&ctx, c.eligibility)?;
    Ok(Json(
        service::conventions::mine(&s.store, id, &voter).await?,
    ))
}

/// Withdraws the caller's active signature while withdrawal is allowed.
#[utoipa::path(delete, path = "/api/v1/conventions/{id}/signatures/mine", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, body = SignatureReceipt), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let c = service::conventions::get(&s.store, id).await?;
    let voter = s.voter(&ctx, c.eligibility)?;
    let meta = ctx.write_meta(&voter.key, &())?;
    Ok(reply(
        StatusCode::OK,
        service::conventions::withdraw(&s.store, meta, id, voter).await?,
    ))
}

/// Count, goal and counts by unit; cheap enough to poll every few seconds.
#[utoipa::path(get, path = "/api/v1/conventions/{id}/count", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, body = SignatureCounts), (status = 404, body = Problem)))]
async fn counts(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<SignatureCounts>, ApiError> {
    Ok(Json(count_view(&s, id).await?))
}

/// The count answer (also a live stream's event).
pub(super) async fn count_view(s: &AppState, id: Id) -> Result<SignatureCounts, ApiError> {
    let mut counts = service::conventions::counts(&s.store, id).await?;
    let (channels, meetings) =
        service::paper::public(&s.store, CodeTarget::Convention, id, counts.count).await?;
    counts.channels = Some(channels);
    counts.meetings = meetings;
    Ok(counts)
}
