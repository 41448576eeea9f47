//! Convention shapes of REST contract v1: the convention as served, the
//! signer's own receipt, and the counts behind the progress bar.

use serde::{Deserialize, Serialize};

use crate::convention::{Article, Convention, WithdrawalPolicy};
use crate::eligibility::Eligibility;
use crate::{Id, Millis};

/// A convention with whether it is open now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "ConventionViewFields")]
pub struct ConventionView {
    /// The convention.
    #[serde(flatten)]
    pub convention: Convention,
    /// Open for signing now.
    pub open: bool,
    /// Withdrawal possible now.
    pub withdrawal_open: bool,
}

/// [`ConventionView`] as it is read: every field side by side (reading
/// through `#[serde(flatten)]` would buffer it in serde's `Content`, which
/// costs every bundle kilobytes); it is written flattened.
#[derive(Deserialize)]
struct ConventionViewFields {
    id: Id,
    scope_id: Id,
    title: String,
    preamble: String,
    articles: Vec<Article>,
    version: u32,
    version_at: Millis,
    goal: u32,
    withdrawal: WithdrawalPolicy,
    closes_at: Option<Millis>,
    eligibility: Eligibility,
    created_at: Millis,
    open: bool,
    withdrawal_open: bool,
}

impl From<ConventionViewFields> for ConventionView {
    fn from(f: ConventionViewFields) -> Self {
        ConventionView {
            convention: Convention {
                id: f.id,
                scope_id: f.scope_id,
                title: f.title,
                preamble: f.preamble,
                articles: f.articles,
                version: f.version,
                version_at: f.version_at,
                goal: f.goal,
                withdrawal: f.withdrawal,
                closes_at: f.closes_at,
                eligibility: f.eligibility,
                created_at: f.created_at,
            },
            open: f.open,
            withdrawal_open: f.withdrawal_open,
        }
    }
}

impl ConventionView {
    /// The view of `c` at `now`.
    pub fn at(c: Convention, now: Millis) -> Self {
        ConventionView {
            open: c.is_open(now),
            withdrawal_open: c.check_withdraw(now).is_ok(),
            convention: c,
        }
    }
}

/// A signer's own signature, unmasked (only ever returned to that signer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureReceipt {
    /// Receipt number.
    pub id: Id,
    /// Convention.
    pub convention_id: Id,
    /// Version signed.
    pub version: u32,
    /// Name as typed.
    pub display_name: String,
    /// Unit.
    pub unit_id: Id,
    /// Team.
    pub team: Option<String>,
    /// When.
    pub signed_at: Millis,
    /// When withdrawn, if so.
    pub withdrawn_at: Option<Millis>,
}

/// Signature counts for the progress bar and the unit chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureCounts {
    /// Convention.
    pub convention_id: Id,
    /// Current version.
    pub version: u32,
    /// Active signatures of the current version.
    pub count: u64,
    /// Active signatures of earlier versions.
    pub earlier_versions: u64,
    /// Goal.
    pub goal: u32,
    /// Active current-version signatures per unit.
    pub by_unit: Vec<UnitCount>,
    /// Split by channel, beside the attendees of meetings (written by the
    /// server; the widgets do not read it).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub channels: Option<crate::paper::Channels>,
    /// Meetings' shows of hands, kept apart (written by the server only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<crate::paper::MeetingTallyDraft>,
}

/// Signatures in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCount {
    /// Unit.
    pub unit_id: Id,
    /// Unit name.
    pub name: String,
    /// Signatures.
    pub count: u64,
}
