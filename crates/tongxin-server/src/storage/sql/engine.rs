//! What a database engine gives the store: a read connection, and a write
//! transaction that is committed before anyone hears the answer.
//! [`crate::storage::Store`] adds the rest once for both engines:
//! idempotent replay and the poll cache.

use async_trait::async_trait;

use super::Db;
use crate::storage::{Reply, StoreHealth, StoreResult};

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
    /// Writes with the same `lane` (the item they lock) take turns on one
    /// writer where an engine has several.
    async fn transact(
        &self,
        secret: bool,
        lane: Option<u64>,
        f: WriteFn,
        after_commit: Option<AfterCommit>,
    ) -> StoreResult<Reply>;
    /// Whether writes are being accepted and committed.
    async fn health(&self) -> StoreHealth;
    /// Whether this process may keep polls in memory between requests:
    /// true only when no other process writes the same database.
    fn caches_polls(&self) -> bool;
}
