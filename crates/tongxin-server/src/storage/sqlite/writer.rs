//! The one writer thread: group commit that cannot half-commit.
//!
//! It takes every job waiting in its queue (up to [`MAX_BATCH`]) and runs
//! each in its own savepoint inside one `BEGIN IMMEDIATE` transaction, then
//! commits with `synchronous=FULL` and only then answers the callers and runs
//! their after-commit work (cache invalidation). The rules:
//!
//! * a failed `BEGIN` fails every job of the batch without running any;
//! * a job whose savepoint cannot be opened is failed without running;
//! * a failed `ROLLBACK TO` or `RELEASE` rolls back the whole batch and fails
//!   every job in it (the transaction's state is unknown);
//! * a job that panics is rolled back to its savepoint and fails alone (its
//!   caller gets an error); the writer goes on;
//! * after a commit that holds a secret write (an anonymous ballot) the WAL
//!   is checkpointed and truncated *before* the callers are answered, so the
//!   file keeps no history of it once a voter sees "stored" (if readers hold
//!   the checkpoint back, it is retried every second);
//! * expired idempotency records are purged between batches.
//!
//! [`WriterHealth`] tells `/healthz` whether the last commit worked and
//! whether the thread is alive.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

/// Most writes committed together.
pub const MAX_BATCH: usize = 512;

/// What a job hands back after running: whether it succeeded, whether it was
/// secret, and what to do once the batch's fate is known.
pub(crate) struct Done {
    pub ok: bool,
    pub secret: bool,
    pub deliver: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// A write: given the connection (or the reason the batch cannot run),
/// returns what to do after the commit. A job given `Err` must answer its
/// caller with that error and not touch the database.
pub(crate) type Job = Box<dyn FnOnce(Result<&Connection, String>) -> Option<Done> + Send>;

/// The writer's state, shared with `/healthz`.
#[derive(Debug, Default)]
pub struct WriterHealth {
    stopped: AtomicBool,
    last_error: Mutex<Option<String>>,
}

impl WriterHealth {
    /// `None` when the writer is alive and its last commit worked.
    pub fn problem(&self) -> Option<String> {
        if self.stopped.load(Ordering::SeqCst) {
            return Some("the writer thread has stopped".into());
        }
        self.last_error.lock().expect("writer health").clone()
    }

    fn record(&self, result: &Result<(), String>) {
        *self.last_error.lock().expect("writer health") = result
            .as_ref()
            .err()
            .map(|e| format!("last commit failed: {e}"));
    }
}

/// Marks the writer stopped however its thread ends (even by a panic).
struct StopGuard(Arc<WriterHealth>);

impl Drop for StopGuard {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::SeqCst);
    }
}

/// Settings of the writer loop.
pub(crate) struct WriterOptions {
    /// Idempotency records older than this are purged.
    pub idempotency_ttl_ms: i64,
}

/// Runs until every sender is dropped, then checkpoints and truncates the WAL.
pub(crate) fn run(
    conn: Connection,
    rx: mpsc::Receiver<Job>,
    health: Arc<WriterHealth>,
    options: WriterOptions,
) {
    let _guard = StopGuard(health.clone());
    let purge_every = Duration::from_millis(options.idempotency_ttl_ms.clamp(1, 60_000) as u64);
    let mut last_purge = Instant::now();
    let mut wal_dirty = false;
    loop {
        // While the WAL still holds a secret commit (readers kept the last
        // checkpoint from finishing), wake up every second to try again
        // even if no write comes.
        let first = if wal_dirty {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    wal_dirty = !truncate_wal(&conn);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A secret commit is truncated out of the WAL before anyone hears it
        // is stored: a copy taken after the answer never holds it. Busy
        // readers may keep part of the WAL; then it is tried again.
        let result = run_batch(&conn, batch, |secret| {
            wal_dirty |= secret;
            if wal_dirty {
                wal_dirty = !truncate_wal(&conn);
            }
        });
        health.record(&result);
        if last_purge.elapsed() >= purge_every {
            last_purge = Instant::now();
            purge_idempotency(&conn, options.idempotency_ttl_ms);
        }
    }
    truncate_wal(&conn);
}

/// One transaction for the batch; returns the commit's outcome. Between the
/// commit and the answers, `settled` is told whether any committed job was
/// secret.
fn run_batch(conn: &Connection, batch: Vec<Job>, settled: impl FnOnce(bool)) -> Result<(), String> {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let msg = format!("could not begin a transaction: {e}");
        for job in batch {
            job(Err(msg.clone()));
        }
        return Err(msg);
    }
    let mut done: Vec<Done> = Vec::with_capacity(batch.len());
    let mut broken: Option<String> = None;
    let mut jobs = batch.into_iter();
    for job in jobs.by_ref() {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            job(Err(format!("could not open a savepoint: {e}")));
            continue;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| job(Ok(conn))));
        let (keep, d) = match outcome {
            Ok(Some(d)) => (d.ok, Some(d)),
            Ok(None) => (false, None),
            // The job's answer channel was dropped with it: its caller gets
            // "writer dropped the request". The rest of the batch goes on.
            Err(_) => (false, None),
        };
        let undo = if keep {
            Ok(())
        } else {
            conn.execute_batch("ROLLBACK TO job")
        };
        let closed = undo.and_then(|_| conn.execute_batch("RELEASE job"));
        if let Some(d) = d {
            done.push(d);
        }
        if let Err(e) = closed {
            broken = Some(format!("savepoint failed: {e}"));
            break;
        }
    }
    let committed = match broken {
        Some(msg) => {
            let _ = conn.execute_batch("ROLLBACK");
            for job in jobs {
                job(Err(msg.clone()));
            }
            Err(msg)
        }
        None => match conn.execute_batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(format!("commit failed: {e}"))
            }
        },
    };
    settled(committed.is_ok() && done.iter().any(|d| d.ok && d.secret));
    for d in done {
        (d.deliver)(committed.clone());
    }
    committed
}

/// Copies the WAL into the database and truncates it to zero bytes.
/// Returns false when readers kept part of it.
fn truncate_wal(conn: &Connection) -> bool {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|busy| busy == 0)
    .unwrap_or(false)
}

/// Deletes idempotency records older than the TTL (`secure_delete` zeroes them).
fn purge_idempotency(conn: &Connection, ttl_ms: i64) {
    let cutoff = crate::clock::now_ms() - ttl_ms;
    if let Err(e) = conn.execute(
        "DELETE FROM idempotency WHERE created_at < ?1",
        params![cutoff],
    ) {
        tracing::warn!("idempotency purge failed: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Seen = Arc<Mutex<Vec<String>>>;

    /// A job inserting `v`; it records what its caller was told.
    fn insert(v: i64, seen: &Seen) -> Job {
        let seen = seen.clone();
        Box::new(move |conn| {
            let conn = match conn {
                Ok(c) => c,
                Err(e) => {
                    seen.lock().unwrap().push(format!("{v}: not run ({e})"));
                    return None;
                }
            };
            let ok = conn.execute("INSERT INTO t (v) VALUES (?1)", [v]).is_ok();
            Some(Done {
                ok,
                secret: false,
                deliver: Box::new(move |r| {
                    seen.lock().unwrap().push(format!(
                        "{v}: {}",
                        if r.is_ok() { "committed" } else { "failed" }
                    ));
                }),
            })
        })
    }

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")
            .unwrap();
        c
    }

    fn values(c: &Connection) -> Vec<i64> {
        c.prepare("SELECT v FROM t ORDER BY v")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn a_failed_begin_runs_no_job() {
        let c = db();
        c.execute_batch("BEGIN").unwrap(); // BEGIN IMMEDIATE now fails
        let seen = Seen::default();
        let result = run_batch(&c, vec![insert(1, &seen), insert(2, &seen)], |_| {});
        assert!(result.is_err());
        c.execute_batch("ROLLBACK").unwrap();
        assert_eq!(values(&c), Vec::<i64>::new(), "nothing ran in autocommit");
        assert!(seen.lock().unwrap().iter().all(|s| s.contains("not run")));
    }

    #[test]
    fn a_panicking_job_fails_alone() {
        let c = db();
        let seen = Seen::default();
        let boom: Job = Box::new(|conn| {
            conn.unwrap()
                .execute("INSERT INTO t (v) VALUES (99)", [])
                .unwrap();
            panic!("a bug in one use case");
        });
        let result = run_batch(&c, vec![insert(1, &seen), boom, insert(2, &seen)], |_| {});
        assert!(result.is_ok());
        assert_eq!(
            values(&c),
            vec![1, 2],
            "the panicking job's write was rolled back"
        );
        assert_eq!(*seen.lock().unwrap(), vec!["1: committed", "2: committed"]);
    }

    #[test]
    fn a_refused_job_is_rolled_back_to_its_savepoint() {
        let c = db();
        let seen = Seen::default();
        let result = run_batch(
            &c,
            vec![insert(1, &seen), insert(1, &seen), insert(3, &seen)],
            |_| {},
        );
        assert!(result.is_ok());
        assert_eq!(values(&c), vec![1, 3]);
    }

    #[test]
    fn a_secret_commit_is_settled_before_its_caller_hears() {
        let c = db();
        let seen = Seen::default();
        let mut secret = insert(7, &seen);
        secret = Box::new(move |conn| secret(conn).map(|d| Done { secret: true, ..d }));
        let order = seen.clone();
        let result = run_batch(&c, vec![insert(1, &seen), secret], |s| {
            order.lock().unwrap().push(format!("settled secret={s}"));
        });
        assert!(result.is_ok());
        assert_eq!(
            *seen.lock().unwrap(),
            vec!["settled secret=true", "1: committed", "7: committed"]
        );
        let plain = Seen::default();
        let told = plain.clone();
        run_batch(&c, vec![insert(2, &plain)], |s| {
            told.lock().unwrap().push(format!("settled secret={s}"));
        })
        .unwrap();
        assert_eq!(
            *plain.lock().unwrap(),
            vec!["settled secret=false", "2: committed"]
        );
    }

    #[test]
    fn health_reports_a_stopped_writer_and_failed_commits() {
        let h = Arc::new(WriterHealth::default());
        assert_eq!(h.problem(), None);
        h.record(&Err("disk full".into()));
        assert!(h.problem().unwrap().contains("disk full"));
        h.record(&Ok(()));
        drop(StopGuard(h.clone()));
        assert!(h.problem().unwrap().contains("stopped"));
    }
}
