//! The PostgreSQL store, for several server instances on one database.
//!
//! The SQL is the shared one of [`crate::storage::sql`]; this module only
//! runs it. The `postgres` crate (the synchronous client over
//! `tokio-postgres`) was chosen over `sqlx` and an async client because the
//! table modules and the service layer are plain functions over one
//! connection inside one transaction ([`Db`]); every job runs on Tokio's
//! blocking pool, holding a pooled connection for its length.
//!
//! * **Writes**: one `READ COMMITTED` transaction per write, committed
//!   before anyone is answered. Counters and tallies are read with
//!   `SELECT … FOR UPDATE` (the poll, convention or proposal row), so two
//!   instances changing one item take turns; duplicates are refused by the
//!   same checks inside that lock and by unique indexes beneath them. An
//!   idempotency key is held with a transaction-level advisory lock, so
//!   the same retried write through two instances at once runs once.
//! * **No per-process copies**: polls are read from the database on every
//!   request (no cache to go stale across instances), so a poll closed
//!   through one instance is closed on all at once.
//! * **Migrations** run at start under an advisory lock: instances starting
//!   together migrate once.

mod db;
mod notify;
pub mod sqlite_move;
mod tls;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use postgres::Client;
use tokio::sync::Semaphore;

use super::sql::{AfterCommit, Engine, ReadFn, WriteFn};
use super::{Reply, StoreError, StoreHealth, StoreResult};
use db::{PgRows, Prepared};
use tls::Tls;

/// Connections one instance holds at most.
pub const POOL_SIZE: usize = 16;
/// Schema migrations in order; the database records how many it has run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_schema.sql"),
    include_str!("migrations/0002_budgets.sql"),
    include_str!("migrations/0003_paper.sql"),
    include_str!("migrations/0004_webhooks.sql"),
];
/// Key of the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x0074_6f6e_6778_696e; // "tongxin"

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

struct Conn {
    client: Client,
    prepared: Prepared,
}

struct Inner {
    config: postgres::Config,
    tls: Tls,
    idle: Mutex<Vec<Conn>>,
    permits: Arc<Semaphore>,
    idempotency_ttl_ms: i64,
    last_purge_ms: AtomicI64,
}

/// A pool of connections to one PostgreSQL database.
#[derive(Clone)]
pub struct PgEngine {
    inner: Arc<Inner>,
}

impl PgEngine {
    /// Connects, migrates and returns the pool.
    pub async fn connect(url: &str, idempotency_ttl_ms: i64) -> StoreResult<Self> {
        let (mut config, tls) = tls::parse(url)?;
        // Notices ("already exists, skipping") are not news for an operator.
        config.options("-c client_min_messages=warning");
        config.application_name("tongxin-server");
        let engine = PgEngine {
            inner: Arc::new(Inner {
                config,
                tls,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(POOL_SIZE)),
                idempotency_ttl_ms,
                last_purge_ms: AtomicI64::new(0),
            }),
        };
        engine.run(|_, conn| migrate(&mut conn.client)).await?;
        Ok(engine)
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner, &mut Conn) -> StoreResult<T> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Internal("the connection pool is closed".into()))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = inner.take()?;
            let out = f(&inner, &mut conn);
            if !conn.client.is_closed() {
                inner.idle.lock().expect("pool").push(conn);
            }
            out
        })
        .await
        .map_err(|e| StoreError::Internal(format!("database job failed: {e}")))?
    }
}

impl Inner {
    fn take(&self) -> StoreResult<Conn> {
        if let Some(c) = self.idle.lock().expect("pool").pop() {
            return Ok(c);
        }
        let client = self.tls.connect(&self.config)?;
        Ok(Conn {
            client,
            prepared: Prepared::new(),
        })
    }

    /// Deletes expired idempotency records, at most once a minute per
    /// instance (any instance's purge serves all).
    fn purge(&self, conn: &mut Conn) {
        let now = crate::clock::now_ms();
        let every = self.idempotency_ttl_ms.clamp(1, 60_000);
        let last = self.last_purge_ms.load(Ordering::Relaxed);
        if now - last < every
            || self
                .last_purge_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let cutoff = now - self.idempotency_ttl_ms;
        if let Err(e) = conn
            .client
            .execute("DELETE FROM idempotency WHERE created_at < $1", &[&cutoff])
        {
            tracing::warn!("idempotency purge failed: {e}");
        }
    }
}

impl Drop for Inner {
    /// Closing a connection blocks on its socket, which may not happen on
    /// an async worker (where the last store handle is usually dropped).
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().expect("pool"));
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("tongxin-pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

#[async_trait]
impl Engine for PgEngine {
    async fn read<T: Send + 'static>(&self, f: ReadFn<T>) -> StoreResult<T> {
        self.run(move |_, conn| {
            let Conn { client, prepared } = conn;
            f(&mut PgRows { client, prepared })
        })
        .await
    }

    async fn transact(
        &self,
        _secret: bool,
        f: WriteFn,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply> {
        let reply = self
            .run(move |inner, conn| {
                let Conn { client, prepared } = conn;
                let mut tx = client.transaction()?;
                let reply = f(&mut PgRows {
                    client: &mut tx,
                    prepared,
                });
                match reply {
                    Ok(r) => {
                        tx.commit()?;
                        inner.purge(conn);
                        Ok(r)
                    }
                    Err(e) => {
                        tx.rollback()?;
                        Err(e)
                    }
                }
            })
            .await?;
        if let Some(after) = after_commit {
            after();
        }
        Ok(reply)
    }

    async fn health(&self) -> StoreHealth {
        let checked = self
            .run(|_, conn| {
                conn.client.simple_query("SELECT 1")?;
                Ok(())
            })
            .await;
        StoreHealth {
            ok: checked.is_ok(),
            problem: checked
                .err()
                .map(|e| format!("the database cannot be reached: {e}")),
        }
    }

    /// Other instances write the same database, so no poll is kept here.
    fn caches_polls(&self) -> bool {
        false
    }
}

fn migrate(client: &mut Client) -> StoreResult<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?
        .get(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(i as i64 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(())
}
