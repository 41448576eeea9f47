//! The rows of `codes`: one per household code (its hash), for one item
//! and one unit, marked when first used and when revoked unused.

use rusqlite::{Connection, params};
use tongxin_core::Id;
use tongxin_core::staff::codes::{CodeTarget, UnitCodes};

use crate::storage::StoreResult;

/// Stores the hashes of freshly issued codes.
pub(super) fn insert(
    c: &Connection,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
    hashes: &[String],
    now: i64,
) -> StoreResult<()> {
    let mut st = c.prepare_cached(
        "INSERT INTO codes (hash, target_kind, target_id, unit_id, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for h in hashes {
        st.execute(params![h, target.as_str(), target_id, unit_id, now])?;
    }
    Ok(())
}

/// An item's codes counted per unit.
pub(super) fn counts(
    c: &Connection,
    target: CodeTarget,
    target_id: Id,
) -> StoreResult<Vec<UnitCodes>> {
    let mut st = c.prepare_cached(
        "SELECT unit_id, COUNT(*), COUNT(first_used_at), \
         SUM(CASE WHEN revoked_at IS NOT NULL AND first_used_at IS NULL THEN 1 ELSE 0 END) \
         FROM codes WHERE target_kind = ?1 AND target_id = ?2 GROUP BY unit_id ORDER BY unit_id",
    )?;
    let rows = st
        .query_map(params![target.as_str(), target_id], |r| {
            Ok(UnitCodes {
                unit_id: r.get(0)?,
                unit_name: None,
                households: None,
                issued: r.get(1)?,
                used: r.get(2)?,
                revoked: r.get(3)?,
                participation_permille: None,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Revokes the unused, unrevoked codes of an item (of one unit or all).
pub(super) fn revoke(
    c: &Connection,
    target: CodeTarget,
    target_id: Id,
    unit_id: Option<Id>,
    now: i64,
) -> StoreResult<u32> {
    let n = c
        .prepare_cached(
            "UPDATE codes SET revoked_at = ?1 WHERE target_kind = ?2 AND target_id = ?3 \
             AND (?4 IS NULL OR unit_id = ?4) AND first_used_at IS NULL AND revoked_at IS NULL",
        )?
        .execute(params![now, target.as_str(), target_id, unit_id])?;
    Ok(n as u32)
}
