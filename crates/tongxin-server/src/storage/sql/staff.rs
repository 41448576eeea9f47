//! The rows of `staff_users`,
//! `staff_grants`, `staff_tokens`, `staff_sessions` and `staff_sign_ins`.

use tongxin_core::staff::{ApiToken, Grant, Role, SignInFailures, StaffAccount};
use tongxin_core::{Id, Millis};

use super::{Db, Row, p};
use crate::storage::{NewStaff, StaffChange, StoreError, StoreResult, WriteMeta};

const ACCOUNT: &str =
    "SELECT id, login, display_name, disabled, created_at, password_hash FROM staff_users";
const TOKEN: &str = "SELECT id, label, created_at, revoked_at FROM staff_tokens";

fn grants<D: Db + ?Sized>(db: &mut D, user: Id) -> StoreResult<Vec<Grant>> {
    let mut out = Vec::new();
    for r in db.query(
        "SELECT role, scope_id FROM staff_grants WHERE user_id = ?1 ORDER BY role, scope_id",
        p![user],
    )? {
        if let Some(role) = Role::parse(&r.get::<String>(0)?) {
            out.push(Grant {
                role,
                scope_id: r.get(1)?,
            });
        }
    }
    Ok(out)
}

fn account<D: Db + ?Sized>(db: &mut D, r: &Row) -> StoreResult<(StaffAccount, String)> {
    let id: Id = r.get(0)?;
    Ok((
        StaffAccount {
            id,
            login: r.get(1)?,
            display_name: r.get(2)?,
            disabled: r.get(3)?,
            created_at: r.get(4)?,
            grants: grants(db, id)?,
        },
        r.get(5)?,
    ))
}

/// One account and its password hash, by login.
pub(crate) fn by_login<D: Db + ?Sized>(
    db: &mut D,
    login: &str,
) -> StoreResult<(StaffAccount, String)> {
    match db.opt(&format!("{ACCOUNT} WHERE login = ?1"), p![login])? {
        Some(r) => account(db, &r),
        None => Err(StoreError::NotFound("account")),
    }
}

fn token_row(r: &Row) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        label: r.get(1)?,
        created_at: r.get(2)?,
        revoked_at: r.get(3)?,
    })
}

/// Creates an account; a taken login is `Conflict { code: "login-taken" }`.
pub(crate) fn create<D: Db + ?Sized>(
    db: &mut D,
    meta: &WriteMeta,
    new: &NewStaff,
) -> StoreResult<StaffAccount> {
    if db.exists("SELECT 1 FROM staff_users WHERE login = ?1", p![&new.login])? {
        return Err(StoreError::conflict(
            "login-taken",
            format!("there is already an account \"{}\"", new.login),
        ));
    }
    let id = db.insert(
        "INSERT INTO staff_users (login, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        p![&new.login, &new.display_name, &new.password_hash, meta.now],
    )?;
    for g in &new.grants {
        db.exec(
            "INSERT INTO staff_grants (user_id, role, scope_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            p![id, g.role.as_str(), g.scope_id],
        )?;
    }
    Ok(by_login(db, &new.login)?.0)
}

/// Changes an account; a new password or a disabled account ends its sessions.
pub(crate) fn change<D: Db + ?Sized>(
    db: &mut D,
    login: &str,
    change: &StaffChange,
) -> StoreResult<StaffAccount> {
    let n = match change {
        StaffChange::Password(hash) => db.exec(
            "UPDATE staff_users SET password_hash = ?2 WHERE login = ?1",
            p![login, hash],
        )?,
        StaffChange::Disabled(d) => db.exec(
            "UPDATE staff_users SET disabled = ?2 WHERE login = ?1",
            p![login, *d],
        )?,
    };
    if n == 0 {
        return Err(StoreError::NotFound("account"));
    }
    // A new password or a disabled account ends every console session of
    // it: whoever held the old password (or the account) is signed out.
    if matches!(
        change,
        StaffChange::Password(_) | StaffChange::Disabled(true)
    ) {
        db.exec(
            "DELETE FROM staff_sessions WHERE user_id = (SELECT id FROM staff_users WHERE login = ?1)",
            p![login],
        )?;
    }
    Ok(by_login(db, login)?.0)
}

/// Every account, by login.
pub(crate) fn list<D: Db + ?Sized>(db: &mut D) -> StoreResult<Vec<StaffAccount>> {
    let rows = db.query(&format!("{ACCOUNT} ORDER BY login"), &[])?;
    rows.iter().map(|r| Ok(account(db, r)?.0)).collect()
}

/// Keeps the SHA-256 of a new personal token of `login`.
pub(crate) fn add_token<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    login: &str,
    label: &str,
    token_hash: &[u8],
) -> StoreResult<ApiToken> {
    let user = by_login(db, login)?.0.id;
    let id = db.insert(
        "INSERT INTO staff_tokens (user_id, label, token_hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        p![user, label, token_hash, now],
    )?;
    token_row(&db.one(&format!("{TOKEN} WHERE id = ?1"), p![id])?)
}

/// The tokens of `login`, newest first.
pub(crate) fn tokens<D: Db + ?Sized>(db: &mut D, login: &str) -> StoreResult<Vec<ApiToken>> {
    let user = by_login(db, login)?.0.id;
    db.query(
        &format!("{TOKEN} WHERE user_id = ?1 ORDER BY id DESC"),
        p![user],
    )?
    .iter()
    .map(token_row)
    .collect()
}

/// Revokes a token; revoking it again changes nothing.
pub(crate) fn revoke_token<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    id: Id,
) -> StoreResult<ApiToken> {
    db.exec(
        "UPDATE staff_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        p![id, now],
    )?;
    db.opt(&format!("{TOKEN} WHERE id = ?1"), p![id])?
        .as_ref()
        .map(token_row)
        .transpose()?
        .ok_or(StoreError::NotFound("token"))
}

/// The enabled account holding the unrevoked token with this hash.
pub(crate) fn by_token<D: Db + ?Sized>(
    db: &mut D,
    token_hash: &[u8],
) -> StoreResult<Option<StaffAccount>> {
    let login: Option<String> = db
        .opt(
            "SELECT u.login FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id \
             WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = ?2",
            p![token_hash, false],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    login.map(|l| by_login(db, &l).map(|(a, _)| a)).transpose()
}

/// The failed sign-ins since `since` that bear on an attempt on `login`
/// from `address`. Attempts on one login take turns (on PostgreSQL too)
/// until the transaction ends.
pub(crate) fn sign_in_failures<D: Db + ?Sized>(
    db: &mut D,
    login: &str,
    address: Option<&str>,
    since: Millis,
) -> StoreResult<SignInFailures> {
    db.hold_key(&format!("sign-in:{login}"))?;
    let mut times = |sql: &str, params: &[super::Value]| -> StoreResult<Vec<Millis>> {
        db.query(sql, params)?.iter().map(|r| r.get(0)).collect()
    };
    Ok(SignInFailures {
        login_from_address: match address {
            Some(a) => times(
                "SELECT at FROM staff_sign_ins WHERE login = ?1 AND address = ?2 AND at >= ?3 AND ok = ?4",
                p![login, a, since, false],
            )?,
            None => Vec::new(),
        },
        address: match address {
            Some(a) => times(
                "SELECT at FROM staff_sign_ins WHERE address = ?1 AND at >= ?2 AND ok = ?3",
                p![a, since, false],
            )?,
            None => Vec::new(),
        },
        login: times(
            "SELECT at FROM staff_sign_ins WHERE login = ?1 AND at >= ?2 AND ok = ?3",
            p![login, since, false],
        )?,
    })
}

/// Logs a sign-in attempt, as a failure until [`finish_sign_in`] says
/// otherwise; its id.
pub(crate) fn log_sign_in<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    login: &str,
    address: Option<&str>,
) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO staff_sign_ins (at, login, address, ok) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        p![now, login, address, false],
    )
}

/// Drops the records of sign-in attempts made before `before`; how many.
pub(crate) fn purge_sign_ins<D: Db + ?Sized>(db: &mut D, before: Millis) -> StoreResult<u64> {
    db.exec("DELETE FROM staff_sign_ins WHERE at < ?1", p![before])
}

/// Marks a logged sign-in attempt as successful.
pub(crate) fn finish_sign_in<D: Db + ?Sized>(db: &mut D, attempt: Id) -> StoreResult<()> {
    db.exec(
        "UPDATE staff_sign_ins SET ok = ?2 WHERE id = ?1",
        p![attempt, true],
    )?;
    Ok(())
}

/// Starts a session of `account` under the hash of its cookie value (and
/// drops expired ones).
pub(crate) fn start_session<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    account: Id,
    token_hash: &[u8],
    csrf: &str,
    expires_at: Millis,
) -> StoreResult<()> {
    db.exec("DELETE FROM staff_sessions WHERE expires_at <= ?1", p![now])?;
    db.exec(
        "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        p![token_hash, account, csrf, now, expires_at],
    )?;
    Ok(())
}

/// The enabled account, CSRF token and expiry of a live session.
pub(crate) fn session<D: Db + ?Sized>(
    db: &mut D,
    token_hash: &[u8],
    now: Millis,
) -> StoreResult<Option<(StaffAccount, String, Millis)>> {
    let found = db.opt(
        "SELECT u.login, s.csrf, s.expires_at FROM staff_sessions s \
         JOIN staff_users u ON u.id = s.user_id \
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = ?3",
        p![token_hash, now, false],
    )?;
    match found {
        Some(r) => {
            let (account, _) = by_login(db, &r.get::<String>(0)?)?;
            Ok(Some((account, r.get(1)?, r.get(2)?)))
        }
        None => Ok(None),
    }
}

/// Ends a session (and drops expired ones).
pub(crate) fn end_session<D: Db + ?Sized>(
    db: &mut D,
    now: Millis,
    token_hash: &[u8],
) -> StoreResult<()> {
    db.exec(
        "DELETE FROM staff_sessions WHERE token_hash = ?1 OR expires_at <= ?2",
        p![token_hash, now],
    )?;
    Ok(())
}
