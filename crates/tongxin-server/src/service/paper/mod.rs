//! Paper, door-to-door and meeting participation: keyed entries counted
//! exactly as the online answer of the same household would be (so either
//! channel refuses the other, naming where the first came from), batches
//! with an optional second keying, voiding with a reason, meeting tallies
//! kept apart, and the split of every count by channel.

use tongxin_core::budget::BudgetBallotError;
use tongxin_core::convention::ConventionError;
use tongxin_core::paper::{Channel, Channels, MeetingTallyDraft};
use tongxin_core::poll::BallotError;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::{Id, Millis};

use crate::storage::sql::{codes, paper};
use crate::storage::{Store, StoreError, StoreResult};

mod batches;
mod enter;
mod meetings;
mod void;

pub use batches::{batch, batches, open_batch};
pub use enter::{Answer, Entry, enter};
pub use meetings::{meeting, meetings, record_meeting, void_meeting};
pub use void::{entry_place, void};

/// The problem code of a refusal because the household already took part
/// (voted, signed, supported), if `e` is one.
fn took_part_code(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Ballot(BallotError::AlreadyVoted { .. }) => Some("already-voted"),
        StoreError::Budget(BudgetBallotError::AlreadyVoted) => Some("already-voted"),
        StoreError::Convention(ConventionError::AlreadySigned { .. }) => Some("already-signed"),
        StoreError::Duplicate { code, .. } if *code == "already-supported" => Some(code),
        _ => None,
    }
}

/// Names where a household's first answer came from when `result` refuses
/// a second one: the channel of its standing keyed entry, else online.
pub async fn name_first<T>(
    store: &Store,
    target: CodeTarget,
    id: Id,
    voter_key: &str,
    result: StoreResult<T>,
) -> StoreResult<T> {
    let e = match result {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let Some(code) = took_part_code(&e) else {
        return Err(e);
    };
    let first = e.to_string();
    let first = first.trim_end_matches('.');
    let key = voter_key.to_string();
    let channel = store
        .read(move |db| paper::live_channel(db, target, id, &key))
        .await?
        .unwrap_or(Channel::Online);
    Err(StoreError::TookPart {
        code,
        channel,
        detail: format!(
            "{first}: this household already took part {} ({})",
            match channel {
                Channel::Online => "online",
                Channel::Paper => "on paper",
                Channel::Door => "door to door",
                Channel::Meeting => "at a meeting",
            },
            channel.label_zh()
        ),
    })
}

/// An item's count of individual answers split by channel, beside the
/// attendees of its meetings, and its standing meeting tallies: what its
/// public results carry (a poll's from the poll cache, read with it).
pub async fn public(
    store: &Store,
    target: CodeTarget,
    id: Id,
    individual: u64,
) -> StoreResult<(Channels, Vec<MeetingTallyDraft>)> {
    let f = if target == CodeTarget::Poll {
        store.cached_poll(id).await?.2.clone()
    } else {
        store.read(move |db| paper::figures(db, target, id)).await?
    };
    let attendees = f.meetings.iter().map(|m| u64::from(m.attendees)).sum();
    Ok((
        Channels::split(individual, f.paper, f.door, attendees),
        f.meetings,
    ))
}

/// Standing keyed entries of an item per unit and channel.
pub async fn by_unit(
    store: &Store,
    target: CodeTarget,
    id: Id,
) -> StoreResult<Vec<(Option<Id>, Channel, u64)>> {
    store
        .read(move |db| paper::counts_by_unit(db, target, id))
        .await
}

/// The unit of the item's household code with this hash (`Some(None)` for
/// a code issued without one); `InvalidCode` when the item has no such
/// unrevoked code.
pub async fn code_unit(
    store: &Store,
    target: CodeTarget,
    id: Id,
    hash: String,
) -> StoreResult<Option<Id>> {
    store
        .read(move |db| codes::unit_of(db, &hash, target, id))
        .await?
        .ok_or(StoreError::InvalidCode)
}

/// Start of the China Standard Time day of `now`: a keyer's entries of one
/// day go into one batch unless they open another.
pub fn day_start(now: Millis) -> Millis {
    const DAY: Millis = 24 * 3600 * 1000;
    const CST: Millis = 8 * 3600 * 1000;
    (now + CST).div_euclid(DAY) * DAY - CST
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_starts_at_midnight_in_kunming() {
        // 2026-12-07 00:30 CST = 2026-12-06 16:30 UTC.
        let t = 1_796_574_600_000;
        let start = super::day_start(t);
        assert_eq!(t - start, 30 * 60 * 1000);
    }
}
