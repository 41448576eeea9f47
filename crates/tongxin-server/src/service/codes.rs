//! Household codes at the moment of a write: a voter who came with a code
//! must hold an unrevoked code of this very item.

use tongxin_core::{Id, Millis};

use crate::storage::rows::CodeRows;
use crate::storage::{CodeTarget, StoreError, StoreResult, Voter};

/// Marks the first use of the voter's code, or refuses it; a voter without
/// a code passes (eligibility decided whether one was needed).
pub fn require(
    rows: &mut (impl CodeRows + ?Sized),
    voter: &Voter,
    target: CodeTarget,
    id: Id,
    now: Millis,
) -> StoreResult<()> {
    match &voter.code_hash {
        None => Ok(()),
        Some(hash) if rows.use_code(hash, target, id, now)? => Ok(()),
        Some(_) => Err(StoreError::InvalidCode),
    }
}
