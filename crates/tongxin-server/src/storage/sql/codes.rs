//! The rows of `codes`: one per household code (its hash), for one item
//! and one unit, marked when first used and when revoked unused.

use tongxin_core::staff::codes::{CodeTarget, UnitCodes};
use tongxin_core::{Id, Millis};

use super::{Db, p};
use crate::storage::StoreResult;

/// Stores the hashes of freshly issued codes.
pub(crate) fn insert<D: Db + ?Sized>(
    db: &mut D,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
    hashes: &[String],
    now: i64,
) -> StoreResult<()> {
    for h in hashes {
        db.exec(
            "INSERT INTO codes (hash, target_kind, target_id, unit_id, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            p![h, target.as_str(), target_id, unit_id, now],
        )?;
    }
    Ok(())
}

/// An item's codes counted per unit.
pub(crate) fn counts<D: Db + ?Sized>(
    db: &mut D,
    target: CodeTarget,
    target_id: Id,
) -> StoreResult<Vec<UnitCodes>> {
    db.query(
        "SELECT unit_id, COUNT(*), COUNT(first_used_at), \
         CAST(SUM(CASE WHEN revoked_at IS NOT NULL AND first_used_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) \
         FROM codes WHERE target_kind = ?1 AND target_id = ?2 GROUP BY unit_id ORDER BY (unit_id IS NOT NULL), unit_id",
        p![target.as_str(), target_id],
    )?
    .into_iter()
    .map(|r| {
        Ok(UnitCodes {
            unit_id: r.get(0)?,
            unit_name: None,
            households: None,
            issued: r.get(1)?,
            used: r.get(2)?,
            revoked: r.get(3)?,
            participation_permille: None,
            used_rounded_to: None,
        })
    })
    .collect()
}

/// Revokes the unused, unrevoked codes of an item (of one unit or all).
pub(crate) fn revoke<D: Db + ?Sized>(
    db: &mut D,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
    now: i64,
) -> StoreResult<u32> {
    let sql = if unit_id.is_some() {
        "UPDATE codes SET revoked_at = ?1 WHERE target_kind = ?2 AND target_id = ?3 \
         AND unit_id = ?4 AND first_used_at IS NULL AND revoked_at IS NULL"
    } else {
        "UPDATE codes SET revoked_at = ?1 WHERE target_kind = ?2 AND target_id = ?3 \
         AND first_used_at IS NULL AND revoked_at IS NULL"
    };
    let mut params = vec![now.into(), target.as_str().into(), target_id.into()];
    params.extend(unit_id.map(Into::into));
    Ok(db.exec(sql, &params)? as u32)
}

/// Marks the first use of the unrevoked code with this hash for the
/// item; false when no such code exists.
pub(crate) fn use_code<D: Db + ?Sized>(
    db: &mut D,
    hash: &str,
    target: CodeTarget,
    id: Id,
    now: Millis,
) -> StoreResult<bool> {
    let n = db.exec(
        "UPDATE codes SET first_used_at = COALESCE(first_used_at, ?1) \
         WHERE hash = ?2 AND target_kind = ?3 AND target_id = ?4 AND revoked_at IS NULL",
        p![now, hash, target.as_str(), id],
    )?;
    Ok(n == 1)
}

/// The unit of the item's unrevoked code with this hash: `None` when no
/// such code exists, `Some(None)` for a code issued without a unit.
pub(crate) fn unit_of<D: Db + ?Sized>(
    db: &mut D,
    hash: &str,
    target: CodeTarget,
    id: Id,
) -> StoreResult<Option<Option<Id>>> {
    db.opt(
        "SELECT unit_id FROM codes WHERE hash = ?1 AND target_kind = ?2 AND target_id = ?3 AND revoked_at IS NULL",
        p![hash, target.as_str(), id],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Marks the item's code with this hash unused again (its answer was
/// voided: the household has not taken part, and may).
pub(crate) fn unuse<D: Db + ?Sized>(
    db: &mut D,
    hash: &str,
    target: CodeTarget,
    id: Id,
) -> StoreResult<()> {
    db.exec(
        "UPDATE codes SET first_used_at = NULL WHERE hash = ?1 AND target_kind = ?2 AND target_id = ?3",
        p![hash, target.as_str(), id],
    )?;
    Ok(())
}
