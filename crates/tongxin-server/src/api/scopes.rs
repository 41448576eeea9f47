//! `GET /api/v1/scopes`: the scope tree, for unit pickers and filters.

use axum::Json;
use axum::extract::State;
use tongxin_core::scope::Scope;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::{ApiError, Problem};
use crate::service;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_scopes))
}

/// Every scope, parents before children (ordered by id).
#[utoipa::path(get, path = "/api/v1/scopes", tag = "scopes",
    responses((status = 200, body = Vec<Scope>), (status = 500, body = Problem)))]
async fn list_scopes(State(s): State<AppState>) -> Result<Json<Vec<Scope>>, ApiError> {
    Ok(Json(service::scopes::list(&s.store).await?))
}
