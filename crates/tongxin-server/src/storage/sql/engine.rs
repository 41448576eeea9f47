//! What a database engine gives the shared store: a read connection, and
//! a write transaction that is committed before anyone hears the answer.
//! [`SqlStore`] adds everything else once for every engine: idempotent
//! replay, the poll cache, and the [`crate::storage::Store`] methods.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tongxin_core::Id;

use super::{Db, polls};
use crate::storage::cache::{Entry, PollCache};
use crate::storage::idempotency::once;
use crate::storage::{Reply, StoreHealth, StoreResult, WriteMeta};

/// A read: runs on a connection that sees committed data.
pub type ReadFn<T> = Box<dyn FnOnce(&mut dyn Db) -> StoreResult<T> + Send>;
/// A write: runs inside a transaction, answers with the JSON reply.
pub type WriteFn = Box<dyn FnOnce(&mut dyn Db) -> StoreResult<Reply> + Send>;
/// Work to do once a write has been committed.
pub type AfterCommit = Box<dyn FnOnce() + Send>;

/// A database the shared SQL runs on.
#[async_trait]
pub trait Engine: Send + Sync + 'static {
    /// Runs `f` on a read connection.
    async fn read<T: Send + 'static>(&self, f: ReadFn<T>) -> StoreResult<T>;
    /// Runs `f` in a transaction and commits it when `f` succeeds (rolls
    /// back otherwise); `after_commit` runs once it is committed. A
    /// `secret` write leaves no history behind (see `docs/security.md`).
    async fn transact(
        &self,
        secret: bool,
        f: WriteFn,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply>;
    /// Whether writes are being accepted and committed.
    async fn health(&self) -> StoreHealth;
    /// Whether this process may keep polls in memory between requests:
    /// true only when no other process writes the same database.
    fn caches_polls(&self) -> bool;
}

/// The [`crate::storage::Store`] over any [`Engine`].
#[derive(Clone)]
pub struct SqlStore<E> {
    /// The database.
    pub(crate) engine: E,
    /// How long idempotency records are kept, in ms.
    pub(crate) idempotency_ttl_ms: i64,
    pub(crate) polls: PollCache,
}

impl<E: Engine> SqlStore<E> {
    /// A store over `engine` keeping idempotency records `idempotency_ttl_ms`.
    pub fn new(engine: E, idempotency_ttl_ms: i64) -> Self {
        SqlStore {
            engine,
            idempotency_ttl_ms,
            polls: PollCache::default(),
        }
    }

    /// The engine underneath.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// Runs `f` on a read connection.
    pub(crate) async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Db) -> StoreResult<T> + Send + 'static,
    {
        self.engine.read(Box::new(f)).await
    }

    /// Runs `f` in a write transaction. With an idempotency key, a repeated
    /// key replays the stored answer instead of running `f`.
    pub(crate) async fn write_then<T, F>(
        &self,
        meta: WriteMeta,
        f: F,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let ttl = self.idempotency_ttl_ms;
        let secret = meta.secret;
        self.engine
            .transact(
                secret,
                Box::new(move |db| once(db, &meta, ttl, |d, m| f(d, m))),
                after_commit,
            )
            .await
    }

    /// Runs `f` in a write transaction (see [`Self::write_then`]).
    pub(crate) async fn write<T, F>(&self, meta: WriteMeta, f: F) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        self.write_then(meta, f, None).await
    }

    /// Like [`Self::write`] but returns the typed value.
    pub(crate) async fn write_typed<T, F>(&self, meta: WriteMeta, f: F) -> StoreResult<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let reply = self.write(meta, f).await?;
        Ok(serde_json::from_str(&reply.body)?)
    }

    /// A poll and its tally, from the cache when the engine allows it.
    pub(crate) async fn cached_poll(&self, id: Id) -> StoreResult<Entry> {
        if !self.engine.caches_polls() {
            return Ok(Arc::new(
                self.read(move |db| polls::with_tally(db, id)).await?,
            ));
        }
        match self.polls.get(id) {
            Ok(e) => Ok(e),
            Err(generation) => {
                let entry = Arc::new(self.read(move |db| polls::with_tally(db, id)).await?);
                self.polls.insert(id, generation, entry.clone());
                Ok(entry)
            }
        }
    }

    /// Runs a write that touches poll `id`; the cached copy is forgotten
    /// right after the commit.
    pub(crate) async fn write_poll<T, F>(&self, id: Id, meta: WriteMeta, f: F) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let cache = self.polls.clone();
        self.write_then(meta, f, Some(Box::new(move || cache.invalidate(id))))
            .await
    }
}
