//! Counting ballots. A [`Tally`] is updated one ballot at a time (add when a
//! ballot is cast, remove when it is changed or retracted), so the server
//! never re-reads all ballots; [`Tally::from_ballots`] gives the same result
//! in one go. Anonymous polls store *only* the tally: the ranked-choice tally
//! keeps a multiset of rankings, not individual ballots.

use std::collections::BTreeMap;

use crate::Id;
use serde::{Deserialize, Serialize};

use super::ballot::{Ballot, Stance};
use super::irv::{IrvOutcome, instant_runoff};
use super::{Poll, PollKind};
use crate::score::{ScoreDistribution, ScoreSummary, percent};

/// Running counts for one poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Ballots counted.
    pub ballots: u64,
    /// Kind-specific counts.
    pub counts: Counts,
    /// Anonymous polls: the figures last published while the poll is open
    /// (see [`super::secrecy`]); `None` for every other poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Box<super::secrecy::Published>>,
}

/// Kind-specific running counts. Externally tagged: serde's internally
/// tagged enums cannot read JSON objects with numeric keys back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    /// Single and multiple choice: ballots naming each option.
    Choices {
        /// Option → ballots.
        votes: BTreeMap<Id, u64>,
    },
    /// Approval: [agree, abstain, disagree] per option.
    Approval {
        /// Option → [agree, abstain, disagree].
        stances: BTreeMap<Id, [u64; 3]>,
    },
    /// Score: rating distribution per option.
    Score {
        /// Option → distribution.
        ratings: BTreeMap<Id, ScoreDistribution>,
    },
    /// Ranked: how many ballots gave each exact ranking, sorted by ranking.
    Ranked {
        /// (ranking, ballots) pairs.
        rankings: Vec<(Vec<Id>, u64)>,
    },
    /// Dot: points and voters per option.
    Dot {
        /// Option → points.
        points: BTreeMap<Id, u64>,
        /// Option → voters who gave it any points.
        voters: BTreeMap<Id, u64>,
    },
}

/// A ballot that does not fit the tally (wrong kind, or removing what was
/// never added). Callers validate ballots first, so this signals a bug or
/// corrupted storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ballot does not match the tally: {0}")]
pub struct TallyError(pub &'static str);

fn stance_slot(s: Stance) -> usize {
    match s {
        Stance::Agree => 0,
        Stance::Abstain => 1,
        Stance::Disagree => 2,
    }
}

impl Tally {
    /// An empty tally for `poll`, with every option present at zero.
    pub fn new(poll: &Poll) -> Self {
        let ids = || poll.options.iter().map(|o| o.id);
        let counts = match poll.kind {
            PollKind::Single | PollKind::Multiple { .. } => Counts::Choices {
                votes: ids().map(|i| (i, 0)).collect(),
            },
            PollKind::Approval { .. } => Counts::Approval {
                stances: ids().map(|i| (i, [0; 3])).collect(),
            },
            PollKind::Score => Counts::Score {
                ratings: ids().map(|i| (i, ScoreDistribution::default())).collect(),
            },
            PollKind::Ranked => Counts::Ranked {
                rankings: Vec::new(),
            },
            PollKind::Dot { .. } => Counts::Dot {
                points: ids().map(|i| (i, 0)).collect(),
                voters: ids().map(|i| (i, 0)).collect(),
            },
        };
        let published = poll
            .anonymous
            .then(|| Box::new(super::secrecy::Published::empty(counts.clone())));
        Tally {
            ballots: 0,
            counts,
            published,
        }
    }

    /// Counts every ballot from scratch.
    pub fn from_ballots<'a>(
        poll: &Poll,
        ballots: impl IntoIterator<Item = &'a Ballot>,
    ) -> Result<Self, TallyError> {
        let mut t = Tally::new(poll);
        for b in ballots {
            t.add(b)?;
        }
        Ok(t)
    }

    /// Adds one validated ballot.
    pub fn add(&mut self, ballot: &Ballot) -> Result<(), TallyError> {
        self.apply(ballot, 1)?;
        self.ballots += 1;
        Ok(())
    }

    /// Removes a ballot previously added (a change or a retraction).
    pub fn remove(&mut self, ballot: &Ballot) -> Result<(), TallyError> {
        if self.ballots == 0 {
            return Err(TallyError("no ballots to remove"));
        }
        let before = self.clone();
        if let Err(e) = self.apply(ballot, -1) {
            *self = before;
            return Err(e);
        }
        self.ballots -= 1;
        Ok(())
    }

    fn apply(&mut self, ballot: &Ballot, sign: i8) -> Result<(), TallyError> {
        fn bump(slot: &mut u64, by: u64, sign: i8) -> Result<(), TallyError> {
            if sign > 0 {
                *slot = slot.checked_add(by).ok_or(TallyError("overflow"))?;
            } else {
                *slot = slot.checked_sub(by).ok_or(TallyError("count below zero"))?;
            }
            Ok(())
        }
        match (&mut self.counts, ballot) {
            (Counts::Choices { votes }, Ballot::Single { option }) => bump(
                votes.get_mut(option).ok_or(TallyError("unknown option"))?,
                1,
                sign,
            ),
            (Counts::Choices { votes }, Ballot::Multiple { options }) => {
                for o in options {
                    bump(
                        votes.get_mut(o).ok_or(TallyError("unknown option"))?,
                        1,
                        sign,
                    )?;
                }
                Ok(())
            }
            (Counts::Approval { stances }, Ballot::Approval { stances: given }) => {
                for (o, s) in given {
                    let row = stances.get_mut(o).ok_or(TallyError("unknown option"))?;
                    bump(&mut row[stance_slot(*s)], 1, sign)?;
                }
                Ok(())
            }
            (Counts::Score { ratings }, Ballot::Score { scores }) => {
                for (o, s) in scores {
                    let d = ratings.get_mut(o).ok_or(TallyError("unknown option"))?;
                    if sign > 0 {
                        d.add(*s);
                    } else if !d.remove(*s) {
                        return Err(TallyError("count below zero"));
                    }
                }
                Ok(())
            }
            (Counts::Ranked { rankings }, Ballot::Ranked { ranking }) => {
                match rankings.binary_search_by(|(r, _)| r.as_slice().cmp(ranking.as_slice())) {
                    Ok(i) => {
                        bump(&mut rankings[i].1, 1, sign)?;
                        if rankings[i].1 == 0 {
                            rankings.remove(i);
                        }
                        Ok(())
                    }
                    Err(i) if sign > 0 => {
                        rankings.insert(i, (ranking.clone(), 1));
                        Ok(())
                    }
                    Err(_) => Err(TallyError("ranking was never counted")),
                }
            }
            (Counts::Dot { points, voters }, Ballot::Dot { points: given }) => {
                for (o, p) in given.iter().filter(|(_, p)| **p > 0) {
                    bump(
                        points.get_mut(o).ok_or(TallyError("unknown option"))?,
                        u64::from(*p),
                        sign,
                    )?;
                    bump(
                        voters.get_mut(o).ok_or(TallyError("unknown option"))?,
                        1,
                        sign,
                    )?;
                }
                Ok(())
            }
            _ => Err(TallyError("ballot kind differs from tally kind")),
        }
    }

    /// Public results for `poll`.
    pub fn results(&self, poll: &Poll) -> PollResults {
        let label = |id: Id| poll.option_label(id).unwrap_or_default().to_string();
        let n = self.ballots;
        match &self.counts {
            Counts::Choices { votes } => PollResults::Choices {
                options: poll
                    .options
                    .iter()
                    .map(|o| {
                        let c = votes.get(&o.id).copied().unwrap_or(0);
                        ChoiceResult::new(o.id, label(o.id), c, n)
                    })
                    .collect(),
            },
            Counts::Approval { stances } => {
                let threshold = match poll.kind {
                    PollKind::Approval { threshold_percent } => threshold_percent,
                    _ => 100,
                };
                PollResults::Approval {
                    threshold_percent: threshold,
                    options: poll
                        .options
                        .iter()
                        .map(|o| {
                            let stances = stances.get(&o.id).copied().unwrap_or([0; 3]);
                            ApprovalResult::new(o.id, label(o.id), stances, threshold)
                        })
                        .collect(),
                }
            }
            Counts::Score { ratings } => PollResults::Score {
                options: poll
                    .options
                    .iter()
                    .map(|o| ScoreResult {
                        option: o.id,
                        label: label(o.id),
                        summary: ratings.get(&o.id).copied().unwrap_or_default().summary(),
                    })
                    .collect(),
            },
            Counts::Ranked { rankings } => {
                let ids: Vec<Id> = poll.options.iter().map(|o| o.id).collect();
                let outcome = instant_runoff(&ids, rankings);
                let first = outcome
                    .rounds
                    .first()
                    .map(|r| r.counts.clone())
                    .unwrap_or_default();
                PollResults::Ranked {
                    options: poll
                        .options
                        .iter()
                        .map(|o| {
                            let c = first.get(&o.id).copied().unwrap_or(0);
                            ChoiceResult::new(o.id, label(o.id), c, n)
                        })
                        .collect(),
                    runoff: outcome,
                }
            }
            Counts::Dot { points, voters } => {
                let total: u64 = points.values().sum();
                PollResults::Dot {
                    total_points: total,
                    options: poll
                        .options
                        .iter()
                        .map(|o| {
                            let p = points.get(&o.id).copied().unwrap_or(0);
                            let v = voters.get(&o.id).copied().unwrap_or(0);
                            DotResult::new(o.id, label(o.id), p, v, total)
                        })
                        .collect(),
                }
            }
        }
    }
}

/// Per-option results, shaped by poll kind. Percentages are rounded to 0.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "super::wire::RawResults"
)]
pub enum PollResults {
    /// Single or multiple choice; percent of ballots (multiple may sum past 100).
    Choices {
        /// One row per option, in poll order.
        options: Vec<ChoiceResult>,
    },
    /// Approval motions with their adoption outcome.
    Approval {
        /// Adoption threshold in percent.
        threshold_percent: u8,
        /// One row per motion.
        options: Vec<ApprovalResult>,
    },
    /// Ratings.
    Score {
        /// One row per rated item.
        options: Vec<ScoreResult>,
    },
    /// Ranked choice: first preferences and the instant-runoff count.
    Ranked {
        /// First-preference counts per option.
        options: Vec<ChoiceResult>,
        /// Every round and the winner.
        runoff: IrvOutcome,
    },
    /// Dot vote.
    Dot {
        /// All points given.
        total_points: u64,
        /// One row per option; percent of all points.
        options: Vec<DotResult>,
    },
}

/// A count for one option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceResult {
    /// Option id.
    pub option: Id,
    /// Option label.
    pub label: String,
    /// Ballots.
    pub count: u64,
    /// Percent of ballots.
    pub percent: f64,
}

impl ChoiceResult {
    /// The row for `count` of `ballots` (the percent as the server gives it).
    pub fn new(option: Id, label: String, count: u64, ballots: u64) -> Self {
        ChoiceResult {
            option,
            label,
            count,
            percent: percent(count, ballots),
        }
    }
}

/// One approval motion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalResult {
    /// Option id.
    pub option: Id,
    /// Motion text.
    pub label: String,
    /// 同意
    pub agree: u64,
    /// 弃权
    pub abstain: u64,
    /// 不同意
    pub disagree: u64,
    /// Agree share of all answers, abstentions included.
    pub agree_percent: f64,
    /// Agree share reached the threshold.
    pub adopted: bool,
}

impl ApprovalResult {
    /// The row for `[agree, abstain, disagree]` against `threshold` percent:
    /// adopted when agree ≥ threshold % of all answers, abstentions included.
    pub fn new(option: Id, label: String, stances: [u64; 3], threshold: u8) -> Self {
        let [agree, abstain, disagree] = stances;
        // Saturating: the counts may come from another backend's answer.
        let answered = agree.saturating_add(abstain).saturating_add(disagree);
        ApprovalResult {
            option,
            label,
            agree,
            abstain,
            disagree,
            agree_percent: percent(agree, answered),
            adopted: answered > 0
                && agree.saturating_mul(100) >= u64::from(threshold).saturating_mul(answered),
        }
    }
}

/// One rated item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreResult {
    /// Option id.
    pub option: Id,
    /// Item label.
    pub label: String,
    /// Distribution, mean and satisfaction %.
    pub summary: ScoreSummary,
}

/// One dot-vote option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DotResult {
    /// Option id.
    pub option: Id,
    /// Label.
    pub label: String,
    /// Points received.
    pub points: u64,
    /// Voters who gave it points.
    pub voters: u64,
    /// Percent of all points.
    pub percent: f64,
}

impl DotResult {
    /// The row for `points` of `total` points, given by `voters` voters.
    pub fn new(option: Id, label: String, points: u64, voters: u64, total: u64) -> Self {
        DotResult {
            option,
            label,
            points,
            voters,
            percent: percent(points, total),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::poll::tests::poll;

    #[test]
    fn single_counts_and_percents() {
        let p = poll(PollKind::Single, 3);
        let ballots = [1, 1, 2, 1].map(|o| Ballot::Single {
            option: Id::from(o),
        });
        let t = Tally::from_ballots(&p, &ballots).unwrap();
        let PollResults::Choices { options } = t.results(&p) else {
            panic!()
        };
        assert_eq!(
            options.iter().map(|o| o.count).collect::<Vec<_>>(),
            vec![3, 1, 0]
        );
        assert_eq!(options[0].percent, 75.0);
        assert_eq!(t.ballots, 4);
    }

    #[test]
    fn approval_threshold_counts_abstentions() {
        let p = poll(
            PollKind::Approval {
                threshold_percent: 80,
            },
            1,
        );
        let mk = |s| Ballot::Approval {
            stances: [(Id::int(1), s)].into(),
        };
        let mut ballots: Vec<Ballot> = (0..8).map(|_| mk(Stance::Agree)).collect();
        ballots.push(mk(Stance::Abstain));
        ballots.push(mk(Stance::Disagree));
        let t = Tally::from_ballots(&p, &ballots).unwrap();
        let PollResults::Approval {
            options,
            threshold_percent,
        } = t.results(&p)
        else {
            panic!()
        };
        assert_eq!(threshold_percent, 80);
        assert_eq!(
            (options[0].agree, options[0].abstain, options[0].disagree),
            (8, 1, 1)
        );
        assert!(options[0].adopted, "8 of 10 is exactly 80 %");
        ballots.push(mk(Stance::Abstain));
        let t = Tally::from_ballots(&p, &ballots).unwrap();
        let PollResults::Approval { options, .. } = t.results(&p) else {
            panic!()
        };
        assert!(!options[0].adopted, "8 of 11 is below 80 %");
    }

    #[test]
    fn score_results_have_mean_and_satisfaction() {
        let p = poll(PollKind::Score, 1);
        let ballots = [5, 4, 2, 5].map(|s| Ballot::Score {
            scores: [(Id::int(1), s)].into(),
        });
        let t = Tally::from_ballots(&p, &ballots).unwrap();
        let PollResults::Score { options } = t.results(&p) else {
            panic!()
        };
        assert_eq!(options[0].summary.mean, Some(4.0));
        assert_eq!(options[0].summary.satisfaction_percent, Some(75.0));
    }

    #[test]
    fn dot_results_are_shares_of_points() {
        let p = poll(PollKind::Dot { points: 10 }, 2);
        let ballots = [
            Ballot::Dot {
                points: [(Id::int(1), 7), (Id::int(2), 3)].into(),
            },
            Ballot::Dot {
                points: [(Id::int(1), 10)].into(),
            },
        ];
        let t = Tally::from_ballots(&p, &ballots).unwrap();
        let PollResults::Dot {
            total_points,
            options,
        } = t.results(&p)
        else {
            panic!()
        };
        assert_eq!(total_points, 20);
        assert_eq!(
            (options[0].points, options[0].voters, options[0].percent),
            (17, 2, 85.0)
        );
    }

    #[test]
    fn removing_what_was_never_added_fails_and_changes_nothing() {
        let p = poll(PollKind::Single, 2);
        let mut t = Tally::new(&p);
        t.add(&Ballot::Single {
            option: Id::from(1),
        })
        .unwrap();
        let before = t.clone();
        assert!(
            t.remove(&Ballot::Single {
                option: Id::from(2)
            })
            .is_err()
        );
        assert_eq!(t, before);
        let mut r = Tally::new(&poll(PollKind::Ranked, 2));
        assert!(
            r.remove(&Ballot::Ranked {
                ranking: vec![Id::from(1)]
            })
            .is_err()
        );
    }

    #[test]
    fn wrong_kind_is_refused() {
        let p = poll(PollKind::Single, 2);
        assert!(
            Tally::new(&p)
                .add(&Ballot::Ranked {
                    ranking: vec![Id::from(1)]
                })
                .is_err()
        );
    }

    #[test]
    fn results_of_every_kind_round_trip_through_json() {
        for kind in [
            PollKind::Single,
            PollKind::Ranked,
            PollKind::Approval {
                threshold_percent: 80,
            },
            PollKind::Score,
            PollKind::Dot { points: 5 },
        ] {
            let p = poll(kind, 3);
            let ballot = match kind {
                PollKind::Ranked => Ballot::Ranked {
                    ranking: vec![Id::from(2), Id::from(1)],
                },
                PollKind::Single => Ballot::Single {
                    option: Id::from(1),
                },
                PollKind::Approval { .. } => Ballot::Approval {
                    stances: (1..=3).map(|o| (Id::int(o), Stance::Agree)).collect(),
                },
                PollKind::Score => Ballot::Score {
                    scores: (1..=3).map(|o| (Id::int(o), 4)).collect(),
                },
                _ => Ballot::Dot {
                    points: [(Id::int(1), 5)].into(),
                },
            };
            let r = Tally::from_ballots(&p, &[ballot]).unwrap().results(&p);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(
                serde_json::from_str::<PollResults>(&json).unwrap(),
                r,
                "{json}"
            );
        }
    }

    #[test]
    fn tally_round_trips_through_json() {
        let p = poll(PollKind::Ranked, 3);
        let t = Tally::from_ballots(
            &p,
            &[Ballot::Ranked {
                ranking: vec![Id::from(2), Id::from(1)],
            }],
        )
        .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Tally>(&json).unwrap(), t);
    }

    // ---- property tests ------------------------------------------------

    const N: u32 = 5;

    fn kinds() -> impl Strategy<Value = PollKind> {
        prop_oneof![
            Just(PollKind::Single),
            (1..=N).prop_map(|m| PollKind::Multiple { max_choices: m }),
            (1u8..=100).prop_map(|t| PollKind::Approval {
                threshold_percent: t
            }),
            Just(PollKind::Score),
            Just(PollKind::Ranked),
            (1u32..=20).prop_map(|p| PollKind::Dot { points: p }),
        ]
    }

    /// A random valid ballot for `kind`, built from raw random numbers.
    fn ballot_for(kind: PollKind, raw: &[u32]) -> Ballot {
        let pick = |i: usize| raw[i % raw.len()] % N + 1;
        match kind {
            PollKind::Single => Ballot::Single {
                option: Id::from(i64::from(pick(0))),
            },
            PollKind::Multiple { max_choices } => {
                let mut o: Vec<u32> = raw.iter().map(|r| r % N + 1).collect();
                o.sort_unstable();
                o.dedup();
                o.truncate(max_choices as usize);
                Ballot::Multiple {
                    options: o.into_iter().map(|o| Id::from(i64::from(o))).collect(),
                }
            }
            PollKind::Approval { .. } => Ballot::Approval {
                stances: (1..=N)
                    .map(|o| {
                        (
                            Id::from(i64::from(o)),
                            [Stance::Agree, Stance::Abstain, Stance::Disagree]
                                [(raw[o as usize % raw.len()] % 3) as usize],
                        )
                    })
                    .collect(),
            },
            PollKind::Score => Ballot::Score {
                scores: (1..=N)
                    .map(|o| {
                        (
                            Id::from(i64::from(o)),
                            (raw[o as usize % raw.len()] % 5 + 1) as u8,
                        )
                    })
                    .collect(),
            },
            PollKind::Ranked => {
                let mut r: Vec<u32> = Vec::new();
                for x in raw {
                    let o = x % N + 1;
                    if !r.contains(&o) {
                        r.push(o);
                    }
                }
                Ballot::Ranked {
                    ranking: r.into_iter().map(|o| Id::from(i64::from(o))).collect(),
                }
            }
            PollKind::Dot { points } => {
                let mut left = points;
                let mut m = BTreeMap::new();
                for (i, x) in raw.iter().enumerate() {
                    let give = (x % (left + 1)).min(left);
                    if give > 0 {
                        *m.entry(Id::from(i64::from(pick(i)))).or_insert(0) += give;
                        left -= give;
                    }
                }
                if m.is_empty() {
                    m.insert(Id::int(1), 1);
                }
                Ballot::Dot { points: m }
            }
        }
    }

    fn scenario() -> impl Strategy<Value = (PollKind, Vec<Vec<u32>>)> {
        (
            kinds(),
            prop::collection::vec(prop::collection::vec(any::<u32>(), 1..8), 0..60),
        )
    }

    /// `view` as a backend that stores only counts would send it: every
    /// field the kit can derive left out (participation too, where the
    /// counts imply it: not for multiple choice or dot votes).
    fn counts_only(view: &crate::contract::ResultsView, kind: PollKind) -> serde_json::Value {
        let mut v = serde_json::to_value(view).unwrap();
        if !matches!(kind, PollKind::Multiple { .. } | PollKind::Dot { .. }) {
            v.as_object_mut().unwrap().remove("ballots");
        }
        let results = v["results"].as_object_mut().unwrap();
        results.remove("total_points");
        for row in results["options"].as_array_mut().unwrap() {
            let row = row.as_object_mut().unwrap();
            for derived in ["percent", "agree_percent", "adopted"] {
                row.remove(derived);
            }
            if let Some(summary) = row.remove("summary") {
                row.insert("distribution".into(), summary["distribution"].clone());
            }
        }
        v
    }

    proptest! {
        /// A backend that sends only counts is read back to exactly the
        /// results the server computes, for every kind of poll.
        #[test]
        fn derived_fields_from_counts_equal_the_servers((kind, raws) in scenario()) {
            let p = poll(kind, N as usize);
            let ballots: Vec<Ballot> = raws.iter().map(|r| ballot_for(kind, r)).collect();
            let view = crate::contract::ResultsView::from_ballots(&p, &ballots, 0, true);
            prop_assert!(view.results.is_some());
            let sent = counts_only(&view, kind);
            let read: crate::contract::ResultsView = serde_json::from_value(sent.clone())
                .map_err(|e| TestCaseError::fail(format!("{e}: {sent}")))?;
            prop_assert_eq!(read, view);
        }

        #[test]
        fn generated_ballots_are_valid((kind, raws) in scenario()) {
            let p = poll(kind, N as usize);
            for raw in &raws {
                prop_assert!(ballot_for(kind, raw).validate(&p).is_ok());
            }
        }

        #[test]
        fn counts_sum_to_ballots((kind, raws) in scenario()) {
            let p = poll(kind, N as usize);
            let ballots: Vec<Ballot> = raws.iter().map(|r| ballot_for(kind, r).validate(&p).unwrap()).collect();
            let t = Tally::from_ballots(&p, &ballots).unwrap();
            prop_assert_eq!(t.ballots, ballots.len() as u64);
            match (&t.counts, kind) {
                (Counts::Choices { votes }, PollKind::Single) => prop_assert_eq!(votes.values().sum::<u64>(), t.ballots),
                (Counts::Choices { votes }, _) => {
                    let picks: usize = ballots.iter().map(|b| b.options().len()).sum();
                    prop_assert_eq!(votes.values().sum::<u64>(), picks as u64);
                }
                (Counts::Approval { stances }, _) => {
                    for row in stances.values() { prop_assert_eq!(row.iter().sum::<u64>(), t.ballots); }
                }
                (Counts::Score { ratings }, _) => {
                    for d in ratings.values() { prop_assert_eq!(d.total(), t.ballots); }
                }
                (Counts::Ranked { rankings }, _) => prop_assert_eq!(rankings.iter().map(|r| r.1).sum::<u64>(), t.ballots),
                (Counts::Dot { points, .. }, _) => {
                    let given: u64 = ballots.iter().map(|b| match b { Ballot::Dot { points } => points.values().map(|&p| u64::from(p)).sum::<u64>(), _ => 0 }).sum();
                    prop_assert_eq!(points.values().sum::<u64>(), given);
                }
            }
            if let PollResults::Ranked { runoff, .. } = t.results(&p) {
                for round in &runoff.rounds {
                    prop_assert_eq!(round.counts.values().sum::<u64>() + round.exhausted, t.ballots);
                }
            }
        }

        #[test]
        fn incremental_equals_batch((kind, raws) in scenario(), removals in prop::collection::vec(any::<prop::sample::Index>(), 0..20)) {
            let p = poll(kind, N as usize);
            let ballots: Vec<Ballot> = raws.iter().map(|r| ballot_for(kind, r).validate(&p).unwrap()).collect();
            // Cast all, then retract some (as changes and retractions do).
            let mut live: Vec<Ballot> = ballots.clone();
            let mut inc = Tally::new(&p);
            for b in &ballots { inc.add(b).unwrap(); }
            for ix in removals {
                if live.is_empty() { break; }
                let b = live.remove(ix.index(live.len()));
                inc.remove(&b).unwrap();
            }
            let batch = Tally::from_ballots(&p, &live).unwrap();
            prop_assert_eq!(inc, batch);
        }

        /// A tally kept in parts (one per writer) sums to the tally of all
        /// its ballots, whichever part each ballot went to.
        #[test]
        fn parts_sum_to_the_whole((kind, raws) in scenario(), split in prop::collection::vec(0u8..4, 0..80)) {
            let p = poll(kind, N as usize);
            let ballots: Vec<Ballot> = raws.iter().map(|r| ballot_for(kind, r).validate(&p).unwrap()).collect();
            let mut parts = vec![Tally::new(&p); 4];
            for (i, b) in ballots.iter().enumerate() {
                parts[usize::from(split.get(i).copied().unwrap_or(0))].add(b).unwrap();
            }
            let summed = Tally::sum(parts[0].clone(), &parts[1..]).unwrap();
            prop_assert_eq!(summed, Tally::from_ballots(&p, &ballots).unwrap());
        }

        #[test]
        fn irv_winner_is_stable_under_ballot_order(raws in prop::collection::vec(prop::collection::vec(any::<u32>(), 1..6), 1..80), seed in any::<u64>()) {
            let p = poll(PollKind::Ranked, N as usize);
            let ballots: Vec<Ballot> = raws.iter().map(|r| ballot_for(PollKind::Ranked, r)).collect();
            let mut shuffled = ballots.clone();
            // Deterministic shuffle from the seed.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let a = Tally::from_ballots(&p, &ballots).unwrap().results(&p);
            let b = Tally::from_ballots(&p, &shuffled).unwrap().results(&p);
            prop_assert_eq!(a, b);
        }
    }
}
