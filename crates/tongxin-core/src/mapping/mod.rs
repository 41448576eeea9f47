//! Declarative backend mappings: how a backend someone else wrote — other
//! URLs, other field names, string ids, counts kept differently — is read
//! as contract v1 without writing code. One mapping file describes each
//! operation's request and how to read its answer; the reference server's
//! own contract is the [`Mapping::reference`] mapping, so every backend
//! goes through the same code.
//!
//! * [`ops`] — the operations and their names (`getPoll`, `castBallot`, …);
//! * [`spec`] — the mapping file, read and checked at load;
//! * [`path`], [`expr`], [`template`], [`convert`] — the small languages it
//!   is written in;
//! * [`http`] — building requests and reading answers (pure; the client
//!   sends them).
//!
//! The format is documented with a worked example in `docs/backends.md`.

pub mod convert;
pub mod excerpt;
pub mod expr;
pub mod http;
pub mod ops;
mod parse;
pub mod path;
pub mod spec;
pub mod template;

#[cfg(test)]
mod tests;

pub use http::{Failure, HttpRequest};
pub use ops::Op;
pub use spec::{Mapping, MappingError};

/// Request variables by name.
pub type Vars = std::collections::BTreeMap<String, serde_json::Value>;

/// Variables the widgets fill in; a mapping may define more in `vars`.
pub const BUILTIN_VARS: &[&str] = &[
    "id",
    "commentId",
    "cursor",
    "page",
    "limit",
    "sort",
    "step",
    "scopeId",
    "scope",
    "period",
    "order",
    "key",
    "device",
    "code",
    "voterToken",
    "now",
];
