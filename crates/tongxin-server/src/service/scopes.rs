//! The scope tree (district → street → community → grid → building):
//! adding and renaming scopes, recording households, and applying an
//! import plan all at once.

use tongxin_core::Id;
use tongxin_core::scope::{MAX_HOUSEHOLDS, Scope};
use tongxin_core::scope_import::{ImportStep, Parent};
use tongxin_core::text::{self, FieldErrors};

use crate::storage::sql::{Db, scopes};
use crate::storage::{NewScope, ScopeEdit, Store, StoreError, StoreResult, WriteMeta};

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

fn create_tx(db: &mut dyn Db, input: &NewScope) -> StoreResult<Scope> {
    check_names(
        Some(&input.name),
        input.name_en.as_deref(),
        input.households,
    )?;
    scopes::tree(db)?.check_placement(input.level, input.parent_id)?;
    scopes::insert(db, input)
}

fn update_tx(db: &mut dyn Db, id: Id, edit: &ScopeEdit) -> StoreResult<Scope> {
    check_names(
        edit.name.as_deref(),
        edit.name_en.as_deref(),
        edit.households,
    )?;
    let mut s = scopes::get(db, id)?;
    if let Some(n) = &edit.name {
        s.name = n.trim().to_string();
    }
    if let Some(n) = &edit.name_en {
        s.name_en = Some(n.trim().to_string());
    }
    if let Some(h) = edit.households {
        s.households = Some(h);
    }
    scopes::save(db, &s)?;
    Ok(s)
}

/// Applies an import plan (from `tongxin_core::scope_import::plan`) in the
/// caller's transaction: any failure leaves the tree as it was. Returns
/// how many scopes were created and how many counts changed.
fn import_tx(db: &mut dyn Db, steps: &[ImportStep]) -> StoreResult<(u32, u32)> {
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
                ids.push(Some(create_tx(db, &input)?.id));
                created += 1;
            }
            ImportStep::SetHouseholds { id, households } => {
                let edit = ScopeEdit {
                    name: None,
                    name_en: None,
                    households: Some(*households),
                };
                update_tx(db, *id, &edit)?;
                ids.push(None);
                updated += 1;
            }
        }
    }
    Ok((created, updated))
}

/// Every scope.
pub async fn list(store: &Store) -> StoreResult<Vec<Scope>> {
    store.read(|c| scopes::all(c)).await
}

/// Adds a scope.
pub async fn create(store: &Store, meta: WriteMeta, input: NewScope) -> StoreResult<Scope> {
    store
        .write_typed(meta, move |c, _| create_tx(c, &input))
        .await
}

/// Renames a scope.
pub async fn update(store: &Store, meta: WriteMeta, id: Id, edit: ScopeEdit) -> StoreResult<Scope> {
    store
        .write_typed(meta, move |c, _| update_tx(c, id, &edit))
        .await
}

/// Applies an import plan all at once: (created, counts updated).
pub async fn import(
    store: &Store,
    meta: WriteMeta,
    steps: Vec<ImportStep>,
) -> StoreResult<(u32, u32)> {
    store
        .write_typed(meta, move |c, _| import_tx(c, &steps))
        .await
}
