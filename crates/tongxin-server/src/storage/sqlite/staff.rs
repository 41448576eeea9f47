//! [`StaffStore`] for [`SqliteStore`]: the rows of `staff_users`,
//! `staff_grants` and `staff_tokens`.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::staff::{ApiToken, Grant, Role, StaffAccount};
use tongxin_core::{Id, Millis};

use super::SqliteStore;
use crate::storage::{NewStaff, StaffChange, StaffStore, StoreError, StoreResult, WriteMeta};

const ACCOUNT: &str =
    "SELECT id, login, display_name, disabled, created_at, password_hash FROM staff_users";

fn grants(conn: &Connection, user: Id) -> StoreResult<Vec<Grant>> {
    let mut st = conn.prepare_cached(
        "SELECT role, scope_id FROM staff_grants WHERE user_id = ?1 ORDER BY role, scope_id",
    )?;
    let rows = st
        .query_map([user], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Id>>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(role, scope_id)| {
            Some(Grant {
                role: Role::parse(&role)?,
                scope_id,
            })
        })
        .collect())
}

fn account(conn: &Connection, r: &rusqlite::Row<'_>) -> StoreResult<(StaffAccount, String)> {
    let id: Id = r.get(0)?;
    Ok((
        StaffAccount {
            id,
            login: r.get(1)?,
            display_name: r.get(2)?,
            disabled: r.get::<_, i64>(3)? != 0,
            created_at: r.get(4)?,
            grants: grants(conn, id)?,
        },
        r.get(5)?,
    ))
}

fn by_login(conn: &Connection, login: &str) -> StoreResult<(StaffAccount, String)> {
    let mut st = conn.prepare_cached(&format!("{ACCOUNT} WHERE login = ?1"))?;
    let mut rows = st.query([login])?;
    match rows.next()? {
        Some(r) => account(conn, r),
        None => Err(StoreError::NotFound("account")),
    }
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        label: r.get(1)?,
        created_at: r.get(2)?,
        revoked_at: r.get(3)?,
    })
}

const TOKEN: &str = "SELECT id, label, created_at, revoked_at FROM staff_tokens";

fn create(conn: &Connection, meta: &WriteMeta, new: &NewStaff) -> StoreResult<StaffAccount> {
    let taken: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM staff_users WHERE login = ?1",
            [&new.login],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::conflict(
            "login-taken",
            format!("there is already an account \"{}\"", new.login),
        ));
    }
    conn.execute(
        "INSERT INTO staff_users (login, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![new.login, new.display_name, new.password_hash, meta.now],
    )?;
    let id = conn.last_insert_rowid();
    for g in &new.grants {
        conn.execute(
            "INSERT OR IGNORE INTO staff_grants (user_id, role, scope_id) VALUES (?1, ?2, ?3)",
            params![id, g.role.as_str(), g.scope_id],
        )?;
    }
    Ok(by_login(conn, &new.login)?.0)
}

fn change(conn: &Connection, login: &str, change: &StaffChange) -> StoreResult<StaffAccount> {
    let n = match change {
        StaffChange::Password(hash) => conn.execute(
            "UPDATE staff_users SET password_hash = ?2 WHERE login = ?1",
            params![login, hash],
        )?,
        StaffChange::Disabled(d) => conn.execute(
            "UPDATE staff_users SET disabled = ?2 WHERE login = ?1",
            params![login, *d as i64],
        )?,
    };
    if n == 0 {
        return Err(StoreError::NotFound("account"));
    }
    Ok(by_login(conn, login)?.0)
}

#[async_trait]
impl StaffStore for SqliteStore {
    async fn create_staff(&self, meta: WriteMeta, new: NewStaff) -> StoreResult<StaffAccount> {
        self.write_typed(meta, move |c, m| create(c, m, &new)).await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!("{ACCOUNT} ORDER BY login"))?;
            let mut rows = st.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(account(c, r)?.0);
            }
            Ok(out)
        })
    }

    async fn staff_with_hash(&self, login: &str) -> StoreResult<(StaffAccount, String)> {
        self.read(|c| by_login(c, login))
    }

    async fn change_staff(
        &self,
        meta: WriteMeta,
        login: String,
        what: StaffChange,
    ) -> StoreResult<StaffAccount> {
        self.write_typed(meta, move |c, _| change(c, &login, &what))
            .await
    }

    async fn add_api_token(
        &self,
        meta: WriteMeta,
        login: String,
        label: String,
        token_hash: Vec<u8>,
    ) -> StoreResult<ApiToken> {
        self.write_typed(meta, move |c, m| {
            let user = by_login(c, &login)?.0.id;
            c.execute(
                "INSERT INTO staff_tokens (user_id, label, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![user, label, token_hash, m.now],
            )?;
            let id = c.last_insert_rowid();
            Ok(c.query_row(&format!("{TOKEN} WHERE id = ?1"), [id], token_row)?)
        })
        .await
    }

    async fn api_tokens(&self, login: &str) -> StoreResult<Vec<ApiToken>> {
        self.read(|c| {
            let user = by_login(c, login)?.0.id;
            let mut st =
                c.prepare_cached(&format!("{TOKEN} WHERE user_id = ?1 ORDER BY id DESC"))?;
            Ok(st
                .query_map([user], token_row)?
                .collect::<Result<Vec<_>, _>>()?)
        })
    }

    async fn revoke_api_token(&self, meta: WriteMeta, id: Id) -> StoreResult<ApiToken> {
        self.write_typed(meta, move |c, m| {
            c.execute(
                "UPDATE staff_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, m.now],
            )?;
            c.query_row(&format!("{TOKEN} WHERE id = ?1"), [id], token_row)
                .optional()?
                .ok_or(StoreError::NotFound("token"))
        })
        .await
    }

    async fn staff_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<StaffAccount>> {
        self.read(|c| {
            let login: Option<String> = c
                .query_row(
                    "SELECT u.login FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id \
                     WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0",
                    [token_hash],
                    |r| r.get(0),
                )
                .optional()?;
            login.map(|l| by_login(c, &l).map(|(a, _)| a)).transpose()
        })
    }

    async fn record_sign_in(
        &self,
        meta: WriteMeta,
        login: String,
        address: Option<String>,
        ok: bool,
    ) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            c.execute(
                "INSERT INTO staff_sign_ins (at, login, address, ok) VALUES (?1, ?2, ?3, ?4)",
                params![m.now, login, address, ok as i64],
            )?;
            Ok(())
        })
        .await
    }

    async fn sign_in_failures(
        &self,
        login: &str,
        address: Option<&str>,
        since: Millis,
    ) -> StoreResult<(Vec<Millis>, Vec<Millis>)> {
        self.read(|c| {
            let times = |sql: &str, key: &str| -> StoreResult<Vec<Millis>> {
                let mut st = c.prepare_cached(sql)?;
                Ok(st
                    .query_map(params![key, since], |r| r.get(0))?
                    .collect::<Result<Vec<_>, _>>()?)
            };
            let by_login = times(
                "SELECT at FROM staff_sign_ins WHERE login = ?1 AND at >= ?2 AND ok = 0",
                login,
            )?;
            let by_address = match address {
                Some(a) => times(
                    "SELECT at FROM staff_sign_ins WHERE address = ?1 AND at >= ?2 AND ok = 0",
                    a,
                )?,
                None => Vec::new(),
            };
            Ok((by_login, by_address))
        })
    }

    async fn start_session(
        &self,
        meta: WriteMeta,
        account: Id,
        token_hash: Vec<u8>,
        csrf: String,
        expires_at: Millis,
    ) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            c.execute("DELETE FROM staff_sessions WHERE expires_at <= ?1", [m.now])?;
            c.execute(
                "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, account, csrf, m.now, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> StoreResult<Option<(StaffAccount, String, Millis)>> {
        self.read(|c| {
            let found: Option<(String, String, Millis)> = c
                .query_row(
                    "SELECT u.login, s.csrf, s.expires_at FROM staff_sessions s \
                     JOIN staff_users u ON u.id = s.user_id \
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                    params![token_hash, now],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            found
                .map(|(login, csrf, exp)| by_login(c, &login).map(|(a, _)| (a, csrf, exp)))
                .transpose()
        })
    }

    async fn end_session(&self, meta: WriteMeta, token_hash: Vec<u8>) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            c.execute(
                "DELETE FROM staff_sessions WHERE token_hash = ?1 OR expires_at <= ?2",
                params![token_hash, m.now],
            )?;
            Ok(())
        })
        .await
    }
}
