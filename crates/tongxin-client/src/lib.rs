//! The widgets' only way to talk to a backend.
//!
//! * [`Backend`] — what a widget can ask for, in domain types;
//! * [`ContractBackend`] — `Backend` over any [`transport::Transport`]: each
//!   call is one operation (`getPoll`, `castBallot`, …) in the contract's
//!   JSON shapes;
//! * [`http_transport::HttpTransport`] — a backend over HTTP along its
//!   routes: the reference server's, written out
//!   ([`http_transport::ReferenceRoutes`]), or any REST backend's as a
//!   declarative mapping ([`mapped::MappedTransport`]); one code path for
//!   sending, reading and the outbox either way;
//! * [`js::JsTransport`] — a backend written by the host page in JavaScript;
//! * [`http`] — fetch with time limits and cancellation on unmount;
//! * [`device`] — the device token kept in `localStorage` (never
//!   cookies: embeds must work with third-party cookies blocked) and
//!   idempotency keys, one per user action, reused on retry;
//! * [`pinning`] — the origins a host page lets its widgets talk to;
//! * [`outbox`] — writes that failed for lack of network, kept on the device
//!   and sent again later with the same idempotency key.

pub mod contract_backend;
pub mod device;
pub mod error;
pub mod http;
pub mod http_transport;
pub mod js;
pub mod mapped;
pub mod outbox;
pub mod pinning;
pub mod transport;

use async_trait::async_trait;
use tongxin_core::Id;
#[cfg(feature = "budget")]
use tongxin_core::budget::BudgetBallot;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, EvaluationsView, LedgerView, MyBallot, Page, PollView,
    ProposalCard, ProposalDetail, ProposalSort, PublicComment, PublicEvaluation, ReportReceipt,
    ResultsView, SignatureCounts, SignatureReceipt, SupportState,
};
#[cfg(feature = "budget")]
use tongxin_core::contract::{BudgetReceipt, BudgetResultsView, BudgetView, MyBudgetBallot};
use tongxin_core::convention::{PublicSignature, SignatureInput};
use tongxin_core::indicators::IndicatorsView;
use tongxin_core::poll::Ballot;
use tongxin_core::proposal::funding::{Pledge, PledgeInput};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, Step, TransitionRecord,
};
use tongxin_core::scope::Scope;

pub use contract_backend::ContractBackend;
pub use device::IdemKey;
pub use error::ClientError;
pub use tongxin_core::mapping::Op;

/// Result of a backend call.
pub type ClientResult<T> = Result<T, ClientError>;

/// What the widgets ask of a backend.
#[async_trait(?Send)]
pub trait Backend {
    /// Whether the backend offers `op`; widgets hide what it lacks.
    fn supports(&self, op: Op) -> bool;
    /// The URL of `topic`'s live event stream and whether it is the
    /// reference server's page stream (`crate::transport::Transport::events`).
    /// Bundles without a widget that follows its item (indicators, budget)
    /// have none.
    fn events(&self, _topic: tongxin_core::contract::live::Topic) -> Option<(String, bool)> {
        None
    }
    /// One poll with its status and participation.
    async fn poll(&self, id: Id) -> ClientResult<PollView>;
    /// Results as this viewer may see them.
    async fn results(&self, id: Id) -> ClientResult<ResultsView>;
    /// The viewer's ballot, `None` if they have not voted.
    async fn my_ballot(&self, id: Id) -> ClientResult<Option<MyBallot>>;
    /// Casts a first ballot. Without network it is kept in the offline
    /// outbox and [`ClientError::Queued`] is returned.
    async fn cast(&self, id: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt>;
    /// Replaces the viewer's ballot (kept offline like [`Backend::cast`]).
    async fn change(&self, id: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt>;
    /// Every scope (for unit pickers and unit names), parents first.
    async fn scopes(&self) -> ClientResult<Vec<Scope>>;
    /// One convention with its articles.
    async fn convention(&self, id: Id) -> ClientResult<ConventionView>;
    /// Count, goal and counts by unit; cheap, polled for the progress bar.
    async fn signature_counts(&self, id: Id) -> ClientResult<SignatureCounts>;
    /// A page of public signatures (names masked), newest first.
    async fn signatures(
        &self,
        id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> ClientResult<Page<PublicSignature>>;
    /// The viewer's own signatures on this convention, newest first (empty
    /// when the backend does not know the viewer yet).
    async fn my_signatures(&self, id: Id) -> ClientResult<Vec<SignatureReceipt>>;
    /// Signs the current version (kept offline like [`Backend::cast`]).
    async fn sign(
        &self,
        id: Id,
        input: &SignatureInput,
        key: &IdemKey,
    ) -> ClientResult<SignatureReceipt>;
    /// Withdraws the viewer's active signature (kept offline like [`Backend::cast`]).
    async fn withdraw(&self, id: Id, key: &IdemKey) -> ClientResult<SignatureReceipt>;
    /// A page of proposal cards, filtered and sorted.
    async fn proposals(&self, query: &ProposalQuery) -> ClientResult<Page<ProposalCard>>;
    /// One proposal with its funding and the viewer's support.
    async fn proposal(&self, id: Id) -> ClientResult<ProposalDetail>;
    /// Submits a new proposal (it starts at 提议).
    async fn submit_proposal(&self, draft: &ProposalDraft, key: &IdemKey)
    -> ClientResult<Proposal>;
    /// Supports a proposal in the propose step.
    async fn support(&self, id: Id, key: &IdemKey) -> ClientResult<SupportState>;
    /// Withdraws the viewer's support.
    async fn unsupport(&self, id: Id, key: &IdemKey) -> ClientResult<SupportState>;
    /// Every transition, oldest first.
    async fn timeline(&self, id: Id) -> ClientResult<Vec<TransitionRecord>>;
    /// Comments, threaded one level by `parent_id`.
    async fn comments(&self, id: Id, newest_first: bool) -> ClientResult<Vec<PublicComment>>;
    /// Adds a comment or a reply.
    async fn add_comment(
        &self,
        id: Id,
        input: &CommentInput,
        key: &IdemKey,
    ) -> ClientResult<PublicComment>;
    /// Reports a comment for moderation.
    async fn report_comment(&self, id: Id, comment_id: Id) -> ClientResult<ReportReceipt>;
    /// Pledges, newest first.
    async fn pledges(&self, id: Id) -> ClientResult<Vec<Pledge>>;
    /// Pledges money toward the funding goal.
    async fn pledge(&self, id: Id, input: &PledgeInput, key: &IdemKey) -> ClientResult<Pledge>;
    /// The public ledger with its totals.
    async fn ledger(&self, id: Id) -> ClientResult<LedgerView>;
    /// Evaluations with their summary.
    async fn evaluations(&self, id: Id) -> ClientResult<EvaluationsView>;
    /// Rates the delivered result.
    async fn evaluate(
        &self,
        id: Id,
        input: &EvaluationInput,
        key: &IdemKey,
    ) -> ClientResult<PublicEvaluation>;
    /// Governance indicators of `scope` over `period` (`12m`, `2026`,
    /// `2026-Q2`, `2026-05` or `YYYY-MM-DD..YYYY-MM-DD`).
    async fn indicators(&self, scope: Id, period: &str) -> ClientResult<IndicatorsView>;
    #[cfg(feature = "budget")]
    /// One budget round with its projects, costs and status.
    async fn budget(&self, id: Id) -> ClientResult<BudgetView>;
    #[cfg(feature = "budget")]
    /// A round's results as this viewer may see them.
    async fn budget_results(&self, id: Id) -> ClientResult<BudgetResultsView>;
    #[cfg(feature = "budget")]
    /// The viewer's budget ballot, `None` if they have not voted.
    async fn my_budget_ballot(&self, id: Id) -> ClientResult<Option<MyBudgetBallot>>;
    #[cfg(feature = "budget")]
    /// Casts a first budget ballot (kept offline like [`Backend::cast`]).
    async fn cast_budget(
        &self,
        id: Id,
        ballot: &BudgetBallot,
        key: &IdemKey,
    ) -> ClientResult<BudgetReceipt>;
    #[cfg(feature = "budget")]
    /// Replaces the viewer's budget ballot (kept offline like [`Backend::cast`]).
    async fn change_budget(
        &self,
        id: Id,
        ballot: &BudgetBallot,
        key: &IdemKey,
    ) -> ClientResult<BudgetReceipt>;
    /// Sends the writes kept offline whose path starts with `prefix` (e.g.
    /// `/polls/3/`). Returns how many were delivered and the answers that
    /// refused one for good (e.g. the poll closed meanwhile); writes that
    /// still find no network stay for later.
    async fn flush_outbox(&self, prefix: &str) -> (usize, Vec<ClientError>);
    /// Whether writes under `prefix` are waiting in the outbox.
    fn has_pending(&self, prefix: &str) -> bool;
    /// Sets the household code used for `code` items.
    fn set_household_code(&self, code: Option<String>);
    /// Cancels every request in flight (the widget is going away).
    fn cancel_all(&self);
}

/// What the proposal board asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalQuery {
    /// Only inside this scope. Default: everywhere.
    pub scope_id: Option<Id>,
    /// Only this step. Default: every step.
    pub step: Option<Step>,
    /// Order. Default newest first.
    pub sort: ProposalSort,
    /// Cursor of the next page.
    pub cursor: Option<String>,
    /// Page size. Default 20 (sent as the server's default when 0).
    pub limit: u32,
}
