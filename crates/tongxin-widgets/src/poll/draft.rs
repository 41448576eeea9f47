//! The resident's choice while they make it, for every poll kind, and its
//! conversion to a [`Ballot`]. Kept apart from the view so an error or a
//! retry never loses what was chosen.

use std::collections::{BTreeMap, BTreeSet};

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, BallotError, Poll, PollKind, Stance};

/// An unfinished ballot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// Single choice.
    pub single: Option<Id>,
    /// Multiple choice.
    pub multiple: BTreeSet<Id>,
    /// Approval stances.
    pub approval: BTreeMap<Id, Stance>,
    /// Ratings.
    pub score: BTreeMap<Id, u8>,
    /// Ranking, most preferred first (starts in poll order).
    pub ranking: Vec<Id>,
    /// Dot points.
    pub dots: BTreeMap<Id, u32>,
}

impl Draft {
    /// An empty draft for `poll`.
    pub fn new(poll: &Poll) -> Self {
        Draft {
            ranking: poll.options.iter().map(|o| o.id).collect(),
            ..Default::default()
        }
    }

    /// A draft pre-filled from an earlier ballot (when changing a vote).
    pub fn from_ballot(poll: &Poll, ballot: &Ballot) -> Self {
        let mut d = Draft::new(poll);
        match ballot {
            Ballot::Single { option } => d.single = Some(*option),
            Ballot::Multiple { options } => d.multiple = options.iter().copied().collect(),
            Ballot::Approval { stances } => d.approval = stances.clone(),
            Ballot::Score { scores } => d.score = scores.clone(),
            Ballot::Ranked { ranking } => {
                let mut r = ranking.clone();
                r.extend(d.ranking.iter().filter(|o| !ranking.contains(o)));
                d.ranking = r;
            }
            Ballot::Dot { points } => d.dots = points.clone(),
        }
        d
    }

    /// The ballot this draft stands for (validated by the caller with
    /// [`Ballot::validate`], the same rule the server applies); a single
    /// choice not made yet is [`BallotError::Empty`].
    pub fn to_ballot(&self, kind: &PollKind) -> Result<Ballot, BallotError> {
        Ok(match kind {
            PollKind::Single => Ballot::Single {
                option: self.single.ok_or(BallotError::Empty)?,
            },
            PollKind::Multiple { .. } => Ballot::Multiple {
                options: self.multiple.iter().copied().collect(),
            },
            PollKind::Approval { .. } => Ballot::Approval {
                stances: self.approval.clone(),
            },
            PollKind::Score => Ballot::Score {
                scores: self.score.clone(),
            },
            PollKind::Ranked => Ballot::Ranked {
                ranking: self.ranking.clone(),
            },
            PollKind::Dot { .. } => Ballot::Dot {
                points: self.dots.clone(),
            },
        })
    }

    /// Moves the option at `index` up (`-1`) or down (`+1`); returns its new index.
    pub fn move_rank(&mut self, index: usize, delta: isize) -> usize {
        let target = index as isize + delta;
        if index < self.ranking.len() && (0..self.ranking.len() as isize).contains(&target) {
            self.ranking.swap(index, target as usize);
            target as usize
        } else {
            index
        }
    }

    /// Points spent in a dot vote.
    pub fn dots_used(&self) -> u32 {
        self.dots.values().sum()
    }

    /// Adds (`+1`) or removes (`-1`) a point, within the budget.
    pub fn bump_dot(&mut self, option: Id, delta: i32, budget: u32) {
        let used = self.dots_used();
        let cur = self.dots.get(&option).copied().unwrap_or(0);
        let next = if delta > 0 && used < budget {
            cur + 1
        } else if delta < 0 {
            cur.saturating_sub(1)
        } else {
            cur
        };
        if next == 0 {
            self.dots.remove(&option);
        } else {
            self.dots.insert(option, next);
        }
    }

    /// Toggles a multiple-choice option; refuses to go past `max`.
    pub fn toggle(&mut self, option: Id, max: u32) {
        if !self.multiple.remove(&option) && (self.multiple.len() as u32) < max {
            self.multiple.insert(option);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongxin_core::poll::PollDraft;

    fn poll(kind: PollKind) -> Poll {
        PollDraft::new(Id::from(1), "t", kind, ["a", "b", "c"]).into_poll(Id::from(1), 0)
    }

    #[test]
    fn drafts_become_valid_ballots() {
        let p = poll(PollKind::Ranked);
        let mut d = Draft::new(&p);
        assert_eq!(d.move_rank(2, -1), 1);
        assert_eq!(
            d.to_ballot(&p.kind).unwrap(),
            Ballot::Ranked {
                ranking: vec![Id::from(1), Id::from(3), Id::from(2)]
            }
        );
        assert!(d.to_ballot(&p.kind).unwrap().validate(&p).is_ok());
        assert_eq!(d.move_rank(0, -1), 0, "the first cannot move up");
    }

    #[test]
    fn multiple_and_dots_respect_their_limits() {
        let p = poll(PollKind::Multiple { max_choices: 2 });
        let mut d = Draft::new(&p);
        for o in [1, 2, 3] {
            d.toggle(Id::from(o), 2);
        }
        assert_eq!(d.multiple.len(), 2);
        let mut d = Draft::new(&poll(PollKind::Dot { points: 3 }));
        for _ in 0..5 {
            d.bump_dot(Id::from(1), 1, 3);
        }
        assert_eq!(d.dots_used(), 3);
        d.bump_dot(Id::from(1), -1, 3);
        d.bump_dot(Id::from(2), 1, 3);
        assert_eq!(d.dots, [(Id::int(1), 2), (Id::int(2), 1)].into());
    }

    #[test]
    fn an_empty_single_choice_is_refused_by_the_core_rule() {
        let p = poll(PollKind::Single);
        assert_eq!(Draft::new(&p).to_ballot(&p.kind), Err(BallotError::Empty));
    }

    #[test]
    fn changing_starts_from_the_earlier_ballot() {
        let p = poll(PollKind::Ranked);
        let d = Draft::from_ballot(
            &p,
            &Ballot::Ranked {
                ranking: vec![Id::from(3)],
            },
        );
        assert_eq!(d.ranking, vec![3, 1, 2]);
    }
}
