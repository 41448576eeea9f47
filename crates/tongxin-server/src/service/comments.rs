//! Residents' comments on a proposal, their reports, and a moderator hiding
//! or restoring one. When reports hide a comment is decided in core
//! ([`hidden_by_reports`]); this module applies it.

use serde_json::json;
use tongxin_core::Id;
use tongxin_core::proposal::CommentInput;
use tongxin_core::proposal::rules::hidden_by_reports;
use tongxin_core::text::FieldErrors;
use tongxin_core::webhooks::EventType;

use super::codes;
use crate::storage::sql::{Db, comments, proposals};
use crate::storage::{
    CodeTarget, PublicComment, ReportReceipt, StoreError, StoreResult, Voter, WriteMeta,
};
use crate::storage::{ModerationItem, QueueFilter, Reply, Store};

/// The proposal's scope, once it is locked; `NotFound` if there is none.
fn require_proposal(rows: &mut dyn Db, id: Id) -> StoreResult<Id> {
    proposals::proposal_for_update(rows, id)?
        .map(|p| p.scope_id)
        .ok_or(StoreError::NotFound("proposal"))
}

fn load(rows: &mut dyn Db, id: Id, comment: Id) -> StoreResult<PublicComment> {
    require_proposal(rows, id)?;
    comments::comment(rows, id, comment)?.ok_or(StoreError::NotFound("comment"))
}

/// A comment, or a reply to a top-level comment of the same proposal.
fn add_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &CommentInput,
) -> StoreResult<PublicComment> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = proposals::proposal_for_update(rows, id)?.ok_or(StoreError::NotFound("proposal"))?;
    p.check_comment()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if let Some(parent) = input.parent_id
        && comments::comment_parent(rows, id, parent)? != Some(None)
    {
        let mut e = FieldErrors::new();
        e.add(
            "parent_id",
            "replies go to a top-level comment of this proposal",
        );
        return Err(StoreError::Invalid(e));
    }
    comments::insert_comment(rows, id, &voter.key, input, meta.now)
}

/// One voter's report (again is a no-op); the comment is hidden once
/// enough distinct residents reported it.
fn report_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    comment: Id,
    voter: &Voter,
    reason: Option<&str>,
) -> StoreResult<ReportReceipt> {
    let scope = require_proposal(rows, id)?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if comments::comment_parent(rows, id, comment)?.is_none() {
        return Err(StoreError::NotFound("comment"));
    }
    comments::add_report(rows, comment, &voter.key, reason, meta.now)?;
    // Once per comment, whoever reports it next: moderators need to look,
    // not to count.
    let reports = comments::report_count(rows, comment)?;
    super::webhooks::emit_tx(
        rows,
        EventType::CommentReported,
        &format!("comment:{comment}"),
        scope,
        |_| {
            Ok(Some(
                json!({"proposal_id": id, "comment_id": comment, "reports": reports}),
            ))
        },
        meta.now,
    )?;
    Ok(ReportReceipt {
        comment_id: comment,
        hidden: hidden_by_reports(reports),
    })
}

/// A moderator hides a comment with a reason its author is shown.
fn hide_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    comment: Id,
    reason: &str,
) -> StoreResult<PublicComment> {
    load(rows, id, comment)?;
    comments::set_hidden(rows, comment, Some(reason.trim()), meta.now)?;
    load(rows, id, comment)
}

/// A moderator puts a comment back: its report count starts again from
/// zero, and the residents who reported it cannot report it again.
fn restore_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    comment: Id,
) -> StoreResult<ReportReceipt> {
    load(rows, id, comment)?;
    comments::set_hidden(rows, comment, None, meta.now)?;
    Ok(ReportReceipt {
        comment_id: comment,
        hidden: false,
    })
}

/// Public comments, oldest or newest first, with the viewer's own hidden
/// ones among them, marked.
pub async fn list(
    store: &Store,
    id: Id,
    newest_first: bool,
    viewer: Option<Voter>,
) -> StoreResult<Vec<PublicComment>> {
    store
        .read(move |c| comments::comments(c, id, newest_first, viewer.as_ref()))
        .await
}

/// Adds a comment ([`PublicComment`]).
pub async fn add(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    input: CommentInput,
) -> StoreResult<Reply> {
    store
        .write(meta, move |c, m| add_tx(c, m, id, &voter, &input))
        .await
}

/// Records a moderation report of a comment by this voter.
pub async fn report(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    comment_id: Id,
    voter: Voter,
    reason: Option<String>,
) -> StoreResult<ReportReceipt> {
    store
        .write_typed(meta, move |c, m| {
            report_tx(c, m, id, comment_id, &voter, reason.as_deref())
        })
        .await
}

/// A moderator puts a comment back.
pub async fn restore(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    comment_id: Id,
) -> StoreResult<ReportReceipt> {
    store
        .write_typed(meta, move |c, m| restore_tx(c, m, id, comment_id))
        .await
}

/// A moderator hides a comment with a reason.
pub async fn hide(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    comment_id: Id,
    reason: String,
) -> StoreResult<PublicComment> {
    store
        .write_typed(meta, move |c, m| hide_tx(c, m, id, comment_id, &reason))
        .await
}

/// Comments waiting for a moderator, or hidden by one, on proposals of
/// the scopes `in_scope` accepts.
pub async fn moderation_queue(
    store: &Store,
    filter: QueueFilter,
    in_scope: Box<dyn Fn(Id) -> bool + Send>,
) -> StoreResult<Vec<ModerationItem>> {
    store
        .read(move |c| comments::moderation_queue(c, filter, &*in_scope))
        .await
}
