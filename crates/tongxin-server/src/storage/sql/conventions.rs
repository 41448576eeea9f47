//! Convention rows and signatures. Public reads mask names here, at the
//! edge of storage, so no public path can hand out a raw name.

use tongxin_core::convention::{Convention, PublicSignature, SignatureInput};
use tongxin_core::paper::Channel;
use tongxin_core::{Id, Millis};

use super::{Db, Row, decode_cursor, encode_cursor, from_json, key, p, page, scopes, to_json};
use crate::storage::columns;
use crate::storage::{
    Page, SignatureCounts, SignatureReceipt, StoreError, StoreResult, UnitCount, Voter,
};

fn read<D: Db + ?Sized>(db: &mut D, id: Id, lock: &str) -> StoreResult<Option<Convention>> {
    db.opt(
        &format!("SELECT data FROM conventions WHERE id = ?1{lock}"),
        p![id],
    )?
    .map(|r| from_json(&r.get::<String>(0)?))
    .transpose()
}

pub(crate) fn get<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Convention> {
    read(db, id, "")?.ok_or(StoreError::NotFound("convention"))
}

/// Conventions in id order, those inside `scope_id` when given.
pub(crate) fn list<D: Db + ?Sized>(
    db: &mut D,
    scope_id: Option<Id>,
) -> StoreResult<Vec<Convention>> {
    scopes::items_within(db, "conventions", scope_id)
}

const RECEIPT_COLS: &str =
    "id, convention_id, version, display_name, unit_id, team, signed_at, withdrawn_at";

fn receipt_row(r: &Row) -> StoreResult<SignatureReceipt> {
    Ok(SignatureReceipt {
        id: r.get(0)?,
        convention_id: r.get(1)?,
        version: r.get(2)?,
        display_name: r.get(3)?,
        unit_id: r.get(4)?,
        team: r.get(5)?,
        signed_at: r.get(6)?,
        withdrawn_at: r.get(7)?,
    })
}

/// A convention, locked until the transaction ends.
pub(crate) fn convention_for_update<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
) -> StoreResult<Option<Convention>> {
    let lock = db.lock_for_update();
    read(db, id, lock)
}

/// Whether the voter has a live signature on this version.
pub(crate) fn has_signed<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    version: u32,
) -> StoreResult<bool> {
    db.exists(
        "SELECT 1 FROM signatures WHERE convention_id = ?1 AND voter = ?2 AND version = ?3 AND withdrawn_at IS NULL",
        p![id, voter, version],
    )
}

/// The voter's newest live signature.
pub(crate) fn live_signature<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
) -> StoreResult<Option<SignatureReceipt>> {
    db.opt(
        &format!(
            "SELECT {RECEIPT_COLS} FROM signatures WHERE convention_id = ?1 AND voter = ?2 AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1"
        ),
        p![id, voter],
    )?
    .as_ref()
    .map(receipt_row)
    .transpose()
}

/// Stores a signature and returns it.
pub(crate) fn insert_signature<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &str,
    version: u32,
    input: &SignatureInput,
    now: Millis,
) -> StoreResult<SignatureReceipt> {
    let team = input
        .team
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let row = db.one(
        &format!(
            "INSERT INTO signatures (convention_id, voter, version, display_name, unit_id, team, role, signed_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {RECEIPT_COLS}"
        ),
        p![
            id,
            voter,
            version,
            input.display_name.trim(),
            input.unit_id,
            team,
            columns::signer_role(input.role),
            now
        ],
    )?;
    receipt_row(&row)
}

/// Marks a signature withdrawn.
pub(crate) fn withdraw_signature<D: Db + ?Sized>(
    db: &mut D,
    signature: Id,
    now: Millis,
) -> StoreResult<()> {
    db.exec(
        "UPDATE signatures SET withdrawn_at = ?1 WHERE id = ?2",
        p![now, signature],
    )?;
    Ok(())
}

/// Adds `delta` to the live count of a version, in total and for a unit.
pub(crate) fn bump_signature_count<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    version: u32,
    unit: Id,
    delta: i64,
) -> StoreResult<()> {
    let sql = if delta > 0 {
        "INSERT INTO signature_counts (convention_id, version, unit_id, count) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (convention_id, version, unit_id) DO UPDATE SET count = signature_counts.count + excluded.count"
    } else {
        "UPDATE signature_counts SET count = count + ?4 WHERE convention_id = ?1 AND version = ?2 AND unit_id = ?3"
    };
    db.exec(sql, p![id, version, unit, delta])?;
    Ok(())
}

pub(crate) fn mine<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    voter: &Voter,
) -> StoreResult<Vec<SignatureReceipt>> {
    get(db, id)?;
    db.query(
        &format!(
            "SELECT {RECEIPT_COLS} FROM signatures WHERE convention_id = ?1 AND voter = ?2 ORDER BY id DESC LIMIT 50"
        ),
        p![id, &voter.key],
    )?
    .iter()
    .map(receipt_row)
    .collect()
}

/// Newest first; the cursor is the last id seen, so signatures arriving
/// while a resident pages never shift or repeat the list.
pub(crate) fn signatures<D: Db + ?Sized>(
    db: &mut D,
    id: Id,
    cursor: Option<String>,
    limit: u32,
) -> StoreResult<Page<PublicSignature>> {
    get(db, id)?;
    let before = match cursor {
        Some(c) => decode_cursor(&c, 1)?[0],
        None => i64::MAX,
    };
    let items = db
        .query(
            "SELECT s.id, s.display_name, s.unit_id, s.team, s.role, s.version, s.signed_at, \
             (SELECT pe.channel FROM paper_entries pe WHERE pe.target_kind = 'convention' \
              AND pe.target_id = s.convention_id AND pe.voter = s.voter AND pe.voided_at IS NULL) \
             FROM signatures s \
             WHERE s.convention_id = ?1 AND s.withdrawn_at IS NULL AND s.id < ?2 ORDER BY s.id DESC LIMIT ?3",
            p![id, before, i64::from(limit) + 1],
        )?
        .iter()
        .map(|r| {
            let mut s = PublicSignature::new(
                r.get(0)?,
                &r.get::<String>(1)?,
                r.get(2)?,
                r.get(3)?,
                columns::parse_signer_role(&r.get::<String>(4)?),
                r.get(5)?,
                r.get::<Millis>(6)?,
            );
            let channel: Option<String> = r.get(7)?;
            s.channel = channel.as_deref().and_then(Channel::parse).unwrap_or_default();
            Ok(s)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(page(items, limit, |s| encode_cursor(&[key(s.id)])))
}

/// The progress-bar figures, read from the kept counts (one row per unit).
pub(crate) fn counts<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<SignatureCounts> {
    let c = get(db, id)?;
    let totals = db.one(
        "SELECT CAST(COALESCE(SUM(CASE WHEN version = ?2 THEN count END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN version <> ?2 THEN count END), 0) AS BIGINT) \
         FROM signature_counts WHERE convention_id = ?1",
        p![id, c.version],
    )?;
    let by_unit = db
        .query(
            "SELECT k.unit_id, sc.name, k.count FROM signature_counts k JOIN scopes sc ON sc.id = k.unit_id \
             WHERE k.convention_id = ?1 AND k.version = ?2 AND k.count > 0 ORDER BY k.count DESC, k.unit_id",
            p![id, c.version],
        )?
        .iter()
        .map(|r| {
            Ok(UnitCount {
                unit_id: r.get(0)?,
                name: r.get(1)?,
                count: r.get::<i64>(2)?.max(0) as u64,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(SignatureCounts {
        convention_id: id,
        version: c.version,
        count: totals.get::<i64>(0)?.max(0) as u64,
        earlier_versions: totals.get::<i64>(1)?.max(0) as u64,
        goal: c.goal,
        by_unit,
        channels: None,
        meetings: Vec::new(),
    })
}

/// Reserves a row for a new convention of `scope` and returns its id.
pub(crate) fn new_convention_id<D: Db + ?Sized>(db: &mut D, scope: Id) -> StoreResult<Id> {
    db.insert(
        "INSERT INTO conventions (scope_id, data) VALUES (?1, '{}') RETURNING id",
        p![scope],
    )
}

/// Stores a convention.
pub(crate) fn save_convention<D: Db + ?Sized>(db: &mut D, c: &Convention) -> StoreResult<()> {
    db.exec(
        "UPDATE conventions SET data = ?1 WHERE id = ?2",
        p![to_json(c)?, c.id],
    )?;
    Ok(())
}
