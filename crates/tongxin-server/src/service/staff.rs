//! Staff accounts: the one place that checks a new account or password,
//! hashes passwords (argon2id) and makes and recognises personal API
//! tokens. The command line (`tongxin-server user …`), the demo seed and
//! the HTTP layer all come through here.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use sha2::{Digest, Sha256};
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::{self, ApiToken, Grant, StaffAccount};
use tongxin_core::text::{self, FieldErrors};
use tongxin_core::{Id, Millis};

use crate::storage::sql::staff as rows;
use crate::storage::{NewStaff, StaffChange, Store, StoreError, StoreResult, WriteMeta};

/// What every personal API token starts with, so that it is recognised
/// (and found by secret scanners) at a glance.
pub const TOKEN_PREFIX: &str = "txs_";

/// The longest label of a token.
const LABEL: text::TextLimits = text::TextLimits::line(1, 60);

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    let mut fe = FieldErrors::new();
    fe.add(field, message);
    StoreError::Invalid(fe)
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, two
/// passes, a random salt), in PHC string form.
pub fn hash_password(password: &str) -> StoreResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Internal(e.to_string()))
}

/// Whether `password` matches a stored PHC hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Argon2 runs at once at the most (one per core of the machine this is
/// sized for); more wait their turn. Each takes 19 MiB and tens of ms of a
/// core, so a burst of sign-ins must neither stall the async workers (they
/// run on Tokio's blocking pool) nor take every core.
const CONCURRENT_HASHES: usize = 2;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Runs a password hash or check on the blocking pool, [`CONCURRENT_HASHES`] at once.
async fn off_workers<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> StoreResult<T> {
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))
}

/// [`hash_password`] off the async workers.
async fn hash_password_async(password: &str) -> StoreResult<String> {
    let password = password.to_string();
    off_workers(move || hash_password(&password)).await?
}

/// The SHA-256 of a token, as stored. Tokens are 256 random bits, so a
/// fast hash is enough: nobody can guess one to test against it.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// `prefix` and 256 random bits, base64url.
fn random_secret(prefix: &str) -> StoreResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Internal(e.to_string()))?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// A new token and its hash.
fn new_token() -> StoreResult<(String, Vec<u8>)> {
    let token = random_secret(TOKEN_PREFIX)?;
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// Every account, by login.
pub async fn list(store: &Store) -> StoreResult<Vec<StaffAccount>> {
    store.read(|db| rows::list(db)).await
}

/// The personal tokens of `login`, newest first.
pub async fn tokens(store: &Store, login: &str) -> StoreResult<Vec<ApiToken>> {
    let login = login.to_string();
    store.read(move |db| rows::tokens(db, &login)).await
}

/// Changes an account.
async fn change(
    store: &Store,
    now: Millis,
    login: &str,
    what: StaffChange,
) -> StoreResult<StaffAccount> {
    let login = login.to_string();
    store
        .write_typed(WriteMeta::plain(now), move |db, _| {
            rows::change(db, &login, &what)
        })
        .await
}

/// Starts a sign-in attempt in one step that attempts racing each other
/// cannot pass together: reads the failures since `since` that bear on it
/// and asks [`staff::sign_in_wait`]; when the attempt may go ahead it is
/// logged, as a failure until it succeeds, and its id comes back; else the
/// seconds to wait. (`address`: the client's address bucket, when known.)
async fn begin_sign_in(
    store: &Store,
    now: Millis,
    login: String,
    address: Option<String>,
    since: Millis,
) -> StoreResult<Result<Id, u64>> {
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            let failures = rows::sign_in_failures(db, &login, address.as_deref(), since)?;
            if let Some(wait) = staff::sign_in_wait(&failures, m.now) {
                return Ok(Err(wait));
            }
            Ok(Ok(rows::log_sign_in(
                db,
                m.now,
                &login,
                address.as_deref(),
            )?))
        })
        .await
}

/// Drops the records of sign-in attempts made before `before`; how many.
pub async fn purge_sign_ins(store: &Store, now: Millis, before: Millis) -> StoreResult<u64> {
    store
        .write_typed(WriteMeta::plain(now), move |db, _| {
            rows::purge_sign_ins(db, before)
        })
        .await
}

/// Checks and creates an account.
pub async fn add(
    store: &Store,
    now: Millis,
    login: &str,
    display_name: &str,
    password: &str,
    grants: Vec<Grant>,
) -> StoreResult<StaffAccount> {
    staff::check_login(login).map_err(|e| invalid("login", e.to_string()))?;
    text::check_text(display_name, text::NAME).map_err(|e| invalid("display_name", e))?;
    staff::check_password(password).map_err(|e| invalid("password", e.to_string()))?;
    if grants.is_empty() {
        return Err(invalid("grants", "an account needs at least one role"));
    }
    let tree = ScopeTree::new(super::scopes::list(store).await?);
    for g in &grants {
        g.check(&tree)
            .map_err(|e| invalid("grants", e.to_string()))?;
    }
    let new = NewStaff {
        login: login.to_string(),
        display_name: display_name.trim().to_string(),
        password_hash: hash_password_async(password).await?,
        grants,
    };
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            rows::create(db, m, &new)
        })
        .await
}

/// Sets a new password.
pub async fn set_password(
    store: &Store,
    now: Millis,
    login: &str,
    password: &str,
) -> StoreResult<StaffAccount> {
    staff::check_password(password).map_err(|e| invalid("password", e.to_string()))?;
    let hash = hash_password_async(password).await?;
    change(store, now, login, StaffChange::Password(hash)).await
}

/// Disables an account (its sign-in and its tokens stop working) or
/// enables it again.
pub async fn set_disabled(
    store: &Store,
    now: Millis,
    login: &str,
    disabled: bool,
) -> StoreResult<StaffAccount> {
    change(store, now, login, StaffChange::Disabled(disabled)).await
}

/// Makes a personal API token for `login`: the token (shown once) and
/// what is kept of it.
pub async fn issue_token(
    store: &Store,
    now: Millis,
    login: &str,
    label: &str,
) -> StoreResult<(String, ApiToken)> {
    text::check_text(label, LABEL).map_err(|e| invalid("label", e))?;
    let (token, hash) = new_token()?;
    let (login, label) = (login.to_string(), label.trim().to_string());
    let kept = store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            rows::add_token(db, m.now, &login, &label, &hash)
        })
        .await?;
    Ok((token, kept))
}

/// Revokes a token.
pub async fn revoke_token(store: &Store, now: Millis, id: Id) -> StoreResult<ApiToken> {
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            rows::revoke_token(db, m.now, id)
        })
        .await
}

/// The account a bearer token belongs to, if it is a live personal token
/// of an enabled account.
pub async fn by_token(store: &Store, token: &str) -> StoreResult<Option<StaffAccount>> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    let hash = token_hash(token);
    store.read(move |db| rows::by_token(db, &hash)).await
}

/// The account `login` if `password` is its password and it is enabled.
/// Hashes even for an unknown login, so timing does not tell which logins exist.
pub async fn sign_in(
    store: &Store,
    login: &str,
    password: &str,
) -> StoreResult<Option<StaffAccount>> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let name = login.to_string();
    let (account, hash) = match store.read(move |db| rows::by_login(db, &name)).await {
        Ok((account, hash)) => (Some(account), Some(hash)),
        Err(StoreError::NotFound(_)) => (None, None),
        Err(e) => return Err(e),
    };
    let password = password.to_string();
    // The dummy hash is made there too: its first making is an argon2 run.
    let matches = off_workers(move || {
        let hash = hash.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| hash_password("no such account").unwrap_or_default())
                .clone()
        });
        verify_password(&hash, &password)
    })
    .await?;
    Ok(account.filter(|a| matches && !a.disabled))
}

/// A console session just started: the cookie's value (sent to the
/// browser only, kept as its SHA-256) and the CSRF token the console sends
/// back on every change.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The account signed in.
    pub account: StaffAccount,
    /// The `tongxin_session` cookie's value.
    pub cookie: String,
    /// The `X-Tongxin-CSRF` value.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Millis,
}

/// How a sign-in ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in.
    Started(NewSession),
    /// Wrong login or password, or a disabled account (not told apart).
    Refused,
    /// Too many failures lately: seconds to wait.
    Wait(u64),
}

/// Signs in with a password: checks the failure limits
/// ([`staff::sign_in_wait`]), logs the attempt and, on success, starts a
/// new session (never one the browser brought: no session fixation).
pub async fn start_session(
    store: &Store,
    now: Millis,
    login: &str,
    password: &str,
    address: Option<String>,
) -> StoreResult<SignIn> {
    // Hostile input is logged, but not all of it.
    let login: String = login.chars().take(staff::LOGIN_CHARS.1 + 1).collect();
    let since = now - staff::SIGN_IN_WINDOW_MS;
    let attempt = match begin_sign_in(store, now, login.clone(), address.clone(), since).await? {
        Ok(attempt) => attempt,
        Err(secs) => {
            tracing::warn!(login = %login, address = ?address, wait_s = secs, "staff sign-in refused: too many failures");
            return Ok(SignIn::Wait(secs));
        }
    };
    let password: String = password.chars().take(staff::PASSWORD_CHARS.1 + 1).collect();
    let account = sign_in(store, &login, &password).await?;
    if account.is_some() {
        store
            .write_typed(WriteMeta::plain(now), move |db, _| {
                rows::finish_sign_in(db, attempt)
            })
            .await?;
    }
    let Some(account) = account else {
        tracing::warn!(login = %login, address = ?address, "staff sign-in failed");
        return Ok(SignIn::Refused);
    };
    tracing::info!(login = %login, address = ?address, "staff signed in");
    let cookie = random_secret("")?;
    let csrf = random_secret("")?;
    let expires_at = now + staff::SESSION_MS;
    let (id, hash, kept_csrf) = (account.id, token_hash(&cookie), csrf.clone());
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            rows::start_session(db, m.now, id, &hash, &kept_csrf, expires_at)
        })
        .await?;
    Ok(SignIn::Started(NewSession {
        account,
        cookie,
        csrf,
        expires_at,
    }))
}

/// The account, CSRF token and expiry of the session with this cookie value.
pub async fn session(
    store: &Store,
    cookie: &str,
    now: Millis,
) -> StoreResult<Option<(StaffAccount, String, Millis)>> {
    if cookie.len() > 100 {
        return Ok(None);
    }
    let hash = token_hash(cookie);
    store.read(move |db| rows::session(db, &hash, now)).await
}

/// Ends the session with this cookie value.
pub async fn end_session(store: &Store, now: Millis, cookie: &str) -> StoreResult<()> {
    let hash = token_hash(cookie);
    store
        .write_typed(WriteMeta::plain(now), move |db, m| {
            rows::end_session(db, m.now, &hash)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("毕节广场文明公约很好").unwrap();
        let b = hash_password("毕节广场文明公约很好").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a random salt each time");
        assert!(verify_password(&a, "毕节广场文明公约很好"));
        assert!(!verify_password(&a, "毕节广场文明公约很坏"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (t1, h1) = new_token().unwrap();
        let (t2, _) = new_token().unwrap();
        assert!(t1.starts_with(TOKEN_PREFIX) && t1.len() == TOKEN_PREFIX.len() + 43);
        assert_ne!(t1, t2);
        assert_eq!(h1, token_hash(&t1));
        assert_eq!(h1.len(), 32);
    }
}
