//! A residents' meeting or a forum counted as one batch: place, date,
//! chair, attendees and the hands raised per option (or in favour of a
//! convention or a proposal). Kept apart from individual answers in every
//! result: nobody can tell who raised a hand, and a household may also
//! have answered on its own.

use serde::{Deserialize, Serialize};

use crate::staff::codes::CodeTarget;
use crate::text::{self, FieldErrors, TextLimits};
use crate::{Id, Millis};

/// Most attendees one meeting may report.
pub const MAX_ATTENDEES: u32 = 100_000;
/// Limits of the place and the chair's name.
pub const PLACE: TextLimits = TextLimits::line(1, 80);

/// Hands raised for one option or project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionCount {
    /// The poll option or the budget project.
    pub option_id: Id,
    /// Hands raised.
    pub count: u32,
}

/// A meeting's count: `POST /api/v1/admin/meeting-tallies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingTallyDraft {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// The building or group that met, if one did.
    #[serde(default)]
    pub unit_id: Option<Id>,
    /// Where, e.g. 碧鸡社区活动室.
    pub place: String,
    /// The day, `YYYY-MM-DD`.
    pub held_on: String,
    /// Who chaired.
    pub chair: String,
    /// People present.
    pub attendees: u32,
    /// Polls and budget rounds: hands raised per option or project.
    #[serde(default)]
    pub counts: Vec<OptionCount>,
    /// Conventions and proposals: hands raised in favour.
    #[serde(default)]
    pub in_favour: Option<u32>,
}

/// A stored meeting count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingTally {
    /// Identifier.
    pub id: Id,
    /// What was entered.
    #[serde(flatten)]
    pub draft: MeetingTallyDraft,
    /// Who entered it.
    pub entered_by: String,
    /// When.
    pub entered_at: Millis,
    /// When it was voided, if it was.
    pub voided_at: Option<Millis>,
    /// Why.
    pub void_reason: Option<String>,
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(y), Some(m), Some(d)) if (2000..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
    )
}

impl MeetingTallyDraft {
    /// Checks the draft against the item's `options` (poll options or
    /// budget projects; empty for conventions and proposals). `single`:
    /// one hand per person, so the counts add up to at most the attendees.
    pub fn validate(&self, options: &[Id], single: bool) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("place", &self.place, PLACE);
        e.text("chair", &self.chair, text::NAME);
        if !valid_date(&self.held_on) {
            e.add("held_on", "a day as YYYY-MM-DD");
        }
        if !(1..=MAX_ATTENDEES).contains(&self.attendees) {
            e.add("attendees", "between 1 and 100,000 people");
        }
        let ballots = matches!(self.target, CodeTarget::Poll | CodeTarget::Budget);
        if ballots {
            if self.in_favour.is_some() {
                e.add("in_favour", "give counts per option for a poll or a round");
            }
            if self.counts.is_empty() {
                e.add("counts", "give the hands raised for at least one option");
            }
            let mut seen = Vec::new();
            for c in &self.counts {
                if !options.contains(&c.option_id) {
                    e.add(
                        "counts",
                        format!("{} is not an option of this item", c.option_id),
                    );
                } else if seen.contains(&c.option_id) {
                    e.add("counts", format!("{} is counted twice", c.option_id));
                }
                seen.push(c.option_id);
                if c.count > self.attendees {
                    e.add("counts", "more hands than people present");
                }
            }
            let total: u64 = self.counts.iter().map(|c| u64::from(c.count)).sum();
            if single && total > u64::from(self.attendees) {
                e.add(
                    "counts",
                    "one hand per person: the counts add up to more than the people present",
                );
            }
        } else {
            if !self.counts.is_empty() {
                e.add(
                    "counts",
                    "a convention or a proposal takes `in_favour`, not counts",
                );
            }
            match self.in_favour {
                None => e.add("in_favour", "how many raised their hand in favour"),
                Some(n) if n > self.attendees => {
                    e.add("in_favour", "more hands than people present");
                }
                _ => {}
            }
        }
        e.into_result()
    }
}
