//! The audit log of staff actions: appended after each authenticated
//! change (by `api::audit`), read by the console.

use tongxin_core::staff::AuditEntry;

use crate::storage::sql::audit;
use crate::storage::{AuditFilter, Store, StoreResult, WriteMeta};

/// Appends an entry (its `id` and `at` are the store's and `meta.now`).
pub async fn append(store: &Store, meta: WriteMeta, entry: AuditEntry) -> StoreResult<()> {
    store
        .write_typed(meta, move |db, m| audit::append(db, m.now, &entry))
        .await
}

/// Entries, newest first.
pub async fn log(store: &Store, filter: AuditFilter) -> StoreResult<Vec<AuditEntry>> {
    store.read(move |db| audit::list(db, &filter)).await
}
