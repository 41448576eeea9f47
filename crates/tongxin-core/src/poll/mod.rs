//! Polls and questionnaires (问卷, 表决): the six kinds, their settings, when
//! they are open, and who may see results. Ballots are in [`ballot`],
//! counting in [`tally`], instant-runoff in [`irv`].

pub mod ballot;
pub mod irv;
pub mod merge;
pub mod rules;
pub mod secrecy;
pub mod tally;
pub mod wire;

use serde::{Deserialize, Serialize};

use crate::eligibility::Eligibility;
use crate::text::{self, FieldErrors};
use crate::{Id, Millis};

pub use ballot::{Ballot, BallotError, Stance};
pub use tally::{PollResults, Tally};

/// Most options a poll may have.
pub const MAX_OPTIONS: usize = 50;
/// Most points a dot vote may hand out.
pub const MAX_DOT_POINTS: u32 = 1000;

/// What kind of question a poll asks, with the kind's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawKind")]
pub enum PollKind {
    /// Pick exactly one option.
    Single,
    /// Pick between one and `max_choices` options.
    Multiple {
        /// Upper bound on picked options.
        max_choices: u32,
    },
    /// Agree / abstain / disagree on every option (each option is a motion);
    /// a motion is adopted when agree ≥ `threshold_percent` % of all who
    /// answered it, abstentions included.
    Approval {
        /// Adoption threshold, 1–100, e.g. 80.
        threshold_percent: u8,
    },
    /// Rate every option 1–5; results give the mean, the distribution and
    /// satisfaction % (share of 4–5).
    Score,
    /// Rank options in order of preference; the winner is found by
    /// instant-runoff (see [`irv`]).
    Ranked,
    /// Spread up to `points` points over the options.
    Dot {
        /// Points each voter may spend.
        points: u32,
    },
}

/// The wire form of a [`PollKind`], read as one flat object: serde's
/// internally tagged enums buffer their input, which costs the widget bundle
/// kilobytes of code and refuses nothing more.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    #[serde(rename = "type")]
    kind: String,
    max_choices: Option<u32>,
    threshold_percent: Option<u8>,
    points: Option<u32>,
}

impl TryFrom<RawKind> for PollKind {
    type Error = String;

    fn try_from(r: RawKind) -> Result<Self, String> {
        let need = |v: Option<u32>, field: &str| {
            v.ok_or_else(|| format!("a {} poll needs `{field}`", r.kind))
        };
        let kind = match r.kind.as_str() {
            "single" => PollKind::Single,
            "multiple" => PollKind::Multiple {
                max_choices: need(r.max_choices, "max_choices")?,
            },
            "approval" => PollKind::Approval {
                threshold_percent: r
                    .threshold_percent
                    .ok_or("an approval poll needs `threshold_percent`")?,
            },
            "score" => PollKind::Score,
            "ranked" => PollKind::Ranked,
            "dot" => PollKind::Dot {
                points: need(r.points, "points")?,
            },
            other => return Err(format!("unknown poll kind `{other}`")),
        };
        let extra = match kind {
            PollKind::Multiple { .. } => r.threshold_percent.is_some() || r.points.is_some(),
            PollKind::Approval { .. } => r.max_choices.is_some() || r.points.is_some(),
            PollKind::Dot { .. } => r.max_choices.is_some() || r.threshold_percent.is_some(),
            _ => r.max_choices.is_some() || r.threshold_percent.is_some() || r.points.is_some(),
        };
        if extra {
            return Err(format!("a {} poll takes only its own parameters", r.kind));
        }
        Ok(kind)
    }
}

impl PollKind {
    /// The kind's snake_case name, as in the `type` tag.
    pub fn name(&self) -> &'static str {
        match self {
            PollKind::Single => "single",
            PollKind::Multiple { .. } => "multiple",
            PollKind::Approval { .. } => "approval",
            PollKind::Score => "score",
            PollKind::Ranked => "ranked",
            PollKind::Dot { .. } => "dot",
        }
    }

    /// Fewest options that make sense for the kind.
    pub fn min_options(&self) -> usize {
        match self {
            PollKind::Approval { .. } | PollKind::Score => 1,
            _ => 2,
        }
    }
}

/// When the results may be seen by residents (staff always see them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultVisibility {
    /// Always.
    #[default]
    Always,
    /// Once the viewer has voted, or the poll has closed.
    AfterVote,
    /// Only after the poll has closed.
    AfterClose,
}

/// One answer option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollOption {
    /// Stable id within the poll: any id the backend gives it (the
    /// reference server numbers them 1, 2, 3, … in creation order).
    pub id: Id,
    /// Text shown to residents.
    pub label: String,
}

/// A poll as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Poll {
    /// Identifier.
    pub id: Id,
    /// The scope the poll belongs to.
    pub scope_id: Id,
    /// The question.
    pub title: String,
    /// Background, may be empty.
    pub description: String,
    /// Kind and parameters.
    pub kind: PollKind,
    /// Options in display order.
    pub options: Vec<PollOption>,
    /// Opening time; `None` = open from creation.
    pub opens_at: Option<Millis>,
    /// Closing time; `None` = open until staff close it.
    pub closes_at: Option<Millis>,
    /// Who sees results when.
    pub visibility: ResultVisibility,
    /// Anonymous polls keep no link between a voter and a choice: only the
    /// tally and the list of who took part are stored.
    pub anonymous: bool,
    /// Whether a voter may change or retract the ballot while the poll is open.
    pub allow_change: bool,
    /// Who may vote.
    pub eligibility: Eligibility,
    /// Creation time.
    pub created_at: Millis,
}

/// Where a poll stands at a given moment, in the order a poll goes through
/// them (a later answer may only move it forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    /// Not open yet.
    Scheduled,
    /// Accepting ballots.
    Open,
    /// Closed; results final.
    Closed,
}

impl PollStatus {
    /// Where an item with this voting window stands at `now` (polls and
    /// budget rounds alike).
    pub fn at(opens_at: Option<Millis>, closes_at: Option<Millis>, now: Millis) -> PollStatus {
        if opens_at.is_some_and(|t| now < t) {
            PollStatus::Scheduled
        } else if closes_at.is_some_and(|t| now >= t) {
            PollStatus::Closed
        } else {
            PollStatus::Open
        }
    }
}

impl Poll {
    /// Status at `now`.
    pub fn status(&self, now: Millis) -> PollStatus {
        PollStatus::at(self.opens_at, self.closes_at, now)
    }

    /// Whether a resident may see per-option results.
    pub fn results_visible(&self, now: Millis, has_voted: bool) -> bool {
        match self.visibility {
            ResultVisibility::Always => true,
            ResultVisibility::AfterVote => has_voted || self.status(now) == PollStatus::Closed,
            ResultVisibility::AfterClose => self.status(now) == PollStatus::Closed,
        }
    }

    /// Label of an option.
    pub fn option_label(&self, id: Id) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.label.as_str())
    }

    /// Checks that a ballot may be cast now (not whether the voter already voted).
    pub fn check_open(&self, now: Millis) -> Result<(), BallotError> {
        match self.status(now) {
            PollStatus::Open => Ok(()),
            PollStatus::Scheduled => Err(BallotError::NotOpenYet),
            PollStatus::Closed => Err(BallotError::Closed),
        }
    }
}

/// What staff send to create a poll. Ids, times of creation and option ids
/// are assigned by the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PollDraft {
    /// Scope of the poll.
    pub scope_id: Id,
    /// The question, 1–200 characters.
    pub title: String,
    /// Background text, up to 8,000 characters.
    #[serde(default)]
    pub description: String,
    /// Kind and its parameters.
    pub kind: PollKind,
    /// Option labels in display order.
    pub options: Vec<String>,
    /// Opening time.
    #[serde(default)]
    pub opens_at: Option<Millis>,
    /// Closing time.
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Result visibility, default `always`.
    #[serde(default)]
    pub visibility: ResultVisibility,
    /// Anonymous poll, default false.
    #[serde(default)]
    pub anonymous: bool,
    /// Ballots may be changed while open, default false.
    #[serde(default)]
    pub allow_change: bool,
    /// Eligibility policy, default `open`.
    #[serde(default)]
    pub eligibility: Eligibility,
}

impl PollDraft {
    /// A draft with the defaults: no description, open now until closed by
    /// staff, results always visible, not anonymous, no changes, `open` eligibility.
    pub fn new(
        scope_id: Id,
        title: impl Into<String>,
        kind: PollKind,
        options: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        PollDraft {
            scope_id,
            title: title.into(),
            description: String::new(),
            kind,
            options: options.into_iter().map(Into::into).collect(),
            opens_at: None,
            closes_at: None,
            visibility: ResultVisibility::Always,
            anonymous: false,
            allow_change: false,
            eligibility: Eligibility::Open,
        }
    }

    /// Validates every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("title", &self.title, text::TITLE);
        e.text("description", &self.description, text::BODY);
        let n = self.options.len();
        if n < self.kind.min_options() {
            e.add(
                "options",
                format!(
                    "a {} poll needs at least {} options",
                    self.kind.name(),
                    self.kind.min_options()
                ),
            );
        }
        if n > MAX_OPTIONS {
            e.add("options", format!("at most {MAX_OPTIONS} options"));
        }
        for (i, label) in self.options.iter().enumerate() {
            e.text(&format!("options[{i}]"), label, text::LABEL);
        }
        match self.kind {
            PollKind::Multiple { max_choices }
                if max_choices == 0 || max_choices as usize > n.max(1) =>
            {
                e.add(
                    "kind.max_choices",
                    format!("must be between 1 and the number of options ({n})"),
                );
            }
            PollKind::Approval { threshold_percent } if !(1..=100).contains(&threshold_percent) => {
                e.add("kind.threshold_percent", "must be between 1 and 100");
            }
            PollKind::Dot { points } if points == 0 || points > MAX_DOT_POINTS => {
                e.add(
                    "kind.points",
                    format!("must be between 1 and {MAX_DOT_POINTS}"),
                );
            }
            _ => {}
        }
        check_window(&mut e, self.opens_at, self.closes_at);
        if self.anonymous && self.allow_change {
            e.add("allow_change", "an anonymous poll cannot allow changing ballots: nothing links a voter to a ballot");
        }
        e.into_result()
    }

    /// Builds the stored poll once the store has assigned an id.
    pub fn into_poll(self, id: Id, now: Millis) -> Poll {
        Poll {
            id,
            scope_id: self.scope_id,
            title: self.title.trim().to_string(),
            description: self.description,
            kind: self.kind,
            options: self
                .options
                .into_iter()
                .enumerate()
                .map(|(i, label)| PollOption {
                    id: Id::from(i as i64 + 1),
                    label: label.trim().to_string(),
                })
                .collect(),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            visibility: self.visibility,
            anonymous: self.anonymous,
            allow_change: self.allow_change,
            eligibility: self.eligibility,
            created_at: now,
        }
    }
}

/// Staff edits to an existing poll. Kind and options cannot change once
/// created: ballots refer to them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PollEdit {
    /// New question text.
    #[serde(default)]
    pub title: Option<String>,
    /// New background text.
    #[serde(default)]
    pub description: Option<String>,
    /// New opening time (absent or `null`: unchanged).
    #[serde(default)]
    pub opens_at: Option<Millis>,
    /// New closing time (absent or `null`: unchanged; see `clear_closes_at`).
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Close the poll now (sets `closes_at` to the current time).
    #[serde(default)]
    pub close_now: bool,
    /// Remove the closing time: the poll stays open until it is closed by
    /// hand (`close_now`). Not together with `closes_at` or `close_now`.
    #[serde(default)]
    pub clear_closes_at: bool,
    /// New result visibility.
    #[serde(default)]
    pub visibility: Option<ResultVisibility>,
    /// Why a closed item is opened again; required for that edit (kept in
    /// the audit log, see [`crate::paper::check_reopening`]).
    #[serde(default)]
    pub reopen_reason: Option<String>,
}

impl PollEdit {
    /// Applies the edit to `poll`, validating the result.
    pub fn apply(&self, poll: &mut Poll, now: Millis) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(t) = &self.title {
            e.text("title", t, text::TITLE);
        }
        if let Some(d) = &self.description {
            e.text("description", d, text::BODY);
        }
        if self.clear_closes_at && (self.close_now || self.closes_at.is_some()) {
            e.add(
                "clear_closes_at",
                "cannot be combined with closes_at or close_now",
            );
        }
        let opens = self.opens_at.or(poll.opens_at);
        let closes = if self.close_now {
            Some(now)
        } else if self.clear_closes_at {
            None
        } else {
            self.closes_at.or(poll.closes_at)
        };
        check_window(&mut e, opens, closes);
        let was_closed = poll.status(now) == PollStatus::Closed;
        let reason = self.reopen_reason.as_deref();
        crate::paper::check_reopening(&mut e, was_closed, closes, now, reason);
        e.into_result()?;
        if let Some(t) = &self.title {
            poll.title = t.trim().to_string();
        }
        if let Some(d) = &self.description {
            poll.description = d.clone();
        }
        poll.opens_at = opens;
        poll.closes_at = closes;
        if let Some(v) = self.visibility {
            poll.visibility = v;
        }
        Ok(())
    }
}

pub(crate) fn check_window(e: &mut FieldErrors, opens: Option<Millis>, closes: Option<Millis>) {
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        e.add("closes_at", "must be after opens_at");
    }
    for (field, t) in [("opens_at", opens), ("closes_at", closes)] {
        if t.is_some_and(|t| t < 0) {
            e.add(field, "must not be before 1970");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn poll(kind: PollKind, n: usize) -> Poll {
        PollDraft {
            scope_id: Id::from(1),
            title: "Q".into(),
            description: String::new(),
            kind,
            options: (1..=n).map(|i| format!("option {i}")).collect(),
            opens_at: Some(100),
            closes_at: Some(200),
            visibility: ResultVisibility::Always,
            anonymous: false,
            allow_change: true,
            eligibility: Eligibility::Open,
        }
        .into_poll(Id::from(7), 0)
    }

    #[test]
    fn status_follows_the_window() {
        let p = poll(PollKind::Single, 2);
        assert_eq!(p.status(99), PollStatus::Scheduled);
        assert_eq!(p.status(100), PollStatus::Open);
        assert_eq!(p.status(199), PollStatus::Open);
        assert_eq!(p.status(200), PollStatus::Closed);
        assert_eq!(p.check_open(250), Err(BallotError::Closed));
        assert_eq!(p.check_open(50), Err(BallotError::NotOpenYet));
    }

    #[test]
    fn visibility_rules() {
        let mut p = poll(PollKind::Single, 2);
        assert!(p.results_visible(150, false));
        p.visibility = ResultVisibility::AfterVote;
        assert!(!p.results_visible(150, false));
        assert!(p.results_visible(150, true));
        assert!(p.results_visible(250, false));
        p.visibility = ResultVisibility::AfterClose;
        assert!(!p.results_visible(150, true));
        assert!(p.results_visible(250, false));
    }

    fn draft(kind: PollKind, options: usize) -> PollDraft {
        let p = poll(kind, options);
        PollDraft {
            scope_id: Id::from(1),
            title: p.title,
            description: String::new(),
            kind,
            options: p.options.into_iter().map(|o| o.label).collect(),
            opens_at: None,
            closes_at: None,
            visibility: ResultVisibility::Always,
            anonymous: false,
            allow_change: false,
            eligibility: Eligibility::Open,
        }
    }

    #[test]
    fn drafts_are_validated_per_kind() {
        assert!(draft(PollKind::Single, 2).validate().is_ok());
        assert!(
            draft(PollKind::Single, 1)
                .validate()
                .unwrap_err()
                .0
                .contains_key("options")
        );
        assert!(draft(PollKind::Score, 1).validate().is_ok());
        let e = draft(PollKind::Multiple { max_choices: 3 }, 2)
            .validate()
            .unwrap_err();
        assert!(e.0.contains_key("kind.max_choices"));
        let e = draft(
            PollKind::Approval {
                threshold_percent: 0,
            },
            1,
        )
        .validate()
        .unwrap_err();
        assert!(e.0.contains_key("kind.threshold_percent"));
        let e = draft(PollKind::Dot { points: 0 }, 3)
            .validate()
            .unwrap_err();
        assert!(e.0.contains_key("kind.points"));
        let e = draft(PollKind::Single, MAX_OPTIONS + 1)
            .validate()
            .unwrap_err();
        assert!(e.0.contains_key("options"));
    }

    #[test]
    fn drafts_refuse_bad_windows_and_anonymous_changes() {
        let mut d = draft(PollKind::Single, 2);
        d.opens_at = Some(10);
        d.closes_at = Some(10);
        assert!(d.validate().unwrap_err().0.contains_key("closes_at"));
        let mut d = draft(PollKind::Single, 2);
        d.anonymous = true;
        d.allow_change = true;
        assert!(d.validate().unwrap_err().0.contains_key("allow_change"));
        let mut d = draft(PollKind::Single, 2);
        d.title = "<b>x</b>".repeat(100);
        assert!(d.validate().unwrap_err().0.contains_key("title"));
    }

    #[test]
    fn kinds_read_from_their_json() {
        let k: PollKind = serde_json::from_str(r#"{"type":"dot","points":10}"#).unwrap();
        assert_eq!(k, PollKind::Dot { points: 10 });
        for kind in [
            PollKind::Single,
            PollKind::Multiple { max_choices: 2 },
            PollKind::Approval {
                threshold_percent: 80,
            },
            PollKind::Score,
            PollKind::Ranked,
            PollKind::Dot { points: 3 },
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                serde_json::from_str::<PollKind>(&json).unwrap(),
                kind,
                "{json}"
            );
        }
        for bad in [
            r#"{"type":"dot"}"#,
            r#"{"type":"veto"}"#,
            r#"{"type":"single","points":3}"#,
            r#"{"type":"single","x":1}"#,
        ] {
            assert!(serde_json::from_str::<PollKind>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn option_ids_start_at_one() {
        let p = poll(PollKind::Single, 3);
        assert_eq!(
            p.options.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(p.option_label(Id::from(2)), Some("option 2"));
    }

    #[test]
    fn edits_apply_and_validate() {
        let mut p = poll(PollKind::Single, 2);
        let edit = PollEdit {
            close_now: true,
            title: Some("New".into()),
            ..Default::default()
        };
        edit.apply(&mut p, 150).unwrap();
        assert_eq!(p.closes_at, Some(150));
        assert_eq!(p.title, "New");
        let bad = PollEdit {
            closes_at: Some(50),
            ..Default::default()
        };
        assert!(bad.apply(&mut p, 150).is_err());
        assert_eq!(p.closes_at, Some(150));
    }

    #[test]
    fn the_closing_time_can_be_cleared_but_not_in_the_same_edit_as_a_new_one() {
        let mut p = poll(PollKind::Single, 2);
        let clear = PollEdit {
            clear_closes_at: true,
            ..Default::default()
        };
        clear.apply(&mut p, 150).unwrap();
        assert_eq!(p.closes_at, None);
        assert_eq!(p.opens_at, Some(100), "the opening time is kept");
        for both in [
            PollEdit {
                clear_closes_at: true,
                closes_at: Some(300),
                ..Default::default()
            },
            PollEdit {
                clear_closes_at: true,
                close_now: true,
                ..Default::default()
            },
        ] {
            let mut q = poll(PollKind::Single, 2);
            let e = both.apply(&mut q, 150).unwrap_err();
            assert!(e.0.contains_key("clear_closes_at"), "{e:?}");
            assert_eq!(q.closes_at, Some(200), "nothing changed");
        }
        // Absent, the flag changes nothing (older clients keep working).
        let edit: PollEdit = serde_json::from_str(r#"{"title":"T"}"#).unwrap();
        assert!(!edit.clear_closes_at);
    }
}
