//! [`AuditStore`] for [`SqliteStore`]: rows of `audit_log`.

use async_trait::async_trait;
use rusqlite::params;
use tongxin_core::staff::AuditEntry;

use super::SqliteStore;
use crate::storage::{AuditFilter, AuditStore, StoreResult, WriteMeta};

fn json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

fn text(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| v.to_string())
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, meta: WriteMeta, e: AuditEntry) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            c.execute(
                "INSERT INTO audit_log (at, actor, method, path, status, problem, request, before, after) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    m.now,
                    e.actor,
                    e.method,
                    e.path,
                    e.status,
                    e.problem,
                    text(&e.request),
                    text(&e.before),
                    text(&e.after)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn audit_log(&self, f: AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        self.read(|c| {
            let prefix = f.path_prefix.as_ref().map(|p| {
                // LIKE with the prefix's own wildcards escaped.
                let escaped = p.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("{escaped}%")
            });
            let mut st = c.prepare_cached(
                "SELECT id, at, actor, method, path, status, problem, request, before, after FROM audit_log \
                 WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR path LIKE ?2 ESCAPE '\\') \
                 AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4",
            )?;
            let rows = st
                .query_map(params![f.actor, prefix, f.before_id, f.limit], |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        method: r.get(3)?,
                        path: r.get(4)?,
                        status: r.get(5)?,
                        problem: r.get(6)?,
                        request: json(r.get(7)?),
                        before: json(r.get(8)?),
                        after: json(r.get(9)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}
