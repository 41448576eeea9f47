//! What a round's ballots add up to, kept as a [`BudgetTally`] (ballots
//! grouped by what they approve, never by who cast them), and the results
//! residents read: approvals per project, which are funded and why, the
//! funded line, and the money left.

use serde::{Deserialize, Serialize};

use super::count::{self, Bought, Profile};
use super::{BudgetRound, CountingMethod, Override};
use crate::Id;

/// The ballots of a round, grouped: `(sorted project positions, ballots)`.
/// This is everything counting needs, and all an anonymous round keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BudgetTally {
    /// Ballots counted.
    pub ballots: u64,
    /// Each distinct ballot and how many chose it.
    pub profile: Vec<(Vec<usize>, u64)>,
}

impl BudgetTally {
    /// Counts a ballot (its sorted project positions).
    pub fn add(&mut self, projects: &[usize]) {
        self.ballots += 1;
        match self.profile.iter_mut().find(|(p, _)| p == projects) {
            Some((_, n)) => *n += 1,
            None => {
                self.profile.push((projects.to_vec(), 1));
                self.profile.sort();
            }
        }
    }

    /// Takes a ballot back out; false when no such ballot was counted.
    pub fn remove(&mut self, projects: &[usize]) -> bool {
        let Some(i) = self.profile.iter().position(|(p, _)| p == projects) else {
            return false;
        };
        self.ballots -= 1;
        self.profile[i].1 -= 1;
        if self.profile[i].1 == 0 {
            self.profile.remove(i);
        }
        true
    }

    /// The profile counting reads.
    pub fn profile(&self) -> Profile {
        self.profile.iter().cloned().collect()
    }
}

/// One project in the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectResult {
    /// The project.
    pub project_id: Id,
    /// Its name.
    pub title: String,
    /// Its cost in fen.
    pub cost_fen: i64,
    /// Ballots that approve it.
    pub approvals: u64,
    /// Funded (after any staff override).
    pub funded: bool,
    /// Funded by the count itself.
    pub computed: bool,
    /// Equal shares: the round it was bought in (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// Equal shares: the most one supporter paid for it, in fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_share_fen: Option<i64>,
    /// Funded with the money left once equal shares had bought what its
    /// supporters could (by approvals).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub filled: bool,
}

/// A round's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetResults {
    /// The round.
    pub round_id: Id,
    /// How it was counted.
    pub method: CountingMethod,
    /// The fund in fen.
    pub fund_fen: i64,
    /// Ballots counted.
    pub ballots: u64,
    /// Funded projects together, in fen.
    pub spent_fen: i64,
    /// The fund left over, in fen.
    pub leftover_fen: i64,
    /// Equal shares: each voter's share of the fund in the final count, fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_fen: Option<i64>,
    /// Funded projects first, in the order they were chosen, then the
    /// others by approvals (most first): the funded line is between them.
    pub projects: Vec<ProjectResult>,
    /// Staff's override of the computed winners, with its public reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_winners: Option<Override>,
}

impl BudgetResults {
    /// The projects the count itself funds (before any staff override), in
    /// the order they were chosen.
    pub fn computed_winners(&self) -> Vec<Id> {
        self.projects
            .iter()
            .filter(|p| p.computed)
            .map(|p| p.project_id)
            .collect()
    }
}

impl BudgetRound {
    /// Counts `tally` by the round's method.
    pub fn count(&self, tally: &BudgetTally) -> count::Outcome {
        let candidates = self.candidates();
        let profile = tally.profile();
        match self.method {
            CountingMethod::Greedy => count::greedy(&candidates, &profile, self.fund_fen),
            CountingMethod::EqualShares => {
                count::equal_shares(&candidates, &profile, self.fund_fen)
            }
        }
    }

    /// The results of `tally`, with the staff override if there is one.
    pub fn results(&self, tally: &BudgetTally) -> BudgetResults {
        let outcome = self.count(tally);
        let approvals = count::approvals(&self.candidates(), &tally.profile());
        let overridden = self.override_winners.as_ref().map(|o| &o.funded);
        let line = |i: usize, how: Option<Bought>| {
            let p = &self.projects[i];
            let (round, max_share_fen) = match how {
                Some(Bought::EqualShares {
                    round,
                    max_share_fen,
                }) => (Some(round), Some(max_share_fen)),
                _ => (None, None),
            };
            ProjectResult {
                project_id: p.id,
                title: p.title.clone(),
                cost_fen: p.cost_fen,
                approvals: approvals[i],
                funded: overridden.map_or(how.is_some(), |ids| ids.contains(&p.id)),
                computed: how.is_some(),
                round,
                max_share_fen,
                filled: self.method == CountingMethod::EqualShares && how == Some(Bought::Greedy),
            }
        };
        let mut projects: Vec<ProjectResult> = outcome
            .funded
            .iter()
            .map(|&(i, how)| line(i, Some(how)))
            .collect();
        let mut rest: Vec<usize> = (0..self.projects.len())
            .filter(|&i| !outcome.funds(i))
            .collect();
        rest.sort_by(|&a, &b| approvals[b].cmp(&approvals[a]).then(a.cmp(&b)));
        projects.extend(rest.into_iter().map(|i| line(i, None)));
        // An override moves its projects above the line, in ballot order.
        if overridden.is_some() {
            projects.sort_by_key(|p| !p.funded);
        }
        let spent_fen = projects
            .iter()
            .filter(|p| p.funded)
            .map(|p| p.cost_fen)
            .sum();
        BudgetResults {
            round_id: self.id,
            method: self.method,
            fund_fen: self.fund_fen,
            ballots: tally.ballots,
            spent_fen,
            leftover_fen: self.fund_fen - spent_fen,
            share_fen: outcome.share_fen,
            projects,
            override_winners: self.override_winners.clone(),
        }
    }
}
