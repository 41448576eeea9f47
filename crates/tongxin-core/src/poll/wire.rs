//! Reading results as a backend sends them. The reference server sends
//! every field; another backend (through a mapping or an adapter) may send
//! only counts. What the counts imply — percentages, the adoption outcome
//! at the threshold, a rating's mean and satisfaction, the dot vote's total,
//! the number of ballots — is then derived here with the very constructors
//! the server's tally uses ([`ChoiceResult::new`], [`ApprovalResult::new`],
//! [`DotResult::new`], [`ScoreDistribution::summary`]), so both sides agree
//! to the tenth of a percent. A derived field the backend did send is kept.
//!
//! Read flat (see `RawKind` in the poll module for why): one row type
//! carries the fields of every kind's rows.

use serde::Deserialize;

use super::Poll;
use super::irv::IrvOutcome;
use super::tally::{ApprovalResult, ChoiceResult, DotResult, PollResults, ScoreResult};
use crate::Id;
use crate::score::{ScoreDistribution, ScoreSummary};

/// Results as sent.
#[derive(Deserialize)]
pub struct RawResults {
    kind: String,
    options: Vec<RawRow>,
    threshold_percent: Option<u8>,
    total_points: Option<u64>,
    runoff: Option<IrvOutcome>,
}

#[derive(Deserialize)]
struct RawRow {
    option: Id,
    // A backend that counts by grouping may send no labels: the widget
    // takes them from the poll (`PollResults::in_poll_order`).
    #[serde(default)]
    label: String,
    count: Option<u64>,
    percent: Option<f64>,
    agree: Option<u64>,
    abstain: Option<u64>,
    disagree: Option<u64>,
    agree_percent: Option<f64>,
    adopted: Option<bool>,
    summary: Option<ScoreSummary>,
    distribution: Option<ScoreDistribution>,
    points: Option<u64>,
    voters: Option<u64>,
}

impl RawResults {
    /// The results, deriving what the counts imply. `ballots` is the
    /// answer's participation, if it gave one; without it, percentages of
    /// ballots are of the counted choices (exact for single choice and
    /// ranked first preferences; a multiple-choice backend must send
    /// `ballots`). Returns the results and the participation they imply.
    pub fn derive(self, ballots: Option<u64>) -> Result<(PollResults, u64), String> {
        let kind = self.kind;
        let missing = |f: &str| format!("{kind} results need `{f}` in every row");
        let need = |v: Option<u64>, f: &str| v.ok_or_else(|| missing(f));
        Ok(match kind.as_str() {
            "choices" | "ranked" => {
                let counts = self
                    .options
                    .iter()
                    .map(|o| need(o.count, "count"))
                    .collect::<Result<Vec<_>, _>>()?;
                let n = ballots.unwrap_or_else(|| sum(&counts));
                let options = self
                    .options
                    .into_iter()
                    .zip(counts)
                    .map(|(o, c)| {
                        let mut row = ChoiceResult::new(o.option, o.label, c, n);
                        row.percent = o.percent.unwrap_or(row.percent);
                        row
                    })
                    .collect();
                let results = if kind == "ranked" {
                    PollResults::Ranked {
                        options,
                        runoff: self.runoff.ok_or_else(|| missing("runoff"))?,
                    }
                } else {
                    PollResults::Choices { options }
                };
                (results, n)
            }
            "approval" => {
                let threshold = self
                    .threshold_percent
                    .ok_or_else(|| format!("{kind} results need `threshold_percent`"))?;
                let mut answered = 0;
                let mut options = Vec::with_capacity(self.options.len());
                for o in self.options {
                    let stances = [
                        need(o.agree, "agree")?,
                        need(o.abstain, "abstain")?,
                        need(o.disagree, "disagree")?,
                    ];
                    answered = answered.max(sum(&stances));
                    let mut row = ApprovalResult::new(o.option, o.label, stances, threshold);
                    row.agree_percent = o.agree_percent.unwrap_or(row.agree_percent);
                    row.adopted = o.adopted.unwrap_or(row.adopted);
                    options.push(row);
                }
                let results = PollResults::Approval {
                    threshold_percent: threshold,
                    options,
                };
                (results, ballots.unwrap_or(answered))
            }
            "score" => {
                let mut rated = 0;
                let mut options = Vec::with_capacity(self.options.len());
                for o in self.options {
                    let summary = match (o.summary, o.distribution) {
                        (Some(s), _) => s,
                        (None, Some(d)) => d.summary(),
                        (None, None) => return Err(missing("summary` or `distribution")),
                    };
                    rated = rated.max(summary.count);
                    options.push(ScoreResult {
                        option: o.option,
                        label: o.label,
                        summary,
                    });
                }
                (PollResults::Score { options }, ballots.unwrap_or(rated))
            }
            "dot" => {
                let points = self
                    .options
                    .iter()
                    .map(|o| need(o.points, "points"))
                    .collect::<Result<Vec<_>, _>>()?;
                let total = self.total_points.unwrap_or_else(|| sum(&points));
                let mut voters_max = 0;
                let mut options = Vec::with_capacity(points.len());
                for (o, p) in self.options.into_iter().zip(points) {
                    let voters = need(o.voters, "voters")?;
                    voters_max = voters_max.max(voters);
                    let mut row = DotResult::new(o.option, o.label, p, voters, total);
                    row.percent = o.percent.unwrap_or(row.percent);
                    options.push(row);
                }
                let results = PollResults::Dot {
                    total_points: total,
                    options,
                };
                (results, ballots.unwrap_or(voters_max))
            }
            other => return Err(format!("unknown results kind `{other}`")),
        })
    }
}

impl PollResults {
    /// The rows in the poll's order, one per option: a backend that counts
    /// by grouping sends no row for an option nobody chose (it gets a zero
    /// row here), and may leave labels out (they come from the poll). Rows
    /// for options the poll does not have are left out.
    pub fn in_poll_order(self, poll: &Poll) -> PollResults {
        fn order<R>(
            poll: &Poll,
            mut rows: Vec<R>,
            id: impl Fn(&R) -> Id,
            label: impl Fn(&mut R) -> &mut String,
            zero: impl Fn(Id, String) -> R,
        ) -> Vec<R> {
            poll.options
                .iter()
                .map(|o| {
                    let mut row = match rows.iter().position(|r| id(r) == o.id) {
                        Some(i) => rows.swap_remove(i),
                        None => zero(o.id, String::new()),
                    };
                    if label(&mut row).is_empty() {
                        *label(&mut row) = o.label.clone();
                    }
                    row
                })
                .collect()
        }
        let choice = |rows| {
            order(
                poll,
                rows,
                |r: &ChoiceResult| r.option,
                |r| &mut r.label,
                |o, l| ChoiceResult::new(o, l, 0, 0),
            )
        };
        match self {
            PollResults::Choices { options } => PollResults::Choices {
                options: choice(options),
            },
            PollResults::Ranked { options, runoff } => PollResults::Ranked {
                options: choice(options),
                runoff,
            },
            PollResults::Approval {
                threshold_percent,
                options,
            } => PollResults::Approval {
                threshold_percent,
                options: order(
                    poll,
                    options,
                    |r| r.option,
                    |r| &mut r.label,
                    |o, l| ApprovalResult::new(o, l, [0; 3], threshold_percent),
                ),
            },
            PollResults::Score { options } => PollResults::Score {
                options: order(
                    poll,
                    options,
                    |r| r.option,
                    |r| &mut r.label,
                    |o, l| ScoreResult {
                        option: o,
                        label: l,
                        summary: ScoreDistribution::default().summary(),
                    },
                ),
            },
            PollResults::Dot {
                total_points,
                options,
            } => PollResults::Dot {
                total_points,
                options: order(
                    poll,
                    options,
                    |r| r.option,
                    |r| &mut r.label,
                    |o, l| DotResult::new(o, l, 0, 0, total_points),
                ),
            },
        }
    }
}

/// A sum that a hostile answer cannot overflow.
fn sum(xs: &[u64]) -> u64 {
    xs.iter().fold(0, |a, x| a.saturating_add(*x))
}

impl TryFrom<RawResults> for PollResults {
    type Error = String;

    fn try_from(r: RawResults) -> Result<Self, String> {
        r.derive(None).map(|(results, _)| results)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::poll::{PollDraft, PollKind};

    fn read(v: serde_json::Value, ballots: Option<u64>) -> Result<(PollResults, u64), String> {
        serde_json::from_value::<RawResults>(v)
            .map_err(|e| e.to_string())?
            .derive(ballots)
    }

    #[test]
    fn grouped_counts_with_word_keys_become_every_option_in_poll_order() {
        // A CMS's `GROUP BY choice`: no labels, no row for "abstain", and a
        // stray key the poll does not have.
        let mut poll = PollDraft::new(Id::int(1), "t", PollKind::Single, ["赞成", "反对", "弃权"])
            .into_poll(Id::parse("b7e1c0de").unwrap(), 0);
        for (o, key) in poll.options.iter_mut().zip(["yes", "no", "abstain"]) {
            o.id = Id::parse(key).unwrap();
        }
        let (r, n) = read(
            json!({"kind": "choices", "options": [
                {"option": "no", "count": 1}, {"option": "yes", "count": 2}, {"option": "spam", "count": 0}
            ]}),
            None,
        )
        .unwrap();
        assert_eq!(n, 3);
        let PollResults::Choices { options } = r.in_poll_order(&poll) else {
            panic!("choices")
        };
        let rows: Vec<(&str, &str, u64, f64)> = options
            .iter()
            .map(|o| (o.option.as_str(), o.label.as_str(), o.count, o.percent))
            .collect();
        assert_eq!(
            rows,
            [
                ("yes", "赞成", 2, 66.7),
                ("no", "反对", 1, 33.3),
                ("abstain", "弃权", 0, 0.0)
            ]
        );
    }

    #[test]
    fn counts_keyed_rows_get_their_percent_and_participation() {
        let (r, n) = read(
            json!({"kind": "choices", "options": [
                {"option": 1, "label": "yes", "count": 421}, {"option": 2, "label": "no", "count": 79}
            ]}),
            None,
        )
        .unwrap();
        assert_eq!(n, 500);
        let PollResults::Choices { options } = r else {
            panic!()
        };
        assert_eq!((options[0].percent, options[1].percent), (84.2, 15.8));
        // Multiple choice: percent of the ballots the answer names.
        let (r, n) = read(
            json!({"kind": "choices", "options": [{"option": 1, "label": "a", "count": 3}]}),
            Some(4),
        )
        .unwrap();
        let PollResults::Choices { options } = r else {
            panic!()
        };
        assert_eq!((n, options[0].percent), (4, 75.0));
    }

    #[test]
    fn a_derived_field_the_backend_sent_is_kept() {
        let (r, _) = read(
            json!({"kind": "approval", "threshold_percent": 50, "options": [
                {"option": 1, "label": "m", "agree": 1, "abstain": 0, "disagree": 3, "adopted": true}
            ]}),
            None,
        )
        .unwrap();
        let PollResults::Approval { options, .. } = r else {
            panic!()
        };
        assert!(options[0].adopted, "the backend's own outcome stands");
        assert_eq!(options[0].agree_percent, 25.0);
    }

    #[test]
    fn what_cannot_be_derived_is_named() {
        for (v, says) in [
            (
                json!({"kind": "choices", "options": [{"option": 1, "label": "a"}]}),
                "choices results need `count`",
            ),
            (
                json!({"kind": "approval", "options": []}),
                "approval results need `threshold_percent`",
            ),
            (
                json!({"kind": "score", "options": [{"option": 1, "label": "a"}]}),
                "`summary` or `distribution`",
            ),
            (
                json!({"kind": "dot", "options": [{"option": 1, "label": "a", "points": 2}]}),
                "dot results need `voters`",
            ),
            (
                json!({"kind": "ranked", "options": []}),
                "ranked results need `runoff`",
            ),
            (
                json!({"kind": "<img src=x onerror=alert(1)>", "options": []}),
                "unknown results kind",
            ),
        ] {
            let err = read(v, None).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn hostile_counts_do_not_overflow() {
        let big = u64::MAX;
        let (r, n) = read(
            json!({"kind": "choices", "options": [
                {"option": 1, "label": "a", "count": big}, {"option": 2, "label": "b", "count": big}
            ]}),
            None,
        )
        .unwrap();
        assert_eq!(n, big);
        let PollResults::Choices { options } = r else {
            panic!()
        };
        assert!(options.iter().all(|o| o.percent.is_finite()));
        let (r, _) = read(
            json!({"kind": "approval", "threshold_percent": 100, "options": [
                {"option": 1, "label": "m", "agree": big, "abstain": big, "disagree": big}
            ]}),
            None,
        )
        .unwrap();
        assert!(matches!(r, PollResults::Approval { .. }));
    }
}
