//! REST contract v1: the router, the shared state and the OpenAPI document.
//! Each resource has its own module; paths and schemas are declared on the
//! handlers, so `/openapi.json` is generated from the code and cannot drift.

mod admin;
mod conventions;
mod indicators;
pub mod openapi;
mod polls;
mod proposals;
mod scopes;
pub mod staff;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use tongxin_core::Id;
use tongxin_core::contract::version;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::{Grant, Power, Role};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::accounts;
use crate::config::Config;
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::identity;
use crate::ratelimit::RateLimiter;
use crate::storage::{Store, Voter};

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size.
pub const MAX_LIMIT: u32 = 100;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub config: Arc<Config>,
    /// Write limits.
    pub limiter: Arc<RateLimiter>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: Arc<crate::client_ip::TrustedProxies>,
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
        identity::check_headers(&ctx.headers)?;
        if let Some(ip) = self.client_ip(ctx) {
            self.limiter
                .check(&crate::client_ip::bucket(ip), c.ip_writes_per_min, ctx.now)
                .map_err(ApiError::rate_limited)?;
        }
        let voter = identity::require_voter(
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
        identity::check_headers(&ctx.headers)?;
        Ok(identity::voter_for(
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
        identity::check_headers(&ctx.headers)?;
        identity::require_voter(
            policy,
            &ctx.headers,
            &c.pepper,
            c.voter_secret.as_deref(),
            c.token_rules(),
            ctx.now,
        )
    }

    /// The bearer token of the request, if any.
    fn bearer(ctx: &Ctx) -> Option<&str> {
        ctx.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
    }

    /// The roles of the caller: the administrator's for the shared admin
    /// token (`TONGXIN_ADMIN_TOKEN`, kept for compatibility), the owner's
    /// for a live personal API token, `None` without a staff credential.
    pub async fn staff_grants(&self, ctx: &Ctx) -> Result<Option<Vec<Grant>>, ApiError> {
        let Some(given) = Self::bearer(ctx) else {
            return self.session_grants(ctx).await;
        };
        if let Some(expected) = &self.config.admin_token
            && constant_time_eq(given.as_bytes(), expected.as_bytes())
        {
            return Ok(Some(vec![Grant {
                role: Role::Administrator,
                scope_id: None,
            }]));
        }
        Ok(accounts::by_token(self.store.as_ref(), given)
            .await?
            .map(|a| a.grants))
    }

    /// The roles of a console session (the `tongxin_session` cookie); a
    /// change made with it must carry the session's CSRF token.
    async fn session_grants(&self, ctx: &Ctx) -> Result<Option<Vec<Grant>>, ApiError> {
        let Some(cookie) = staff::session_cookie(&ctx.headers) else {
            return Ok(None);
        };
        let Some((account, csrf, _)) =
            accounts::session(self.store.as_ref(), cookie, ctx.now).await?
        else {
            return Ok(None);
        };
        if !matches!(
            ctx.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        ) {
            check_csrf(ctx, &csrf)?;
        }
        Ok(Some(account.grants))
    }

    /// Whether the caller may use `power` on something of `scope`.
    pub async fn staff_may(
        &self,
        ctx: &Ctx,
        power: Power,
        scope: Option<Id>,
    ) -> Result<bool, ApiError> {
        let Some(grants) = self.staff_grants(ctx).await? else {
            return Ok(false);
        };
        if grants.iter().any(|g| g.role == Role::Administrator) {
            return Ok(true);
        }
        let tree = ScopeTree::new(self.store.list_scopes().await?);
        Ok(tongxin_core::staff::allows(&grants, power, scope, &tree))
    }

    /// The caller's roles, or why there are none: 401 without a staff
    /// credential (or with a wrong one), 403 where the server takes no
    /// shared token and none of an account was sent.
    pub async fn require_staff(&self, ctx: &Ctx) -> Result<Vec<Grant>, ApiError> {
        match self.staff_grants(ctx).await? {
            Some(g) => Ok(g),
            None if self.config.admin_token.is_none()
                && !Self::bearer(ctx).is_some_and(|b| b.starts_with(accounts::TOKEN_PREFIX))
                && staff::session_cookie(&ctx.headers).is_none() =>
            {
                Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "admin-disabled",
                    "this server has no shared admin token (TONGXIN_ADMIN_TOKEN): send a personal token (`tongxin-server user token LOGIN`) or sign in to the console",
                ))
            }
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "admin-token-required",
                "send a staff token as Authorization: Bearer <token> (TONGXIN_ADMIN_TOKEN or a personal token), or sign in to the console",
            )),
        }
    }

    /// Fails unless `grants` carry `power` on `scope` (`None`: the whole
    /// tree): 403 `role-required` when no role of the caller has the power
    /// anywhere, 403 `outside-your-scope` when it has it elsewhere.
    pub async fn authorize(
        &self,
        grants: &[Grant],
        power: Power,
        scope: Option<Id>,
    ) -> Result<(), ApiError> {
        if grants.iter().any(|g| g.role == Role::Administrator) {
            return Ok(());
        }
        let tree = ScopeTree::new(self.store.list_scopes().await?);
        if tongxin_core::staff::allows(grants, power, scope, &tree) {
            return Ok(());
        }
        if grants.iter().any(|g| g.role.carries(power)) {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "outside-your-scope",
                "this item is outside the scopes your roles cover",
            ))
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "role-required",
                "your role does not allow this operation",
            ))
        }
    }
}

/// The request of a staff member and their roles: the credential is
/// checked before anything else of the request (its body included) is
/// read; what the roles allow is checked by each operation
/// ([`AppState::authorize`]) before it writes.
pub struct Staff(pub Ctx, pub Vec<Grant>);

impl axum::extract::FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Self, ApiError> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let grants = s.require_staff(&ctx).await?;
        Ok(Staff(ctx, grants))
    }
}

/// Fails unless the request carries `expected` in `X-Tongxin-CSRF`.
pub(crate) fn check_csrf(ctx: &Ctx, expected: &str) -> Result<(), ApiError> {
    let given = ctx
        .headers
        .get(staff::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf-failed",
            "a change made from the console must carry the session's X-Tongxin-CSRF token",
        ))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

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
        (name = "conventions", description = "Conventions and signatures"),
        (name = "proposals", description = "Residents order the dish: proposals, supports, comments, funding, timeline, evaluations"),
        (name = "indicators", description = "Governance indicators of a scope over a period"),
        (name = "admin", description = "Staff API"),
        (name = "staff", description = "Console sign-in: a session cookie and its CSRF token")
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
        .merge(polls::routes())
        .merge(conventions::routes())
        .merge(proposals::routes())
        .merge(indicators::routes())
        .merge(admin::routes())
        .merge(staff::routes())
        .split_for_parts()
}

/// `ok` while the store takes writes; 503 with the reason otherwise, so a
/// load balancer stops sending traffic to an instance whose writer died.
async fn healthz(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> axum::response::Response {
    let h = s.store.health();
    if h.ok {
        "ok".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(h)).into_response()
    }
}

async fn unknown_api_path(ctx: Ctx) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no API endpoint at {}", ctx.path),
    )
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
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this endpoint does not accept that method",
        )
    })
    .layer(DefaultBodyLimit::max(BODY_LIMIT))
    // Every answer names the contract it speaks, so a widget built for an
    // older one can tell the site's developer (`contract::version`).
    .layer(SetResponseHeaderLayer::overriding(
        HeaderName::from_static(version::HEADER),
        HeaderValue::from_static(version::VERSION),
    ))
    .with_state(state)
}
