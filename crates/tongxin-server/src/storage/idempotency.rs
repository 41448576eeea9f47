//! Replaying a write: a request sent again with the same `Idempotency-Key`
//! gets the first answer and writes nothing; the same key with other
//! content is refused. Checked and recorded inside the write's own
//! transaction, so an answer is remembered exactly when its write commits.

use serde::Serialize;

use super::sql::{Db, idempotency};
use super::{Reply, StoreError, StoreResult, WriteMeta};

/// Runs `write` once per idempotency key of `meta` (every time when it has
/// none) and returns its answer as JSON. Records older than `ttl_ms` are
/// forgotten: the key may then be used again.
pub fn once<T: Serialize>(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    ttl_ms: i64,
    write: impl FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T>,
) -> StoreResult<Reply> {
    if let Some(idem) = &meta.idem
        && let Some((fingerprint, body)) =
            idempotency::remembered(rows, &idem.key, meta.now - ttl_ms)?
    {
        return if fingerprint == idem.fingerprint {
            Ok(Reply {
                body,
                replayed: true,
            })
        } else {
            Err(StoreError::IdempotencyMismatch)
        };
    }
    let value = write(rows, meta)?;
    let body = serde_json::to_string(&value)?;
    if let Some(idem) = &meta.idem {
        idempotency::remember(rows, idem, &body, meta.now)?;
    }
    Ok(Reply {
        body,
        replayed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::IdemKey;
    use crate::storage::sqlite::SqliteRows;
    use rusqlite::Connection;

    /// The `idempotency` table alone, in memory: this module's rule is
    /// under test, on the same SQL the stores run.
    fn table() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, \
             body TEXT NOT NULL, created_at INTEGER NOT NULL)",
        )
        .unwrap();
        c
    }

    fn meta(now: i64, fingerprint: &str) -> WriteMeta {
        WriteMeta {
            idem: Some(IdemKey {
                key: "k".into(),
                fingerprint: fingerprint.into(),
            }),
            ..WriteMeta::plain(now)
        }
    }

    #[test]
    fn a_key_replays_its_first_answer_refuses_other_content_and_expires() {
        let c = table();
        let mut runs = 0;
        let mut write = |now, fp: &str| {
            once(&mut SqliteRows(&c), &meta(now, fp), 100, |_, m| {
                runs += 1;
                Ok(m.now)
            })
        };
        let first = write(10, "a").unwrap();
        assert_eq!((first.body.as_str(), first.replayed), ("10", false));
        let again = write(20, "a").unwrap();
        assert_eq!((again.body.as_str(), again.replayed), ("10", true));
        assert!(matches!(
            write(30, "b"),
            Err(StoreError::IdempotencyMismatch)
        ));
        let later = write(200, "b").unwrap();
        assert_eq!((later.body.as_str(), later.replayed), ("200", false));
        assert_eq!(runs, 2);
    }

    #[test]
    fn a_refused_write_remembers_nothing() {
        let c = table();
        let refused = once(&mut SqliteRows(&c), &meta(10, "a"), 100, |_, _| {
            Err::<(), _>(StoreError::NotFound("poll"))
        });
        assert!(refused.is_err());
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM idempotency", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
