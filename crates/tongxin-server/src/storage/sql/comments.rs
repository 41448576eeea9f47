//! Residents' comments on proposals, as SQL: the public list (plus the
//! viewer's own hidden comments, marked), the moderation queue, and the
//! rows the comment use cases read and write.

use tongxin_core::mask::mask_name;
use tongxin_core::proposal::rules::HIDE_AFTER_REPORTS;
use tongxin_core::proposal::{CommentInput, Proposal};
use tongxin_core::staff::moderation::comment_hidden;
use tongxin_core::staff::moderation::{ModerationItem, QUEUE_PAGE, QueueFilter};
use tongxin_core::{Id, Millis};

use super::proposals::get;
use super::{Db, Row, from_json, p};
use crate::storage::{PublicComment, StoreResult, Voter};

/// The columns [`comment_row`] reads, in its order.
const COLUMNS: &str =
    "c.id, c.parent_id, c.author_name, c.body, c.created_at, c.reports, c.hidden_reason";

fn comment_row(r: &Row) -> StoreResult<PublicComment> {
    Ok(PublicComment {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        author: mask_name(&r.get::<String>(2)?),
        body: r.get(3)?,
        created_at: r.get(4)?,
        hidden: comment_hidden(r.get(5)?, r.get(6)?),
    })
}

/// The public comments, oldest or newest first, with the `viewer`'s own
/// hidden ones among them (marked `hidden`) so their author knows.
pub(crate) fn comments<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    newest_first: bool,
    viewer: Option<&Voter>,
) -> StoreResult<Vec<PublicComment>> {
    get(db, id)?;
    let dir = if newest_first { "DESC" } else { "ASC" };
    db.query(
        &format!(
            "SELECT {COLUMNS} FROM comments c WHERE c.proposal_id = ?1 \
             AND ((c.reports < {HIDE_AFTER_REPORTS} AND c.hidden_reason IS NULL) OR c.voter = ?2) \
             ORDER BY c.id {dir} LIMIT 1000"
        ),
        p![id, viewer.map(|v| v.key.as_str())],
    )?
    .iter()
    .map(comment_row)
    .collect()
}

/// The moderation queue: reported comments not yet hidden by a moderator,
/// or the hidden ones, newest first, on proposals `in_scope` accepts.
pub(crate) fn moderation_queue<D: Db + ?Sized>(
    db: &mut D,
    filter: QueueFilter,
    in_scope: &dyn Fn(Id) -> bool,
) -> StoreResult<Vec<ModerationItem>> {
    let which = match filter {
        QueueFilter::Reported => "c.reports > 0 AND c.hidden_reason IS NULL",
        QueueFilter::Hidden => "c.hidden_reason IS NOT NULL",
    };
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS}, c.proposal_id, p.scope_id, p.data \
             FROM comments c JOIN proposals p ON p.id = c.proposal_id WHERE {which} \
             ORDER BY c.reports DESC, c.id DESC"
        ),
        &[],
    )?;
    let mut items = Vec::new();
    for r in rows {
        if !in_scope(r.get(8)?) {
            continue;
        }
        let comment = comment_row(&r)?;
        let report_reasons = db
            .query(
                "SELECT reason FROM comment_reports WHERE comment_id = ?1 AND reason IS NOT NULL \
                 AND reason <> '' ORDER BY reported_at DESC, voter LIMIT 20",
                p![comment.id],
            )?
            .iter()
            .map(|r| r.get::<String>(0))
            .collect::<StoreResult<Vec<_>>>()?;
        let proposal: Proposal = from_json(&r.get::<String>(9)?)?;
        items.push(ModerationItem {
            proposal_id: r.get(7)?,
            proposal_title: proposal.title,
            reports: r.get::<i64>(5)?.try_into().unwrap_or(0),
            comment,
            report_reasons,
        });
        if items.len() >= QUEUE_PAGE as usize {
            break;
        }
    }
    Ok(items)
}

/// A comment of the proposal as the public would see it (masked name,
/// with its hidden state).
pub(crate) fn comment<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    comment: Id,
) -> StoreResult<Option<PublicComment>> {
    db.opt(
        &format!("SELECT {COLUMNS} FROM comments c WHERE c.id = ?1 AND c.proposal_id = ?2"),
        p![comment, id],
    )?
    .as_ref()
    .map(comment_row)
    .transpose()
}

/// The parent of a comment of the proposal: `None` when there is no
/// such comment, `Some(None)` for a top-level one.
pub(crate) fn comment_parent<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    comment: Id,
) -> StoreResult<Option<Option<Id>>> {
    db.opt(
        "SELECT parent_id FROM comments WHERE id = ?1 AND proposal_id = ?2",
        p![comment, id],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Stores a comment and returns it.
pub(crate) fn insert_comment<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    input: &CommentInput,
    now: Millis,
) -> StoreResult<PublicComment> {
    let new = db.insert(
        "INSERT INTO comments (proposal_id, parent_id, voter, author_name, body, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        p![
            id,
            input.parent_id,
            voter,
            input.author_name.trim(),
            &input.body,
            now
        ],
    )?;
    comment_row(&db.one(
        &format!("SELECT {COLUMNS} FROM comments c WHERE c.id = ?1"),
        p![new],
    )?)
}

/// Records one voter's report; false when they had reported it already.
pub(crate) fn add_report<D: Db + ?Sized>(
    db: &mut D,
    comment: Id,
    voter: &str,
    reason: Option<&str>,
    now: Millis,
) -> StoreResult<bool> {
    let added = db.exec(
        "INSERT INTO comment_reports (comment_id, voter, reason, reported_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO NOTHING",
        p![comment, voter, reason, now],
    )?;
    if added == 1 {
        db.exec(
            "UPDATE comments SET reports = reports + 1 WHERE id = ?1",
            p![comment],
        )?;
    }
    Ok(added == 1)
}

/// Reports counted since the comment was last restored.
pub(crate) fn report_count<D: Db + ?Sized>(db: &mut D, comment: Id) -> StoreResult<i64> {
    db.one("SELECT reports FROM comments WHERE id = ?1", p![comment])?
        .get(0)
}

/// Hides a comment with a moderator's reason (`None` puts it back and
/// starts its report count again from zero).
pub(crate) fn set_hidden<D: Db + ?Sized>(
    db: &mut D,
    comment: Id,
    reason: Option<&str>,
    now: Millis,
) -> StoreResult<()> {
    match reason {
        Some(r) => db.exec(
            "UPDATE comments SET hidden_reason = ?1, hidden_at = ?2 WHERE id = ?3",
            p![r, now, comment],
        )?,
        None => db.exec(
            "UPDATE comments SET reports = 0, hidden_reason = NULL, hidden_at = NULL WHERE id = ?1",
            p![comment],
        )?,
    };
    Ok(())
}
