//! REST contract v1: the router, the shared state and the OpenAPI document.
//! Each resource has its own module; paths and schemas are declared on the
//! handlers, so `/openapi.json` is generated from the code and cannot drift.

mod admin;
pub mod audit;
pub mod auth;
mod budgets;
mod codes;
mod conventions;
mod exports;
mod indicators;
pub mod live;
mod moderation;
pub mod openapi;
pub mod paging;
mod paper;
mod paper_batches;
mod polls;
mod proposals;
mod scope_import;
mod scopes;
pub mod sessions;
mod staff_accounts;
mod webhooks;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use tongxin_core::contract::version;
use tongxin_core::eligibility::Eligibility;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Config;
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::ratelimit::RateLimiter;
use crate::storage::{Store, Voter};
use crate::voter;

pub use crate::config::BODY_LIMIT;
/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size.
pub const MAX_LIMIT: u32 = 100;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<Store>,
    /// Settings.
    pub config: Arc<Config>,
    /// Write limits.
    pub limiter: Arc<RateLimiter>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: Arc<crate::client_ip::TrustedProxies>,
    /// Live streams of this instance.
    pub hub: Arc<crate::live::Hub>,
}

impl AppState {
    /// The client's address as the rate limits see it: the socket peer, or
    /// behind a trusted proxy the forwarded address (see [`crate::client_ip`]).
    /// Worked out only for writes, where the limits apply.
    pub fn client_ip(&self, ctx: &Ctx) -> Option<std::net::IpAddr> {
        let peer = ctx.ip?;
        let forwarded = ctx
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Some(self.proxies.client(peer, forwarded))
    }

    /// The voter for a write on an item with `policy`, after rate limits.
    pub fn voter(&self, ctx: &Ctx, policy: Eligibility) -> Result<Voter, ApiError> {
        let c = &self.config;
        voter::check_headers(&ctx.headers)?;
        if let Some(ip) = self.client_ip(ctx) {
            self.limiter
                .check(&crate::client_ip::bucket(ip), c.ip_writes_per_min, ctx.now)
                .map_err(ApiError::rate_limited)?;
        }
        let voter = voter::require_voter(
            policy,
            &ctx.headers,
            &c.pepper,
            c.voter_secret.as_deref(),
            c.token_rules(),
            ctx.now,
        )?;
        if policy == Eligibility::Open {
            self.limiter
                .check(&voter.key, c.device_writes_per_min, ctx.now)
                .map_err(ApiError::rate_limited)?;
        }
        Ok(voter)
    }

    /// The viewer on a read, if identified. Malformed headers are refused;
    /// a credential that does not verify (an expired token) just means
    /// "unknown".
    pub fn viewer(&self, ctx: &Ctx, policy: Eligibility) -> Result<Option<Voter>, ApiError> {
        let c = &self.config;
        voter::check_headers(&ctx.headers)?;
        Ok(voter::voter_for(
            policy,
            &ctx.headers,
            &c.pepper,
            c.voter_secret.as_deref(),
            c.token_rules(),
            ctx.now,
        )
        .ok()
        .flatten())
    }

    /// The viewer on a read that needs one.
    pub fn require_viewer(&self, ctx: &Ctx, policy: Eligibility) -> Result<Voter, ApiError> {
        let c = &self.config;
        voter::check_headers(&ctx.headers)?;
        voter::require_voter(
            policy,
            &ctx.headers,
            &c.pepper,
            c.voter_secret.as_deref(),
            c.token_rules(),
            ctx.now,
        )
    }
}

pub use auth::{Caller, Staff};

/// Page size from a query value: default 20, at most 100.
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongxin REST contract",
        version = "set from tongxin_core::contract::version::VERSION",
        description = "Polls, convention signing and residents' proposals (百姓点菜). Times are milliseconds since the Unix epoch (UTC); money is integer fen. Errors are application/problem+json with a stable `type`. Writes accept an `Idempotency-Key` header. Residents identify with `X-Tongxin-Device`, `X-Tongxin-Code` or `X-Tongxin-Voter` according to the item's eligibility; staff with `Authorization: Bearer`."
    ),
    tags(
        (name = "scopes", description = "The five-level scope tree"),
        (name = "polls", description = "Polls, ballots and results"),
        (name = "budgets", description = "Budget rounds: residents divide a community fund among projects on one ballot"),
        (name = "conventions", description = "Conventions and signatures"),
        (name = "proposals", description = "Residents order the dish: proposals, supports, comments, funding, timeline, evaluations"),
        (name = "indicators", description = "Governance indicators of a scope over a period"),
        (name = "admin", description = "Staff API"),
        (name = "paper", description = "Staff API: paper, door-to-door and meeting answers keyed beside the online ones, once per household"),
        (name = "staff", description = "Console sign-in: a session cookie and its CSRF token"),
        (name = "webhooks", description = "Staff API: endpoints of host sites that receive signed events (Standard Webhooks)")
    ),
    components(schemas(tongxin_core::contract::ProposalSort, proposals::CommentOrder))
)]
struct ApiDoc;

/// The API routes and their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut doc = ApiDoc::openapi();
    doc.info.version = version::VERSION.to_string();
    OpenApiRouter::with_openapi(doc)
        .merge(scopes::routes())
        .merge(scope_import::routes())
        .merge(polls::routes())
        .merge(budgets::routes())
        .merge(conventions::routes())
        .merge(proposals::routes())
        .merge(indicators::routes())
        .merge(admin::routes())
        .merge(codes::routes())
        .merge(paper::routes())
        .merge(paper_batches::routes())
        .merge(moderation::routes())
        .merge(staff_accounts::routes())
        .merge(audit::routes())
        .merge(exports::routes())
        .merge(live::routes())
        .merge(webhooks::routes())
        .merge(sessions::routes())
        .split_for_parts()
}

/// `ok` while the store takes writes; 503 with the reason otherwise, so a
/// load balancer stops sending traffic to an instance whose writer died.
async fn healthz(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> axum::response::Response {
    let h = s.store.health().await;
    if h.ok {
        "ok".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(h)).into_response()
    }
}

async fn unknown_api_path(ctx: Ctx) -> axum::response::Response {
    let mut res = ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no API endpoint at {}", ctx.path),
    )
    .into_response();
    res.extensions_mut().insert(audit::NoRoute);
    res
}

/// The OpenAPI document of the contract, as `/openapi.json` serves it
/// (also `tongxin-server --openapi`, for generating clients and types).
pub fn openapi_document() -> serde_json::Value {
    openapi::finish(serde_json::to_value(api().1).expect("the OpenAPI document serialises"))
}

/// Every API route plus `/openapi.json`, `/healthz`, the body limit and
/// problem+json for unknown API paths.
pub fn router(state: AppState) -> Router {
    let (api, _) = api();
    let doc = Arc::new(openapi_document());
    api.route(
        "/openapi.json",
        get(move || async move { Json(doc.as_ref().clone()).into_response() }),
    )
    .route("/healthz", get(healthz))
    .route("/api/{*rest}", any(unknown_api_path))
    .method_not_allowed_fallback(|| async {
        let mut res = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this endpoint does not accept that method",
        )
        .into_response();
        res.extensions_mut().insert(audit::NoRoute);
        res
    })
    .layer(DefaultBodyLimit::max(BODY_LIMIT))
    // Every change asked of the staff API goes into the audit log.
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        audit::record,
    ))
    // Every answer names the contract it speaks, so a widget built for an
    // older one can tell the site's developer (`contract::version`).
    .layer(SetResponseHeaderLayer::overriding(
        HeaderName::from_static(version::HEADER),
        HeaderValue::from_static(version::VERSION),
    ))
    .with_state(state)
}
