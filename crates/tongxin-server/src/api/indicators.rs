//! `GET /api/v1/indicators`: governance indicators of a scope over a
//! period, as JSON or CSV, and one indicator with its definition and
//! monthly series; `POST /api/v1/admin/indicators/refresh` recomputes the
//! snapshots now (the periodic job does it every
//! `TONGXIN_INDICATORS_REFRESH_SECS`).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tongxin_core::Id;
use tongxin_core::indicators::view::IndicatorDetail;
use tongxin_core::indicators::{IndicatorsView, Period, csv, definitions};
use tongxin_core::staff::Power;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiPath, ApiQuery, Ctx};
use crate::service::indicators as service;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(indicators))
        .routes(routes!(indicators_csv))
        .routes(routes!(indicator))
        .routes(routes!(refresh))
}

/// Which scope and period.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct IndicatorQuery {
    /// Scope id (any level of the tree).
    pub scope: Id,
    /// `YYYY`, `YYYY-Qn`, `YYYY-MM`, `12m` (default: the last twelve
    /// months) or `YYYY-MM-DD..YYYY-MM-DD`; local days (UTC+8 by default).
    #[param(max_length = 32)]
    pub period: Option<String>,
}

/// Custom periods (`YYYY-MM-DD..YYYY-MM-DD`) not computed before that one
/// client may ask for per minute: each is counted afresh and kept, so they
/// are the one way to make the server work per request.
pub(super) const NEW_CUSTOM_PERIODS_PER_MIN: u32 = 10;

/// The period asked for; a custom one never computed before counts against
/// the client's [`NEW_CUSTOM_PERIODS_PER_MIN`] (429 beyond it).
async fn period(s: &AppState, ctx: &Ctx, q: &IndicatorQuery) -> Result<Period, ApiError> {
    let p = Period::parse(
        q.period.as_deref().unwrap_or(""),
        ctx.now,
        s.config.utc_offset_minutes,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-period",
            e.to_string(),
        )
    })?;
    if p.label.contains("..")
        && service::snapshot(&s.store, q.scope, &p.label)
            .await?
            .is_none()
        && let Some(ip) = s.client_ip(ctx)
    {
        let key = format!("indicators:{}", crate::client_ip::bucket(ip));
        s.limiter
            .check(&key, NEW_CUSTOM_PERIODS_PER_MIN, ctx.now)
            .map_err(ApiError::rate_limited)?;
    }
    Ok(p)
}

async fn view(s: &AppState, ctx: &Ctx, q: &IndicatorQuery) -> Result<IndicatorsView, ApiError> {
    let p = period(s, ctx, q).await?;
    Ok(service::get(&s.store, s.config.utc_offset_minutes, q.scope, p, ctx.now).await?)
}

/// Every indicator of a scope over a period, with its parent and siblings
/// for comparison. From the latest snapshot: `computed_at` says when.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, body = IndicatorsView), (status = 400, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem),
        (status = 404, body = Problem)))]
async fn indicators(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Response, ApiError> {
    let p = period(&s, &ctx, &q).await?;
    let offset = s.config.utc_offset_minutes;
    let body = service::get_json(&s.store, offset, q.scope, p, ctx.now).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The same figures as CSV (one row per figure: section, key, scope, unit,
/// month, value), for a spreadsheet.
#[utoipa::path(get, path = "/api/v1/indicators.csv", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem),
        (status = 404, body = Problem)))]
async fn indicators_csv(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Response, ApiError> {
    let v = view(&s, &ctx, &q).await?;
    let name = format!(
        "attachment; filename=\"tongxin-indicators-{}-{}.csv\"",
        v.scope.id,
        v.period.label.replace("..", "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        csv::to_csv(&v),
    )
        .into_response())
}

/// One indicator: its definition, its value and the value of each month.
#[utoipa::path(get, path = "/api/v1/indicators/{key}", tag = "indicators",
    params(("key" = String, Path, description = "Indicator key, e.g. resolution_percent"), IndicatorQuery),
    responses((status = 200, body = IndicatorDetail), (status = 400, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem),
        (status = 404, body = Problem)))]
async fn indicator(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(key): ApiPath<String>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Json<IndicatorDetail>, ApiError> {
    let def = definitions::find(&key).ok_or_else(|| {
        let keys: Vec<&str> = definitions::DEFINITIONS.iter().map(|d| d.key).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no indicator {key:.40}; known: {}", keys.join(", ")),
        )
    })?;
    let p = period(&s, &ctx, &q).await?;
    let offset = s.config.utc_offset_minutes;
    Ok(Json(
        service::detail(&s.store, offset, def, q.scope, p, ctx.now).await?,
    ))
}

/// What a refresh did.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RefreshReceipt {
    /// Snapshots recomputed.
    pub refreshed: usize,
    /// When (UTC ms).
    pub computed_at: i64,
}

/// Recomputes every indicator snapshot now (administrators).
#[utoipa::path(post, path = "/api/v1/admin/indicators/refresh", tag = "admin", security(("staff" = [])),
    responses((status = 200, body = RefreshReceipt), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn refresh(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
) -> Result<Json<RefreshReceipt>, ApiError> {
    // Every scope's snapshots: the whole tree's business.
    s.authorize(&who, Power::Run, None).await?;
    let refreshed = service::refresh(&s.store, s.config.utc_offset_minutes, ctx.now).await?;
    Ok(Json(RefreshReceipt {
        refreshed,
        computed_at: ctx.now,
    }))
}
