//! `tongxin-server backup | restore | check | migrate`: the database file for the
//! people who keep the service running. `backup` works while the server
//! runs; `restore` wants it stopped. Each says what the file holds (schema
//! version, size, rows per table) so a copy can be compared with its
//! source; a refusal says why and exits with 2.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::clock::now_ms;
use crate::storage::sqlite::backup;

/// The database file of a Tongxin server.
#[derive(Debug, Parser)]
#[command(name = "tongxin-server", version = None)]
pub struct FileCli {
    /// What to do.
    #[command(subcommand)]
    pub command: FileCommand,
}

/// One operation on the file.
#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Writes a consistent, compact copy of the database, also while the
    /// server runs (SQLite's VACUUM INTO), readable by its owner only.
    Backup {
        /// The SQLite file.
        #[arg(long, env = "TONGXIN_DB", default_value = "data/tongxin.sqlite")]
        db: PathBuf,
        /// Where the copy goes; an older file there is replaced once the
        /// new copy is complete and checked.
        #[arg(long)]
        to: PathBuf,
    },
    /// Puts a backup in place of the database. Stop the server first; the
    /// current file (with its -wal and -shm) is moved aside, not deleted.
    Restore {
        /// The SQLite file to replace.
        #[arg(long, env = "TONGXIN_DB", default_value = "data/tongxin.sqlite")]
        db: PathBuf,
        /// The backup to restore.
        #[arg(long)]
        from: PathBuf,
    },
    /// Moves a community's data from its SQLite file into a new, empty
    /// PostgreSQL database, in one transaction (stop the server first).
    Migrate {
        /// `sqlite:PATH` (or just the path) of the file to move.
        #[arg(long)]
        from: String,
        /// `postgres://…` address of the empty database.
        #[arg(long)]
        to: String,
    },
    /// Runs SQLite's integrity check and counts the rows of a database or
    /// a backup.
    Check {
        /// The SQLite file.
        #[arg(long, env = "TONGXIN_DB", default_value = "data/tongxin.sqlite")]
        db: PathBuf,
    },
}

fn run(cli: FileCli) -> Result<String, String> {
    let out = match cli.command {
        FileCommand::Backup { db, to } => {
            let facts = backup::backup(&db, &to).map_err(|e| e.to_string())?;
            format!("backup written to {}\t{facts}", to.display())
        }
        FileCommand::Restore { db, from } => {
            let (facts, aside) =
                backup::restore(&from, &db, now_ms()).map_err(|e| e.to_string())?;
            let kept = aside.map_or(String::new(), |p| {
                format!("; the previous file is kept as {}", p.display())
            });
            format!(
                "restored {} from {}{kept}\t{facts}",
                db.display(),
                from.display()
            )
        }
        FileCommand::Migrate { from, to } => {
            let path = PathBuf::from(from.strip_prefix("sqlite:").unwrap_or(&from));
            if !crate::storage::postgres::is_url(&to) {
                return Err(format!("--to must be a postgres:// address, not {to}"));
            }
            // The PostgreSQL client blocks: off the async runtime's thread.
            let moved = std::thread::scope(|s| {
                s.spawn(|| crate::storage::postgres::sqlite_move::move_from_sqlite(&path, &to))
                    .join()
                    .map_err(|_| "the move failed unexpectedly".to_string())?
            })?;
            let rows: u64 = moved.iter().map(|(_, n)| n).sum();
            let tables: Vec<String> = moved.iter().map(|(t, n)| format!("{t}={n}")).collect();
            format!(
                "moved {rows} rows from {} into PostgreSQL\t{}",
                path.display(),
                tables.join(" ")
            )
        }
        FileCommand::Check { db } => {
            let facts = backup::check(&db).map_err(|e| e.to_string())?;
            format!("ok {}\t{facts}", db.display())
        }
    };
    Ok(out)
}

/// Runs `tongxin-server backup|restore|check ARGS…` (`args` without the
/// program name); returns the exit code.
pub fn file_main(args: impl IntoIterator<Item = String>) -> i32 {
    let cli =
        match FileCli::try_parse_from(std::iter::once("tongxin-server".to_string()).chain(args)) {
            Ok(c) => c,
            Err(e) => {
                let code = if e.use_stderr() { 2 } else { 0 };
                let _ = e.print();
                return code;
            }
        };
    match run(cli) {
        Ok(out) => {
            println!("{out}");
            0
        }
        Err(msg) => {
            eprintln!("tongxin-server: {msg}");
            2
        }
    }
}
