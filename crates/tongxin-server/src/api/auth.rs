//! Who a staff request comes from and what they may do: the shared admin
//! token, a personal API token or a console session (with its CSRF token on
//! changes) resolve to a [`Caller`]; [`AppState::authorize`] checks the
//! caller's roles against the scope an operation touches
//! (`tongxin_core::staff::allows`).

use axum::http::{Method, StatusCode};
use tongxin_core::Id;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::{Grant, Power, Role};

use super::{AppState, sessions};
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::service;
use crate::service::staff;

/// The name the audit log gives the shared admin token.
pub const SHARED_TOKEN: &str = "TONGXIN_ADMIN_TOKEN";

/// Who a staff credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The account's login, or [`SHARED_TOKEN`].
    pub who: String,
    /// Their roles.
    pub grants: Vec<Grant>,
}

impl Caller {
    fn is_administrator(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Administrator)
    }
}

impl AppState {
    /// The bearer token of the request, if any.
    fn bearer(ctx: &Ctx) -> Option<&str> {
        ctx.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
    }

    /// The caller: an administrator for the shared admin token
    /// (`TONGXIN_ADMIN_TOKEN`, kept for compatibility), the owner of a live
    /// personal API token or console session, `None` without a staff
    /// credential.
    pub async fn staff_caller(&self, ctx: &Ctx) -> Result<Option<Caller>, ApiError> {
        let Some(given) = Self::bearer(ctx) else {
            return self.session_caller(ctx).await;
        };
        if let Some(expected) = &self.config.admin_token
            && constant_time_eq(given.as_bytes(), expected.as_bytes())
        {
            return Ok(Some(Caller {
                who: SHARED_TOKEN.into(),
                grants: vec![Grant {
                    role: Role::Administrator,
                    scope_id: None,
                }],
            }));
        }
        Ok(staff::by_token(self.store.as_ref(), given)
            .await?
            .map(|a| Caller {
                who: a.login,
                grants: a.grants,
            }))
    }

    /// The roles of a console session (the `tongxin_session` cookie); a
    /// change made with it must carry the session's CSRF token.
    async fn session_caller(&self, ctx: &Ctx) -> Result<Option<Caller>, ApiError> {
        let Some(cookie) = sessions::session_cookie(&ctx.headers) else {
            return Ok(None);
        };
        let Some((account, csrf, _)) = staff::session(self.store.as_ref(), cookie, ctx.now).await?
        else {
            return Ok(None);
        };
        if !matches!(ctx.method, Method::GET | Method::HEAD) {
            check_csrf(ctx, &csrf)?;
        }
        Ok(Some(Caller {
            who: account.login,
            grants: account.grants,
        }))
    }

    /// Whether the caller may use `power` on something of `scope`.
    pub async fn staff_may(
        &self,
        ctx: &Ctx,
        power: Power,
        scope: Option<Id>,
    ) -> Result<bool, ApiError> {
        match self.staff_caller(ctx).await? {
            Some(caller) => self.permits(&caller, power, scope).await,
            None => Ok(false),
        }
    }

    /// Whether `caller`'s roles carry `power` on `scope`
    /// (`tongxin_core::staff::allows`; administrators without reading the tree).
    async fn permits(
        &self,
        caller: &Caller,
        power: Power,
        scope: Option<Id>,
    ) -> Result<bool, ApiError> {
        if caller.is_administrator() {
            return Ok(true);
        }
        let tree = ScopeTree::new(service::scopes::list(&self.store).await?);
        Ok(tongxin_core::staff::allows(
            &caller.grants,
            power,
            scope,
            &tree,
        ))
    }

    /// The caller's roles, or why there are none: 401 without a staff
    /// credential (or with a wrong one), 403 where the server takes no
    /// shared token and none of an account was sent.
    pub async fn require_staff(&self, ctx: &Ctx) -> Result<Caller, ApiError> {
        match self.staff_caller(ctx).await? {
            Some(g) => Ok(g),
            None if self.config.admin_token.is_none()
                && !Self::bearer(ctx).is_some_and(|b| b.starts_with(staff::TOKEN_PREFIX))
                && sessions::session_cookie(&ctx.headers).is_none() =>
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

    /// Fails with 403 `role-required` unless some role of the caller carries
    /// `power` somewhere (for lists and imports, which are then limited to
    /// the caller's scopes).
    pub async fn require_power(&self, caller: &Caller, power: Power) -> Result<(), ApiError> {
        if caller.grants.iter().any(|g| g.role.carries(power)) {
            Ok(())
        } else {
            self.authorize(caller, power, None).await
        }
    }

    /// Fails unless the caller's roles carry `power` on `scope` (`None`: the whole
    /// tree): 403 `role-required` when no role of the caller has the power
    /// anywhere, 403 `outside-your-scope` when it has it elsewhere.
    pub async fn authorize(
        &self,
        caller: &Caller,
        power: Power,
        scope: Option<Id>,
    ) -> Result<(), ApiError> {
        if self.permits(caller, power, scope).await? {
            return Ok(());
        }
        if caller.grants.iter().any(|g| g.role.carries(power)) {
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
pub struct Staff(pub Ctx, pub Caller);

impl axum::extract::FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Self, ApiError> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let caller = s.require_staff(&ctx).await?;
        Ok(Staff(ctx, caller))
    }
}

/// Fails unless the request carries `expected` in `X-Tongxin-CSRF`.
pub(crate) fn check_csrf(ctx: &Ctx, expected: &str) -> Result<(), ApiError> {
    let given = ctx
        .headers
        .get(sessions::CSRF_HEADER)
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
