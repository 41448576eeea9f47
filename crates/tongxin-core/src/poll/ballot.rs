//! Ballots for each poll kind and their validation. A ballot is checked
//! against its poll and normalised (sorted, zero points dropped) before it is
//! counted, so the tally never sees an invalid or ambiguous ballot.

use std::collections::{BTreeMap, BTreeSet};

use crate::Id;
use serde::{Deserialize, Serialize};

use super::{Poll, PollKind};
use crate::score::{MAX_SCORE, MIN_SCORE};

/// An answer to one approval motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// 同意
    Agree,
    /// 弃权
    Abstain,
    /// 不同意
    Disagree,
}

/// A voter's choices. The `kind` tag must match the poll's kind.
/// Option ids are the poll's option ids; maps are JSON objects keyed by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RawBallot")]
pub enum Ballot {
    /// One option.
    Single {
        /// The chosen option.
        option: Id,
    },
    /// One or more options, up to the poll's maximum.
    Multiple {
        /// The chosen options.
        options: Vec<Id>,
    },
    /// A stance on every motion.
    Approval {
        /// Option id → stance.
        stances: BTreeMap<Id, Stance>,
    },
    /// A 1–5 rating of every option.
    Score {
        /// Option id → rating.
        scores: BTreeMap<Id, u8>,
    },
    /// Options in order of preference (a prefix of all options is fine).
    Ranked {
        /// Most preferred first.
        ranking: Vec<Id>,
    },
    /// Points spread over options.
    Dot {
        /// Option id → points.
        points: BTreeMap<Id, u32>,
    },
}

/// The wire form of a ballot, read field by field. serde's internally tagged
/// enums buffer their content and then refuse JSON object keys as numbers
/// (`{"1": 4}`), so ballots are read through this flat struct instead.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBallot {
    kind: String,
    option: Option<Id>,
    options: Option<Vec<Id>>,
    stances: Option<BTreeMap<Id, Stance>>,
    scores: Option<BTreeMap<Id, u8>>,
    ranking: Option<Vec<Id>>,
    points: Option<BTreeMap<Id, u32>>,
}

impl TryFrom<RawBallot> for Ballot {
    type Error = String;

    fn try_from(r: RawBallot) -> Result<Self, Self::Error> {
        fn need<T>(v: Option<T>, kind: &str, field: &str) -> Result<T, String> {
            v.ok_or_else(|| format!("a {kind} ballot needs the field `{field}`"))
        }
        let given = [
            r.option.is_some(),
            r.options.is_some(),
            r.stances.is_some(),
            r.scores.is_some(),
            r.ranking.is_some(),
            r.points.is_some(),
        ]
        .into_iter()
        .filter(|x| *x)
        .count();
        let k = r.kind.as_str();
        if given > 1 {
            return Err(format!("a {k} ballot has only the field for its kind"));
        }
        let ballot = match k {
            "single" => Ballot::Single {
                option: need(r.option, k, "option")?,
            },
            "multiple" => Ballot::Multiple {
                options: need(r.options, k, "options")?,
            },
            "approval" => Ballot::Approval {
                stances: need(r.stances, k, "stances")?,
            },
            "score" => Ballot::Score {
                scores: need(r.scores, k, "scores")?,
            },
            "ranked" => Ballot::Ranked {
                ranking: need(r.ranking, k, "ranking")?,
            },
            "dot" => Ballot::Dot {
                points: need(r.points, k, "points")?,
            },
            other => return Err(format!("unknown ballot kind `{other}`")),
        };
        Ok(ballot)
    }
}

/// Why a ballot cannot be accepted. Every variant names what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// The poll has not opened yet.
    #[error("the poll is not open yet")]
    NotOpenYet,
    /// The poll has closed.
    #[error("the poll is closed")]
    Closed,
    /// The ballot's kind differs from the poll's.
    #[error("this is a {expected} poll, the ballot is for a {got} poll")]
    KindMismatch {
        /// The poll's kind.
        expected: &'static str,
        /// The ballot's kind.
        got: &'static str,
    },
    /// An option id that the poll does not have.
    #[error("option {0} does not exist in this poll")]
    UnknownOption(Id),
    /// The same option twice.
    #[error("option {0} is chosen more than once")]
    DuplicateOption(Id),
    /// Nothing chosen.
    #[error("choose at least one option")]
    Empty,
    /// More options than allowed.
    #[error("at most {max} options may be chosen, got {got}")]
    TooManyChoices {
        /// The poll's maximum.
        max: u32,
        /// Options in the ballot.
        got: usize,
    },
    /// A motion or item left without an answer.
    #[error("option {0} needs an answer")]
    MissingAnswer(Id),
    /// A rating outside 1–5.
    #[error("rating {score} for option {option} is outside {MIN_SCORE}–{MAX_SCORE}")]
    ScoreOutOfRange {
        /// The option.
        option: Id,
        /// The given rating.
        score: u8,
    },
    /// More points than the budget.
    #[error("{got} points given, at most {budget} may be spread")]
    TooManyPoints {
        /// Points each voter may spend.
        budget: u32,
        /// Points in the ballot.
        got: u64,
    },
    /// The voter has a ballot in this poll already.
    #[error("you have already voted in this poll.{}", change_hint(.can_change))]
    AlreadyVoted {
        /// Whether the poll lets them change it instead.
        can_change: bool,
    },
    /// The poll keeps every ballot as first cast.
    #[error("this poll does not allow changing or retracting a ballot")]
    ChangeNotAllowed,
}

fn change_hint(can_change: &bool) -> &'static str {
    if *can_change {
        " Change it instead."
    } else {
        ""
    }
}

impl BallotError {
    /// Stable short name for API error types and message catalogues.
    pub fn code(&self) -> &'static str {
        match self {
            BallotError::NotOpenYet => "poll-not-open",
            BallotError::Closed => "poll-closed",
            BallotError::KindMismatch { .. } => "ballot-kind-mismatch",
            BallotError::UnknownOption(_) => "unknown-option",
            BallotError::DuplicateOption(_) => "duplicate-option",
            BallotError::Empty => "empty-ballot",
            BallotError::TooManyChoices { .. } => "too-many-choices",
            BallotError::MissingAnswer(_) => "missing-answer",
            BallotError::ScoreOutOfRange { .. } => "score-out-of-range",
            BallotError::TooManyPoints { .. } => "too-many-points",
            BallotError::AlreadyVoted { .. } => "already-voted",
            BallotError::ChangeNotAllowed => "change-not-allowed",
        }
    }
}

impl Ballot {
    /// The kind name, matching [`PollKind::name`].
    pub fn kind_name(&self) -> &'static str {
        match self {
            Ballot::Single { .. } => "single",
            Ballot::Multiple { .. } => "multiple",
            Ballot::Approval { .. } => "approval",
            Ballot::Score { .. } => "score",
            Ballot::Ranked { .. } => "ranked",
            Ballot::Dot { .. } => "dot",
        }
    }

    /// Checks the ballot against the poll and returns its normal form:
    /// multiple-choice options sorted, zero-point entries dropped.
    pub fn validate(&self, poll: &Poll) -> Result<Ballot, BallotError> {
        if self.kind_name() != poll.kind.name() {
            return Err(BallotError::KindMismatch {
                expected: poll.kind.name(),
                got: self.kind_name(),
            });
        }
        let known = |id: Id| -> Result<(), BallotError> {
            if poll.options.iter().any(|o| o.id == id) {
                Ok(())
            } else {
                Err(BallotError::UnknownOption(id))
            }
        };
        let distinct = |ids: &[Id]| -> Result<(), BallotError> {
            let mut seen = BTreeSet::new();
            for &id in ids {
                known(id)?;
                if !seen.insert(id) {
                    return Err(BallotError::DuplicateOption(id));
                }
            }
            Ok(())
        };
        let every_option_answered =
            |keys: &mut dyn Iterator<Item = Id>| -> Result<(), BallotError> {
                let given: BTreeSet<Id> = keys.collect();
                for &id in &given {
                    known(id)?;
                }
                match poll.options.iter().find(|o| !given.contains(&o.id)) {
                    Some(o) => Err(BallotError::MissingAnswer(o.id)),
                    None => Ok(()),
                }
            };
        match (self, poll.kind) {
            (Ballot::Single { option }, _) => {
                known(*option)?;
                Ok(self.clone())
            }
            (Ballot::Multiple { options }, PollKind::Multiple { max_choices }) => {
                if options.is_empty() {
                    return Err(BallotError::Empty);
                }
                distinct(options)?;
                if options.len() > max_choices as usize {
                    return Err(BallotError::TooManyChoices {
                        max: max_choices,
                        got: options.len(),
                    });
                }
                let mut sorted = options.clone();
                sorted.sort_unstable();
                Ok(Ballot::Multiple { options: sorted })
            }
            (Ballot::Approval { stances }, _) => {
                every_option_answered(&mut stances.keys().copied())?;
                Ok(self.clone())
            }
            (Ballot::Score { scores }, _) => {
                every_option_answered(&mut scores.keys().copied())?;
                if let Some((&option, &score)) = scores
                    .iter()
                    .find(|(_, s)| !(MIN_SCORE..=MAX_SCORE).contains(*s))
                {
                    return Err(BallotError::ScoreOutOfRange { option, score });
                }
                Ok(self.clone())
            }
            (Ballot::Ranked { ranking }, _) => {
                if ranking.is_empty() {
                    return Err(BallotError::Empty);
                }
                distinct(ranking)?;
                Ok(self.clone())
            }
            (Ballot::Dot { points }, PollKind::Dot { points: budget }) => {
                for &id in points.keys() {
                    known(id)?;
                }
                let got: u64 = points.values().map(|&p| u64::from(p)).sum();
                if got == 0 {
                    return Err(BallotError::Empty);
                }
                if got > u64::from(budget) {
                    return Err(BallotError::TooManyPoints { budget, got });
                }
                Ok(Ballot::Dot {
                    points: points
                        .iter()
                        .filter(|(_, p)| **p > 0)
                        .map(|(k, v)| (*k, *v))
                        .collect(),
                })
            }
            // Kind names matched above, so the parameters always match too.
            _ => Err(BallotError::KindMismatch {
                expected: poll.kind.name(),
                got: self.kind_name(),
            }),
        }
    }

    /// Option ids the ballot mentions, for events and receipts.
    pub fn options(&self) -> Vec<Id> {
        match self {
            Ballot::Single { option } => vec![*option],
            Ballot::Multiple { options } => options.clone(),
            Ballot::Approval { stances } => stances.keys().copied().collect(),
            Ballot::Score { scores } => scores.keys().copied().collect(),
            Ballot::Ranked { ranking } => ranking.clone(),
            Ballot::Dot { points } => points.keys().copied().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::tests::poll;

    fn err(kind: PollKind, n: usize, b: Ballot) -> BallotError {
        b.validate(&poll(kind, n)).unwrap_err()
    }

    #[test]
    fn single_accepts_one_known_option() {
        let p = poll(PollKind::Single, 3);
        assert!(
            Ballot::Single {
                option: Id::from(2)
            }
            .validate(&p)
            .is_ok()
        );
        assert_eq!(
            err(
                PollKind::Single,
                3,
                Ballot::Single {
                    option: Id::from(9)
                }
            ),
            BallotError::UnknownOption(Id::from(9))
        );
        assert_eq!(
            err(
                PollKind::Single,
                3,
                Ballot::Single {
                    option: Id::from(0)
                }
            ),
            BallotError::UnknownOption(Id::from(0))
        );
    }

    #[test]
    fn kind_must_match() {
        assert_eq!(
            err(
                PollKind::Single,
                3,
                Ballot::Ranked {
                    ranking: vec![Id::from(1)]
                }
            ),
            BallotError::KindMismatch {
                expected: "single",
                got: "ranked"
            }
        );
    }

    #[test]
    fn multiple_enforces_max_and_duplicates_and_sorts() {
        let k = PollKind::Multiple { max_choices: 2 };
        let p = poll(k, 4);
        assert_eq!(
            Ballot::Multiple {
                options: vec![Id::from(3), Id::from(1)]
            }
            .validate(&p)
            .unwrap(),
            Ballot::Multiple {
                options: vec![Id::from(1), Id::from(3)]
            }
        );
        assert_eq!(
            err(k, 4, Ballot::Multiple { options: vec![] }),
            BallotError::Empty
        );
        assert_eq!(
            err(
                k,
                4,
                Ballot::Multiple {
                    options: vec![Id::from(1), Id::from(1)]
                }
            ),
            BallotError::DuplicateOption(Id::from(1))
        );
        assert_eq!(
            err(
                k,
                4,
                Ballot::Multiple {
                    options: vec![Id::from(1), Id::from(2), Id::from(3)]
                }
            ),
            BallotError::TooManyChoices { max: 2, got: 3 }
        );
        assert_eq!(
            err(
                k,
                4,
                Ballot::Multiple {
                    options: vec![Id::from(5)]
                }
            ),
            BallotError::UnknownOption(Id::from(5))
        );
    }

    #[test]
    fn approval_needs_a_stance_on_every_motion() {
        let k = PollKind::Approval {
            threshold_percent: 80,
        };
        let ok = Ballot::Approval {
            stances: [(Id::int(1), Stance::Agree), (Id::int(2), Stance::Abstain)].into(),
        };
        assert!(ok.validate(&poll(k, 2)).is_ok());
        let missing = Ballot::Approval {
            stances: [(Id::int(1), Stance::Agree)].into(),
        };
        assert_eq!(err(k, 2, missing), BallotError::MissingAnswer(Id::from(2)));
        let extra = Ballot::Approval {
            stances: [
                (Id::int(1), Stance::Agree),
                (Id::int(2), Stance::Agree),
                (Id::int(3), Stance::Agree),
            ]
            .into(),
        };
        assert_eq!(err(k, 2, extra), BallotError::UnknownOption(Id::from(3)));
    }

    #[test]
    fn score_is_one_to_five_on_every_item() {
        let k = PollKind::Score;
        assert!(
            Ballot::Score {
                scores: [(Id::int(1), 5)].into()
            }
            .validate(&poll(k, 1))
            .is_ok()
        );
        assert_eq!(
            err(
                k,
                1,
                Ballot::Score {
                    scores: [(Id::int(1), 6)].into()
                }
            ),
            BallotError::ScoreOutOfRange {
                option: Id::from(1),
                score: 6
            }
        );
        assert_eq!(
            err(
                k,
                1,
                Ballot::Score {
                    scores: [(Id::int(1), 0)].into()
                }
            ),
            BallotError::ScoreOutOfRange {
                option: Id::from(1),
                score: 0
            }
        );
        assert_eq!(
            err(
                k,
                2,
                Ballot::Score {
                    scores: [(Id::int(1), 3)].into()
                }
            ),
            BallotError::MissingAnswer(Id::from(2))
        );
    }

    #[test]
    fn ranked_needs_distinct_known_options() {
        let k = PollKind::Ranked;
        assert!(
            Ballot::Ranked {
                ranking: vec![Id::from(3), Id::from(1)]
            }
            .validate(&poll(k, 3))
            .is_ok()
        );
        assert_eq!(
            err(k, 3, Ballot::Ranked { ranking: vec![] }),
            BallotError::Empty
        );
        assert_eq!(
            err(
                k,
                3,
                Ballot::Ranked {
                    ranking: vec![Id::from(1), Id::from(1)]
                }
            ),
            BallotError::DuplicateOption(Id::from(1))
        );
        assert_eq!(
            err(
                k,
                3,
                Ballot::Ranked {
                    ranking: vec![Id::from(4)]
                }
            ),
            BallotError::UnknownOption(Id::from(4))
        );
    }

    #[test]
    fn dot_respects_the_budget_and_drops_zeros() {
        let k = PollKind::Dot { points: 10 };
        let p = poll(k, 3);
        assert_eq!(
            Ballot::Dot {
                points: [(Id::int(1), 6), (Id::int(2), 0), (Id::int(3), 4)].into()
            }
            .validate(&p)
            .unwrap(),
            Ballot::Dot {
                points: [(Id::int(1), 6), (Id::int(3), 4)].into()
            }
        );
        assert_eq!(
            err(
                k,
                3,
                Ballot::Dot {
                    points: [(Id::int(1), 6), (Id::int(2), 5)].into()
                }
            ),
            BallotError::TooManyPoints {
                budget: 10,
                got: 11
            }
        );
        assert_eq!(
            err(
                k,
                3,
                Ballot::Dot {
                    points: [(Id::int(1), 0)].into()
                }
            ),
            BallotError::Empty
        );
        assert_eq!(
            err(
                k,
                3,
                Ballot::Dot {
                    points: [(Id::int(1), u32::MAX), (Id::int(2), u32::MAX)].into()
                }
            ),
            BallotError::TooManyPoints {
                budget: 10,
                got: 2 * u64::from(u32::MAX)
            }
        );
    }

    #[test]
    fn ballots_parse_from_the_documented_json() {
        let b: Ballot = serde_json::from_str(r#"{"kind":"score","scores":{"1":4}}"#).unwrap();
        assert_eq!(
            b,
            Ballot::Score {
                scores: [(Id::int(1), 4)].into()
            }
        );
        let b: Ballot =
            serde_json::from_str(r#"{"kind":"approval","stances":{"1":"agree"}}"#).unwrap();
        assert_eq!(
            b,
            Ballot::Approval {
                stances: [(Id::int(1), Stance::Agree)].into()
            }
        );
        assert!(serde_json::from_str::<Ballot>(r#"{"kind":"single","option":1,"x":2}"#).is_err());
        assert!(
            serde_json::from_str::<Ballot>(r#"{"kind":"single","option":1,"ranking":[2]}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Ballot>(r#"{"kind":"single"}"#).is_err());
        assert!(serde_json::from_str::<Ballot>(r#"{"kind":"veto","option":1}"#).is_err());
        let b = Ballot::Dot {
            points: [(Id::int(2), 3)].into(),
        };
        assert_eq!(
            serde_json::from_str::<Ballot>(&serde_json::to_string(&b).unwrap()).unwrap(),
            b
        );
    }
}
