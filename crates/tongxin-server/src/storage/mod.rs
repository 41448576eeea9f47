//! Persistence, and nothing else: the SQL of [`sql`] (written once for
//! both engines), the embedded [`sqlite`] file or [`postgres`] for several
//! server instances ([`open`] picks by the `--db` value), and the [`Store`]
//! that runs a use case's reads and writes on them. What a write means is
//! decided by the use cases (the `service` module), which sit above this
//! one; nothing here calls up to them (a test checks).
//!
//! Writes carry a [`WriteMeta`] (time and optional idempotency key). A store
//! must apply the write and remember its answer under the key in one
//! transaction: a retried write with the same key replays the first answer
//! and never writes twice.

pub mod audit;
pub mod cache;
pub mod changes;
pub mod columns;
pub mod cursor;
pub mod idempotency;
pub mod postgres;
pub mod sql;
pub mod sqlite;
pub mod staff;
mod store;

pub use audit::AuditFilter;
pub use staff::{NewStaff, StaffChange};
pub use store::{Database, Store};

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tongxin_core::poll::BallotError;
use tongxin_core::proposal::{ActionError, Step, TransitionError};
use tongxin_core::scope::{ScopeError, ScopeLevel};
use tongxin_core::text::FieldErrors;
use tongxin_core::{Id, Millis};
use utoipa::ToSchema;

pub use tongxin_core::contract::{BallotReceipt, MyBallot};
pub use tongxin_core::convention::ConventionError;
pub use tongxin_core::proposal::funding::FundingError;

/// How the store is opened. The `pool`, `writers` and `cache_ms` settings
/// are PostgreSQL's (`--db-pool`, `--db-writers`, `--db-cache-ms`); SQLite
/// has one writer and an exact cache.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long idempotency records are kept, in ms.
    pub idempotency_ttl_ms: i64,
    /// Read connections this instance holds at most.
    pub pool: usize,
    /// Writer connections (group commit, a tally part each).
    pub writers: usize,
    /// How long a poll's results may be served from this instance's
    /// memory, in ms (0: always read the database).
    pub cache_ms: u64,
    /// Where the live counts' listener connects, when not the same
    /// address (`LISTEN` needs a session: not through PgBouncer's
    /// transaction pooling).
    pub listen_url: Option<String>,
    /// The address is a pooler in transaction mode (PgBouncer): no
    /// prepared statement outlives its transaction, and every statement
    /// runs inside one.
    pub transaction_pooler: bool,
}

impl Options {
    /// The defaults, with records kept `idempotency_ttl_ms`.
    pub fn new(idempotency_ttl_ms: i64) -> Self {
        Options {
            idempotency_ttl_ms,
            pool: 16,
            writers: 2,
            cache_ms: 1_000,
            listen_url: None,
            transaction_pooler: false,
        }
    }
}

/// Opens the store `db` names: a `postgres://…` address or a SQLite file.
pub async fn open(db: &std::path::Path, options: &Options) -> Result<Arc<Store>, String> {
    let ttl = options.idempotency_ttl_ms;
    let engine = match db.to_str().filter(|d| postgres::is_url(d)) {
        Some(url) => Database::Postgres(
            postgres::PgEngine::connect(url, options)
                .await
                .map_err(|e| format!("PostgreSQL: {e}"))?,
        ),
        None => Database::Sqlite(
            sqlite::SqliteEngine::open(db, ttl).map_err(|e| format!("{}: {e}", db.display()))?,
        ),
    };
    Ok(Arc::new(Store::new(engine, ttl)))
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
    /// A budget ballot rule.
    #[error(transparent)]
    Budget(#[from] tongxin_core::budget::BudgetBallotError),
    /// Confirming a budget round's winners.
    #[error(transparent)]
    Confirm(#[from] tongxin_core::budget::ConfirmError),
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
    /// The household already took part through `channel` (online, on
    /// paper, door to door): a second answer through any channel is refused.
    #[error("{detail}")]
    TookPart {
        /// `already-voted`, `already-signed` or `already-supported`.
        code: &'static str,
        /// Where the first answer came from.
        channel: tongxin_core::paper::Channel,
        /// Human explanation naming the channel.
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
    /// The database could not take the write now (a lock conflict between
    /// instances, a failover, a lost connection): nothing was stored, or
    /// it was and a retry with the same idempotency key replays it.
    #[error("the database is busy: {0}")]
    Busy(String),
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file below `dir`.
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The layers point one way (api → service → storage): no code under
    /// `storage/` names the use cases, the HTTP layer or its extractors.
    #[test]
    fn storage_does_not_reach_up_to_service_or_api() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/storage");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 20, "found only {} files", files.len());
        // Spelled in two halves so this test does not find itself.
        let upward = [
            concat!("crate", "::service"),
            concat!("crate", "::api"),
            concat!("crate", "::extract"),
            concat!("crate", "::voter"),
            concat!("super::super", "::service"),
        ];
        let mut offences = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                let grouped = code.starts_with("use crate::{")
                    && ["service", "api", "extract", "voter"]
                        .iter()
                        .any(|m| code.contains(m));
                if grouped || upward.iter().any(|u| code.contains(u)) {
                    offences.push(format!("{}:{}: {code}", file.display(), n + 1));
                }
            }
        }
        assert!(
            offences.is_empty(),
            "storage reaches up:\n{}",
            offences.join("\n")
        );
    }
}
