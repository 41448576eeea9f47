//! Replaying a write: a request sent again with the same `Idempotency-Key`
//! gets the first answer and writes nothing; the same key with other
//! content is refused. Checked and recorded inside the write's own
//! transaction, so an answer is remembered exactly when its write commits.

use serde::Serialize;

use super::rows::IdempotencyRows;
use super::{Reply, StoreError, StoreResult, WriteMeta};

/// Runs `write` once per idempotency key of `meta` (every time when it has
/// none) and returns its answer as JSON. Records older than `ttl_ms` are
/// forgotten: the key may then be used again.
pub fn once<R, T>(
    rows: &mut R,
    meta: &WriteMeta,
    ttl_ms: i64,
    write: impl FnOnce(&mut R, &WriteMeta) -> StoreResult<T>,
) -> StoreResult<Reply>
where
    R: IdempotencyRows + ?Sized,
    T: Serialize,
{
    if let Some(idem) = &meta.idem
        && let Some((fingerprint, body)) = rows.remembered(&idem.key, meta.now - ttl_ms)?
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
        rows.remember(idem, &body, meta.now)?;
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
    use std::collections::HashMap;

    /// Rows in memory: this module's rule, not a store, is under test.
    #[derive(Default)]
    struct Memory(HashMap<String, (String, String, i64)>);

    impl IdempotencyRows for Memory {
        fn remembered(&mut self, key: &str, since: i64) -> StoreResult<Option<(String, String)>> {
            Ok(self
                .0
                .get(key)
                .filter(|(_, _, at)| *at >= since)
                .map(|(f, b, _)| (f.clone(), b.clone())))
        }
        fn remember(&mut self, idem: &IdemKey, body: &str, now: i64) -> StoreResult<()> {
            self.0.insert(
                idem.key.clone(),
                (idem.fingerprint.clone(), body.into(), now),
            );
            Ok(())
        }
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
        let mut rows = Memory::default();
        let mut runs = 0;
        let mut write = |now, fp: &str| {
            once(&mut rows, &meta(now, fp), 100, |_, m| {
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
        let mut rows = Memory::default();
        let refused = once(&mut rows, &meta(10, "a"), 100, |_, _| {
            Err::<(), _>(StoreError::NotFound("poll"))
        });
        assert!(refused.is_err());
        assert!(rows.0.is_empty());
    }
}
