//! The rows of `idempotency`: the answers remembered under idempotency
//! keys ([`crate::storage::idempotency`] decides when to read and write them).

use tongxin_core::Millis;

use super::{Db, p};
use crate::storage::{IdemKey, StoreResult};

/// The fingerprint and body stored under `key` since `since`.
pub(crate) fn remembered<D: Db + ?Sized>(
    db: &mut D,
    key: &str,
    since: Millis,
) -> StoreResult<Option<(String, String)>> {
    db.hold_key(key)?;
    db.opt(
        "SELECT fingerprint, body FROM idempotency WHERE key = ?1 AND created_at >= ?2",
        p![key, since],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

/// Stores (or replaces an expired) answer under `idem`.
pub(crate) fn remember<D: Db + ?Sized>(
    db: &mut D,
    idem: &IdemKey,
    body: &str,
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "INSERT INTO idempotency (key, fingerprint, body, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, \
         body = excluded.body, created_at = excluded.created_at",
        p![&idem.key, &idem.fingerprint, body, now],
    )?;
    Ok(())
}
