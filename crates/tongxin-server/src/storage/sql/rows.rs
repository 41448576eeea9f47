//! The row traits every item shares — idempotency records, household
//! codes, the scope tree — for any [`Db`]. The table modules implement the
//! traits of their own tables.

use tongxin_core::scope::ScopeTree;
use tongxin_core::{Id, Millis};

use super::{Db, p, scopes};
use crate::storage::rows::{CodeRows, IdempotencyRows, ScopeRows};
use crate::storage::{CodeTarget, IdemKey, StoreResult};

impl<D: Db + ?Sized> IdempotencyRows for D {
    fn remembered(&mut self, key: &str, since: Millis) -> StoreResult<Option<(String, String)>> {
        self.hold_key(key)?;
        self.opt(
            "SELECT fingerprint, body FROM idempotency WHERE key = ?1 AND created_at >= ?2",
            p![key, since],
        )?
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .transpose()
    }
    fn remember(&mut self, idem: &IdemKey, body: &str, now: Millis) -> StoreResult<()> {
        self.exec(
            "INSERT INTO idempotency (key, fingerprint, body, created_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, \
             body = excluded.body, created_at = excluded.created_at",
            p![&idem.key, &idem.fingerprint, body, now],
        )?;
        Ok(())
    }
}

impl<D: Db + ?Sized> CodeRows for D {
    fn use_code(
        &mut self,
        hash: &str,
        target: CodeTarget,
        id: Id,
        now: Millis,
    ) -> StoreResult<bool> {
        let n = self.exec(
            "UPDATE codes SET first_used_at = COALESCE(first_used_at, ?1) \
             WHERE hash = ?2 AND target_kind = ?3 AND target_id = ?4 AND revoked_at IS NULL",
            p![now, hash, target.as_str(), id],
        )?;
        Ok(n == 1)
    }
}

impl<D: Db + ?Sized> ScopeRows for D {
    fn scope_tree(&mut self) -> StoreResult<ScopeTree> {
        scopes::tree(self)
    }
    fn scope_exists(&mut self, id: Id) -> StoreResult<bool> {
        self.exists("SELECT 1 FROM scopes WHERE id = ?1", p![id])
    }
}
