//! Counting a budget round: which projects the fund pays for.
//!
//! The input is a [`Profile`]: every distinct set of approved projects with
//! the number of ballots that chose exactly that set. Residents with the
//! same ballot are interchangeable for both methods, so the profile is all
//! a count needs — and all an anonymous round keeps (no ballot rows).
//!
//! * [`greedy`]: projects by approvals, most first; a project is funded
//!   when it still fits the money left, else skipped. Ties: the cheaper
//!   project first, then the one listed first in the round. The outcome
//!   depends on nothing else (not on the order ballots came in).
//! * [`equal_shares`]: the Method of Equal Shares with cost utilities, as
//!   equalshares.net computes it (and pabutools' `method_of_equal_shares`
//!   with `Cost_Sat`): the fund is divided equally among the voters; a
//!   project is bought by its supporters, each paying at most an equal
//!   share (those with less left pay all they have), and each round buys
//!   the project with the highest *effective vote count* (its cost divided
//!   by the most any supporter pays). Ties: the cheaper project, then more
//!   approvals, then the one listed first. Completion `add1`: every voter's
//!   share is raised by one unit ([`ADD1_UNIT_FEN`], ¥1) at a time while
//!   the outcome still fits the fund; what is then left is filled greedily.
//!
//! Money is in fen (integers); the shares are fractions of a fen and are
//! computed in `f64` with a tolerance of [`EPSILON`] fen, far below a fen.
//! Projects nobody approved are never funded.

use std::collections::BTreeMap;

/// One unit of the `add1` completion: ¥1 more for every voter per step.
pub const ADD1_UNIT_FEN: i64 = 100;

/// Money closer than this (in fen) is the same amount.
pub const EPSILON: f64 = 1e-6;

/// A project as counting sees it: its cost and where it is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Cost in fen (positive).
    pub cost_fen: i64,
}

/// Ballots grouped by what they approve: `(projects, ballots)`, the
/// projects as indexes into the round's candidate list.
pub type Profile = BTreeMap<Vec<usize>, u64>;

/// How a project came to be funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bought {
    /// By the approvals order of [`greedy`], or the greedy filling after
    /// the Method of Equal Shares.
    Greedy,
    /// In round `round` (1-based) of the Method of Equal Shares, each
    /// supporter paying at most `max_share_fen`.
    EqualShares {
        /// The round it was bought in.
        round: u32,
        /// The most one supporter paid, in fen (rounded up).
        max_share_fen: i64,
    },
}

/// Which projects are funded, in the order they were chosen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// `(candidate index, how)`, in the order chosen.
    pub funded: Vec<(usize, Bought)>,
    /// For the Method of Equal Shares: each voter's share in the final run
    /// (after `add1`), in fen.
    pub share_fen: Option<i64>,
}

impl Outcome {
    /// Whether candidate `i` is funded.
    pub fn funds(&self, i: usize) -> bool {
        self.funded.iter().any(|(c, _)| *c == i)
    }
    /// What the funded projects cost together.
    pub fn spent(&self, candidates: &[Candidate]) -> i64 {
        self.funded
            .iter()
            .map(|(c, _)| candidates[*c].cost_fen)
            .sum()
    }
}

/// Approvals per candidate.
pub fn approvals(candidates: &[Candidate], profile: &Profile) -> Vec<u64> {
    let mut out = vec![0u64; candidates.len()];
    for (set, n) in profile {
        for &c in set {
            if let Some(a) = out.get_mut(c) {
                *a += n;
            }
        }
    }
    out
}

/// The approvals order: most approvals first, then cheaper, then listed first.
fn by_approvals(candidates: &[Candidate], approvals: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        approvals[b]
            .cmp(&approvals[a])
            .then(candidates[a].cost_fen.cmp(&candidates[b].cost_fen))
            .then(a.cmp(&b))
    });
    order
}

/// Adds to `outcome`, in the approvals order, every approved project that
/// still fits `fund`.
fn fill(candidates: &[Candidate], approvals: &[u64], fund_fen: i64, outcome: &mut Outcome) {
    let mut left = fund_fen - outcome.spent(candidates);
    for c in by_approvals(candidates, approvals) {
        if approvals[c] > 0 && !outcome.funds(c) && candidates[c].cost_fen <= left {
            left -= candidates[c].cost_fen;
            outcome.funded.push((c, Bought::Greedy));
        }
    }
}

/// Greedy by approvals (see the module documentation).
pub fn greedy(candidates: &[Candidate], profile: &Profile, fund_fen: i64) -> Outcome {
    greedy_by_approvals(candidates, &approvals(candidates, profile), fund_fen)
}

/// Greedy from approval counts alone: what a widget can work out in the
/// browser for a backend that only stores ballots and counts them (equal
/// shares needs the ballots themselves).
pub fn greedy_by_approvals(candidates: &[Candidate], approvals: &[u64], fund_fen: i64) -> Outcome {
    let mut outcome = Outcome::default();
    fill(candidates, approvals, fund_fen, &mut outcome);
    outcome
}

/// The Method of Equal Shares with cost utilities, `add1` completion and a
/// greedy filling (see the module documentation).
pub fn equal_shares(candidates: &[Candidate], profile: &Profile, fund_fen: i64) -> Outcome {
    let voters: u64 = profile.values().sum();
    let approvals = approvals(candidates, profile);
    if voters == 0 || fund_fen <= 0 {
        return Outcome::default();
    }
    let n = voters as i64;
    // Start from the share the fund gives, rounded down to a whole unit (a
    // share above it would spend more than the fund at once).
    let mut share = (fund_fen / n) / ADD1_UNIT_FEN * ADD1_UNIT_FEN;
    let mut best = fixed_share(candidates, profile, fund_fen as f64 / n as f64);
    best.share_fen = Some(fund_fen / n);
    loop {
        let spent = best.spent(candidates);
        let exhaustive = (0..candidates.len()).all(|c| {
            approvals[c] == 0 || best.funds(c) || spent + candidates[c].cost_fen > fund_fen
        });
        if exhaustive {
            break;
        }
        share += ADD1_UNIT_FEN;
        if share.saturating_mul(n) > fund_fen.saturating_mul(64) {
            // Far beyond any outcome that could still fit: nothing to gain.
            break;
        }
        let next = fixed_share(candidates, profile, share as f64);
        if next.spent(candidates) > fund_fen {
            break;
        }
        best = Outcome {
            share_fen: Some(share),
            ..next
        };
    }
    fill(candidates, &approvals, fund_fen, &mut best);
    best
}

/// One run of the Method of Equal Shares with every voter holding `share`
/// fen at the start.
fn fixed_share(candidates: &[Candidate], profile: &Profile, share: f64) -> Outcome {
    // One group per distinct ballot: its voters always hold the same money.
    let groups: Vec<(&Vec<usize>, f64)> = profile.iter().map(|(s, n)| (s, *n as f64)).collect();
    let mut money: Vec<f64> = vec![share; groups.len()];
    let mut supporters: Vec<Vec<usize>> = vec![Vec::new(); candidates.len()];
    for (g, (set, _)) in groups.iter().enumerate() {
        for &c in *set {
            if let Some(s) = supporters.get_mut(c) {
                s.push(g);
            }
        }
    }
    let approvals: Vec<f64> = supporters
        .iter()
        .map(|s| s.iter().map(|&g| groups[g].1).sum())
        .collect();
    // Each candidate's effective vote count from the last time it was
    // worked out: an upper bound now, as money only goes down (at first,
    // its approvals). Candidates are tried from the highest bound down, and
    // the search stops at one whose bound is below the best found.
    let mut bound: Vec<(usize, f64)> = (0..candidates.len())
        .filter(|&c| approvals[c] > 0.0 && candidates[c].cost_fen > 0)
        .map(|c| (c, approvals[c]))
        .collect();
    let mut outcome = Outcome::default();
    let mut round = 0u32;
    loop {
        bound.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // (effective vote count, max payment, candidate) of the best so far.
        let mut best: Option<(f64, f64, usize)> = None;
        let mut unaffordable = Vec::new();
        for entry in bound.iter_mut() {
            let c = entry.0;
            if let Some((b, _, _)) = best
                && entry.1 < b - EPSILON * b.max(1.0)
            {
                break;
            }
            let cost = candidates[c].cost_fen as f64;
            let Some(max_payment) = max_payment(cost, &supporters[c], &groups, &money) else {
                unaffordable.push(c); // its supporters can no longer pay for it
                continue;
            };
            let votes = cost / max_payment;
            entry.1 = votes;
            let better = match best {
                None => true,
                Some((b, _, bc)) => {
                    let diff = votes - b;
                    if diff.abs() > EPSILON * votes.max(1.0) {
                        diff > 0.0
                    } else {
                        tie_first(candidates, &approvals, c, bc)
                    }
                }
            };
            if better {
                best = Some((votes, max_payment, c));
            }
        }
        bound.retain(|(c, _)| !unaffordable.contains(c));
        let Some((_, pay, chosen)) = best else {
            break;
        };
        round += 1;
        for &g in &supporters[chosen] {
            money[g] = (money[g] - pay).max(0.0);
        }
        bound.retain(|(c, _)| *c != chosen);
        outcome.funded.push((
            chosen,
            Bought::EqualShares {
                round,
                max_share_fen: (pay - EPSILON).ceil() as i64,
            },
        ));
    }
    outcome
}

/// The most one supporter pays when the supporters split `cost` as equally
/// as their money allows (the poorer pay all they have); `None` when their
/// money together is short of it.
fn max_payment(
    cost: f64,
    supporters: &[usize],
    groups: &[(&Vec<usize>, f64)],
    money: &[f64],
) -> Option<f64> {
    let total: f64 = supporters.iter().map(|&g| money[g] * groups[g].1).sum();
    if total + EPSILON < cost {
        return None;
    }
    let mut by_money: Vec<usize> = supporters.to_vec();
    by_money.sort_by(|&a, &b| money[a].total_cmp(&money[b]));
    let mut paid = 0.0;
    let mut payers: f64 = supporters.iter().map(|&g| groups[g].1).sum();
    for g in by_money {
        let each = (cost - paid) / payers;
        if each <= money[g] + EPSILON {
            return Some(each.max(EPSILON));
        }
        paid += money[g] * groups[g].1;
        payers -= groups[g].1;
    }
    // Everyone pays all they have (total equals the cost within EPSILON).
    supporters.iter().map(|&g| money[g]).reduce(f64::max)
}

/// Whether `a` goes before `b` among projects with the same effective vote
/// count: the cheaper, then the more approved, then the one listed first.
fn tie_first(candidates: &[Candidate], approvals: &[f64], a: usize, b: usize) -> bool {
    let (ca, cb) = (candidates[a].cost_fen, candidates[b].cost_fen);
    if ca != cb {
        return ca < cb;
    }
    if (approvals[a] - approvals[b]).abs() > EPSILON {
        return approvals[a] > approvals[b];
    }
    a < b
}
