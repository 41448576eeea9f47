//! Meeting tallies: a residents' meeting's or a forum's show of hands,
//! entered as one batch while the item is open, checked against the
//! item's options, listed apart from individual answers and voidable with
//! a reason.

use tongxin_core::Id;
use tongxin_core::paper::{MeetingTally, MeetingTallyDraft, REASON};
use tongxin_core::poll::PollKind;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::text::FieldErrors;

use crate::storage::sql::{Db, budgets, conventions, paper, polls, proposals};
use crate::storage::{Store, StoreError, StoreResult, WriteMeta};

/// The options a meeting's hands are counted for, and whether one hand
/// per person is the rule, of an item open at `now`.
fn options(db: &mut dyn Db, d: &MeetingTallyDraft, now: i64) -> StoreResult<(Vec<Id>, bool)> {
    let id = d.target_id;
    Ok(match d.target {
        CodeTarget::Poll => {
            let (poll, _) = polls::with_tally(db, id)?;
            poll.check_open(now)?;
            let ids = poll.options.iter().map(|o| o.id).collect();
            (ids, poll.kind == PollKind::Single)
        }
        CodeTarget::Budget => {
            let (round, _) = budgets::get(db, id)?;
            round.check_open(now)?;
            (round.projects.iter().map(|p| p.id).collect(), false)
        }
        CodeTarget::Convention => {
            conventions::get(db, id)?.check_sign(None, now)?;
            (Vec::new(), false)
        }
        CodeTarget::Proposal => {
            proposals::get(db, id)?.check_support()?;
            (Vec::new(), false)
        }
    })
}

/// Records a meeting's count.
pub async fn record_meeting(
    store: &Store,
    meta: WriteMeta,
    draft: MeetingTallyDraft,
    by: String,
) -> StoreResult<MeetingTally> {
    let (target, item) = (draft.target, draft.target_id);
    write(store, meta, target, item, move |db, m| {
        let (ids, single) = options(db, &draft, m.now)?;
        draft.validate(&ids, single).map_err(StoreError::Invalid)?;
        let id = paper::insert_meeting(db, &draft, &by, m.now)?;
        paper::meeting(db, id)?.ok_or(StoreError::NotFound("meeting tally"))
    })
    .await
}

/// Runs a write of an item's meeting tallies (a poll's through the poll
/// cache, whose copy is then forgotten).
async fn write<F>(
    store: &Store,
    meta: WriteMeta,
    target: CodeTarget,
    item: Id,
    f: F,
) -> StoreResult<MeetingTally>
where
    F: FnOnce(&mut dyn Db, &WriteMeta) -> StoreResult<MeetingTally> + Send + 'static,
{
    let reply = store.write_item(target, item, meta, f).await?;
    Ok(serde_json::from_str(&reply.body)?)
}

/// An item's meeting tallies (voided ones marked).
pub async fn meetings(store: &Store, target: CodeTarget, id: Id) -> StoreResult<Vec<MeetingTally>> {
    store.read(move |db| paper::meetings(db, target, id)).await
}

/// The meeting tally, for the caller's scope check.
pub async fn meeting(store: &Store, id: Id) -> StoreResult<MeetingTally> {
    store
        .read(move |db| paper::meeting(db, id))
        .await?
        .ok_or(StoreError::NotFound("meeting tally"))
}

/// Voids a meeting tally with a reason.
pub async fn void_meeting(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    reason: String,
) -> StoreResult<MeetingTally> {
    let t = meeting(store, id).await?;
    write(
        store,
        meta,
        t.draft.target,
        t.draft.target_id,
        move |db, m| {
            let mut e = FieldErrors::new();
            e.text("reason", &reason, REASON);
            e.into_result().map_err(StoreError::Invalid)?;
            let t = paper::meeting(db, id)?.ok_or(StoreError::NotFound("meeting tally"))?;
            if t.voided_at.is_some() {
                return Err(StoreError::conflict(
                    "already-voided",
                    "this meeting tally was already voided",
                ));
            }
            paper::void_meeting(db, id, m.now, reason.trim())?;
            paper::meeting(db, id)?.ok_or(StoreError::NotFound("meeting tally"))
        },
    )
    .await
}
