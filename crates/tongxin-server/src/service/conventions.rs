//! Signing a convention and withdrawing a signature. The per-unit counts
//! behind the progress bar change in the signature's own transaction.

use tongxin_core::Id;
use tongxin_core::convention::{Convention, SignatureInput};

use super::codes;
use crate::storage::rows::ConventionRows;
use crate::storage::{CodeTarget, SignatureReceipt, StoreError, StoreResult, Voter, WriteMeta};

fn load(rows: &mut (impl ConventionRows + ?Sized), id: Id) -> StoreResult<Convention> {
    rows.convention_for_update(id)?
        .ok_or(StoreError::NotFound("convention"))
}

/// Signs the current version.
pub fn sign(
    rows: &mut (impl ConventionRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
    input: &SignatureInput,
) -> StoreResult<SignatureReceipt> {
    input.validate().map_err(StoreError::Invalid)?;
    let c = load(rows, id)?;
    c.check_sign(input.version, meta.now)?;
    let tree = rows.scope_tree()?;
    c.check_unit(&tree, input.unit_id)
        .map_err(StoreError::Invalid)?;
    codes::require(rows, voter, CodeTarget::Convention, id, meta.now)?;
    c.check_first_signature(rows.has_signed(id, &voter.key, c.version)?)?;
    let receipt = rows.insert_signature(id, &voter.key, c.version, input, meta.now)?;
    rows.bump_signature_count(id, c.version, input.unit_id, 1)?;
    Ok(receipt)
}

/// Withdraws the voter's newest live signature.
pub fn withdraw(
    rows: &mut (impl ConventionRows + ?Sized),
    meta: &WriteMeta,
    id: Id,
    voter: &Voter,
) -> StoreResult<SignatureReceipt> {
    let c = load(rows, id)?;
    let mut sig = rows
        .live_signature(id, &voter.key)?
        .ok_or(StoreError::NotFound("signature"))?;
    c.check_withdraw(meta.now)?;
    rows.withdraw_signature(sig.id, meta.now)?;
    rows.bump_signature_count(id, sig.version, sig.unit_id, -1)?;
    sig.withdrawn_at = Some(meta.now);
    Ok(sig)
}
