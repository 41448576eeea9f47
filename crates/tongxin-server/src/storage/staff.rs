//! What a store keeps of staff accounts, their roles and their personal
//! API tokens. Persistence only: the rules (who may hold what, password
//! lengths, hashing) are in [`crate::service::staff`] and `tongxin_core::staff`.

use async_trait::async_trait;
use tongxin_core::staff::{ApiToken, Grant, StaffAccount};
use tongxin_core::{Id, Millis};

use super::{StoreResult, WriteMeta};

/// A new account, checked and with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in name, unique.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Argon2id hash in PHC form.
    pub password_hash: String,
    /// Roles and their scopes.
    pub grants: Vec<Grant>,
}

/// A change to an existing account.
#[derive(Debug, Clone)]
pub enum StaffChange {
    /// A new password (its argon2id hash).
    Password(String),
    /// Disabled (`true`) or enabled again.
    Disabled(bool),
}

/// The staff part of the storage interface.
#[async_trait]
pub trait StaffStore: Send + Sync + 'static {
    /// Creates an account; a taken login is `Conflict { code: "login-taken" }`.
    async fn create_staff(&self, meta: WriteMeta, new: NewStaff) -> StoreResult<StaffAccount>;
    /// Every account, by login.
    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>>;
    /// One account and its password hash, by login.
    async fn staff_with_hash(&self, login: &str) -> StoreResult<(StaffAccount, String)>;
    /// Changes an account.
    async fn change_staff(
        &self,
        meta: WriteMeta,
        login: String,
        change: StaffChange,
    ) -> StoreResult<StaffAccount>;
    /// Keeps the SHA-256 of a new personal token of `login`.
    async fn add_api_token(
        &self,
        meta: WriteMeta,
        login: String,
        label: String,
        token_hash: Vec<u8>,
    ) -> StoreResult<ApiToken>;
    /// The tokens of `login`, newest first.
    async fn api_tokens(&self, login: &str) -> StoreResult<Vec<ApiToken>>;
    /// Revokes a token; revoking it again changes nothing.
    async fn revoke_api_token(&self, meta: WriteMeta, id: Id) -> StoreResult<ApiToken>;
    /// The enabled account holding the unrevoked token with this hash.
    async fn staff_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<StaffAccount>>;

    /// Starts a sign-in attempt in one step that attempts racing each other
    /// cannot pass together: reads the failures since `since` that bear on
    /// it and asks [`tongxin_core::staff::sign_in_wait`]; when the attempt
    /// may go ahead it is logged, as a failure until [`Self::finish_sign_in`]
    /// says otherwise, and its id comes back; else the seconds to wait.
    /// (`address`: the client's address bucket, when known.)
    async fn begin_sign_in(
        &self,
        meta: WriteMeta,
        login: String,
        address: Option<String>,
        since: Millis,
    ) -> StoreResult<Result<Id, u64>>;
    /// Drops the records of sign-in attempts made before `before`; returns how many.
    async fn purge_sign_ins(&self, meta: WriteMeta, before: Millis) -> StoreResult<u64>;
    /// Marks a sign-in attempt begun with [`Self::begin_sign_in`] as successful.
    async fn finish_sign_in(&self, meta: WriteMeta, attempt: Id) -> StoreResult<()>;
    /// Starts a session of `account` under the hash of its cookie value.
    async fn start_session(
        &self,
        meta: WriteMeta,
        account: Id,
        token_hash: Vec<u8>,
        csrf: String,
        expires_at: Millis,
    ) -> StoreResult<()>;
    /// The enabled account, CSRF token and expiry of a live session.
    async fn session(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<(StaffAccount, String, Millis)>>;
    /// Ends a session (and drops expired ones).
    async fn end_session(&self, meta: WriteMeta, token_hash: Vec<u8>) -> StoreResult<()>;
}
