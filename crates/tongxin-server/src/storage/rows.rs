//! The narrow repository under the service layer: rows read and written
//! inside one transaction that the caller has opened. A store implements
//! these traits for its transaction type and nothing more; what the rows
//! mean (who may vote, what counts as a duplicate, what the answer says)
//! is decided in [`crate::service`] and `tongxin-core`, once for every
//! store.
//!
//! Reads that precede a write lock what they read where the database needs
//! it (`poll_for_update` is `SELECT … FOR UPDATE` on PostgreSQL; SQLite's
//! single writer already serialises the whole transaction).

use tongxin_core::convention::{Convention, SignatureInput};
use tongxin_core::poll::{Ballot, Poll, PollDraft, Tally};
use tongxin_core::scope::ScopeTree;
use tongxin_core::{Id, Millis};

use super::{CodeTarget, IdemKey, SignatureReceipt, StoreResult};

/// The answers remembered under idempotency keys.
pub trait IdempotencyRows {
    /// The fingerprint and body stored under `key` since `since`.
    fn remembered(&mut self, key: &str, since: Millis) -> StoreResult<Option<(String, String)>>;
    /// Stores (or replaces an expired) answer under `idem`.
    fn remember(&mut self, idem: &IdemKey, body: &str, now: Millis) -> StoreResult<()>;
}

/// Household codes.
pub trait CodeRows {
    /// Marks the first use of the unrevoked code with this hash for the
    /// item; false when no such code exists.
    fn use_code(
        &mut self,
        hash: &str,
        target: CodeTarget,
        id: Id,
        now: Millis,
    ) -> StoreResult<bool>;
}

/// The scope tree.
pub trait ScopeRows {
    /// Every scope, as a tree.
    fn scope_tree(&mut self) -> StoreResult<ScopeTree>;
    /// Whether a scope with this id exists.
    fn scope_exists(&mut self, id: Id) -> StoreResult<bool>;
}

/// Polls, ballots and stored tallies.
pub trait PollRows: CodeRows + ScopeRows {
    /// A poll and its tally, locked until the transaction ends.
    fn poll_for_update(&mut self, id: Id) -> StoreResult<Option<(Poll, Tally)>>;
    /// Whether the voter has a ballot (or, in an anonymous poll, a
    /// participation) in the poll.
    fn has_voted(&mut self, poll: &Poll, voter: &str) -> StoreResult<bool>;
    /// The voter's stored ballot (never stored for anonymous polls).
    fn stored_ballot(&mut self, poll: Id, voter: &str) -> StoreResult<Option<Ballot>>;
    /// Records a first ballot: in an anonymous poll only that the voter took
    /// part, never the choice.
    fn insert_ballot(
        &mut self,
        poll: &Poll,
        voter: &str,
        ballot: &Ballot,
        now: Millis,
    ) -> StoreResult<()>;
    /// Replaces the voter's ballot.
    fn replace_ballot(
        &mut self,
        poll: Id,
        voter: &str,
        ballot: &Ballot,
        now: Millis,
    ) -> StoreResult<()>;
    /// Deletes the voter's ballot.
    fn delete_ballot(&mut self, poll: Id, voter: &str) -> StoreResult<()>;
    /// Stores the tally.
    fn save_tally(&mut self, poll: Id, tally: &Tally) -> StoreResult<()>;
    /// Reserves a new poll row for this draft and returns its id.
    fn new_poll_id(&mut self, draft: &PollDraft) -> StoreResult<Id>;
    /// Stores a poll's settings (and, with `tally`, its tally).
    fn save_poll(&mut self, poll: &Poll, tally: Option<&Tally>) -> StoreResult<()>;
}

/// Conventions and their signatures.
pub trait ConventionRows: CodeRows + ScopeRows {
    /// A convention, locked until the transaction ends.
    fn convention_for_update(&mut self, id: Id) -> StoreResult<Option<Convention>>;
    /// Whether the voter has a live signature on this version.
    fn has_signed(&mut self, id: Id, voter: &str, version: u32) -> StoreResult<bool>;
    /// The voter's newest live signature.
    fn live_signature(&mut self, id: Id, voter: &str) -> StoreResult<Option<SignatureReceipt>>;
    /// Stores a signature and returns it.
    fn insert_signature(
        &mut self,
        id: Id,
        voter: &str,
        version: u32,
        input: &SignatureInput,
        now: Millis,
    ) -> StoreResult<SignatureReceipt>;
    /// Marks a signature withdrawn.
    fn withdraw_signature(&mut self, signature: Id, now: Millis) -> StoreResult<()>;
    /// Adds `delta` to the live count of a version, in total and for a unit.
    fn bump_signature_count(
        &mut self,
        id: Id,
        version: u32,
        unit: Id,
        delta: i64,
    ) -> StoreResult<()>;
}
