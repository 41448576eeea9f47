//! Household codes as staff hand them out: issued for one item and one
//! building (楼栋), printed one slip per household, counted used / unused
//! per building, unused ones revoked. A used code is the only trace of
//! *which building* took part, so the codes are also what "participation
//! by unit" is measured with: ballots and signatures never store a unit.

use serde::{Deserialize, Serialize};

use crate::Id;

/// Most codes issued in one request.
pub const MAX_CODES_PER_REQUEST: u32 = 2000;

/// What an item's household codes are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeTarget {
    /// A poll.
    Poll,
    /// A convention.
    Convention,
    /// A proposal (supports, pledges, evaluations).
    Proposal,
    /// A budget round.
    Budget,
}

impl CodeTarget {
    /// Every target.
    pub const ALL: [CodeTarget; 4] = [
        CodeTarget::Poll,
        CodeTarget::Convention,
        CodeTarget::Proposal,
        CodeTarget::Budget,
    ];

    /// snake_case name, as in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeTarget::Poll => "poll",
            CodeTarget::Convention => "convention",
            CodeTarget::Proposal => "proposal",
            CodeTarget::Budget => "budget",
        }
    }

    /// Parses [`CodeTarget::as_str`].
    pub fn parse(s: &str) -> Option<CodeTarget> {
        CodeTarget::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The REST path segment of such items (`/api/v1/polls/{id}`, …).
    pub fn plural(self) -> &'static str {
        match self {
            CodeTarget::Poll => "polls",
            CodeTarget::Convention => "conventions",
            CodeTarget::Proposal => "proposals",
            CodeTarget::Budget => "budgets",
        }
    }
}

/// Household codes to issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// How many codes, 1 – [`MAX_CODES_PER_REQUEST`].
    pub count: u32,
    /// The building (or other unit inside the item's scope) the codes are
    /// handed out in; its participation is counted from them.
    #[serde(default)]
    pub unit_id: Option<Id>,
}

/// Freshly issued codes, shown once: only their hashes are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCodes {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// The unit they are for.
    #[serde(default)]
    pub unit_id: Option<Id>,
    /// The codes, to print and hand out.
    pub codes: Vec<String>,
}

/// Which codes of an item to revoke: the unused ones of one unit, or of
/// every unit when `unit_id` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeCodes {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// Only this unit's.
    #[serde(default)]
    pub unit_id: Option<Id>,
}

/// How many unused codes a revocation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokedCodes {
    /// Codes revoked now.
    pub revoked: u32,
}

/// The codes of one item in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCodes {
    /// The unit (`None`: codes issued before units were recorded).
    pub unit_id: Option<Id>,
    /// Its name, e.g. 1栋.
    pub unit_name: Option<String>,
    /// Households recorded on the unit.
    pub households: Option<u64>,
    /// Codes issued, revoked ones included.
    pub issued: u32,
    /// Codes used at least once (a used code cannot be revoked).
    pub used: u32,
    /// Unused codes revoked.
    pub revoked: u32,
    /// `used / households` in permille, when households are recorded.
    pub participation_permille: Option<u32>,
    /// Set while an anonymous poll is open: `used` is rounded down to a
    /// multiple of this batch (0 reads "fewer than this"), so no single
    /// household's vote shows ([`crate::poll::secrecy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_rounded_to: Option<u32>,
}

impl UnitCodes {
    /// Codes still usable: issued, neither used nor revoked (`None` while
    /// `used` is rounded: the difference would give the exact count away).
    pub fn unused(&self) -> Option<u32> {
        self.used_rounded_to
            .is_none()
            .then(|| self.issued.saturating_sub(self.used + self.revoked))
    }

    /// Rounds `used` for an open anonymous poll (see `used_rounded_to`).
    pub fn round_used(&mut self, batch: u32) {
        self.used = crate::poll::secrecy::rounded_participation(self.used, batch);
        self.used_rounded_to = Some(batch.max(crate::poll::secrecy::MIN_BATCH));
    }
}

/// The codes of an item, by unit: what the console's code sheets and its
/// "participation by unit" show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSummary {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// One row per unit with codes, in tree order.
    pub units: Vec<UnitCodes>,
}

/// `used` out of `households` in permille (0 – 1000, capped: a building
/// may hand out more codes than it has recorded households).
pub fn participation_permille(used: u32, households: Option<u64>) -> Option<u32> {
    let h = households.filter(|&h| h > 0)?;
    Some(((u64::from(used) * 1000 / h).min(1000)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participation_is_used_over_households_capped() {
        assert_eq!(participation_permille(3, Some(12)), Some(250));
        assert_eq!(participation_permille(0, Some(12)), Some(0));
        assert_eq!(participation_permille(20, Some(12)), Some(1000));
        assert_eq!(participation_permille(3, None), None);
        assert_eq!(participation_permille(3, Some(0)), None);
    }

    #[test]
    fn unused_leaves_out_used_and_revoked() {
        let u = UnitCodes {
            unit_id: None,
            unit_name: None,
            households: None,
            issued: 10,
            used: 3,
            revoked: 2,
            participation_permille: None,
            used_rounded_to: None,
        };
        assert_eq!(u.unused(), Some(5));
        let mut open_secret = u;
        open_secret.round_used(5);
        assert_eq!((open_secret.used, open_secret.unused()), (0, None));
        open_secret.used = 7;
        open_secret.round_used(5);
        assert_eq!(open_secret.used, 5);
    }

    #[test]
    fn targets_round_trip() {
        for t in CodeTarget::ALL {
            assert_eq!(CodeTarget::parse(t.as_str()), Some(t));
        }
        assert_eq!(CodeTarget::parse("ballot"), None);
    }
}
