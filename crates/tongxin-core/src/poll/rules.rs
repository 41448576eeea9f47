//! The rules a store applies inside the write transaction of a ballot, as
//! pure functions of what it has read: whether this voter may cast a first
//! ballot or change one, and what the answer says. Every store (SQLite,
//! PostgreSQL) and the server's service layer call these, so a rule is
//! written once.

use super::{Ballot, BallotError, Poll};
use crate::Millis;
use crate::contract::BallotReceipt;

impl Poll {
    /// A first ballot: refused when the voter already has one (`already`).
    pub fn check_first(&self, already: bool) -> Result<(), BallotError> {
        if already {
            return Err(BallotError::AlreadyVoted {
                can_change: self.allow_change,
            });
        }
        Ok(())
    }

    /// A change or retraction of a ballot: the poll must be open and allow it.
    pub fn check_change(&self, now: Millis) -> Result<(), BallotError> {
        self.check_open(now)?;
        if !self.allow_change {
            return Err(BallotError::ChangeNotAllowed);
        }
        Ok(())
    }

    /// The answer to a cast, change (`ballot` is what now counts) or
    /// retraction (`None`), with the poll's `ballots` after the write.
    ///
    /// For anonymous polls it carries neither the ballot nor the running
    /// count (which would be a sequence number), and its time is rounded
    /// down to the minute: a stored receipt (an idempotency record) must
    /// not help anyone pair a voter with a tally change.
    pub fn receipt(&self, ballot: Option<Ballot>, ballots: u64, at: Millis) -> BallotReceipt {
        if self.anonymous {
            return BallotReceipt {
                poll_id: self.id,
                ballot: None,
                ballots: 0,
                at: at - at.rem_euclid(60_000),
            };
        }
        BallotReceipt {
            poll_id: self.id,
            ballot,
            ballots,
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;
    use crate::poll::{PollDraft, PollKind, Tally};

    fn poll(anonymous: bool, allow_change: bool) -> Poll {
        let mut d = PollDraft::new(Id::from(1), "t", PollKind::Single, ["a", "b"]);
        d.anonymous = anonymous;
        d.allow_change = allow_change;
        d.into_poll(Id::from(7), 0)
    }

    #[test]
    fn a_second_first_ballot_is_refused_with_a_hint_when_change_is_allowed() {
        let p = poll(false, true);
        assert_eq!(p.check_first(false), Ok(()));
        let e = p.check_first(true).unwrap_err();
        assert_eq!(e.code(), "already-voted");
        assert!(e.to_string().ends_with("Change it instead."), "{e}");
        let e = poll(false, false).check_first(true).unwrap_err();
        assert_eq!(e.to_string(), "you have already voted in this poll.");
    }

    #[test]
    fn changing_needs_an_open_poll_that_allows_it() {
        assert_eq!(poll(false, true).check_change(10), Ok(()));
        assert_eq!(
            poll(false, false).check_change(10),
            Err(BallotError::ChangeNotAllowed)
        );
        let mut closed = poll(false, true);
        closed.closes_at = Some(5);
        assert_eq!(closed.check_change(10), Err(BallotError::Closed));
    }

    #[test]
    fn an_anonymous_receipt_holds_no_ballot_no_count_and_a_rounded_time() {
        let p = poll(true, false);
        let b = Ballot::Single {
            option: p.options[0].id,
        };
        let mut t = Tally::new(&p);
        t.add(&b).unwrap();
        let r = p.receipt(Some(b.clone()), t.ballots, 125_999);
        assert_eq!((r.ballot, r.ballots, r.at), (None, 0, 120_000));
        let open = poll(false, false);
        let r = open.receipt(Some(b.clone()), t.ballots, 125_999);
        assert_eq!((r.ballot, r.ballots, r.at), (Some(b), 1, 125_999));
    }
}
