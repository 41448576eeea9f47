//! Batches of keyed slips: opened by one staff member (who is recorded
//! for the batch, never beside a choice), optionally asking for a second
//! keying of every slip, and read back with what is counted, voided,
//! waiting for its second keying, or in dispute.

use tongxin_core::Id;
use tongxin_core::paper::{Discrepancy, Keying, PaperBatch, PaperBatchDraft, Settlement, settle};
use tongxin_core::staff::codes::CodeTarget;

use crate::storage::sql::{Db, paper};
use crate::storage::{Store, StoreError, StoreResult, WriteMeta};

fn view(db: &mut dyn Db, b: paper::BatchRow) -> StoreResult<PaperBatch> {
    let (counted, voided) = paper::batch_counts(db, b.id)?;
    let mut awaiting = 0;
    let mut discrepancies = Vec::new();
    for (_, label, keyings) in paper::open_slips(db, b.id)? {
        match settle(&keyings) {
            Settlement::Discrepancy => discrepancies.push(Discrepancy {
                slip: label,
                keyings: keyings
                    .into_iter()
                    .map(|(by, entry)| Keying { by, entry })
                    .collect(),
            }),
            // A slip two people agree on is counted at once; a stored one
            // can only be waiting.
            _ => awaiting += 1,
        }
    }
    Ok(PaperBatch {
        id: b.id,
        target: b.target,
        target_id: b.target_id,
        channel: b.channel,
        double_entry: b.double_entry,
        label: b.label,
        opened_by: b.opened_by,
        opened_at: b.opened_at,
        counted,
        voided,
        awaiting,
        discrepancies,
    })
}

/// Opens a batch for an item that exists.
pub async fn open_batch(
    store: &Store,
    meta: WriteMeta,
    draft: PaperBatchDraft,
    by: String,
) -> StoreResult<PaperBatch> {
    store
        .write_typed(meta, move |db, m| {
            draft.validate().map_err(StoreError::Invalid)?;
            let id = paper::new_batch(db, &draft, &by, m.now)?;
            let row = paper::batch(db, id)?.ok_or(StoreError::NotFound("batch"))?;
            view(db, row)
        })
        .await
}

/// One batch with its counts and discrepancies.
pub async fn batch(store: &Store, id: Id) -> StoreResult<PaperBatch> {
    store
        .read(move |db| {
            let row = paper::batch(db, id)?.ok_or(StoreError::NotFound("batch"))?;
            view(db, row)
        })
        .await
}

/// An item's batches, newest first.
pub async fn batches(store: &Store, target: CodeTarget, id: Id) -> StoreResult<Vec<PaperBatch>> {
    store
        .read(move |db| {
            paper::batches(db, target, id)?
                .into_iter()
                .map(|b| view(db, b))
                .collect()
        })
        .await
}
