//! The rows of `audit_log`, the append-only log of staff actions.

use tongxin_core::staff::AuditEntry;

use tongxin_core::Millis;

use super::{Db, Value, p};
use crate::storage::{AuditFilter, StoreResult};

fn json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

fn text(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| v.to_string())
}

/// Appends an entry (its `id` is the database's, its time `now`).
pub(crate) fn append<D: Db + ?Sized>(db: &mut D, now: Millis, e: &AuditEntry) -> StoreResult<()> {
    db.exec(
        "INSERT INTO audit_log (at, actor, method, path, status, problem, request, before, after) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        p![
            now,
            &e.actor,
            &e.method,
            &e.path,
            e.status,
            &e.problem,
            text(&e.request),
            text(&e.before),
            text(&e.after)
        ],
    )?;
    Ok(())
}

/// Entries, newest first.
pub(crate) fn list<D: Db + ?Sized>(db: &mut D, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
    let mut params: Vec<Value> = Vec::new();
    let mut conditions = vec!["1 = 1".to_string()];
    if let Some(actor) = &f.actor {
        params.push(actor.into());
        conditions.push(format!("actor = ?{}", params.len()));
    }
    if let Some(prefix) = &f.path_prefix {
        // LIKE with the prefix's own wildcards escaped.
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(format!("{escaped}%").into());
        conditions.push(format!("path LIKE ?{} ESCAPE '\\'", params.len()));
    }
    if let Some(before) = f.before_id {
        params.push(before.into());
        conditions.push(format!("id < ?{}", params.len()));
    }
    params.push(f.limit.into());
    let sql = format!(
        "SELECT id, at, actor, method, path, status, problem, request, before, after FROM audit_log \
         WHERE {} ORDER BY id DESC LIMIT ?{}",
        conditions.join(" AND "),
        params.len()
    );
    db.query(&sql, &params)?
        .iter()
        .map(|r| {
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
        })
        .collect()
}
