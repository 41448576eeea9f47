//! Residents' comments on proposals, as SQL: the public list (plus the
//! viewer's own hidden comments, marked), the moderation queue, and
//! [`CommentRows`] for the use cases in [`crate::service::comments`].

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::mask::mask_name;
use tongxin_core::proposal::CommentInput;
use tongxin_core::proposal::rules::HIDE_AFTER_REPORTS;
use tongxin_core::staff::moderation::comment_hidden;
use tongxin_core::staff::moderation::{ModerationItem, QUEUE_PAGE, QueueFilter};
use tongxin_core::{Id, Millis};

use super::SqliteRows;
use super::proposals::get;
use crate::storage::rows::CommentRows;
use crate::storage::{PublicComment, StoreResult, Voter};

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

impl CommentRows for SqliteRows<'_> {
    fn comment(&mut self, id: Id, comment: Id) -> StoreResult<Option<PublicComment>> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM comments c WHERE c.id = ?1 AND c.proposal_id = ?2"
            ))?
            .query_row(params![comment, id], comment_row)
            .optional()?)
    }
    fn comment_parent(&mut self, id: Id, comment: Id) -> StoreResult<Option<Option<Id>>> {
        Ok(self
            .prepare_cached("SELECT parent_id FROM comments WHERE id = ?1 AND proposal_id = ?2")?
            .query_row(params![comment, id], |r| r.get(0))
            .optional()?)
    }
    fn insert_comment(
        &mut self,
        id: Id,
        voter: &str,
        input: &CommentInput,
        now: Millis,
    ) -> StoreResult<PublicComment> {
        self.prepare_cached(
            "INSERT INTO comments (proposal_id, parent_id, voter, author_name, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, input.parent_id, voter, input.author_name.trim(), input.body, now])?;
        Ok(self
            .prepare_cached(&format!("SELECT {COLUMNS} FROM comments c WHERE c.id = ?1"))?
            .query_row([self.last_insert_rowid()], comment_row)?)
    }
    fn add_report(
        &mut self,
        comment: Id,
        voter: &str,
        reason: Option<&str>,
        now: Millis,
    ) -> StoreResult<bool> {
        let added = self
            .prepare_cached(
                "INSERT OR IGNORE INTO comment_reports (comment_id, voter, reason, reported_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![comment, voter, reason, now])?;
        if added == 1 {
            self.prepare_cached("UPDATE comments SET reports = reports + 1 WHERE id = ?1")?
                .execute([comment])?;
        }
        Ok(added == 1)
    }
    fn report_count(&mut self, comment: Id) -> StoreResult<i64> {
        Ok(self
            .prepare_cached("SELECT reports FROM comments WHERE id = ?1")?
            .query_row([comment], |r| r.get(0))?)
    }
    fn set_hidden(&mut self, comment: Id, reason: Option<&str>, now: Millis) -> StoreResult<()> {
        match reason {
            Some(r) => self
                .prepare_cached(
                    "UPDATE comments SET hidden_reason = ?1, hidden_at = ?2 WHERE id = ?3",
                )?
                .execute(params![r, now, comment])?,
            None => self
                .prepare_cached(
                    "UPDATE comments SET reports = 0, hidden_reason = NULL, hidden_at = NULL WHERE id = ?1",
                )?
                .execute([comment])?,
        };
        Ok(())
    }
}
