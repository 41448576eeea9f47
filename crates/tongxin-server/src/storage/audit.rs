//! What a store keeps of staff actions: an append-only log (the SQLite
//! schema refuses any change to a written entry).

use async_trait::async_trait;
use tongxin_core::Id;
use tongxin_core::staff::AuditEntry;

use super::{StoreResult, WriteMeta};

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this actor's.
    pub actor: Option<String>,
    /// Only operations whose path starts with this.
    pub path_prefix: Option<String>,
    /// Only entries older than this one (the cursor).
    pub before_id: Option<Id>,
    /// At most this many.
    pub limit: u32,
}

/// The audit part of the storage interface.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// Appends an entry (its `id` and `at` are the store's and `meta.now`).
    async fn append_audit(&self, meta: WriteMeta, entry: AuditEntry) -> StoreResult<()>;
    /// Entries, newest first.
    async fn audit_log(&self, filter: AuditFilter) -> StoreResult<Vec<AuditEntry>>;
}
