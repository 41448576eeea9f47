//! Scope rows and the scope tree, and applying an import plan to it.

use rusqlite::{Connection, OptionalExtension, params};
use tongxin_core::Id;
use tongxin_core::scope::{MAX_HOUSEHOLDS, Scope, ScopeLevel, ScopeTree};
use tongxin_core::scope_import::{ImportStep, Parent};
use tongxin_core::text::{self, FieldErrors};

use crate::storage::{NewScope, ScopeEdit, StoreError, StoreResult};

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Scope> {
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

pub(crate) fn all(conn: &Connection) -> StoreResult<Vec<Scope>> {
    let mut st = conn.prepare_cached(
        "SELECT id, parent_id, level, name, name_en, households FROM scopes ORDER BY id",
    )?;
    let rows = st.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn tree(conn: &Connection) -> StoreResult<ScopeTree> {
    Ok(ScopeTree::new(all(conn)?))
}

pub(crate) fn get(conn: &Connection, id: Id) -> StoreResult<Scope> {
    conn.prepare_cached(
        "SELECT id, parent_id, level, name, name_en, households FROM scopes WHERE id = ?1",
    )?
    .query_row([id], row)
    .optional()?
    .ok_or(StoreError::NotFound("scope"))
}

/// Fails with a field error when `id` is not a scope.
pub(crate) fn require(conn: &Connection, field: &str, id: Id) -> StoreResult<Scope> {
    get(conn, id).map_err(|e| match e {
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

pub(crate) fn create(conn: &Connection, input: &NewScope) -> StoreResult<Scope> {
    check_names(
        Some(&input.name),
        input.name_en.as_deref(),
        input.households,
    )?;
    tree(conn)?.check_placement(input.level, input.parent_id)?;
    conn.prepare_cached(
        "INSERT INTO scopes (parent_id, level, name, name_en, households) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        input.parent_id,
        input.level.as_str(),
        input.name.trim(),
        input.name_en.as_deref().map(str::trim),
        input.households
    ])?;
    get(conn, Id::from(conn.last_insert_rowid()))
}

pub(crate) fn update(conn: &Connection, id: Id, edit: &ScopeEdit) -> StoreResult<Scope> {
    check_names(
        edit.name.as_deref(),
        edit.name_en.as_deref(),
        edit.households,
    )?;
    let mut s = get(conn, id)?;
    if let Some(n) = &edit.name {
        s.name = n.trim().to_string();
    }
    if let Some(n) = &edit.name_en {
        s.name_en = Some(n.trim().to_string());
    }
    if let Some(h) = edit.households {
        s.households = Some(h);
    }
    conn.execute(
        "UPDATE scopes SET name = ?1, name_en = ?2, households = ?3 WHERE id = ?4",
        params![s.name, s.name_en, s.households, id],
    )?;
    Ok(s)
}

/// Applies an import plan (from `tongxin_core::scope_import::plan`) in the
/// caller's transaction: any failure leaves the tree as it was. Returns
/// how many scopes were created and how many counts changed.
pub(crate) fn import(conn: &Connection, steps: &[ImportStep]) -> StoreResult<(u32, u32)> {
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
                ids.push(Some(create(conn, &input)?.id));
                created += 1;
            }
            ImportStep::SetHouseholds { id, households } => {
                let edit = ScopeEdit {
                    name: None,
                    name_en: None,
                    households: Some(*households),
                };
                update(conn, *id, &edit)?;
                ids.push(None);
                updated += 1;
            }
        }
    }
    Ok((created, updated))
}
