//! The storage interface the HTTP handlers use. Handlers see only the
//! [`Store`] trait; [`sql::SqlStore`] implements it once over the SQL of
//! [`sql`], on the embedded [`sqlite`] file or on [`postgres`] for several
//! server instances ([`open`] picks by the `--db` value).
//!
//! Writes carry a [`WriteMeta`] (time and optional idempotency key). A store
//! must apply the write and remember its answer under the key in one
//! transaction: a retried write with the same key replays the first answer
//! and never writes twice.

pub mod audit;
pub mod cache;
pub mod columns;
pub mod cursor;
pub mod idempotency;
pub mod postgres;
pub mod rows;
pub mod sql;
pub mod sqlite;
pub mod staff;

pub use audit::{AuditFilter, AuditStore};
pub use staff::{NewStaff, StaffChange, StaffStore};

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tongxin_core::convention::{
    Convention, ConventionDraft, ConventionEdit, PublicSignature, SignatureInput,
};
use tongxin_core::indicators::Facts;
use tongxin_core::poll::{Ballot, BallotError, Poll, Tally};
use tongxin_core::poll::{PollDraft, PollEdit};
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, Pledge, PledgeInput,
};
use tongxin_core::proposal::polls::PollRole;
use tongxin_core::proposal::{
    ActionError, CommentInput, EvaluationInput, Proposal, ProposalDraft, ProposalEdit, Step,
    TransitionAction, TransitionError, TransitionRecord,
};
use tongxin_core::scope::{Scope, ScopeError, ScopeLevel};
use tongxin_core::text::FieldErrors;
use tongxin_core::{Id, Millis};
use utoipa::ToSchema;

pub use tongxin_core::contract::{BallotReceipt, MyBallot};
pub use tongxin_core::convention::ConventionError;
pub use tongxin_core::proposal::funding::FundingError;

/// Opens the store `db` names: a `postgres://…` address or a SQLite file.
pub async fn open(db: &std::path::Path, idempotency_ttl_ms: i64) -> Result<Arc<dyn Store>, String> {
    match db.to_str().filter(|d| postgres::is_url(d)) {
        Some(url) => Ok(Arc::new(
            postgres::PgStore::connect(url, idempotency_ttl_ms)
                .await
                .map_err(|e| format!("PostgreSQL: {e}"))?,
        )),
        None => Ok(Arc::new(
            sqlite::SqliteStore::open_with(db, idempotency_ttl_ms)
                .map_err(|e| format!("{}: {e}", db.display()))?,
        )),
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything a store can refuse, in domain terms. The HTTP layer maps each
/// variant to a status and a problem type.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such item.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Field validation failed.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A ballot rule.
    #[error(transparent)]
    Ballot(#[from] BallotError),
    /// A convention rule.
    #[error(transparent)]
    Convention(#[from] ConventionError),
    /// A proposal action rule.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// A state machine guard.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A funding rule.
    #[error(transparent)]
    Funding(#[from] FundingError),
    /// A scope tree rule.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// A link to an item of another scope.
    #[error(transparent)]
    OutsideScope(#[from] tongxin_core::scope::LinkOutsideScope),
    /// The voter already did this (voted, signed, supported, evaluated).
    #[error("{detail}")]
    Duplicate {
        /// Stable problem code, e.g. `already-voted`.
        code: &'static str,
        /// Human explanation.
        detail: String,
    },
    /// Something else conflicts with the current state.
    #[error("{detail}")]
    Conflict {
        /// Stable problem code.
        code: &'static str,
        /// Human explanation.
        detail: String,
    },
    /// The household code is unknown, or for another item.
    #[error("the household code is not valid for this item")]
    InvalidCode,
    /// The idempotency key was used for a different request.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyMismatch,
    /// Storage failure.
    #[error("storage error: {0}")]
    Internal(String),
}

impl StoreError {
    /// Shorthand for [`StoreError::Conflict`].
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Conflict {
            code,
            detail: detail.into(),
        }
    }
    /// Shorthand for [`StoreError::Duplicate`].
    pub fn duplicate(code: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Duplicate {
            code,
            detail: detail.into(),
        }
    }
}

/// The idempotency key of a write and a fingerprint of what it asked for.
#[derive(Debug, Clone)]
pub struct IdemKey {
    /// Hash of the caller, the method, the path and the client's key: one
    /// caller's key never collides with another caller's or operation's.
    pub key: String,
    /// Hash of the body: a reused key with other content is refused. For
    /// secret writes (anonymous ballots) a constant, so no record holds a
    /// trace of the ballot.
    pub fingerprint: String,
}

/// Facts every write carries.
#[derive(Debug, Clone)]
pub struct WriteMeta {
    /// Now, in ms.
    pub now: Millis,
    /// Idempotency key, if the client sent one.
    pub idem: Option<IdemKey>,
    /// A secret write (a ballot in an anonymous poll): the store keeps no
    /// history of it (see `docs/security.md`).
    pub secret: bool,
    /// Secret ballots that one publication of an open anonymous poll's
    /// figures gathers at least ([`tongxin_core::poll::secrecy`]).
    pub secret_batch: u32,
}

impl WriteMeta {
    /// A write at `now` with no idempotency key that keeps its history
    /// (staff actions, jobs, the command line).
    pub fn plain(now: Millis) -> Self {
        WriteMeta {
            now,
            idem: None,
            secret: false,
            secret_batch: tongxin_core::poll::secrecy::DEFAULT_BATCH,
        }
    }
}

/// What a store says about its own state, for `/healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreHealth {
    /// True when writes are being accepted and committed.
    pub ok: bool,
    /// What is wrong, when not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The stored answer of a write, serialised JSON.
#[derive(Debug, Clone)]
pub struct Reply {
    /// JSON body.
    pub body: String,
    /// True when this is a replay of an earlier write with the same key.
    pub replayed: bool,
}

/// Who is acting, as established by the identity layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// Stable, non-reversible key: `device:…`, `code:…` or `user:…`.
    pub key: String,
    /// Hash of the household code when the voter came with one.
    pub code_hash: Option<String>,
}

pub use tongxin_core::scope_import::ImportStep;
pub use tongxin_core::staff::codes::{CodeSummary, CodeTarget, UnitCodes};
pub use tongxin_core::staff::moderation::{ModerationItem, QueueFilter};

/// A new scope.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScope {
    /// Parent (none for a district).
    #[serde(default)]
    pub parent_id: Option<Id>,
    /// Level.
    pub level: ScopeLevel,
    /// Name.
    pub name: String,
    /// English name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Households living in it (record it on buildings; wider scopes add
    /// up their children), 0 – 1,000,000.
    #[serde(default)]
    pub households: Option<u32>,
}

/// Renaming a scope or recording its households.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeEdit {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New English name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// New number of households, 0 – 1,000,000.
    #[serde(default)]
    pub households: Option<u32>,
}

pub use tongxin_core::contract::{
    Page, ProposalCard, ProposalSort, PublicComment, PublicEvaluation, ReportReceipt,
    SignatureCounts, SignatureReceipt, SupportState, UnitCount,
};

/// Filters of the proposal list.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Only this step.
    pub step: Option<Step>,
    /// Only inside this scope.
    pub scope_id: Option<Id>,
    /// Include withdrawn / rejected / merged.
    pub include_closed: bool,
    /// Order.
    pub sort: ProposalSort,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: u32,
}

/// The storage interface.
#[async_trait]
pub trait Store: StaffStore + AuditStore + Send + Sync + 'static {
    // --- scopes
    /// Every scope.
    async fn list_scopes(&self) -> StoreResult<Vec<Scope>>;
    /// Whether the store can take writes (reported by `/healthz`).
    async fn health(&self) -> StoreHealth {
        StoreHealth {
            ok: true,
            problem: None,
        }
    }
    /// Adds a scope.
    async fn create_scope(&self, meta: WriteMeta, input: NewScope) -> StoreResult<Scope>;
    /// Renames a scope.
    async fn update_scope(&self, meta: WriteMeta, id: Id, edit: ScopeEdit) -> StoreResult<Scope>;
    /// Applies an import plan all at once: (created, counts updated).
    async fn import_scopes(
        &self,
        meta: WriteMeta,
        steps: Vec<ImportStep>,
    ) -> StoreResult<(u32, u32)>;

    // --- polls
    /// Polls, optionally inside a scope.
    async fn list_polls(&self, scope_id: Option<Id>) -> StoreResult<Vec<Poll>>;
    /// One poll with its tally.
    async fn poll_with_tally(&self, id: Id) -> StoreResult<(Poll, Tally)>;
    /// The voter's ballot, if any.
    async fn my_ballot(&self, poll_id: Id, voter: &Voter) -> StoreResult<Option<MyBallot>>;
    /// Casts a first ballot ([`BallotReceipt`]).
    async fn cast_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
        ballot: Ballot,
    ) -> StoreResult<Reply>;
    /// Replaces the voter's ballot where the poll allows it.
    async fn change_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
        ballot: Ballot,
    ) -> StoreResult<Reply>;
    /// Retracts the voter's ballot where the poll allows it.
    async fn retract_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
    ) -> StoreResult<Reply>;
    /// Creates a poll.
    async fn create_poll(&self, meta: WriteMeta, draft: PollDraft) -> StoreResult<Poll>;
    /// Edits a poll.
    async fn update_poll(&self, meta: WriteMeta, id: Id, edit: PollEdit) -> StoreResult<Poll>;

    // --- household codes
    /// Stores hashes of freshly issued codes for an item.
    async fn issue_codes(
        &self,
        meta: WriteMeta,
        target: CodeTarget,
        target_id: Id,
        unit_id: Option<Id>,
        hashes: Vec<String>,
    ) -> StoreResult<()>;
    /// An item's codes counted by unit (names and households not filled in).
    async fn code_counts(&self, target: CodeTarget, target_id: Id) -> StoreResult<Vec<UnitCodes>>;
    /// Revokes the unused codes of an item (of one unit, or all); how many.
    async fn revoke_codes(
        &self,
        meta: WriteMeta,
        target: CodeTarget,
        target_id: Id,
        unit_id: Option<Id>,
    ) -> StoreResult<u32>;

    // --- conventions
    /// Conventions, optionally inside a scope.
    async fn list_conventions(&self, scope_id: Option<Id>) -> StoreResult<Vec<Convention>>;
    /// One convention.
    async fn get_convention(&self, id: Id) -> StoreResult<Convention>;
    /// Signs ([`SignatureReceipt`]).
    async fn sign(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: SignatureInput,
    ) -> StoreResult<Reply>;
    /// Withdraws the voter's current signature ([`SignatureReceipt`]).
    async fn withdraw_signature(&self, meta: WriteMeta, id: Id, voter: Voter)
    -> StoreResult<Reply>;
    /// The voter's signatures on this convention, newest first.
    async fn my_signatures(&self, id: Id, voter: &Voter) -> StoreResult<Vec<SignatureReceipt>>;
    /// Public, masked, newest first.
    async fn list_signatures(
        &self,
        id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<PublicSignature>>;
    /// Counts for progress bars.
    async fn signature_counts(&self, id: Id) -> StoreResult<SignatureCounts>;
    /// Creates a convention.
    async fn create_convention(
        &self,
        meta: WriteMeta,
        draft: ConventionDraft,
    ) -> StoreResult<Convention>;
    /// Edits a convention (text edits publish a new version).
    async fn update_convention(
        &self,
        meta: WriteMeta,
        id: Id,
        edit: ConventionEdit,
    ) -> StoreResult<Convention>;

    // --- indicators
    /// What indicators are computed from, counted by the store, with local
    /// days at `offset_minutes` from UTC.
    async fn indicator_facts(&self, offset_minutes: i32) -> StoreResult<Facts>;
    /// The snapshot of `(scope, period)`: when it was computed, and its JSON.
    async fn indicator_snapshot(
        &self,
        scope: Id,
        period: &str,
    ) -> StoreResult<Option<(Millis, String)>>;
    /// Stores a snapshot (the least recently asked-for go beyond a cap).
    async fn save_indicator_snapshot(
        &self,
        meta: WriteMeta,
        scope: Id,
        period: String,
        body: String,
    ) -> StoreResult<()>;
    /// Drops snapshots first asked for before `before` and lists the rest.
    async fn indicator_snapshot_keys(
        &self,
        meta: WriteMeta,
        before: Millis,
    ) -> StoreResult<Vec<(Id, String)>>;

    // --- proposals
    /// Filtered, sorted, paginated list.
    async fn list_proposals(&self, filter: ProposalFilter) -> StoreResult<Page<ProposalCard>>;
    /// One proposal.
    async fn get_proposal(&self, id: Id) -> StoreResult<Proposal>;
    /// Submits a proposal ([`Proposal`]).
    async fn submit_proposal(
        &self,
        meta: WriteMeta,
        voter: Voter,
        draft: ProposalDraft,
        threshold: u32,
    ) -> StoreResult<Reply>;
    /// Supports ([`SupportState`]).
    async fn support(&self, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply>;
    /// Withdraws support ([`SupportState`]).
    async fn unsupport(&self, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply>;
    /// Whether the voter supports the proposal.
    async fn supports_it(&self, id: Id, voter: &Voter) -> StoreResult<bool>;
    /// Public comments, oldest or newest first, with the viewer's own hidden
    /// ones among them, marked.
    async fn list_comments(
        &self,
        id: Id,
        newest_first: bool,
        viewer: Option<Voter>,
    ) -> StoreResult<Vec<PublicComment>>;
    /// Adds a comment ([`PublicComment`]).
    async fn add_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: CommentInput,
    ) -> StoreResult<Reply>;
    /// Records a moderation report of a comment by this voter.
    async fn report_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
        voter: Voter,
        reason: Option<String>,
    ) -> StoreResult<ReportReceipt>;
    /// A moderator hides a comment with a reason.
    async fn hide_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
        reason: String,
    ) -> StoreResult<PublicComment>;
    /// Comments waiting for a moderator, or hidden by one, on proposals of
    /// the scopes `in_scope` accepts.
    async fn moderation_queue(
        &self,
        filter: QueueFilter,
        in_scope: Box<dyn Fn(Id) -> bool + Send>,
    ) -> StoreResult<Vec<ModerationItem>>;
    /// A moderator puts a comment back.
    async fn restore_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
    ) -> StoreResult<ReportReceipt>;
    /// Pledges, newest first.
    async fn list_pledges(&self, id: Id) -> StoreResult<Vec<Pledge>>;
    /// Adds a pledge ([`Pledge`]).
    async fn pledge(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: PledgeInput,
    ) -> StoreResult<Reply>;
    /// The ledger in order with running balance.
    async fn ledger(&self, id: Id) -> StoreResult<Vec<LedgerEntry>>;
    /// Funding totals.
    async fn funding(&self, id: Id) -> StoreResult<FundingSummary>;
    /// Records a ledger entry ([`LedgerEntry`]).
    async fn add_ledger_entry(
        &self,
        meta: WriteMeta,
        id: Id,
        input: LedgerInput,
    ) -> StoreResult<Reply>;
    /// The timeline.
    async fn timeline(&self, id: Id) -> StoreResult<Vec<TransitionRecord>>;
    /// Applies a transition ([`TransitionRecord`]).
    async fn transition(
        &self,
        meta: WriteMeta,
        id: Id,
        actor: String,
        action: TransitionAction,
    ) -> StoreResult<Reply>;
    /// Evaluations, newest first.
    async fn list_evaluations(&self, id: Id) -> StoreResult<Vec<PublicEvaluation>>;
    /// Adds an evaluation ([`PublicEvaluation`]).
    async fn evaluate(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: EvaluationInput,
    ) -> StoreResult<Reply>;
    /// Makes the proposal's consultation or resolution poll and attaches it,
    /// in one write ([`Poll`]; replayed for a repeated idempotency key).
    async fn create_proposal_poll(
        &self,
        meta: WriteMeta,
        id: Id,
        role: PollRole,
    ) -> StoreResult<Reply>;
    /// Staff edits.
    async fn update_proposal(
        &self,
        meta: WriteMeta,
        id: Id,
        edit: ProposalEdit,
    ) -> StoreResult<Proposal>;
}
