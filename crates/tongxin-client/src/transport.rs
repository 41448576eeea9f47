//! How an operation reaches a backend. [`ContractBackend`](crate::ContractBackend)
//! turns every widget call into one `call(op, …)` in the contract's JSON
//! shapes; a transport carries it: over HTTP
//! ([`HttpTransport`](crate::http_transport::HttpTransport), along the
//! reference server's routes or a mapping's) or to the host page's JavaScript functions
//! ([`JsTransport`](crate::js::JsTransport)).

use async_trait::async_trait;
use serde_json::Value;
use tongxin_core::contract::live::Topic;
use tongxin_core::mapping::{Op, Vars};

use crate::{ClientError, ClientResult, IdemKey};

/// One call: its variables, the body in the contract's shape, the
/// idempotency key of a write, and — for writes worth keeping offline —
/// the outbox topic (`/polls/3/`).
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// `id`, `cursor`, `limit`, … (see `BUILTIN_VARS`).
    pub vars: Vars,
    /// The widget's body.
    pub body: Option<Value>,
    /// The user action's key.
    pub key: Option<IdemKey>,
    /// Kept in the outbox under this topic when there is no network.
    pub topic: Option<String>,
}

/// Carries operations to a backend.
#[async_trait(?Send)]
pub trait Transport {
    /// Whether the backend has `op`.
    fn has(&self, op: Op) -> bool;
    /// Performs `op`; the answer in the contract's JSON shape.
    async fn call(&self, op: Op, call: Call) -> ClientResult<Value>;
    /// The URL of `topic`'s event stream and whether it is the reference
    /// server's page stream (events named by topic key and carrying the
    /// contract's JSON); `None` when the backend has none (the widgets
    /// then poll).
    fn events(&self, _topic: Topic) -> Option<(String, bool)> {
        None
    }
    /// Sends kept writes whose topic starts with `prefix`.
    async fn flush_outbox(&self, prefix: &str) -> (usize, Vec<ClientError>);
    /// Whether writes under `prefix` wait in the outbox.
    fn has_pending(&self, prefix: &str) -> bool;
    /// The household code for `code` items.
    fn set_household_code(&self, code: Option<String>);
    /// Aborts everything in flight.
    fn cancel_all(&self);
}
