//! The rows of paper, door-to-door and meeting participation: batches
//! (who keyed), entries (which household, which channel — never a
//! choice), pending keyings of double-entry batches, and meeting tallies.

use tongxin_core::paper::{Channel, MeetingTally, MeetingTallyDraft, PaperBatchDraft};
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::{Id, Millis};

use super::{Db, Row, from_json, p, to_json};
use crate::storage::{StoreError, StoreResult};

/// A batch's stored fields.
#[derive(Debug, Clone)]
pub(crate) struct BatchRow {
    pub id: Id,
    pub target: CodeTarget,
    pub target_id: Id,
    pub channel: Channel,
    pub double_entry: bool,
    pub label: String,
    pub opened_by: String,
    pub opened_at: Millis,
}

/// A counted entry's stored fields.
#[derive(Debug, Clone)]
pub(crate) struct EntryRow {
    pub id: Id,
    pub batch_id: Id,
    pub target: CodeTarget,
    pub target_id: Id,
    pub unit_id: Option<Id>,
    pub voter: String,
    pub channel: Channel,
    pub coded: bool,
    pub entered_at: Millis,
    pub voided_at: Option<Millis>,
}

fn target(r: &Row, i: usize) -> StoreResult<CodeTarget> {
    let s: String = r.get(i)?;
    CodeTarget::parse(&s).ok_or_else(|| StoreError::Internal(format!("stored target {s}")))
}

fn channel(r: &Row, i: usize) -> StoreResult<Channel> {
    let s: String = r.get(i)?;
    Channel::parse(&s).ok_or_else(|| StoreError::Internal(format!("stored channel {s}")))
}

const BATCH_COLUMNS: &str =
    "id, target_kind, target_id, channel, double_entry, label, opened_by, opened_at";

fn batch_row(r: &Row) -> StoreResult<BatchRow> {
    Ok(BatchRow {
        id: r.get(0)?,
        target: target(r, 1)?,
        target_id: r.get(2)?,
        channel: channel(r, 3)?,
        double_entry: r.get(4)?,
        label: r.get(5)?,
        opened_by: r.get(6)?,
        opened_at: r.get(7)?,
    })
}

/// Opens a batch.
pub(crate) fn new_batch<D: Db + ?Sized>(
    db: &mut D,
    draft: &PaperBatchDraft,
    by: &str,
    now: Millis,
) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO paper_batches (target_kind, target_id, channel, double_entry, label, opened_by, opened_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        p![draft.target.as_str(), draft.target_id, draft.channel.as_str(), draft.double_entry, draft.label.trim(), by, now],
    )
}

/// One batch.
pub(crate) fn batch<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Option<BatchRow>> {
    db.opt(
        &format!("SELECT {BATCH_COLUMNS} FROM paper_batches WHERE id = ?1"),
        p![id],
    )?
    .map(|r| batch_row(&r))
    .transpose()
}

/// An item's batches, newest first.
pub(crate) fn batches<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
) -> StoreResult<Vec<BatchRow>> {
    db.query(
        &format!(
            "SELECT {BATCH_COLUMNS} FROM paper_batches WHERE target_kind = ?1 AND target_id = ?2 ORDER BY id DESC"
        ),
        p![t.as_str(), id],
    )?
    .iter()
    .map(batch_row)
    .collect()
}

/// The keyer's own single-entry batch of this item and channel opened
/// since `since` (their batch of the day), if any.
pub(crate) fn own_batch_since<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
    channel: Channel,
    by: &str,
    since: Millis,
) -> StoreResult<Option<Id>> {
    db.opt(
        "SELECT id FROM paper_batches WHERE target_kind = ?1 AND target_id = ?2 AND channel = ?3 \
         AND opened_by = ?4 AND double_entry = ?5 AND opened_at >= ?6 ORDER BY id DESC",
        p![t.as_str(), id, channel.as_str(), by, false, since],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Counted and voided entries of a batch.
pub(crate) fn batch_counts<D: Db + ?Sized>(db: &mut D, batch: Id) -> StoreResult<(u64, u64)> {
    let r = db.one(
        "SELECT COUNT(*), COUNT(voided_at) FROM paper_entries WHERE batch_id = ?1",
        p![batch],
    )?;
    let (all, voided): (i64, i64) = (r.get(0)?, r.get(1)?);
    Ok(((all - voided) as u64, voided as u64))
}

/// Records a counted entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_entry<D: Db + ?Sized>(
    db: &mut D,
    batch: &BatchRow,
    unit: Option<Id>,
    voter: &str,
    coded: bool,
    now: Millis,
) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO paper_entries (batch_id, target_kind, target_id, unit_id, voter, channel, coded, entered_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        p![batch.id, batch.target.as_str(), batch.target_id, unit, voter, batch.channel.as_str(), coded, now],
    )
}

/// One entry.
pub(crate) fn entry<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Option<EntryRow>> {
    db.opt(
        "SELECT id, batch_id, target_kind, target_id, unit_id, voter, channel, coded, entered_at, voided_at \
         FROM paper_entries WHERE id = ?1",
        p![id],
    )?
    .map(|r| {
        Ok(EntryRow {
            id: r.get(0)?,
            batch_id: r.get(1)?,
            target: target(&r, 2)?,
            target_id: r.get(3)?,
            unit_id: r.get(4)?,
            voter: r.get(5)?,
            channel: channel(&r, 6)?,
            coded: r.get(7)?,
            entered_at: r.get(8)?,
            voided_at: r.get(9)?,
        })
    })
    .transpose()
}

/// Marks an entry voided.
pub(crate) fn void_entry<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    now: Millis,
    reason: &str,
) -> StoreResult<()> {
    db.exec(
        "UPDATE paper_entries SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
        p![now, reason, id],
    )?;
    Ok(())
}

/// The channel of the household's standing keyed entry for the item, if
/// it has one (otherwise its answer, if any, came online).
pub(crate) fn live_channel<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
    voter: &str,
) -> StoreResult<Option<Channel>> {
    db.opt(
        "SELECT channel FROM paper_entries WHERE target_kind = ?1 AND target_id = ?2 AND voter = ?3 \
         AND voided_at IS NULL",
        p![t.as_str(), id, voter],
    )?
    .map(|r| channel(&r, 0))
    .transpose()
}

/// Standing keyed entries of an item per unit and channel.
pub(crate) fn counts_by_unit<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
) -> StoreResult<Vec<(Option<Id>, Channel, u64)>> {
    db.query(
        "SELECT unit_id, channel, COUNT(*) FROM paper_entries WHERE target_kind = ?1 AND target_id = ?2 \
         AND voided_at IS NULL GROUP BY unit_id, channel",
        p![t.as_str(), id],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, channel(r, 1)?, r.get::<i64>(2)? as u64)))
    .collect()
}

/// What an item's public results carry beside its own counts: its
/// standing keyed answers on paper and door to door, and its standing
/// meeting tallies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaperFigures {
    /// Answers keyed from paper.
    pub paper: u64,
    /// Answers collected door to door.
    pub door: u64,
    /// Meetings' shows of hands.
    pub meetings: Vec<MeetingTallyDraft>,
}

/// An item's [`PaperFigures`].
pub(crate) fn figures<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
) -> StoreResult<PaperFigures> {
    let mut f = PaperFigures::default();
    for (_, channel, n) in counts_by_unit(db, t, id)? {
        match channel {
            Channel::Paper => f.paper += n,
            Channel::Door => f.door += n,
            _ => {}
        }
    }
    f.meetings = meetings(db, t, id)?
        .into_iter()
        .filter(|m| m.voided_at.is_none())
        .map(|m| m.draft)
        .collect();
    Ok(f)
}

/// A slip's keyings in a double-entry batch, oldest first.
pub(crate) fn keyings<D: Db + ?Sized>(
    db: &mut D,
    batch: Id,
    slip: &str,
) -> StoreResult<Vec<(String, serde_json::Value)>> {
    db.query(
        "SELECT keyed_by, entry FROM paper_keyings WHERE batch_id = ?1 AND slip = ?2 ORDER BY keyed_at, keyed_by",
        p![batch, slip],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, from_json(&r.get::<String>(1)?)?)))
    .collect()
}

/// Records (or replaces) one person's keying of a slip.
pub(crate) fn add_keying<D: Db + ?Sized>(
    db: &mut D,
    batch: Id,
    slip: &str,
    label: &str,
    by: &str,
    entry: &serde_json::Value,
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "INSERT INTO paper_keyings (batch_id, slip, slip_label, keyed_by, entry, keyed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (batch_id, slip, keyed_by) DO UPDATE SET entry = excluded.entry, keyed_at = excluded.keyed_at",
        p![batch, slip, label, by, to_json(entry)?, now],
    )?;
    Ok(())
}

/// Forgets a slip's keyings once it is counted.
pub(crate) fn clear_keyings<D: Db + ?Sized>(db: &mut D, batch: Id, slip: &str) -> StoreResult<()> {
    db.exec(
        "DELETE FROM paper_keyings WHERE batch_id = ?1 AND slip = ?2",
        p![batch, slip],
    )?;
    Ok(())
}

/// One person's keying of a slip: who, and what they keyed.
pub(crate) type Keyed = (String, serde_json::Value);
/// A slip still being keyed: its key, its label and its keyings.
pub(crate) type OpenSlip = (String, String, Vec<Keyed>);

/// Every slip still keyed in a batch: `(slip, label, keyings)`.
pub(crate) fn open_slips<D: Db + ?Sized>(db: &mut D, batch: Id) -> StoreResult<Vec<OpenSlip>> {
    let rows = db.query(
        "SELECT slip, slip_label, keyed_by, entry FROM paper_keyings WHERE batch_id = ?1 \
         ORDER BY slip, keyed_at, keyed_by",
        p![batch],
    )?;
    let mut out: Vec<OpenSlip> = Vec::new();
    for r in &rows {
        let slip: String = r.get(0)?;
        let keying = (r.get(2)?, from_json(&r.get::<String>(3)?)?);
        match out.last_mut() {
            Some(last) if last.0 == slip => last.2.push(keying),
            _ => out.push((slip, r.get(1)?, vec![keying])),
        }
    }
    Ok(out)
}

/// Records a meeting tally.
pub(crate) fn insert_meeting<D: Db + ?Sized>(
    db: &mut D,
    draft: &MeetingTallyDraft,
    by: &str,
    now: Millis,
) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO meeting_tallies (target_kind, target_id, unit_id, data, entered_by, entered_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        p![draft.target.as_str(), draft.target_id, draft.unit_id, to_json(draft)?, by, now],
    )
}

const MEETING_COLUMNS: &str = "id, data, entered_by, entered_at, voided_at, void_reason";

fn meeting_row(r: &Row) -> StoreResult<MeetingTally> {
    Ok(MeetingTally {
        id: r.get(0)?,
        draft: from_json(&r.get::<String>(1)?)?,
        entered_by: r.get(2)?,
        entered_at: r.get(3)?,
        voided_at: r.get(4)?,
        void_reason: r.get(5)?,
    })
}

/// An item's meeting tallies, oldest first (voided ones included).
pub(crate) fn meetings<D: Db + ?Sized>(
    db: &mut D,
    t: CodeTarget,
    id: Id,
) -> StoreResult<Vec<MeetingTally>> {
    db.query(
        &format!(
            "SELECT {MEETING_COLUMNS} FROM meeting_tallies WHERE target_kind = ?1 AND target_id = ?2 ORDER BY id"
        ),
        p![t.as_str(), id],
    )?
    .iter()
    .map(meeting_row)
    .collect()
}

/// One meeting tally.
pub(crate) fn meeting<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Option<MeetingTally>> {
    db.opt(
        &format!("SELECT {MEETING_COLUMNS} FROM meeting_tallies WHERE id = ?1"),
        p![id],
    )?
    .map(|r| meeting_row(&r))
    .transpose()
}

/// Marks a meeting tally voided.
pub(crate) fn void_meeting<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    now: Millis,
    reason: &str,
) -> StoreResult<()> {
    db.exec(
        "UPDATE meeting_tallies SET voided_at = ?1, void_reason = ?2 WHERE id = ?3",
        p![now, reason, id],
    )?;
    Ok(())
}
