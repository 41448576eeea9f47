//! Everyone takes part: ballots, signatures and supports that reach an item
//! on paper, at the door or at a residents' meeting, entered by staff and
//! building heads beside the online ones. The rules here are what every
//! side shares: the channel names, the split of a count by channel, what
//! an entry request holds and when a re-keyed (four-eyes) slip counts.
//!
//! One household, one say: a paper entry keyed by the household code on
//! the slip is stored exactly like the online answer that code would have
//! given, so whichever comes second is refused, naming where the first
//! came from ([`Channel`]).

use serde::{Deserialize, Serialize};

use crate::Id;
use crate::staff::codes::CodeTarget;
use crate::text::{FieldErrors, TextLimits};

mod keying;
mod meeting;

pub use keying::{Discrepancy, Keying, LABEL, PaperBatch, PaperBatchDraft, Settlement, settle};
pub use meeting::{MAX_ATTENDEES, MeetingTally, MeetingTallyDraft, OptionCount, PLACE};

/// Where a ballot, a signature or a support came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Through a widget (网上).
    #[default]
    Online,
    /// A paper slip or sheet handed in (纸质).
    Paper,
    /// Collected door to door by a building head (入户).
    Door,
    /// A residents' meeting's show of hands (会议), counted as a batch.
    Meeting,
}

impl Channel {
    /// Every channel, in the order results list them.
    pub const ALL: [Channel; 4] = [
        Channel::Online,
        Channel::Paper,
        Channel::Door,
        Channel::Meeting,
    ];

    /// snake_case name, as in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Paper => "paper",
            Channel::Door => "door",
            Channel::Meeting => "meeting",
        }
    }

    /// Parses [`Channel::as_str`].
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The name residents and staff read: 网上 / 纸质 / 入户 / 会议.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Online => "网上",
            Channel::Paper => "纸质",
            Channel::Door => "入户",
            Channel::Meeting => "会议",
        }
    }

    /// Whether it is [`Channel::Online`].
    pub fn is_online(&self) -> bool {
        *self == Channel::Online
    }

    /// Whether individual entries may be keyed for it (paper and door);
    /// online answers come through the widgets, meetings as tallies.
    pub fn is_keyed(self) -> bool {
        matches!(self, Channel::Paper | Channel::Door)
    }
}

/// A count split by channel. `meeting` counts the attendees of meeting
/// tallies, which are kept apart from individual answers: the other three
/// add up to the individual answers counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channels {
    /// Through a widget.
    #[serde(default)]
    pub online: u64,
    /// On paper.
    #[serde(default)]
    pub paper: u64,
    /// Door to door.
    #[serde(default)]
    pub door: u64,
    /// Attendees of residents' meetings (not in the individual count).
    #[serde(default)]
    pub meeting: u64,
}

impl Channels {
    /// The split of `individual` answers of which `paper` and `door` were
    /// keyed by staff; the rest came online.
    pub fn split(individual: u64, paper: u64, door: u64, meeting: u64) -> Self {
        Channels {
            online: individual.saturating_sub(paper.saturating_add(door)),
            paper,
            door,
            meeting,
        }
    }

    /// As shown while an anonymous item is open: each keyed channel
    /// rounded down to whole publication batches, so one slip keyed does
    /// not show on its own ([`crate::poll::secrecy`]); `shown` is the
    /// individual count published.
    pub fn rounded(self, shown: u64, batch: u32) -> Self {
        let b = u64::from(batch.max(crate::poll::secrecy::MIN_BATCH));
        let (paper, door) = (self.paper / b * b, self.door / b * b);
        Channels::split(shown, paper, door, self.meeting)
    }

    /// Count for one channel.
    pub fn get(&self, c: Channel) -> u64 {
        match c {
            Channel::Online => self.online,
            Channel::Paper => self.paper,
            Channel::Door => self.door,
            Channel::Meeting => self.meeting,
        }
    }

    /// Answers that did not come online (paper and door).
    pub fn keyed(&self) -> u64 {
        self.paper + self.door
    }
}

/// One building's (or group's) answers by channel, for the people who
/// count them: `online` is known only where the item uses household codes
/// (codes used there, less the keyed ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitChannels {
    /// The unit; `null` for answers of no known unit.
    pub unit_id: Option<Id>,
    /// Its name.
    pub unit_name: Option<String>,
    /// Households living there, where recorded.
    pub households: Option<u64>,
    /// Online answers, where codes tell.
    pub online: Option<u64>,
    /// Paper answers.
    pub paper: u64,
    /// Door-to-door answers.
    pub door: u64,
    /// Meeting attendees.
    pub meeting: u64,
}

/// An item's answers by channel and by unit:
/// `GET /api/v1/admin/channels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelSummary {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// The whole item (what the caller may see of it).
    pub channels: Channels,
    /// Per unit the caller may see.
    pub units: Vec<UnitChannels>,
}

/// How a keyed entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Counted in the item's figures.
    Counted,
    /// Keyed once in a double-entry batch: counts when a second person
    /// keys the same.
    AwaitingSecond,
    /// Keyed differently by two people: listed until someone keys it again
    /// the same as one of them.
    Discrepancy,
}

/// Which kind of item a paper ballot is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BallotTarget {
    /// A poll: `ballot` is a poll ballot.
    Poll,
    /// A budget round: `ballot` is `{"projects": [...]}`.
    Budget,
}

impl From<BallotTarget> for CodeTarget {
    fn from(t: BallotTarget) -> Self {
        match t {
            BallotTarget::Poll => CodeTarget::Poll,
            BallotTarget::Budget => CodeTarget::Budget,
        }
    }
}

/// Longest slip number typed for a slip without a code.
pub const SLIP_MAX: usize = 24;
/// Limits of a void reason.
pub const REASON: TextLimits = TextLimits::line(2, 200);

/// Who the entry is for and how it came: the fields every keyed entry
/// (ballot, signature, support) shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Household {
    /// The household code printed on the slip (items with codes).
    #[serde(default)]
    pub code: Option<String>,
    /// The building or group, for items without codes (with a code the
    /// code's own unit is used).
    #[serde(default)]
    pub unit_id: Option<Id>,
    /// `paper` (default) or `door`.
    #[serde(default = "paper")]
    pub channel: Channel,
    /// The batch it belongs to; by default the keyer's own batch of the day.
    #[serde(default)]
    pub batch_id: Option<Id>,
    /// The number written on a slip without a code, which a double-entry
    /// batch matches the two keyings by.
    #[serde(default)]
    pub slip: Option<String>,
}

fn paper() -> Channel {
    Channel::Paper
}

impl Household {
    /// Checks the shape of the fields: a keyed channel, a code or a unit,
    /// and a short slip number.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if !self.channel.is_keyed() {
            e.add(
                "channel",
                "a keyed entry is `paper` or `door`; a meeting's count is a meeting tally",
            );
        }
        match &self.code {
            Some(c) if c.trim().is_empty() || c.chars().count() > 40 => {
                e.add("code", "a household code is up to 40 characters");
            }
            _ => {}
        }
        if let Some(s) = &self.slip {
            let ok = !s.trim().is_empty()
                && s.chars().count() <= SLIP_MAX
                && s.chars().all(|c| c.is_alphanumeric() || c == '-');
            if !ok {
                e.add("slip", "a slip number is 1 to 24 letters, digits or dashes");
            }
        }
        e.into_result()
    }
}

/// A paper or door-to-door ballot: `POST /api/v1/admin/paper-ballots`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperBallot {
    /// Poll or budget round.
    pub target: BallotTarget,
    /// Its id.
    pub target_id: Id,
    /// Household, channel, batch.
    #[serde(flatten)]
    pub household: Household,
    /// The ballot as a widget would send it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub ballot: serde_json::Value,
}

/// A signature on a printed convention sheet:
/// `POST /api/v1/admin/paper-signatures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperSignature {
    /// The convention.
    pub convention_id: Id,
    /// Household, channel, batch.
    #[serde(flatten)]
    pub household: Household,
    /// The name written on the sheet (masked in public lists).
    pub name: String,
    /// Team or organisation, optional.
    #[serde(default)]
    pub team: Option<String>,
}

/// A support written on paper: `POST /api/v1/admin/paper-supports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperSupport {
    /// The proposal.
    pub proposal_id: Id,
    /// Household, channel, batch.
    #[serde(flatten)]
    pub household: Household,
}

/// A keyed entry as the server answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperEntry {
    /// Identifier (what voiding takes); absent until the entry counts.
    pub id: Option<Id>,
    /// The batch.
    pub batch_id: Id,
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
    /// Building or group, where known.
    pub unit_id: Option<Id>,
    /// Paper or door.
    pub channel: Channel,
    /// Whether a household code vouched for it (else "per unit, uncoded").
    pub coded: bool,
    /// Counted, or waiting for its second keying.
    pub state: EntryState,
    /// When it was keyed.
    pub entered_at: crate::Millis,
}

/// Voiding a counted entry: `POST /api/v1/admin/paper-entries/{id}/void`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoidEntry {
    /// Why (kept in the audit log), 2–200 characters.
    pub reason: String,
    /// For a ballot of an anonymous item: the slip's choice keyed again,
    /// since the server keeps no link from the household to its choice.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub ballot: Option<serde_json::Value>,
}

impl VoidEntry {
    /// Checks the reason.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("reason", &self.reason, REASON);
        e.into_result()
    }
}

/// A household code as typed or scanned, normalised: upper case, no
/// spaces or dashes. A scanned address (`…?poll=3&code=7KQ2-M9XD-4T`)
/// gives its `code` parameter.
pub fn normalise_code(raw: &str) -> String {
    let code = match raw.split_once("code=") {
        Some((_, rest)) => rest.split(['&', '#']).next().unwrap_or_default(),
        None => raw,
    };
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// A closed item that an edit opens again (its new closing time is absent
/// or later than `now`) takes paper and online answers again: staff must
/// say why (`reopen_reason`, 2–200 characters, kept in the audit log).
pub fn check_reopening(
    e: &mut FieldErrors,
    was_closed: bool,
    closes: Option<crate::Millis>,
    now: crate::Millis,
    reason: Option<&str>,
) {
    let reopens = was_closed && closes.is_none_or(|c| now < c);
    match reason {
        Some(r) => e.text("reopen_reason", r, REASON),
        None if reopens => e.add(
            "reopen_reason",
            "reopening a closed item needs a reason (kept in the audit log)",
        ),
        None => {}
    }
}

/// The masked form of a household code a clerk can find a slip by:
/// first four and last two symbols (`7KQ2-…-4T`).
pub fn mask_code(normalised: &str) -> String {
    let chars: Vec<char> = normalised.chars().collect();
    if chars.len() <= 6 {
        return "…".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}-…-{tail}")
}

#[cfg(test)]
mod tests;
