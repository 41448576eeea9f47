//! [`StaffStore`] for every SQL store: the rows of `staff_users`,
//! `staff_grants`, `staff_tokens`, `staff_sessions` and `staff_sign_ins`.

use async_trait::async_trait;
use tongxin_core::staff::{ApiToken, Grant, Role, SignInFailures, StaffAccount, sign_in_wait};
use tongxin_core::{Id, Millis};

use super::{Db, Engine, Row, SqlStore, p};
use crate::storage::{NewStaff, StaffChange, StaffStore, StoreError, StoreResult, WriteMeta};

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

fn by_login<D: Db + ?Sized>(db: &mut D, login: &str) -> StoreResult<(StaffAccount, String)> {
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

fn create<D: Db + ?Sized>(
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

fn change<D: Db + ?Sized>(
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

#[async_trait]
impl<E: Engine> StaffStore for SqlStore<E> {
    async fn create_staff(&self, meta: WriteMeta, new: NewStaff) -> StoreResult<StaffAccount> {
        self.write_typed(meta, move |db, m| create(db, m, &new))
            .await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>> {
        self.read(|db| {
            let rows = db.query(&format!("{ACCOUNT} ORDER BY login"), &[])?;
            rows.iter().map(|r| Ok(account(db, r)?.0)).collect()
        })
        .await
    }

    async fn staff_with_hash(&self, login: &str) -> StoreResult<(StaffAccount, String)> {
        let login = login.to_owned();
        self.read(move |db| by_login(db, &login)).await
    }

    async fn change_staff(
        &self,
        meta: WriteMeta,
        login: String,
        what: StaffChange,
    ) -> StoreResult<StaffAccount> {
        self.write_typed(meta, move |db, _| change(db, &login, &what))
            .await
    }

    async fn add_api_token(
        &self,
        meta: WriteMeta,
        login: String,
        label: String,
        token_hash: Vec<u8>,
    ) -> StoreResult<ApiToken> {
        self.write_typed(meta, move |db, m| {
            let user = by_login(db, &login)?.0.id;
            let id = db.insert(
                "INSERT INTO staff_tokens (user_id, label, token_hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                p![user, label, token_hash, m.now],
            )?;
            token_row(&db.one(&format!("{TOKEN} WHERE id = ?1"), p![id])?)
        })
        .await
    }

    async fn api_tokens(&self, login: &str) -> StoreResult<Vec<ApiToken>> {
        let login = login.to_owned();
        self.read(move |db| {
            let user = by_login(db, &login)?.0.id;
            db.query(
                &format!("{TOKEN} WHERE user_id = ?1 ORDER BY id DESC"),
                p![user],
            )?
            .iter()
            .map(token_row)
            .collect()
        })
        .await
    }

    async fn revoke_api_token(&self, meta: WriteMeta, id: Id) -> StoreResult<ApiToken> {
        self.write_typed(meta, move |db, m| {
            db.exec(
                "UPDATE staff_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                p![id, m.now],
            )?;
            db.opt(&format!("{TOKEN} WHERE id = ?1"), p![id])?
                .as_ref()
                .map(token_row)
                .transpose()?
                .ok_or(StoreError::NotFound("token"))
        })
        .await
    }

    async fn staff_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<StaffAccount>> {
        let token_hash = token_hash.to_vec();
        self.read(move |db| {
            let login: Option<String> = db
                .opt(
                    "SELECT u.login FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id \
                     WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = ?2",
                    p![token_hash, false],
                )?
                .map(|r| r.get(0))
                .transpose()?;
            login.map(|l| by_login(db, &l).map(|(a, _)| a)).transpose()
        })
        .await
    }

    async fn begin_sign_in(
        &self,
        meta: WriteMeta,
        login: String,
        address: Option<String>,
        since: Millis,
    ) -> StoreResult<Result<Id, u64>> {
        self.write_typed(meta, move |db, m| {
            // Attempts on one login take turns on PostgreSQL too.
            db.hold_key(&format!("sign-in:{login}"))?;
            let mut times = |sql: &str, params: &[super::Value]| -> StoreResult<Vec<Millis>> {
                db.query(sql, params)?.iter().map(|r| r.get(0)).collect()
            };
            let failures = SignInFailures {
                login_from_address: match &address {
                    Some(a) => times(
                        "SELECT at FROM staff_sign_ins WHERE login = ?1 AND address = ?2 AND at >= ?3 AND ok = ?4",
                        p![&login, a, since, false],
                    )?,
                    None => Vec::new(),
                },
                address: match &address {
                    Some(a) => times(
                        "SELECT at FROM staff_sign_ins WHERE address = ?1 AND at >= ?2 AND ok = ?3",
                        p![a, since, false],
                    )?,
                    None => Vec::new(),
                },
                login: times(
                    "SELECT at FROM staff_sign_ins WHERE login = ?1 AND at >= ?2 AND ok = ?3",
                    p![&login, since, false],
                )?,
            };
            if let Some(wait) = sign_in_wait(&failures, m.now) {
                return Ok(Err(wait));
            }
            let id = db.insert(
                "INSERT INTO staff_sign_ins (at, login, address, ok) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                p![m.now, login, address, false],
            )?;
            Ok(Ok(id))
        })
        .await
    }

    async fn purge_sign_ins(&self, meta: WriteMeta, before: Millis) -> StoreResult<u64> {
        self.write_typed(meta, move |db, _| {
            db.exec("DELETE FROM staff_sign_ins WHERE at < ?1", p![before])
        })
        .await
    }

    async fn finish_sign_in(&self, meta: WriteMeta, attempt: Id) -> StoreResult<()> {
        self.write_typed(meta, move |db, _| {
            db.exec(
                "UPDATE staff_sign_ins SET ok = ?2 WHERE id = ?1",
                p![attempt, true],
            )?;
            Ok(())
        })
        .await
    }

    async fn start_session(
        &self,
        meta: WriteMeta,
        account: Id,
        token_hash: Vec<u8>,
        csrf: String,
        expires_at: Millis,
    ) -> StoreResult<()> {
        self.write_typed(meta, move |db, m| {
            db.exec(
                "DELETE FROM staff_sessions WHERE expires_at <= ?1",
                p![m.now],
            )?;
            db.exec(
                "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                p![token_hash, account, csrf, m.now, expires_at],
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
        let token_hash = token_hash.to_vec();
        self.read(move |db| {
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
        })
        .await
    }

    async fn end_session(&self, meta: WriteMeta, token_hash: Vec<u8>) -> StoreResult<()> {
        self.write_typed(meta, move |db, m| {
            db.exec(
                "DELETE FROM staff_sessions WHERE token_hash = ?1 OR expires_at <= ?2",
                p![token_hash, m.now],
            )?;
            Ok(())
        })
        .await
    }
}
