//! What the console and the server say about accounts: sign-in and the
//! session (`/api/v1/staff/session`), and the bodies of
//! `POST /api/v1/admin/accounts` and `PATCH /api/v1/admin/accounts/{login}`.

use serde::{Deserialize, Serialize};

use super::{Grant, StaffAccount};
use crate::Millis;

/// A sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// Sign-in name.
    pub login: String,
    /// Password.
    pub password: String,
}

/// The signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// Who is signed in, with their roles.
    pub account: StaffAccount,
    /// Send it back as `X-Tongxin-CSRF` on every change.
    pub csrf_token: String,
    /// When the session ends (ms).
    pub expires_at: Millis,
}

/// A new staff account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Sign-in name ([`super::check_login`]).
    pub login: String,
    /// The name colleagues know, e.g. 王丽 (碧鸡社区).
    pub display_name: String,
    /// First password ([`super::check_password`]); the holder changes it.
    pub password: String,
    /// Roles and their scopes (at least one).
    pub grants: Vec<Grant>,
}

/// A change to an account: a new password, or disabling / enabling it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    /// New password.
    #[serde(default)]
    pub password: Option<String>,
    /// Disable (true) or enable (false).
    #[serde(default)]
    pub disabled: Option<bool>,
}
