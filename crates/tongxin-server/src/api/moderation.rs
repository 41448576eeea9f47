//! Moderation of residents' comments under `/api/v1/admin`: the queue of
//! reported (or hidden) comments on the proposals of the caller's scopes,
//! and hiding or restoring one with a reason. The reason is shown to the
//! comment's author and kept in the audit log with the request.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::Power;
use tongxin_core::staff::moderation::{ModerationItem, ModerationRequest, QueueFilter};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service;
use crate::storage::{PublicComment, ReportReceipt};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(hide_comment))
        .routes(routes!(restore_comment))
}

/// Which comments to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct QueueQuery {
    /// `reported` (default): reported and not yet hidden by a moderator;
    /// `hidden`: hidden by a moderator.
    #[serde(default)]
    #[param(inline)]
    pub state: QueueFilter,
}

/// The moderation queue of the proposals in the caller's scopes, most
/// reported first (at most 200).
#[utoipa::path(get, path = "/api/v1/admin/comments", tag = "admin", params(QueueQuery), security(("staff" = [])),
    responses((status = 200, body = Vec<ModerationItem>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn queue(
    State(s): State<AppState>,
    Staff(_, who): Staff,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<Json<Vec<ModerationItem>>, ApiError> {
    s.require_power(&who, Power::Run).await?;
    let tree = ScopeTree::new(service::scopes::list(&s.store).await?);
    let grants = who.grants.clone();
    let in_scope =
        move |scope: Id| tongxin_core::staff::allows(&grants, Power::Run, Some(scope), &tree);
    Ok(Json(
        service::comments::moderation_queue(&s.store, q.state, Box::new(in_scope)).await?,
    ))
}

/// Hides a comment from the public with a reason; its author still sees it,
/// marked hidden, with the reason.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/comments/{comment_id}/hide", tag = "admin",
    request_body = ModerationRequest, security(("staff" = [])),
    params(("id" = i64, Path, description = "Proposal id"), ("comment_id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = PublicComment), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn hide_comment(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath((id, comment_id)): ApiPath<(Id, Id)>,
    ApiJson(req): ApiJson<ModerationRequest>,
) -> Result<Json<PublicComment>, ApiError> {
    s.authorize_proposal(&who, id).await?;
    req.validate().map_err(ApiError::invalid)?;
    Ok(Json(
        service::comments::hide(&s.store, ctx.staff_meta(), id, comment_id, req.reason).await?,
    ))
}

/// Puts a hidden or reported comment back, saying why. Its report count
/// starts again; those who reported it cannot report it again.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/comments/{comment_id}/restore", tag = "admin",
    request_body = ModerationRequest, security(("staff" = [])),
    params(("id" = i64, Path, description = "Proposal id"), ("comment_id" = i64, Path, description = "Comment id")),
    responses((status = 200, body = ReportReceipt), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn restore_comment(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath((id, comment_id)): ApiPath<(Id, Id)>,
    ApiJson(req): ApiJson<ModerationRequest>,
) -> Result<Json<ReportReceipt>, ApiError> {
    s.authorize_proposal(&who, id).await?;
    req.validate().map_err(ApiError::invalid)?;
    Ok(Json(
        service::comments::restore(&s.store, ctx.staff_meta(), id, comment_id).await?,
    ))
}
