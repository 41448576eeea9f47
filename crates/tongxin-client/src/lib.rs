//! The widgets' only way to talk to a backend.
//!
//! * [`Backend`] — what a widget can ask for, in domain types;
//! * [`rest::RestBackend`] — REST contract v1 over `gloo-net`, with
//!   timeouts, cancellation on unmount and typed errors;
//! * [`identity`] — the device token kept in `localStorage` (never
//!   cookies: embeds must work with third-party cookies blocked) and
//!   idempotency keys, one per user action, reused on retry.
//!
//! Later backends (a declarative mapping, a JavaScript adapter, the offline
//! outbox) implement the same trait.

pub mod error;
pub mod identity;
pub mod rest;

use async_trait::async_trait;
use tongxin_core::Id;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, MyBallot, Page, PollView, ResultsView, SignatureCounts,
    SignatureReceipt,
};
use tongxin_core::convention::{PublicSignature, SignatureInput};
use tongxin_core::poll::Ballot;
use tongxin_core::scope::Scope;

pub use error::ClientError;
pub use identity::IdemKey;

/// Result of a backend call.
pub type ClientResult<T> = Result<T, ClientError>;

/// What the widgets ask of a backend.
#[async_trait(?Send)]
pub trait Backend {
    /// One poll with its status and participation.
    async fn poll(&self, id: Id) -> ClientResult<PollView>;
    /// Results as this viewer may see them.
    async fn results(&self, id: Id) -> ClientResult<ResultsView>;
    /// The viewer's ballot, `None` if they have not voted.
    async fn my_ballot(&self, id: Id) -> ClientResult<Option<MyBallot>>;
    /// Casts a first ballot.
    async fn cast(&self, id: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt>;
    /// Replaces the viewer's ballot.
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
    /// Signs the current version.
    async fn sign(
        &self,
        id: Id,
        input: &SignatureInput,
        key: &IdemKey,
    ) -> ClientResult<SignatureReceipt>;
    /// Withdraws the viewer's active signature.
    async fn withdraw(&self, id: Id, key: &IdemKey) -> ClientResult<SignatureReceipt>;
    /// Sets the household code used for `code` items.
    fn set_household_code(&self, code: Option<String>);
    /// Cancels every request in flight (the widget is going away).
    fn cancel_all(&self);
}
