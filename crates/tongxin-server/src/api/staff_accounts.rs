//! Staff accounts over HTTP, for administrators (`/api/v1/admin/accounts`):
//! list them, create one with its roles, set a password, disable or enable
//! it. The same rules as `tongxin-server user …` ([`crate::service::staff`]).
//! Passwords never reach the audit log (it keeps `"password": "…"`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tongxin_core::staff::{AccountChange, NewAccount, Power, StaffAccount};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::service;
use crate::service::staff;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(change_account))
}

/// Every staff account with its roles (never a password).
#[utoipa::path(get, path = "/api/v1/admin/accounts", tag = "admin",
    responses((status = 200, body = [StaffAccount]), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_accounts(
    State(s): State<AppState>,
    Staff(_, who): Staff,
) -> Result<Json<Vec<StaffAccount>>, ApiError> {
    s.authorize(&who, Power::ManageAccounts, None).await?;
    Ok(Json(service::staff::list(&s.store).await?))
}

/// Creates an account with a first password and its roles.
#[utoipa::path(post, path = "/api/v1/admin/accounts", tag = "admin", request_body = NewAccount,
    responses((status = 201, body = StaffAccount), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_account(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::ManageAccounts, None).await?;
    let account = staff::add(
        s.store.as_ref(),
        ctx.now,
        &new.login,
        &new.display_name,
        &new.password,
        new.grants,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

/// Sets a new password, or disables / enables an account (a disabled
/// account can neither sign in nor use its tokens).
#[utoipa::path(patch, path = "/api/v1/admin/accounts/{login}", tag = "admin", request_body = AccountChange,
    params(("login" = String, Path, description = "Sign-in name")),
    responses((status = 200, body = StaffAccount), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn change_account(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(login): ApiPath<String>,
    ApiJson(change): ApiJson<AccountChange>,
) -> Result<Json<StaffAccount>, ApiError> {
    s.authorize(&who, Power::ManageAccounts, None).await?;
    let store = s.store.as_ref();
    let mut account = None;
    if let Some(p) = &change.password {
        account = Some(staff::set_password(store, ctx.now, &login, p).await?);
    }
    if let Some(d) = change.disabled {
        account = Some(staff::set_disabled(store, ctx.now, &login, d).await?);
    }
    match account {
        Some(a) => Ok(Json(a)),
        None => Err(ApiError::field(
            "validation-failed",
            "password",
            "send a new password or disabled: true / false",
        )),
    }
}
