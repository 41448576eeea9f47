//! Console sign-in under `/api/v1/staff/session`: a password starts a
//! session held in an `HttpOnly; Secure; SameSite=Strict` cookie on this
//! server's origin; every change made with it must carry the session's
//! CSRF token in `X-Tongxin-CSRF` (see [`super::AppState::staff_caller`]).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tongxin_core::staff::{SessionView, SignInRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Ctx};
use crate::service::staff::{self, SignIn};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tongxin_session";
/// The header that carries the session's CSRF token on changes.
pub const CSRF_HEADER: &str = "x-tongxin-csrf";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, current, sign_out))
}

/// The value of the session cookie in `headers`, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

fn set_cookie(value: &str, max_age_s: i64) -> HeaderValue {
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_s}"
    );
    HeaderValue::from_str(&cookie).expect("a cookie of base64url characters")
}

fn signed_out() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "signed-out", "sign in first")
}

/// Signs in with a password. Five failures for a login from one address
/// (twenty from an address, a hundred for a login from everywhere) within
/// 15 minutes make that address's next attempts wait (429); the account's
/// owner still signs in from elsewhere.
#[utoipa::path(post, path = "/api/v1/staff/session", tag = "staff", request_body = SignInRequest,
    responses((status = 200, body = SessionView, description = "Signed in; the session cookie is set."),
        (status = 401, body = Problem, description = "Wrong login or password (`sign-in-failed`)."),
        (status = 429, body = Problem, description = "Too many failed sign-ins; retry after `Retry-After` seconds.")))]
async fn sign_in(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<Response, ApiError> {
    // A session the browser brought is ended, never taken over.
    if let Some(old) = session_cookie(&ctx.headers) {
        staff::end_session(s.store.as_ref(), ctx.now, old).await?;
    }
    // An IPv6 client is counted by its /64, which one household holds whole.
    let address = s.client_ip(&ctx).map(crate::client_ip::bucket);
    match staff::start_session(
        s.store.as_ref(),
        ctx.now,
        &req.login,
        &req.password,
        address,
    )
    .await?
    {
        SignIn::Started(new) => {
            let max_age = (new.expires_at - ctx.now) / 1000;
            let mut res = Json(SessionView {
                account: new.account,
                csrf_token: new.csrf,
                expires_at: new.expires_at,
            })
            .into_response();
            res.headers_mut()
                .insert(header::SET_COOKIE, set_cookie(&new.cookie, max_age));
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        SignIn::Refused => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign-in-failed",
            "wrong login or password",
        )),
        SignIn::Wait(secs) => Err(ApiError::rate_limited(secs)),
    }
}

/// The signed-in staff member (the console asks on every load).
#[utoipa::path(get, path = "/api/v1/staff/session", tag = "staff", security(("console" = [])),
    responses((status = 200, body = SessionView), (status = 401, body = Problem, description = "Not signed in (`signed-out`).")))]
async fn current(State(s): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let cookie = session_cookie(&ctx.headers).ok_or_else(signed_out)?;
    let (account, csrf, expires_at) = staff::session(s.store.as_ref(), cookie, ctx.now)
        .await?
        .ok_or_else(signed_out)?;
    let mut res = Json(SessionView {
        account,
        csrf_token: csrf,
        expires_at,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/staff/session", tag = "staff", security(("console" = [])),
    responses((status = 204, description = "Signed out."), (status = 401, body = Problem), (status = 403, body = Problem, description = "The CSRF token is missing or wrong (`csrf-failed`).")))]
async fn sign_out(State(s): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let cookie = session_cookie(&ctx.headers).ok_or_else(signed_out)?;
    let (_, csrf, _) = staff::session(s.store.as_ref(), cookie, ctx.now)
        .await?
        .ok_or_else(signed_out)?;
    super::auth::check_csrf(&ctx, &csrf)?;
    staff::end_session(s.store.as_ref(), ctx.now, cookie).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, set_cookie("", 0));
    Ok(res)
}
