//! Residents' comments on proposals and their moderation: the public list
//! (plus the viewer's own hidden comments, marked), reports from distinct
//! residents, and a moderator hiding a comment with a reason or restoring it.

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::Id;
use tongxin_core::mask::mask_name;
use tongxin_core::proposal::CommentInput;
use tongxin_core::proposal::rules::{HIDE_AFTER_REPORTS, hidden_by_reports};
use tongxin_core::staff::moderation::comment_hidden;
use tongxin_core::staff::moderation::{ModerationItem, QUEUE_PAGE, QueueFilter};
use tongxin_core::text::FieldErrors;

use super::SqliteRows;
use super::proposals::get;
use crate::service::codes;
use crate::storage::CodeTarget;
use crate::storage::{PublicComment, ReportReceipt, StoreError, StoreResult, Voter, WriteMeta};

/// Records one voter's moderation report of a comment (again is a no-op)
/// and hides the comment once it has [`HIDE_AFTER_REPORTS`] reports.
pub(crate) fn report_comment(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    comment_id: Id,
    voter: &Voter,
    reason: Option<&str>,
) -> StoreResult<ReportReceipt> {
    get(conn, id)?;
    codes::require(
        &mut SqliteRows(conn),
        voter,
        CodeTarget::Proposal,
        id,
        meta.now,
    )?;
    let exists = conn
        .prepare_cached("SELECT 1 FROM comments WHERE id = ?1 AND proposal_id = ?2")?
        .exists(params![comment_id, id])?;
    if !exists {
        return Err(StoreError::NotFound("comment"));
    }
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO comment_reports (comment_id, voter, reason, reported_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![comment_id, voter.key, reason, meta.now])?;
    if added == 1 {
        conn.prepare_cached("UPDATE comments SET reports = reports + 1 WHERE id = ?1")?
            .execute([comment_id])?;
    }
    let reports: i64 = conn
        .prepare_cached("SELECT reports FROM comments WHERE id = ?1")?
        .query_row([comment_id], |r| r.get(0))?;
    Ok(ReportReceipt {
        comment_id,
        hidden: hidden_by_reports(reports),
    })
}

/// The columns [`comment_row`] reads, in its order.
const COLUMNS: &str =
    "c.id, c.parent_id, c.author_name, c.body, c.created_at, c.reports, c.hidden_reason";

fn comment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublicComment> {
    let name: String = r.get(2)?;
    Ok(PublicComment {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        author: mask_name(&name),
        body: r.get(3)?,
        created_at: r.get(4)?,
        hidden: comment_hidden(r.get(5)?, r.get(6)?),
    })
}

fn comment_of(conn: &Connection, id: Id, comment_id: Id) -> StoreResult<PublicComment> {
    get(conn, id)?;
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments c WHERE c.id = ?1 AND c.proposal_id = ?2"
    ))?
    .query_row(params![comment_id, id], comment_row)
    .optional()?
    .ok_or(StoreError::NotFound("comment"))
}

/// A moderator hides a comment with a reason its author is shown.
pub(crate) fn hide_comment(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    comment_id: Id,
    reason: &str,
) -> StoreResult<PublicComment> {
    comment_of(conn, id, comment_id)?;
    conn.prepare_cached("UPDATE comments SET hidden_reason = ?1, hidden_at = ?2 WHERE id = ?3")?
        .execute(params![reason.trim(), meta.now, comment_id])?;
    comment_of(conn, id, comment_id)
}

/// A moderator puts a comment back: its report count starts again from
/// zero, and the residents who reported it cannot report it again.
pub(crate) fn restore_comment(
    conn: &Connection,
    id: Id,
    comment_id: Id,
) -> StoreResult<ReportReceipt> {
    comment_of(conn, id, comment_id)?;
    conn.prepare_cached(
        "UPDATE comments SET reports = 0, hidden_reason = NULL, hidden_at = NULL WHERE id = ?1",
    )?
    .execute([comment_id])?;
    Ok(ReportReceipt {
        comment_id,
        hidden: false,
    })
}

/// The public comments, oldest or newest first, with the `viewer`'s own
/// hidden ones among them (marked `hidden`) so their author knows.
pub(crate) fn comments(
    conn: &Connection,
    id: Id,
    newest_first: bool,
    viewer: Option<&Voter>,
) -> StoreResult<Vec<PublicComment>> {
    get(conn, id)?;
    let dir = if newest_first { "DESC" } else { "ASC" };
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments c WHERE c.proposal_id = ?1 \
         AND ((c.reports < {HIDE_AFTER_REPORTS} AND c.hidden_reason IS NULL) OR c.voter = ?2) \
         ORDER BY c.id {dir} LIMIT 1000"
    ))?;
    Ok(st
        .query_map(params![id, viewer.map(|v| v.key.as_str())], comment_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// The moderation queue: reported comments not yet hidden by a moderator,
/// or the hidden ones, newest first, on proposals `in_scope` accepts.
pub(crate) fn moderation_queue(
    conn: &Connection,
    filter: QueueFilter,
    in_scope: &dyn Fn(Id) -> bool,
) -> StoreResult<Vec<ModerationItem>> {
    let which = match filter {
        QueueFilter::Reported => "c.reports > 0 AND c.hidden_reason IS NULL",
        QueueFilter::Hidden => "c.hidden_reason IS NOT NULL",
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, c.proposal_id, p.scope_id, json_extract(p.data, '$.title') \
         FROM comments c JOIN proposals p ON p.id = c.proposal_id WHERE {which} \
         ORDER BY c.reports DESC, c.id DESC"
    ))?;
    let mut reasons = conn.prepare_cached(
        "SELECT reason FROM comment_reports WHERE comment_id = ?1 AND reason IS NOT NULL AND reason <> '' ORDER BY reported_at DESC LIMIT 20",
    )?;
    let mut items = Vec::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let scope: Id = r.get(8)?;
        if !in_scope(scope) {
            continue;
        }
        let comment = comment_row(r)?;
        let report_reasons = reasons
            .query_map([comment.id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        items.push(ModerationItem {
            proposal_id: r.get(7)?,
            proposal_title: r.get(9)?,
            reports: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
            comment,
            report_reasons,
        });
        if items.len() >= QUEUE_PAGE as usize {
            break;
        }
    }
    Ok(items)
}

pub(crate) fn add_comment(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &CommentInput,
) -> StoreResult<PublicComment> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = get(conn, id)?;
    p.check_comment()?;
    codes::require(
        &mut SqliteRows(conn),
        voter,
        CodeTarget::Proposal,
        id,
        meta.now,
    )?;
    if let Some(parent) = input.parent_id {
        let top_level: Option<Option<Id>> = conn
            .prepare_cached("SELECT parent_id FROM comments WHERE id = ?1 AND proposal_id = ?2")?
            .query_row(params![parent, id], |r| r.get(0))
            .optional()?;
        if top_level != Some(None) {
            let mut e = FieldErrors::new();
            e.add(
                "parent_id",
                "replies go to a top-level comment of this proposal",
            );
            return Err(StoreError::Invalid(e));
        }
    }
    conn.prepare_cached(
        "INSERT INTO comments (proposal_id, parent_id, voter, author_name, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, input.parent_id, voter.key, input.author_name.trim(), input.body, meta.now])?;
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM comments c WHERE c.id = ?1"))?
        .query_row([conn.last_insert_rowid()], comment_row)?)
}
