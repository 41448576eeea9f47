//! What a store keeps of staff actions: an append-only log (the SQLite
//! schema refuses any change to a written entry).

use tongxin_core::Id;

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
