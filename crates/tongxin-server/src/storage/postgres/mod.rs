//! The PostgreSQL store, for several server instances on one database.
//!
//! The SQL is the shared one of [`crate::storage::sql`]; this module only
//! runs it. The `postgres` crate (the synchronous client over
//! `tokio-postgres`) was chosen over `sqlx` and an async client because the
//! table modules and the service layer are plain functions over one
//! connection inside one transaction ([`Db`]); every job runs on Tokio's
//! blocking pool, holding a pooled connection for its length.
//!
//! * **Writes** go through a few writer threads that commit whatever
//!   arrives together in one transaction, a savepoint per write, and answer
//!   only after the commit ([`writer`]). Duplicates are refused by the
//!   checks inside the transaction and by unique indexes beneath them; an
//!   idempotency key is held with a transaction-level advisory lock, so
//!   the same retried write through two instances at once runs once.
//! * **Tallies in parts**: a ballot adds to its writer's part of the
//!   poll's tally (`poll_tally_parts`), so ballots never queue on one row;
//!   readers add the parts up, and a change or retraction folds them back
//!   into the poll's own row first (`crate::storage::sql::polls`).
//! * **Reads** use a pool of `--db-pool` connections, apart from the
//!   writers, so reading never waits for a write. Results are cached here
//!   for at most `--db-cache-ms` and forgotten when another instance says
//!   (`NOTIFY`) it changed them ([`notify`]).
//! * **Migrations** run at start under an advisory lock: instances starting
//!   together migrate once.
//! * **Through PgBouncer** in transaction pooling (`--db-pgbouncer`):
//!   every statement runs in a transaction, which starts by dropping the
//!   prepared statements the lent server connection holds
//!   ([`pooled_transaction`]); only the `LISTEN` connection needs a session
//!   (`--db-listen`), see `docs/deploy.md`.

mod db;
mod notify;
pub mod sqlite_move;
mod tls;
mod writer;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use async_trait::async_trait;
use postgres::Client;
use tokio::sync::Semaphore;

use super::sql::{AfterCommit, Engine, ReadFn, WriteFn};
use super::{Options, Reply, StoreError, StoreHealth, StoreResult};
use db::{PgRows, Prepared};
use tls::Tls;

/// Schema migrations in order; the database records how many it has run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_schema.sql"),
    include_str!("migrations/0002_budgets.sql"),
    include_str!("migrations/0003_paper.sql"),
    include_str!("migrations/0004_webhooks.sql"),
    include_str!("migrations/0005_tally_parts.sql"),
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
    writers: Vec<mpsc::Sender<writer::Job>>,
    /// Where the listener connects (`--db-listen`, else `config`).
    listen: (postgres::Config, Tls),
    /// `--db` is a pooler in transaction mode.
    pooler: bool,
    /// Whether to listen at all (not through a transaction pooler).
    listens: bool,
    /// Round-robin for writes without a lane.
    next: AtomicUsize,
    cache_ms: u64,
}

/// A pool of connections to one PostgreSQL database.
#[derive(Clone)]
pub struct PgEngine {
    inner: Arc<Inner>,
}

impl PgEngine {
    /// Connects, migrates, starts the writers and returns the pool.
    pub async fn connect(url: &str, options: &Options) -> StoreResult<Self> {
        let (mut config, tls) = tls::parse(url)?;
        // Notices ("already exists, skipping") are not news for an operator
        // (a pooler refuses startup options: there they stay).
        if !options.transaction_pooler {
            config.options("-c client_min_messages=warning");
        }
        config.application_name("tongxin-server");
        let listen = match &options.listen_url {
            Some(u) => {
                let (mut c, t) = tls::parse(u)?;
                c.application_name("tongxin-server");
                (c, t)
            }
            None => (config.clone(), tls.clone()),
        };
        let writers = writer::start(
            options.writers.max(1),
            writer::Setup {
                config: config.clone(),
                tls: tls.clone(),
                pooler: options.transaction_pooler,
                idempotency_ttl_ms: options.idempotency_ttl_ms,
                last_purge_ms: Arc::default(),
            },
        );
        let engine = PgEngine {
            inner: Arc::new(Inner {
                config,
                tls,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(options.pool.max(1))),
                writers,
                listen,
                pooler: options.transaction_pooler,
                listens: options.listen_url.is_some() || !options.transaction_pooler,
                next: AtomicUsize::new(0),
                cache_ms: options.cache_ms,
            }),
        };
        engine
            .run(|inner, conn| migrate(inner.begin(conn)?))
            .await?;
        Ok(engine)
    }

    /// How long results may be served from this instance's cache.
    pub fn cache_ms(&self) -> u64 {
        self.inner.cache_ms
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
    /// A transaction on `conn`, made safe for a transaction pooler when
    /// `--db-pgbouncer` says there is one.
    fn begin<'a>(&self, conn: &'a mut Conn) -> StoreResult<postgres::Transaction<'a>> {
        if self.pooler {
            pooled_transaction(&mut conn.client, &mut conn.prepared)
        } else {
            Ok(conn.client.transaction()?)
        }
    }

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
        self.run(move |inner, conn| {
            let Conn { client, prepared } = conn;
            if !inner.pooler {
                return f(&mut PgRows {
                    client,
                    prepared,
                    part: None,
                });
            }
            let mut tx = pooled_transaction(client, prepared)?;
            let out = f(&mut PgRows {
                client: &mut tx,
                prepared,
                part: None,
            })?;
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn transact(
        &self,
        _secret: bool,
        lane: Option<u64>,
        f: WriteFn,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply> {
        let (answer, reply) = tokio::sync::oneshot::channel();
        let job = writer::Job {
            f,
            after: after_commit,
            answer,
        };
        // Writes to one item go to one writer: two writers' batches never
        // wait for each other's lock on it (which could deadlock).
        let writers = &self.inner.writers;
        let at = match lane {
            Some(l) => l as usize % writers.len(),
            None => self.inner.next.fetch_add(1, Ordering::Relaxed) % writers.len(),
        };
        writers[at]
            .send(job)
            .map_err(|_| StoreError::Internal("the writers have stopped".into()))?;
        reply
            .await
            .map_err(|_| StoreError::Internal("a writer dropped the request".into()))?
    }

    /// Reachable, and taking writes: a standby (or a database set
    /// read-only) after a failover is reported, so a load balancer can
    /// take this instance out until it points at the new primary. A new
    /// connection each time: it sees what a reconnecting writer would
    /// (pooled ones keep the settings they started with).
    async fn health(&self) -> StoreHealth {
        let inner = self.inner.clone();
        let checked = tokio::task::spawn_blocking(move || -> StoreResult<bool> {
            let mut client = inner.tls.connect(&inner.config)?;
            // The simple protocol: one message, fine through any pooler.
            let rows = client.simple_query(
                "SELECT pg_is_in_recovery()::text, current_setting('transaction_read_only')",
            )?;
            let row = rows
                .iter()
                .find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => Some(r),
                    _ => None,
                })
                .ok_or_else(|| StoreError::Internal("no answer to the health query".into()))?;
            Ok(row.get(0) == Some("true") || row.get(1) == Some("on"))
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))
        .and_then(|r| r);
        let problem = match checked {
            Ok(false) => None,
            Ok(true) => Some(
                "the database is read-only (a standby, or set read-only): writes are refused"
                    .to_owned(),
            ),
            Err(e) => Some(format!("the database cannot be reached: {e}")),
        };
        StoreHealth {
            ok: problem.is_none(),
            problem,
        }
    }

    /// Other instances write the same database: polls are kept briefly,
    /// and only when `--db-cache-ms` allows it.
    fn caches_polls(&self) -> bool {
        self.inner.cache_ms > 0
    }
}

/// A transaction through a pooler in transaction mode: statements
/// prepared by earlier transactions (ours or another client's, on whichever
/// server connection the pooler lends now) are dropped first, so names
/// never collide and none is used on a connection that lacks it.
pub(super) fn pooled_transaction<'a>(
    client: &'a mut Client,
    prepared: &mut Prepared,
) -> StoreResult<postgres::Transaction<'a>> {
    prepared.clear();
    let mut tx = client.transaction()?;
    tx.batch_execute("DEALLOCATE ALL")?;
    Ok(tx)
}

fn migrate(mut tx: postgres::Transaction<'_>) -> StoreResult<()> {
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
