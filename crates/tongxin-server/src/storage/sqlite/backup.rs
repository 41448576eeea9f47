//! Copies of the database file while the server runs, checking a copy, and
//! putting one back.
//!
//! A backup is `VACUUM INTO` on a read connection: one consistent snapshot
//! of the last commit, written compactly to a fresh file, so it holds no
//! freed pages (no trace of a retracted ballot or a truncated WAL) and
//! needs no `-wal` beside it. It is written under a temporary name and
//! renamed, so a backup file is never half written, and it is readable by
//! its owner only. Restoring moves the current file and its `-wal`/`-shm`
//! aside (never deletes them) before the copy takes its place.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::storage::{StoreError, StoreResult};

/// What a database file holds, as `check`, `backup` and `restore` report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    /// Migrations applied.
    pub schema_version: i64,
    /// Size in bytes.
    pub bytes: u64,
    /// Rows of the tables that matter, in a fixed order.
    pub counts: Vec<(&'static str, i64)>,
}

impl std::fmt::Display for FileFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "schema {}, {} bytes:", self.schema_version, self.bytes)?;
        for (table, n) in &self.counts {
            write!(f, " {table} {n}")?;
        }
        Ok(())
    }
}

/// The tables counted in [`FileFacts`].
const COUNTED: &[&str] = &[
    "scopes",
    "polls",
    "ballots",
    "participations",
    "budgets",
    "budget_ballots",
    "budget_participations",
    "conventions",
    "signatures",
    "proposals",
    "supports",
    "comments",
    "pledges",
    "ledger",
    "evaluations",
    "staff_users",
    "audit_log",
];

fn internal(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("{}: {e}", path.display()))
}

/// Opens `path` read-only, runs SQLite's integrity check and counts rows.
pub fn check(path: &Path) -> StoreResult<FileFacts> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| internal(path, e))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| internal(path, e))?;
    if verdict != "ok" {
        return Err(internal(path, format!("integrity check failed: {verdict}")));
    }
    let schema_version: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )
        .map_err(|e| internal(path, format!("not a Tongxin database ({e})")))?;
    let mut counts = Vec::new();
    for table in COUNTED {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| internal(path, e))?;
        counts.push((*table, n));
    }
    let bytes = std::fs::metadata(path)
        .map_err(|e| internal(path, e))?
        .len();
    Ok(FileFacts {
        schema_version,
        bytes,
        counts,
    })
}

fn owner_only(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| internal(path, e))?;
    }
    Ok(())
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes a consistent copy of the database `db` to `to` (replacing an
/// older file of that name only once the new one is complete and checked).
pub fn backup(db: &Path, to: &Path) -> StoreResult<FileFacts> {
    if !db.exists() {
        return Err(internal(db, "no such database file"));
    }
    let partial = beside(to, &format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| internal(db, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| internal(db, e))?;
    let target = partial.to_string_lossy().into_owned();
    let written = conn
        .execute("VACUUM INTO ?1", [&target])
        .map_err(|e| internal(to, e))
        .and_then(|_| owner_only(&partial))
        .and_then(|_| check(&partial));
    let facts = match written {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, to).map_err(|e| internal(to, e))?;
    Ok(facts)
}

/// Puts the backup `from` in place of the database `db`: checks the backup,
/// moves `db` and its `-wal` and `-shm` to `db.before-restore-<ms>` (and
/// returns that path when there was a file), then copies the backup in.
/// The server must be stopped: it would keep writing to the moved file.
pub fn restore(from: &Path, db: &Path, now_ms: i64) -> StoreResult<(FileFacts, Option<PathBuf>)> {
    let facts = check(from)?;
    let aside = beside(db, &format!(".before-restore-{now_ms}"));
    let had_file = db.exists();
    for suffix in ["", "-wal", "-shm"] {
        let current = beside(db, suffix);
        if current.exists() {
            std::fs::rename(&current, beside(&aside, suffix)).map_err(|e| internal(&current, e))?;
        }
    }
    let partial = beside(db, ".restoring");
    std::fs::copy(from, &partial).map_err(|e| internal(&partial, e))?;
    owner_only(&partial)?;
    std::fs::rename(&partial, db).map_err(|e| internal(db, e))?;
    Ok((facts, had_file.then_some(aside)))
}
