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
use tongxin_core::contract::{BallotReceipt, MyBallot, PollView, ResultsView};
use tongxin_core::poll::Ballot;

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
    /// Sets the household code used for `code` items.
    fn set_household_code(&self, code: Option<String>);
    /// Cancels every request in flight (the widget is going away).
    fn cancel_all(&self);
}
