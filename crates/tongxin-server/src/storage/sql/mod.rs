//! The SQL both stores speak. Every table module below is written once
//! against [`Db`] — "run this statement with these values", "give me these
//! rows" — and SQLite ([`super::sqlite`]) and PostgreSQL
//! ([`super::postgres`]) each implement [`Db`] for their connection. The
//! statements keep to what both engines understand: `?N` placeholders
//! (rewritten to `$N` for PostgreSQL), `ON CONFLICT`, `RETURNING id`,
//! `CAST(… AS BIGINT)` around sums, no JSON functions.
//!
//! The table modules are plain functions over a [`Db`]: the use cases of
//! (the `service` module, above this one) call them inside the transaction
//! the store opened, so an engine gets them all by implementing two methods.

pub mod audit;
pub mod budgets;
pub mod codes;
pub mod comments;
pub mod conventions;
mod engine;
pub mod idempotency;
pub mod indicators;
pub mod paper;
pub mod polls;
pub mod proposals;
pub mod scopes;
pub mod staff;
mod value;
pub mod webhooks;

pub use engine::{AfterCommit, Engine, ReadFn, WriteFn};
pub use value::{FromValue, Row, Value};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tongxin_core::Id;

use super::{StoreError, StoreResult};

/// A connection or transaction that runs SQL.
pub trait Db {
    /// Runs a statement; how many rows it changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64>;
    /// Runs a query; every row it returns.
    fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>>;

    /// What follows a `SELECT` of one row to lock it until the transaction
    /// ends: `" FOR UPDATE"` on PostgreSQL; nothing on SQLite, whose one
    /// writer already serialises every write transaction.
    fn lock_for_update(&self) -> &'static str {
        ""
    }

    /// Where this connection keeps poll tallies (see [`TallyParts`]).
    fn tally_parts(&self) -> TallyParts {
        TallyParts::None
    }

    /// Holds `key` (an idempotency key) until the transaction ends, so
    /// the same write arriving twice at once runs once: an advisory lock on
    /// PostgreSQL; nothing on SQLite, whose writes already take turns.
    fn hold_key(&mut self, key: &str) -> StoreResult<()> {
        let _ = key;
        Ok(())
    }

    /// The first row, if any.
    fn opt(&mut self, sql: &str, params: &[Value]) -> StoreResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    /// The one row the query must return.
    fn one(&mut self, sql: &str, params: &[Value]) -> StoreResult<Row> {
        self.opt(sql, params)?
            .ok_or_else(|| StoreError::Internal(format!("no row for: {sql}")))
    }
    /// Whether the query returns a row.
    fn exists(&mut self, sql: &str, params: &[Value]) -> StoreResult<bool> {
        Ok(self.opt(sql, params)?.is_some())
    }
    /// Runs an `INSERT … RETURNING id`; the new row's id.
    fn insert(&mut self, sql: &str, params: &[Value]) -> StoreResult<Id> {
        self.one(sql, params)?.get(0)
    }
}

/// Where a poll's tally lives beside the `polls` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyParts {
    /// Only in the poll's row (SQLite: one writer).
    None,
    /// Also in parts, one per writer, to be added up (a PostgreSQL reader).
    Kept,
    /// In parts, and this connection's writer adds ballots to part `n`.
    Writer(i64),
}

/// The values of a statement's `?1, ?2, …`, in order.
#[macro_export]
macro_rules! sql_params {
    ($($v:expr),* $(,)?) => {
        &[$($crate::storage::sql::Value::from($v)),*]
    };
}
pub use crate::sql_params as p;

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Internal(format!("stored JSON: {e}"))
    }
}

/// Reads a JSON column into a domain type.
pub(crate) fn from_json<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    Ok(serde_json::from_str(s)?)
}

/// Serialises a domain type for a JSON column.
pub(crate) fn to_json<T: Serialize>(v: &T) -> StoreResult<String> {
    Ok(serde_json::to_string(v)?)
}

/// The integer key of a row this store wrote: its ids are integers.
pub(crate) fn key(id: Id) -> i64 {
    id.as_i64().unwrap_or_default()
}

/// Cuts `limit + 1` fetched rows into a page and its cursor.
pub(crate) fn page<T>(
    mut items: Vec<T>,
    limit: u32,
    cursor_of: impl Fn(&T) -> String,
) -> super::Page<T> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(cursor_of)
    } else {
        None
    };
    super::Page { items, next_cursor }
}

pub(crate) use crate::storage::cursor::{decode as decode_cursor, encode as encode_cursor};
