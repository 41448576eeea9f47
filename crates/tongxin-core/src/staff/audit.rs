//! The audit log's entry: one staff action, allowed or refused, as the
//! server records it and the console shows it.

use serde::{Deserialize, Serialize};

use crate::{Id, Millis};

/// One staff action in the audit log, allowed or refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Identifier, increasing with time.
    pub id: Id,
    /// When (ms).
    pub at: Millis,
    /// Who: a login, `TONGXIN_ADMIN_TOKEN`, or `null` when the request
    /// carried no staff credential that opened anything.
    pub actor: Option<String>,
    /// HTTP method.
    pub method: String,
    /// The operation's path, e.g. `/api/v1/admin/polls/3`.
    pub path: String,
    /// The answer's status.
    pub status: u16,
    /// The problem type of a refusal, e.g. `outside-your-scope`.
    pub problem: Option<String>,
    /// What was asked (the JSON body; `{"bytes": n}` when it was not JSON or too long).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub request: Option<serde_json::Value>,
    /// The item before a change, where there was one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The answer (household codes are never kept: only how many).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}
