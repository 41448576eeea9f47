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
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, Pledge, PledgeInput,
};
use tongxin_core::proposal::{CommentInput, Proposal, ProposalDraft, TransitionRecord};
use tongxin_core::scope::ScopeTree;
use tongxin_core::{Id, Millis};

use super::{CodeTarget, IdemKey, PublicComment, PublicEvaluation, SignatureReceipt, StoreResult};

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

/// Proposals, supports, pledges, the ledger, transitions and evaluations.
pub trait ProposalRows: PollRows {
    /// A proposal, locked until the transaction ends.
    fn proposal_for_update(&mut self, id: Id) -> StoreResult<Option<Proposal>>;
    /// Reserves a row for a new proposal by `voter` and returns its id.
    fn new_proposal_id(
        &mut self,
        draft: &ProposalDraft,
        voter: &str,
        now: Millis,
    ) -> StoreResult<Id>;
    /// Stores a proposal (and the funding rank the board sorts by).
    fn save_proposal(&mut self, p: &Proposal) -> StoreResult<()>;
    /// Records a support; false when the voter already supports it.
    fn add_support(&mut self, id: Id, voter: &str, now: Millis) -> StoreResult<bool>;
    /// Removes a support; false when there was none.
    fn remove_support(&mut self, id: Id, voter: &str) -> StoreResult<bool>;
    /// Supports counted.
    fn count_supports(&mut self, id: Id) -> StoreResult<u32>;
    /// What the voter has pledged so far, in fen.
    fn pledged_by(&mut self, id: Id, voter: &str) -> StoreResult<i64>;
    /// The funding totals, and the ledger with running balances, added up
    /// by [`FundingSummary`].
    fn funding_and_ledger(
        &mut self,
        p: &Proposal,
    ) -> StoreResult<(FundingSummary, Vec<LedgerEntry>)>;
    /// Stores a pledge (and the funding rank) and returns it.
    fn insert_pledge(
        &mut self,
        id: Id,
        voter: &str,
        input: &PledgeInput,
        now: Millis,
    ) -> StoreResult<Pledge>;
    /// Stores a ledger entry and returns its id.
    fn insert_ledger(&mut self, id: Id, input: &LedgerInput, now: Millis) -> StoreResult<Id>;
    /// Appends to the timeline.
    fn insert_transition(&mut self, id: Id, rec: &TransitionRecord) -> StoreResult<()>;
    /// Stores an evaluation; false when the voter already rated it.
    fn insert_evaluation(
        &mut self,
        id: Id,
        voter: &str,
        evaluation: &PublicEvaluation,
    ) -> StoreResult<bool>;
}

/// Comments on proposals and their moderation.
pub trait CommentRows: ProposalRows {
    /// A comment of the proposal as the public would see it (masked name,
    /// with its hidden state).
    fn comment(&mut self, id: Id, comment: Id) -> StoreResult<Option<PublicComment>>;
    /// The parent of a comment of the proposal: `None` when there is no
    /// such comment, `Some(None)` for a top-level one.
    fn comment_parent(&mut self, id: Id, comment: Id) -> StoreResult<Option<Option<Id>>>;
    /// Stores a comment and returns it.
    fn insert_comment(
        &mut self,
        id: Id,
        voter: &str,
        input: &CommentInput,
        now: Millis,
    ) -> StoreResult<PublicComment>;
    /// Records one voter's report; false when they had reported it already.
    fn add_report(
        &mut self,
        comment: Id,
        voter: &str,
        reason: Option<&str>,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Reports counted since the comment was last restored.
    fn report_count(&mut self, comment: Id) -> StoreResult<i64>;
    /// Hides a comment with a moderator's reason (`None` puts it back and
    /// starts its report count again from zero).
    fn set_hidden(&mut self, comment: Id, reason: Option<&str>, now: Millis) -> StoreResult<()>;
}
