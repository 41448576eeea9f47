//! Scope rows and the scope tree.

use tongxin_core::Id;
use tongxin_core::scope::{Scope, ScopeLevel, ScopeTree};

use super::{Db, Row, p};
use crate::storage::{NewScope, StoreError, StoreResult};

/// A `WITH` clause naming `within(id)`: the scope `?1` and every scope
/// under it. Put it first in a statement whose first parameter is the scope.
pub(crate) const WITHIN: &str = "WITH RECURSIVE within(id) AS (\
     SELECT id FROM scopes WHERE id = ?1 \
     UNION ALL SELECT s.id FROM scopes s JOIN within w ON s.parent_id = w.id)";

const COLUMNS: &str = "SELECT id, parent_id, level, name, name_en, households FROM scopes";

fn row(r: &Row) -> StoreResult<Scope> {
    let level: String = r.get(2)?;
    Ok(Scope {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        level: ScopeLevel::parse(&level).unwrap_or(ScopeLevel::Building),
        name: r.get(3)?,
        name_en: r.get(4)?,
        households: r.get(5)?,
    })
}

pub(crate) fn all<D: Db + ?Sized>(db: &mut D) -> StoreResult<Vec<Scope>> {
    db.query(&format!("{COLUMNS} ORDER BY id"), &[])?
        .iter()
        .map(row)
        .collect()
}

pub(crate) fn tree<D: Db + ?Sized>(db: &mut D) -> StoreResult<ScopeTree> {
    Ok(ScopeTree::new(all(db)?))
}

pub(crate) fn get<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<Scope> {
    db.opt(&format!("{COLUMNS} WHERE id = ?1"), p![id])?
        .as_ref()
        .map(row)
        .transpose()?
        .ok_or(StoreError::NotFound("scope"))
}

/// Stores a new scope (its names trimmed) and returns it.
pub(crate) fn insert<D: Db + ?Sized>(db: &mut D, input: &NewScope) -> StoreResult<Scope> {
    let id = db.insert(
        "INSERT INTO scopes (parent_id, level, name, name_en, households) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        p![
            input.parent_id,
            input.level.as_str(),
            input.name.trim(),
            input.name_en.as_deref().map(str::trim),
            input.households
        ],
    )?;
    get(db, id)
}

/// Stores a scope's names and households.
pub(crate) fn save<D: Db + ?Sized>(db: &mut D, s: &Scope) -> StoreResult<()> {
    db.exec(
        "UPDATE scopes SET name = ?1, name_en = ?2, households = ?3 WHERE id = ?4",
        p![&s.name, &s.name_en, s.households, s.id],
    )?;
    Ok(())
}

/// Every scope, as a tree.
pub(crate) fn scope_tree<D: Db + ?Sized>(db: &mut D) -> StoreResult<ScopeTree> {
    tree(db)
}

/// Whether a scope with this id exists.
pub(crate) fn scope_exists<D: Db + ?Sized>(db: &mut D, id: Id) -> StoreResult<bool> {
    db.exists("SELECT 1 FROM scopes WHERE id = ?1", p![id])
}

/// The `data` column of every row of `table` (`polls`, `conventions`,
/// `budgets`), in id order; only those inside `scope` (the scope and its
/// descendants, found in SQL) when given.
pub(crate) fn items_within<T: serde::de::DeserializeOwned, D: Db + ?Sized>(
    db: &mut D,
    table: &str,
    scope: Option<Id>,
) -> StoreResult<Vec<T>> {
    let rows = match scope {
        Some(s) => db.query(
            &format!(
                "{WITHIN} SELECT data FROM {table} WHERE scope_id IN (SELECT id FROM within) ORDER BY id"
            ),
            p![s],
        )?,
        None => db.query(&format!("SELECT data FROM {table} ORDER BY id"), &[])?,
    };
    rows.iter()
        .map(|r| super::from_json(&r.get::<String>(0)?))
        .collect()
}
