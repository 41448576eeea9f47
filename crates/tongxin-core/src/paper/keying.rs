//! Four eyes on paper: a batch can ask that every slip be keyed by two
//! different people. A slip counts once two people have keyed the same
//! thing; until then it waits, and where they disagree it is listed as a
//! discrepancy until someone keys it again the same as one of them.

use serde::{Deserialize, Serialize};

use super::Channel;
use crate::staff::codes::CodeTarget;
use crate::text::{FieldErrors, TextLimits};
use crate::{Id, Millis};

/// Limits of a batch's label ("3栋 纸质问卷 第一袋").
pub const LABEL: TextLimits = TextLimits::line(0, 80);

/// A new batch: `POST /api/v1/admin/paper-batches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaperBatchDraft {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// `paper` (default) or `door`.
    #[serde(default = "super::paper")]
    pub channel: Channel,
    /// Every slip keyed by two different people before it counts.
    #[serde(default)]
    pub double_entry: bool,
    /// What the batch is, for whoever looks for it later.
    #[serde(default)]
    pub label: String,
}

impl PaperBatchDraft {
    /// Checks the channel and the label.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if !self.channel.is_keyed() {
            e.add("channel", "a batch is of `paper` or `door` entries");
        }
        e.text("label", &self.label, LABEL);
        e.into_result()
    }
}

/// A batch as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperBatch {
    /// Identifier.
    pub id: Id,
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// Paper or door.
    pub channel: Channel,
    /// Whether slips need two keyings.
    pub double_entry: bool,
    /// Label.
    pub label: String,
    /// Who opened it (the entering staff member is recorded for the batch,
    /// never for a choice).
    pub opened_by: String,
    /// When.
    pub opened_at: Millis,
    /// Entries counted (not voided).
    pub counted: u64,
    /// Entries voided.
    pub voided: u64,
    /// Slips keyed once, waiting for a second person.
    pub awaiting: u64,
    /// Slips keyed differently, listed until resolved.
    pub discrepancies: Vec<Discrepancy>,
}

/// One keying of a slip in a double-entry batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Keying {
    /// Who keyed it.
    pub by: String,
    /// What they keyed (ballot, or the signature's fields).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub entry: serde_json::Value,
}

/// A slip two people keyed differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discrepancy {
    /// How to find the slip in the pile: its masked code or its number.
    pub slip: String,
    /// Every keying so far.
    pub keyings: Vec<Keying>,
}

/// Where a slip of a double-entry batch stands after a keying.
#[derive(Debug, Clone, PartialEq)]
pub enum Settlement {
    /// Two different people keyed this: count it.
    Count(serde_json::Value),
    /// Only one person has keyed it so far.
    Awaiting,
    /// Two people disagree and no two agree.
    Discrepancy,
}

/// The four-eyes rule over a slip's keyings `(who, what)`, oldest first:
/// the first entry keyed the same by two different people counts.
pub fn settle(keyings: &[(String, serde_json::Value)]) -> Settlement {
    for (i, (by, entry)) in keyings.iter().enumerate() {
        let agreed = keyings[..i]
            .iter()
            .any(|(other, earlier)| other != by && earlier == entry);
        if agreed {
            return Settlement::Count(entry.clone());
        }
    }
    let mut people: Vec<&str> = keyings.iter().map(|(by, _)| by.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    if people.len() < 2 {
        Settlement::Awaiting
    } else {
        Settlement::Discrepancy
    }
}
