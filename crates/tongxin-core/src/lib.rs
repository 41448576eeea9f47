//! Tongxin's domain rules, shared by the widgets (compiled to WebAssembly) and
//! the reference server. Everything here is pure: no clock, no I/O, no
//! randomness. Callers pass the current time in as [`Millis`].
//!
//! * [`scope`] — the five-level scope tree (区-街道-社区-居民小组-楼栋).
//! * [`poll`] — six poll kinds, ballot validation, incremental tallies, IRV.
//! * [`convention`] — conventions, signatures, withdrawal rules, name masking.
//! * [`budget`] — budget rounds: knapsack and K-approval ballots, greedy and
//!   equal-shares counting, Pabulib export.
//! * [`proposal`] — "residents order the dish": the five-step state machine,
//!   co-funding arithmetic in integer fen, evaluations.
//! * [`eligibility`] — who may take part in an item.
//! * [`text`] — input validation shared by all forms.
//! * [`mapping`] — declarative mappings from any REST backend to the contract.
//! * [`indicators`] — governance indicators for a scope and a period.
//! * [`export`] — open data as CSV (UTF-8 with BOM) for spreadsheets.
//! * [`staff`] — staff roles bound to scopes, and what they allow.
//! * [`paper`] — paper, door-to-door and meeting participation by channel.

pub mod budget;
pub mod contract;
pub mod convention;
pub mod eligibility;
pub mod export;
mod id;
pub mod indicators;
pub mod mapping;
pub mod mask;
pub mod paper;
pub mod poll;
pub mod proposal;
pub mod scope;
pub mod scope_import;
pub mod score;
pub mod staff;
pub mod text;
pub mod webhooks;

pub use id::{Id, IdError, MAX_ID_BYTES};

/// A point in time: milliseconds since the Unix epoch, UTC.
pub type Millis = i64;
