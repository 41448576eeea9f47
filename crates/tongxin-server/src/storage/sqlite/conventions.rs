//! Convention rows and signatures. Public reads mask names here, at the
//! edge of storage, so no public path can hand out a raw name.

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::convention::{
    Convention, ConventionDraft, ConventionEdit, PublicSignature, SignatureInput,
};
use tongxin_core::{Id, Millis};

use super::{SqliteRows, decode_cursor, encode_cursor, from_json, key, scopes, to_json};
use crate::storage::columns;
use crate::storage::rows::ConventionRows;
use crate::storage::{
    Page, SignatureCounts, SignatureReceipt, StoreError, StoreResult, UnitCount, Voter, WriteMeta,
};

pub(crate) fn get(conn: &Connection, id: Id) -> StoreResult<Convention> {
    let data: String = conn
        .prepare_cached("SELECT data FROM conventions WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NotFound("convention"))?;
    from_json(&data)
}

pub(crate) fn list(conn: &Connection, scope_id: Option<Id>) -> StoreResult<Vec<Convention>> {
    let tree = scopes::tree(conn)?;
    let mut st = conn.prepare_cached("SELECT data FROM conventions ORDER BY id")?;
    let mut out = Vec::new();
    for data in st.query_map([], |r| r.get::<_, String>(0))? {
        let c: Convention = from_json(&data?)?;
        if scope_id.is_none_or(|s| tree.is_within(c.scope_id, s)) {
            out.push(c);
        }
    }
    Ok(out)
}

const RECEIPT_COLS: &str =
    "id, convention_id, version, display_name, unit_id, team, signed_at, withdrawn_at";

fn receipt_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SignatureReceipt> {
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

impl ConventionRows for SqliteRows<'_> {
    fn convention_for_update(&mut self, id: Id) -> StoreResult<Option<Convention>> {
        match get(self, id) {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn has_signed(&mut self, id: Id, voter: &str, version: u32) -> StoreResult<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM signatures WHERE convention_id = ?1 AND voter = ?2 AND version = ?3 AND withdrawn_at IS NULL")?
            .exists(params![id, voter, version])?)
    }
    fn live_signature(&mut self, id: Id, voter: &str) -> StoreResult<Option<SignatureReceipt>> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {RECEIPT_COLS} FROM signatures WHERE convention_id = ?1 AND voter = ?2 AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(params![id, voter], receipt_row)
            .optional()?)
    }
    fn insert_signature(
        &mut self,
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
        self.prepare_cached(
            "INSERT INTO signatures (convention_id, voter, version, display_name, unit_id, team, role, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![id, voter, version, input.display_name.trim(), input.unit_id, team, columns::signer_role(input.role), now])?;
        let sig_id = self.last_insert_rowid();
        Ok(self
            .prepare_cached(&format!(
                "SELECT {RECEIPT_COLS} FROM signatures WHERE id = ?1"
            ))?
            .query_row([sig_id], receipt_row)?)
    }
    fn withdraw_signature(&mut self, signature: Id, now: Millis) -> StoreResult<()> {
        self.prepare_cached("UPDATE signatures SET withdrawn_at = ?1 WHERE id = ?2")?
            .execute(params![now, signature])?;
        Ok(())
    }
    /// Counts are kept per unit so the progress bar is one indexed read.
    fn bump_signature_count(
        &mut self,
        id: Id,
        version: u32,
        unit: Id,
        delta: i64,
    ) -> StoreResult<()> {
        let sql = if delta > 0 {
            "INSERT INTO signature_counts (convention_id, version, unit_id, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (convention_id, version, unit_id) DO UPDATE SET count = count + excluded.count"
        } else {
            "UPDATE signature_counts SET count = count + ?4 WHERE convention_id = ?1 AND version = ?2 AND unit_id = ?3"
        };
        self.prepare_cached(sql)?
            .execute(params![id, version, unit, delta])?;
        Ok(())
    }
}

pub(crate) fn mine(conn: &Connection, id: Id, voter: &Voter) -> StoreResult<Vec<SignatureReceipt>> {
    get(conn, id)?;
    let mut st = conn.prepare_cached(&format!(
        "SELECT {RECEIPT_COLS} FROM signatures WHERE convention_id = ?1 AND voter = ?2 ORDER BY id DESC LIMIT 50"
    ))?;
    Ok(st
        .query_map(params![id, voter.key], receipt_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Newest first; the cursor is the last id seen, so signatures arriving
/// while a resident pages never shift or repeat the list.
pub(crate) fn signatures(
    conn: &Connection,
    id: Id,
    cursor: Option<String>,
    limit: u32,
) -> StoreResult<Page<PublicSignature>> {
    get(conn, id)?;
    let before = match cursor {
        Some(c) => decode_cursor(&c, 1)?[0],
        None => i64::MAX,
    };
    let mut st = conn.prepare_cached(
        "SELECT id, display_name, unit_id, team, role, version, signed_at FROM signatures
         WHERE convention_id = ?1 AND withdrawn_at IS NULL AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    let items: Vec<PublicSignature> = st
        .query_map(params![id, before, i64::from(limit) + 1], |r| {
            let role: String = r.get(4)?;
            let name: String = r.get(1)?;
            Ok(PublicSignature::new(
                r.get(0)?,
                &name,
                r.get(2)?,
                r.get(3)?,
                columns::parse_signer_role(&role),
                r.get(5)?,
                r.get::<_, Millis>(6)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(page(items, limit, |s| encode_cursor(&[key(s.id)])))
}

/// Cuts `limit + 1` fetched rows into a page and its cursor.
pub(crate) fn page<T>(mut items: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Page<T> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(cursor_of)
    } else {
        None
    };
    Page { items, next_cursor }
}

/// Keeps `signature_counts` in step with a signature (`+1`) or a
/// withdrawal (`-1`), inside the same transaction.
/// The progress-bar figures, read from the kept counts (one row per unit).
pub(crate) fn counts(conn: &Connection, id: Id) -> StoreResult<SignatureCounts> {
    let c = get(conn, id)?;
    let (count, earlier): (i64, i64) = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(CASE WHEN version = ?2 THEN count END), 0), COALESCE(SUM(CASE WHEN version <> ?2 THEN count END), 0)
             FROM signature_counts WHERE convention_id = ?1",
        )?
        .query_row(params![id, c.version], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut st = conn.prepare_cached(
        "SELECT k.unit_id, sc.name, k.count FROM signature_counts k JOIN scopes sc ON sc.id = k.unit_id
         WHERE k.convention_id = ?1 AND k.version = ?2 AND k.count > 0 ORDER BY k.count DESC, k.unit_id",
    )?;
    let by_unit = st
        .query_map(params![id, c.version], |r| {
            Ok(UnitCount {
                unit_id: r.get(0)?,
                name: r.get(1)?,
                count: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SignatureCounts {
        convention_id: id,
        version: c.version,
        count: count as u64,
        earlier_versions: earlier as u64,
        goal: c.goal,
        by_unit,
    })
}

pub(crate) fn create(
    conn: &Connection,
    meta: &WriteMeta,
    draft: ConventionDraft,
) -> StoreResult<Convention> {
    draft.validate().map_err(StoreError::Invalid)?;
    scopes::require(conn, "scope_id", draft.scope_id)?;
    conn.execute(
        "INSERT INTO conventions (scope_id, data) VALUES (?1, '{}')",
        [draft.scope_id],
    )?;
    let c = draft.into_convention(Id::from(conn.last_insert_rowid()), meta.now);
    conn.execute(
        "UPDATE conventions SET data = ?1 WHERE id = ?2",
        params![to_json(&c)?, c.id],
    )?;
    Ok(c)
}

pub(crate) fn update(
    conn: &Connection,
    meta: &WriteMeta,
    id: Id,
    edit: &ConventionEdit,
) -> StoreResult<Convention> {
    let mut c = get(conn, id)?;
    edit.apply(&mut c, meta.now).map_err(StoreError::Invalid)?;
    conn.execute(
        "UPDATE conventions SET data = ?1 WHERE id = ?2",
        params![to_json(&c)?, id],
    )?;
    Ok(c)
}
