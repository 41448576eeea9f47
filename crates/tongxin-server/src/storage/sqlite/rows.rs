//! The writer's connection, inside its transaction, as the rows the
//! service layer works on ([`crate::storage::rows`]). The table modules
//! implement the traits of their tables on [`SqliteRows`]; this file holds
//! the ones shared by every item.

use std::ops::Deref;

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::scope::ScopeTree;
use tongxin_core::{Id, Millis};

use super::scopes;
use crate::storage::rows::{CodeRows, IdempotencyRows, ScopeRows};
use crate::storage::{CodeTarget, IdemKey, StoreResult};

/// The connection of the writer thread during one job.
pub(crate) struct SqliteRows<'c>(pub &'c Connection);

impl Deref for SqliteRows<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
    }
}

impl IdempotencyRows for SqliteRows<'_> {
    fn remembered(&mut self, key: &str, since: Millis) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .prepare_cached(
                "SELECT fingerprint, body FROM idempotency WHERE key = ?1 AND created_at >= ?2",
            )?
            .query_row(params![key, since], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }
    fn remember(&mut self, idem: &IdemKey, body: &str, now: Millis) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT OR REPLACE INTO idempotency (key, fingerprint, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![idem.key, idem.fingerprint, body, now])?;
        Ok(())
    }
}

impl CodeRows for SqliteRows<'_> {
    fn use_code(
        &mut self,
        hash: &str,
        target: CodeTarget,
        id: Id,
        now: Millis,
    ) -> StoreResult<bool> {
        let n = self
            .prepare_cached("UPDATE codes SET first_used_at = COALESCE(first_used_at, ?1) WHERE hash = ?2 AND target_kind = ?3 AND target_id = ?4 AND revoked_at IS NULL")?
            .execute(params![now, hash, target.as_str(), id])?;
        Ok(n == 1)
    }
}

impl ScopeRows for SqliteRows<'_> {
    fn scope_tree(&mut self) -> StoreResult<ScopeTree> {
        scopes::tree(self)
    }
    fn scope_exists(&mut self, id: Id) -> StoreResult<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM scopes WHERE id = ?1")?
            .exists([id])?)
    }
}
