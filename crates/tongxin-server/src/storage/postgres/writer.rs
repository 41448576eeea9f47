//! Group commit on PostgreSQL: writes arriving together commit together.
//!
//! A few writer threads (`--db-writers`) each own one connection and a
//! queue, and take every job waiting in it (up to [`MAX_BATCH`]); each job
//! runs in its own savepoint inside one transaction, and the callers are
//! answered only after the `COMMIT` returned (acknowledged means durable,
//! as with the SQLite writer). One flush serves the whole batch instead of
//! one per ballot, and while one writer waits for its flush the next takes
//! the following jobs.
//!
//! Each writer keeps its own part of every poll's tally (its *part*, see
//! [`tongxin_core::poll::merge`]), so ballots through different writers —
//! of this instance or another — never wait for each other on one row.
//!
//! The rules, as the SQLite writer's:
//! * a job that fails (a rule, a lock conflict) is rolled back to its
//!   savepoint and fails alone; the rest of the batch goes on;
//! * a job that panics fails alone;
//! * a failed savepoint, a lost connection or a failed `COMMIT` fails every
//!   job of the batch as *busy* (503): nothing of it is acknowledged, and a
//!   retry with the same idempotency key is safe whether or not it landed;
//! * a lost connection is opened again for the next batch.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use tokio::sync::oneshot;

use super::db::{PgRows, Prepared};
use super::tls::Tls;
use crate::storage::sql::{AfterCommit, WriteFn};
use crate::storage::{Reply, StoreError, StoreResult};

/// Most writes one writer commits together.
pub(super) const MAX_BATCH: usize = 128;
/// Tally parts per poll at most, whatever the number of instances.
pub(super) const PARTS: i64 = 64;

/// Where a write's outcome goes.
type Answer = oneshot::Sender<StoreResult<Reply>>;

/// A write waiting for a writer.
pub(super) struct Job {
    pub f: WriteFn,
    pub after: Option<AfterCommit>,
    pub answer: Answer,
}

/// What each writer thread needs.
#[derive(Clone)]
pub(super) struct Setup {
    pub config: postgres::Config,
    pub tls: Tls,
    /// `--db` is a pooler in transaction mode.
    pub pooler: bool,
    pub idempotency_ttl_ms: i64,
    /// When expired idempotency records were last purged (by any writer).
    pub last_purge_ms: Arc<AtomicI64>,
}

/// Starts `writers` threads, each with its queue; returns their sending
/// ends. A thread ends when its sender is dropped.
pub(super) fn start(writers: usize, setup: Setup) -> Vec<mpsc::Sender<Job>> {
    // Parts are numbered 1..=PARTS; instances start at random places so
    // two of them rarely share one (sharing only means waiting).
    let first = {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        (u64::from_le_bytes(b) % PARTS as u64) as i64
    };
    (0..writers)
        .map(|i| {
            let (tx, rx) = mpsc::channel::<Job>();
            let setup = setup.clone();
            let part = 1 + (first + i as i64) % PARTS;
            let _ = std::thread::Builder::new()
                .name(format!("tongxin-pg-writer-{i}"))
                .spawn(move || run(&rx, &setup, part));
            tx
        })
        .collect()
}

struct Conn {
    client: postgres::Client,
    prepared: Prepared,
}

fn run(rx: &mpsc::Receiver<Job>, setup: &Setup, part: i64) {
    let mut conn: Option<Conn> = None;
    loop {
        let batch = {
            let Ok(first) = rx.recv() else { return };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        if conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            conn = match setup.tls.connect(&setup.config) {
                Ok(client) => Some(Conn {
                    client,
                    prepared: Prepared::new(),
                }),
                Err(e) => {
                    fail(batch, &format!("cannot reach the database: {e}"));
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
            };
        }
        let Some(c) = conn.as_mut() else { continue };
        run_batch(c, batch, part, setup.pooler);
        purge(c, setup);
    }
}

/// Answers every job with the same busy error.
fn fail(jobs: impl IntoIterator<Item = Job>, why: &str) {
    for job in jobs {
        let _ = job.answer.send(Err(StoreError::Busy(why.to_owned())));
    }
}

/// One transaction for the batch, a savepoint per job.
fn run_batch(conn: &mut Conn, batch: Vec<Job>, part: i64, pooler: bool) {
    let Conn { client, prepared } = conn;
    let begun = if pooler {
        super::pooled_transaction(client, prepared).map_err(|e| e.to_string())
    } else {
        client.transaction().map_err(|e| e.to_string())
    };
    let mut tx = match begun {
        Ok(tx) => tx,
        Err(e) => return fail(batch, &format!("could not begin: {e}")),
    };
    let count = batch.len();
    // Each write run: what to do after the commit, whom to answer, and
    // its own outcome.
    type Ran = (Option<AfterCommit>, Answer, StoreResult<Reply>);
    let mut done: Vec<Ran> = Vec::with_capacity(count);
    let mut broken: Option<String> = None;
    // One savepoint, moved past each write that succeeded and rolled back
    // to after one that failed: one round trip per write, none after the
    // last (the COMMIT takes the savepoint with it).
    if let Err(e) = tx.batch_execute("SAVEPOINT job") {
        broken = Some(format!("could not open a savepoint: {e}"));
    }
    let mut jobs = batch.into_iter().enumerate();
    while broken.is_none() {
        let Some((i, Job { f, after, answer })) = jobs.next() else {
            break;
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            f(&mut PgRows {
                client: &mut tx,
                prepared,
                part: Some(part),
            })
        }))
        .unwrap_or_else(|_| Err(StoreError::Internal("the write panicked".into())));
        let close = match (&result, i + 1 == count) {
            (Ok(_), true) => Ok(()),
            (Ok(_), false) => tx.batch_execute("RELEASE SAVEPOINT job; SAVEPOINT job"),
            (Err(_), _) => tx.batch_execute("ROLLBACK TO SAVEPOINT job"),
        };
        done.push((after, answer, result));
        if let Err(e) = close {
            broken = Some(format!("savepoint failed: {e}"));
        }
    }
    let committed = match broken {
        Some(why) => {
            let _ = tx.rollback();
            fail(jobs.map(|(_, job)| job), &why);
            Err(why)
        }
        None => tx.commit().map_err(|e| format!("commit failed: {e}")),
    };
    for (after, answer, result) in done {
        let answer_with = match &committed {
            Ok(()) => {
                if result.is_ok()
                    && let Some(after) = after
                {
                    after();
                }
                result
            }
            Err(why) => Err(StoreError::Busy(why.clone())),
        };
        let _ = answer.send(answer_with);
    }
}

/// Deletes expired idempotency records, at most once a minute (or once
/// a lifetime, when records live shorter) per instance, whichever writer
/// comes first; any instance's purge serves all.
fn purge(conn: &mut Conn, setup: &Setup) {
    let now = crate::clock::now_ms();
    let ttl_ms = setup.idempotency_ttl_ms;
    let last = setup.last_purge_ms.load(Ordering::Relaxed);
    if now - last < ttl_ms.clamp(1, 60_000)
        || setup
            .last_purge_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let cutoff = now - ttl_ms;
    // In a transaction, so that through a pooler the statement's preparing
    // and running happen on one server connection.
    let purged = conn.client.transaction().and_then(|mut tx| {
        tx.execute("DELETE FROM idempotency WHERE created_at < $1", &[&cutoff])?;
        tx.commit()
    });
    if let Err(e) = purged {
        tracing::warn!("idempotency purge failed: {e}");
    }
}
