//! The one store the server has: a database (the embedded SQLite file or
//! PostgreSQL), and what every use case needs from it: a read connection,
//! a write transaction with idempotent replay, and the poll cache. It runs
//! what the services hand it and decides nothing itself.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tongxin_core::Id;
use tongxin_core::contract::live::Topic;
use tongxin_core::staff::codes::CodeTarget;

use super::cache::{Entry, PollCache};
use super::changes::ChangeFeed;
use super::idempotency::once;
use super::postgres::PgEngine;
use super::sql::{AfterCommit, Db, Engine, paper, polls};
use super::sqlite::SqliteEngine;
use super::{Reply, StoreHealth, StoreResult, WriteMeta};

/// The database underneath a [`Store`].
pub enum Database {
    /// One SQLite file (the default).
    Sqlite(SqliteEngine),
    /// A PostgreSQL database, possibly shared by several instances.
    Postgres(PgEngine),
}

/// Runs `$call` on whichever engine `$db` holds.
macro_rules! on_engine {
    ($db:expr, $e:ident => $call:expr) => {
        match $db {
            Database::Sqlite($e) => $call,
            Database::Postgres($e) => $call,
        }
    };
}

/// The store: a [`Database`], idempotent writes and the poll cache.
pub struct Store {
    engine: Database,
    /// How long idempotency records are kept, in ms.
    idempotency_ttl_ms: i64,
    polls: PollCache,
    changes: Arc<ChangeFeed>,
    /// This instance among those sharing a database (random per start).
    instance: u64,
}

impl Store {
    /// A store over `engine` keeping idempotency records `idempotency_ttl_ms`.
    pub fn new(engine: Database, idempotency_ttl_ms: i64) -> Self {
        let polls = match &engine {
            Database::Postgres(pg) => {
                PollCache::expiring(std::time::Duration::from_millis(pg.cache_ms()))
            }
            Database::Sqlite(_) => PollCache::default(),
        };
        Store {
            engine,
            idempotency_ttl_ms,
            polls,
            changes: Arc::default(),
            instance: {
                let mut b = [0u8; 8];
                let _ = getrandom::fill(&mut b);
                u64::from_le_bytes(b)
            },
        }
    }

    /// The database underneath.
    pub fn database(&self) -> &Database {
        &self.engine
    }

    /// Notes that a committed write touched `topic`, for the live streams.
    pub fn changed(&self, topic: Topic) {
        self.changes.local(topic);
    }

    /// What changed since the live streams last looked.
    pub fn changes(&self) -> &Arc<ChangeFeed> {
        &self.changes
    }

    /// Tells the other instances on the same database that `topics`
    /// changed here (PostgreSQL `NOTIFY`; nothing to do on SQLite, which
    /// one process writes).
    pub async fn tell_others(&self, topics: &[Topic]) -> StoreResult<()> {
        match &self.engine {
            Database::Postgres(pg) if !topics.is_empty() => pg.tell(self.instance, topics).await,
            _ => Ok(()),
        }
    }

    /// Starts hearing the other instances' changes into [`Self::changes`]
    /// and the poll cache (what a lost connection missed is caught up by
    /// the live streams' periodic refresh; the cache is emptied).
    pub fn hear_others(&self) {
        if let Database::Postgres(pg) = &self.engine {
            pg.listen(self.instance, self.changes.clone(), self.polls.clone());
        }
    }

    /// Whether writes are being accepted and committed (for `/healthz`).
    pub async fn health(&self) -> StoreHealth {
        on_engine!(&self.engine, e => e.health().await)
    }

    /// Runs `f` on a read connection that sees committed data.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Db) -> StoreResult<T> + Send + 'static,
    {
        on_engine!(&self.engine, e => e.read(Box::new(f)).await)
    }

    /// Runs `f` in a write transaction and answers with its JSON once it is
    /// committed; `after_commit` runs right after the commit. With an
    /// idempotency key, a repeated key replays the stored answer instead
    /// of running `f` (checked and recorded in the same transaction).
    pub async fn write_then<T, F>(
        &self,
        meta: WriteMeta,
        f: F,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        self.write_in(None, meta, f, after_commit).await
    }

    /// [`Self::write_then`] in `lane`: writes locking the same item share a
    /// lane (see [`Engine::transact`]).
    async fn write_in<T, F>(
        &self,
        lane: Option<u64>,
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
        let f = Box::new(move |db: &mut dyn Db| once(db, &meta, ttl, f));
        on_engine!(&self.engine, e => e.transact(secret, lane, f, after_commit).await)
    }

    /// Runs `f` in a write transaction (see [`Self::write_then`]).
    pub async fn write<T, F>(&self, meta: WriteMeta, f: F) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        self.write_then(meta, f, None).await
    }

    /// Like [`Self::write`] but returns the typed value.
    pub async fn write_typed<T, F>(&self, meta: WriteMeta, f: F) -> StoreResult<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let reply = self.write(meta, f).await?;
        Ok(serde_json::from_str(&reply.body)?)
    }

    /// A poll and its tally, from the cache when the engine allows it.
    pub async fn cached_poll(&self, id: Id) -> StoreResult<Entry> {
        let read = || {
            self.read(move |db| {
                let (poll, tally) = polls::with_tally(db, id)?;
                Ok((poll, tally, paper::figures(db, CodeTarget::Poll, id)?))
            })
        };
        if !on_engine!(&self.engine, e => e.caches_polls()) {
            return Ok(Arc::new(read().await?));
        }
        match self.polls.get(id) {
            Ok(e) => Ok(e),
            Err(generation) => {
                let entry = Arc::new(read().await?);
                self.polls.insert(id, generation, entry.clone());
                Ok(entry)
            }
        }
    }

    /// A poll's settings (its tally may be older than the database's): for
    /// the checks before a write, which reads the poll again itself.
    pub async fn poll_settings(&self, id: Id) -> StoreResult<Entry> {
        match self.polls.settings(id) {
            Some(e) => Ok(e),
            None => self.cached_poll(id).await,
        }
    }

    /// Runs a write that changes poll `id`'s settings: the cached copy and
    /// its settings are forgotten right after the commit.
    pub async fn edit_poll<T, F>(&self, id: Id, meta: WriteMeta, f: F) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        self.poll_write(id, true, meta, f).await
    }

    /// Runs a write that touches poll `id`'s ballots; the cached tally is
    /// forgotten right after the commit.
    pub async fn write_poll<T, F>(&self, id: Id, meta: WriteMeta, f: F) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        self.poll_write(id, false, meta, f).await
    }

    /// A write to poll `id` in its lane; after the commit the live streams
    /// hear of it and the cache forgets the tally (and, for an edit, the
    /// settings).
    async fn poll_write<T, F>(
        &self,
        id: Id,
        edit: bool,
        meta: WriteMeta,
        f: F,
    ) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let cache = self.polls.clone();
        let changes = self.changes.clone();
        let after = move || {
            if edit {
                cache.forget(id);
            } else {
                cache.invalidate(id);
            }
            changes.local(Topic::Poll(id));
        };
        let lane = lane(CodeTarget::Poll, id);
        self.write_in(Some(lane), meta, f, Some(Box::new(after)))
            .await
    }

    /// Runs a write that touches item `id` of `target`: a poll's cached
    /// copy is forgotten, and the live streams of the item hear of it.
    pub async fn write_item<T, F>(
        &self,
        target: CodeTarget,
        id: Id,
        meta: WriteMeta,
        f: F,
    ) -> StoreResult<Reply>
    where
        T: Serialize,
        F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<T> + Send + 'static,
    {
        let topic = match target {
            CodeTarget::Poll => return self.write_poll(id, meta, f).await,
            CodeTarget::Convention => Some(Topic::Convention(id)),
            CodeTarget::Proposal => Some(Topic::Proposal(id)),
            CodeTarget::Budget => None,
        };
        let changes = self.changes.clone();
        let after = move || {
            if let Some(t) = topic {
                changes.local(t);
            }
        };
        self.write_in(Some(lane(target, id)), meta, f, Some(Box::new(after)))
            .await
    }
}

/// The lane of writes that lock item `id` of `target`.
fn lane(target: CodeTarget, id: Id) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (target as u8).hash(&mut h);
    id.hash(&mut h);
    h.finish()
}
