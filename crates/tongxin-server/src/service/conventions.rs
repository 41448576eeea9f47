//! Signing a convention and withdrawing a signature. The per-unit counts
//! behind the progress bar change in the signature's own transaction.

use serde_json::json;
use tongxin_core::Id;
use tongxin_core::convention::{Convention, SignatureInput};
use tongxin_core::webhooks::EventType;

use super::codes;
use crate::storage::sql::{Db, conventions, scopes};
use crate::storage::{CodeTarget, SignatureReceipt, StoreError, StoreResult, Voter, WriteMeta};
use crate::storage::{Page, Reply, SignatureCounts, Store};
use tongxin_core::convention::{ConventionDraft, ConventionEdit, PublicSignature};

fn load(rows: &mut dyn Db, id: Id) -> StoreResult<Convention> {
    conventions::convention_for_update(rows, id)?.ok_or(StoreError::NotFound("convention"))
}

/// Signs the current version (online, or from a paper sheet).
pub(super) fn sign_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &SignatureInput,
) -> StoreResult<SignatureReceipt> {
    input.validate().map_err(StoreError::Invalid)?;
    let c = load(rows, id)?;
    c.check_sign(input.version, meta.now)?;
    let tree = scopes::scope_tree(rows)?;
    c.check_unit(&tree, input.unit_id)
        .map_err(StoreError::Invalid)?;
    codes::require(rows, voter, CodeTarget::Convention, id, meta.now)?;
    c.check_first_signature(conventions::has_signed(rows, id, &voter.key, c.version)?)?;
    let receipt = conventions::insert_signature(rows, id, &voter.key, c.version, input, meta.now)?;
    conventions::bump_signature_count(rows, id, c.version, input.unit_id, 1)?;
    // The count is read only where an endpoint wants to hear of the goal.
    super::webhooks::emit_tx(
        rows,
        EventType::ConventionGoalReached,
        &format!("convention:{id}"),
        c.scope_id,
        |db| {
            let count = conventions::counts(db, id)?.count;
            Ok((c.goal > 0 && count == u64::from(c.goal)).then(|| {
                json!({"convention_id": id, "scope_id": c.scope_id, "title": c.title, "goal": c.goal, "count": count})
            }))
        },
        meta.now,
    )?;
    Ok(receipt)
}

/// Withdraws the voter's newest live signature.
fn withdraw_tx(
    rows: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SignatureReceipt> {
    let c = load(rows, id)?;
    let mut sig = conventions::live_signature(rows, id, &voter.key)?
        .ok_or(StoreError::NotFound("signature"))?;
    c.check_withdraw(meta.now)?;
    conventions::withdraw_signature(rows, sig.id, meta.now)?;
    conventions::bump_signature_count(rows, id, sig.version, sig.unit_id, -1)?;
    sig.withdrawn_at = Some(meta.now);
    Ok(sig)
}

/// A new convention at version 1.
fn create_tx(db: &mut dyn Db, meta: &WriteMeta, draft: ConventionDraft) -> StoreResult<Convention> {
    draft.validate().map_err(StoreError::Invalid)?;
    super::require_scope(db, draft.scope_id)?;
    let id = conventions::new_convention_id(db, draft.scope_id)?;
    let c = draft.into_convention(id, meta.now);
    conventions::save_convention(db, &c)?;
    Ok(c)
}

/// Staff edits; a new text publishes a new version.
fn update_tx(
    db: &mut dyn Db,
    meta: &WriteMeta,
    id: Id,
    edit: &ConventionEdit,
) -> StoreResult<Convention> {
    let mut c = load(db, id)?;
    edit.apply(&mut c, meta.now).map_err(StoreError::Invalid)?;
    conventions::save_convention(db, &c)?;
    Ok(c)
}

/// Conventions, optionally inside a scope.
pub async fn list(store: &Store, scope_id: Option<Id>) -> StoreResult<Vec<Convention>> {
    store.read(move |c| conventions::list(c, scope_id)).await
}

/// One convention.
pub async fn get(store: &Store, id: Id) -> StoreResult<Convention> {
    store.read(move |c| conventions::get(c, id)).await
}

/// Signs ([`SignatureReceipt`]).
pub async fn sign(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    voter: Voter,
    input: SignatureInput,
) -> StoreResult<Reply> {
    let key = voter.key.clone();
    let result = store
        .write_item(CodeTarget::Convention, id, meta, move |c, m| {
            sign_tx(c, m, id, &voter, &input)
        })
        .await;
    super::paper::name_first(store, CodeTarget::Convention, id, &key, result).await
}

/// Withdraws the voter's current signature ([`SignatureReceipt`]).
pub async fn withdraw(store: &Store, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
    store
        .write_item(CodeTarget::Convention, id, meta, move |c, m| {
            withdraw_tx(c, m, id, &voter)
        })
        .await
}

/// The voter's signatures on this convention, newest first.
pub async fn mine(store: &Store, id: Id, voter: &Voter) -> StoreResult<Vec<SignatureReceipt>> {
    let voter = voter.clone();
    store.read(move |c| conventions::mine(c, id, &voter)).await
}

/// Public, masked, newest first.
pub async fn signatures(
    store: &Store,
    id: Id,
    cursor: Option<String>,
    limit: u32,
) -> StoreResult<Page<PublicSignature>> {
    store
        .read(move |c| conventions::signatures(c, id, cursor, limit))
        .await
}

/// Counts for progress bars.
pub async fn counts(store: &Store, id: Id) -> StoreResult<SignatureCounts> {
    store.read(move |c| conventions::counts(c, id)).await
}

/// Creates a convention.
pub async fn create(
    store: &Store,
    meta: WriteMeta,
    draft: ConventionDraft,
) -> StoreResult<Convention> {
    store
        .write_typed(meta, move |c, m| create_tx(c, m, draft))
        .await
}

/// Edits a convention (text edits publish a new version).
pub async fn update(
    store: &Store,
    meta: WriteMeta,
    id: Id,
    edit: ConventionEdit,
) -> StoreResult<Convention> {
    let reply = store
        .write_item(CodeTarget::Convention, id, meta, move |c, m| {
            update_tx(c, m, id, &edit)
        })
        .await?;
    Ok(serde_json::from_str(&reply.body)?)
}
