//! Residents' comments on a proposal, their reports, and a moderator hiding
//! or restoring one. When reports hide a comment is decided in core
//! ([`hidden_by_reports`]); this module applies it.

use tongxin_core::Id;
use tongxin_core::proposal::CommentInput;
use tongxin_core::proposal::rules::hidden_by_reports;
use tongxin_core::text::FieldErrors;

use super::codes;
use crate::storage::rows::CommentRows;
use crate::storage::{
    CodeTarget, PublicComment, ReportReceipt, StoreError, StoreResult, Voter, WriteMeta,
};

fn require_proposal(rows: &mut (impl CommentRows + ?Sized), id: Id) -> StoreResult<()> {
    rows.proposal_for_update(id)?
        .map(|_| ())
        .ok_or(StoreError::NotFound("proposal"))
}

fn load(rows: &mut (impl CommentRows + ?Sized), id: Id, comment: Id) -> StoreResult<PublicComment> {
    require_proposal(rows, id)?;
    rows.comment(id, comment)?
        .ok_or(StoreError::NotFound("comment"))
}

/// A comment, or a reply to a top-level comment of the same proposal.
pub fn add(
    rows: &mut (impl CommentRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &CommentInput,
) -> StoreResult<PublicComment> {
    input.validate().map_err(StoreError::Invalid)?;
    let p = rows
        .proposal_for_update(id)?
        .ok_or(StoreError::NotFound("proposal"))?;
    p.check_comment()?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if let Some(parent) = input.parent_id
        && rows.comment_parent(id, parent)? != Some(None)
    {
        let mut e = FieldErrors::new();
        e.add(
            "parent_id",
            "replies go to a top-level comment of this proposal",
        );
        return Err(StoreError::Invalid(e));
    }
    rows.insert_comment(id, &voter.key, input, meta.now)
}

/// One voter's report (again is a no-op); the comment is hidden once
/// enough distinct residents reported it.
pub fn report(
    rows: &mut (impl CommentRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    comment: Id,
    voter: &Voter,
    reason: Option<&str>,
) -> StoreResult<ReportReceipt> {
    require_proposal(rows, id)?;
    codes::require(rows, voter, CodeTarget::Proposal, id, meta.now)?;
    if rows.comment_parent(id, comment)?.is_none() {
        return Err(StoreError::NotFound("comment"));
    }
    rows.add_report(comment, &voter.key, reason, meta.now)?;
    Ok(ReportReceipt {
        comment_id: comment,
        hidden: hidden_by_reports(rows.report_count(comment)?),
    })
}

/// A moderator hides a comment with a reason its author is shown.
pub fn hide(
    rows: &mut (impl CommentRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    comment: Id,
    reason: &str,
) -> StoreResult<PublicComment> {
    load(rows, id, comment)?;
    rows.set_hidden(comment, Some(reason.trim()), meta.now)?;
    load(rows, id, comment)
}

/// A moderator puts a comment back: its report count starts again from
/// zero, and the residents who reported it cannot report it again.
pub fn restore(
    rows: &mut (impl CommentRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    comment: Id,
) -> StoreResult<ReportReceipt> {
    load(rows, id, comment)?;
    rows.set_hidden(comment, None, meta.now)?;
    Ok(ReportReceipt {
        comment_id: comment,
        hidden: false,
    })
}
