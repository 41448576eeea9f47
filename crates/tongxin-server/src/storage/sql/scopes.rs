//! Scope rows and the scope tree, and applying an import plan to it.

use tongxin_core::Id;
use tongxin_core::scope::{MAX_HOUSEHOLDS, Scope, ScopeLevel, ScopeTree};
use tongxin_core::scope_import::{ImportStep, Parent};
use tongxin_core::text::{self, FieldErrors};

use super::{Db, Row, p};
use crate::storage::{NewScope, ScopeEdit, StoreError, StoreResult};

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

/// Fails with a field error when `id` is not a scope.
pub(crate) fn require<D: Db + ?Sized>(db: &mut D, field: &str, id: Id) -> StoreResult<Scope> {
    get(db, id).map_err(|e| match e {
        StoreError::NotFound(_) => {
            let mut fe = FieldErrors::new();
            fe.add(field, format!("scope {id} does not exist"));
            StoreError::Invalid(fe)
        }
        other => other,
    })
}

fn check_names(
    name: Option<&str>,
    name_en: Option<&str>,
    households: Option<u32>,
) -> StoreResult<()> {
    let mut e = FieldErrors::new();
    if households.is_some_and(|h| h > MAX_HOUSEHOLDS) {
        e.add(
            "households",
            format!("must be between 0 and {MAX_HOUSEHOLDS}"),
        );
    }
    if let Some(n) = name {
        e.text("name", n, text::LABEL);
    }
    if let Some(n) = name_en {
        e.text("name_en", n, text::TextLimits::line(0, 200));
    }
    e.into_result().map_err(StoreError::Invalid)
}

pub(crate) fn create<D: Db + ?Sized>(db: &mut D, input: &NewScope) -> StoreResult<Scope> {
    check_names(
        Some(&input.name),
        input.name_en.as_deref(),
        input.households,
    )?;
    tree(db)?.check_placement(input.level, input.parent_id)?;
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

pub(crate) fn update<D: Db + ?Sized>(db: &mut D, id: Id, edit: &ScopeEdit) -> StoreResult<Scope> {
    check_names(
        edit.name.as_deref(),
        edit.name_en.as_deref(),
        edit.households,
    )?;
    let mut s = get(db, id)?;
    if let Some(n) = &edit.name {
        s.name = n.trim().to_string();
    }
    if let Some(n) = &edit.name_en {
        s.name_en = Some(n.trim().to_string());
    }
    if let Some(h) = edit.households {
        s.households = Some(h);
    }
    db.exec(
        "UPDATE scopes SET name = ?1, name_en = ?2, households = ?3 WHERE id = ?4",
        p![&s.name, &s.name_en, s.households, id],
    )?;
    Ok(s)
}

/// Applies an import plan (from `tongxin_core::scope_import::plan`) in the
/// caller's transaction: any failure leaves the tree as it was. Returns
/// how many scopes were created and how many counts changed.
pub(crate) fn import<D: Db + ?Sized>(db: &mut D, steps: &[ImportStep]) -> StoreResult<(u32, u32)> {
    let mut ids: Vec<Option<Id>> = Vec::with_capacity(steps.len());
    let (mut created, mut updated) = (0, 0);
    for step in steps {
        match step {
            ImportStep::Create {
                parent,
                level,
                name,
                households,
            } => {
                let parent_id = match parent {
                    Parent::Root => None,
                    Parent::Existing(id) => Some(*id),
                    Parent::Planned(i) => ids.get(*i).copied().flatten(),
                };
                let input = NewScope {
                    parent_id,
                    level: *level,
                    name: name.clone(),
                    name_en: None,
                    households: *households,
                };
                ids.push(Some(create(db, &input)?.id));
                created += 1;
            }
            ImportStep::SetHouseholds { id, households } => {
                let edit = ScopeEdit {
                    name: None,
                    name_en: None,
                    households: Some(*households),
                };
                update(db, *id, &edit)?;
                ids.push(None);
                updated += 1;
            }
        }
    }
    Ok((created, updated))
}
