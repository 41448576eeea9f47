//! A secret ballot stays secret while the poll is open, not only in the
//! database. Whoever can tell *when* a household voted (the building head
//! who handed out its code slip, a neighbour at the door) must not be able
//! to match that moment with a change in the figures.
//!
//! The rule, for anonymous polls while they are open:
//! * the results and the ballot count that anyone reads — residents, staff,
//!   exports — are the figures last *published*, and a new publication
//!   happens only once at least `batch` new ballots (default
//!   [`DEFAULT_BATCH`]) have been counted since the last one, so every
//!   change an observer sees is the sum of at least `batch` ballots;
//! * participation per building (codes used) moves in the same steps:
//!   [`rounded_participation`] shows a multiple of `batch`, so "< 5" below it;
//! * once the poll is closed the exact figures are shown.
//!
//! What is left, and stated in `docs/security.md`: the final figures at
//! close include the ballots since the last publication (fewer than
//! `batch`); linking one of those to a household needs knowing that it voted
//! after that publication, which no endpoint tells.

use serde::{Deserialize, Serialize};

use super::tally::{Counts, Tally};
use super::{Poll, PollStatus};
use crate::Millis;

/// Ballots that a publication of an open anonymous poll's figures gathers
/// at least, unless the server is configured otherwise.
pub const DEFAULT_BATCH: u32 = 5;
/// Smallest batch a server may be configured with: with 1, every ballot
/// would show on its own.
pub const MIN_BATCH: u32 = 2;
/// Largest batch a server may be configured with.
pub const MAX_BATCH: u32 = 1000;

/// The figures of an anonymous poll as last published, and how many secret
/// ballots have been counted since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// Ballots in the published figures.
    pub ballots: u64,
    /// Published counts.
    pub counts: Counts,
    /// Ballots counted since and not yet published.
    pub pending: u32,
}

impl Published {
    /// Nothing published yet: zero ballots over `counts` (all zero).
    pub fn empty(counts: Counts) -> Self {
        Published {
            ballots: 0,
            counts,
            pending: 0,
        }
    }
}

impl Tally {
    /// Notes one more secret ballot (already added to the live counts) and
    /// publishes the live figures once `batch` of them have gathered.
    pub fn count_secret(&mut self, poll: &Poll, batch: u32) {
        let mut p = self
            .published
            .take()
            .unwrap_or_else(|| Box::new(Published::empty(Tally::new(poll).counts)));
        p.pending = p.pending.saturating_add(1);
        if p.pending >= batch.max(MIN_BATCH) {
            *p = Published {
                ballots: self.ballots,
                counts: self.counts.clone(),
                pending: 0,
            };
        }
        self.published = Some(p);
    }

    /// The figures that may be shown of `poll` at `now`: the published ones
    /// while an anonymous poll is open (or not yet open), else the live ones.
    pub fn shown(&self, poll: &Poll, now: Millis) -> Tally {
        if !poll.anonymous || poll.status(now) == PollStatus::Closed {
            return Tally {
                published: None,
                ..self.clone()
            };
        }
        match &self.published {
            Some(p) => Tally {
                ballots: p.ballots,
                counts: p.counts.clone(),
                published: None,
            },
            // Written before publications existed: show nothing rather than
            // live figures.
            None => Tally {
                published: None,
                ..Tally::new(poll)
            },
        }
    }
}

/// Codes used in one building as shown while an anonymous item is open:
/// rounded down to a multiple of `batch`, so a single household's first use
/// of its code never shows (0 reads as "fewer than `batch`").
pub fn rounded_participation(used: u32, batch: u32) -> u32 {
    let b = batch.max(MIN_BATCH);
    used / b * b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{Ballot, PollDraft, PollKind};

    fn poll(anonymous: bool) -> Poll {
        let mut d = PollDraft::new(
            1.into(),
            "广场开放时间",
            PollKind::Single,
            ["早", "中", "晚"],
        );
        d.anonymous = anonymous;
        d.closes_at = Some(1_000);
        d.into_poll(1.into(), 0)
    }

    fn single(option: i64) -> Ballot {
        serde_json::from_value(serde_json::json!({"kind": "single", "option": option})).unwrap()
    }

    #[test]
    fn open_anonymous_figures_move_only_in_whole_batches() {
        let p = poll(true);
        let mut t = Tally::new(&p);
        let mut seen = vec![t.shown(&p, 10)];
        for n in 0..12 {
            t.add(&single(1 + n % 3)).unwrap();
            t.count_secret(&p, 5);
            let now = t.shown(&p, 10);
            if now != *seen.last().unwrap() {
                seen.push(now);
            }
        }
        let counts: Vec<u64> = seen.iter().map(|t| t.ballots).collect();
        assert_eq!(counts, [0, 5, 10], "every visible change is a batch of 5");
        // Closed: the exact figures, the last two ballots included.
        assert_eq!(t.shown(&p, 1_000).ballots, 12);
        assert_eq!(t.shown(&p, 1_000).published, None);
    }

    #[test]
    fn parts_kept_by_several_writers_still_move_only_in_whole_batches() {
        let p = poll(true);
        let mut parts = [Tally::new(&p), Tally::new(&p)];
        let shown = |parts: &[Tally; 2]| {
            Tally::sum(parts[0].clone(), &parts[1..])
                .unwrap()
                .shown(&p, 10)
        };
        let mut seen = vec![shown(&parts)];
        for n in 0..23 {
            let part = &mut parts[n % 2];
            part.add(&single(1 + n as i64 % 3)).unwrap();
            part.count_secret(&p, 5);
            let now = shown(&parts);
            if now != *seen.last().unwrap() {
                seen.push(now);
            }
        }
        let counts: Vec<u64> = seen.iter().map(|t| t.ballots).collect();
        assert_eq!(
            counts,
            [0, 5, 10, 15, 20],
            "each change is one part's batch"
        );
        let total = Tally::sum(parts[0].clone(), &parts[1..]).unwrap();
        assert_eq!(total.shown(&p, 1_000).ballots, 23);
    }

    #[test]
    fn other_polls_show_live_figures_and_a_batch_of_one_is_not_allowed() {
        let open = poll(false);
        let mut t = Tally::new(&open);
        assert_eq!(t.published, None);
        t.add(&single(2)).unwrap();
        assert_eq!(t.shown(&open, 10).ballots, 1);

        let p = poll(true);
        let mut t = Tally::new(&p);
        t.add(&single(2)).unwrap();
        t.count_secret(&p, 1);
        assert_eq!(t.shown(&p, 10).ballots, 0, "a batch is at least MIN_BATCH");
        t.add(&single(2)).unwrap();
        t.count_secret(&p, 1);
        assert_eq!(t.shown(&p, 10).ballots, 2);
    }

    #[test]
    fn a_tally_written_before_publications_shows_nothing_while_open() {
        let p = poll(true);
        let mut t = Tally::new(&p);
        t.add(&single(3)).unwrap();
        t.published = None;
        assert_eq!(t.shown(&p, 10), Tally::new(&p).shown(&p, 10));
        assert_eq!(t.shown(&p, 10).ballots, 0);
    }

    #[test]
    fn the_stored_tally_reads_back_with_its_publication() {
        let p = poll(true);
        let mut t = Tally::new(&p);
        t.add(&single(1)).unwrap();
        t.count_secret(&p, 5);
        let back: Tally = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        // Rows written before this field existed still read.
        let old: Tally =
            serde_json::from_str(r#"{"ballots":0,"counts":{"choices":{"votes":{}}}}"#).unwrap();
        assert_eq!(old.published, None);
    }

    #[test]
    fn participation_rounds_down_to_the_batch() {
        assert_eq!(rounded_participation(0, 5), 0);
        assert_eq!(rounded_participation(4, 5), 0);
        assert_eq!(rounded_participation(5, 5), 5);
        assert_eq!(rounded_participation(11, 5), 10);
        assert_eq!(rounded_participation(3, 0), 2);
    }
}
