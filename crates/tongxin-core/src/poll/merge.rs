//! Summing tallies kept in parts. A server with several writers (the
//! PostgreSQL store) keeps a poll's tally as one part per writer, so that
//! ballots through different writers never wait for one row; a reader adds
//! the parts up. Merging is exact: the sum of the parts' tallies equals the
//! tally of all their ballots counted together, publications of anonymous
//! polls included (each part publishes its own batches, so every change an
//! observer sees is still the sum of at least a batch of ballots).

use std::collections::BTreeMap;

use super::tally::{Counts, Tally, TallyError};

fn add_map<K: Ord + Clone, V: Clone>(
    into: &mut BTreeMap<K, V>,
    from: &BTreeMap<K, V>,
    add: impl Fn(&mut V, &V) -> Result<(), TallyError>,
) -> Result<(), TallyError> {
    for (k, v) in from {
        match into.get_mut(k) {
            Some(slot) => add(slot, v)?,
            None => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

fn sum(a: &mut u64, b: &u64) -> Result<(), TallyError> {
    *a = a.checked_add(*b).ok_or(TallyError("overflow"))?;
    Ok(())
}

impl Counts {
    /// Adds `other`'s counts (of the same kind) to these.
    pub fn merge(&mut self, other: &Counts) -> Result<(), TallyError> {
        match (self, other) {
            (Counts::Choices { votes }, Counts::Choices { votes: o }) => add_map(votes, o, sum),
            (Counts::Approval { stances }, Counts::Approval { stances: o }) => {
                add_map(stances, o, |a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        sum(x, y)?;
                    }
                    Ok(())
                })
            }
            (Counts::Score { ratings }, Counts::Score { ratings: o }) => {
                add_map(ratings, o, |a, b| {
                    for (x, y) in a.0.iter_mut().zip(&b.0) {
                        sum(x, y)?;
                    }
                    Ok(())
                })
            }
            (Counts::Ranked { rankings }, Counts::Ranked { rankings: o }) => {
                let mut all: BTreeMap<Vec<crate::Id>, u64> = rankings.drain(..).collect();
                add_map(&mut all, &o.iter().cloned().collect(), sum)?;
                *rankings = all.into_iter().filter(|(_, n)| *n > 0).collect();
                Ok(())
            }
            (
                Counts::Dot { points, voters },
                Counts::Dot {
                    points: op,
                    voters: ov,
                },
            ) => {
                add_map(points, op, sum)?;
                add_map(voters, ov, sum)
            }
            _ => Err(TallyError("tallies of different kinds")),
        }
    }
}

impl Tally {
    /// Adds `part` (a tally of other ballots of the same poll) to this one.
    pub fn merge(&mut self, part: &Tally) -> Result<(), TallyError> {
        let mut merged = self.clone();
        merged.counts.merge(&part.counts)?;
        sum(&mut merged.ballots, &part.ballots)?;
        merged.published = match (merged.published.take(), &part.published) {
            (Some(mut a), Some(b)) => {
                a.counts.merge(&b.counts)?;
                sum(&mut a.ballots, &b.ballots)?;
                a.pending = a.pending.saturating_add(b.pending);
                Some(a)
            }
            (a, b) => a.or_else(|| b.clone()),
        };
        *self = merged;
        Ok(())
    }

    /// The sum of `parts`, starting from `base`.
    pub fn sum<'a>(
        mut base: Tally,
        parts: impl IntoIterator<Item = &'a Tally>,
    ) -> Result<Tally, TallyError> {
        for p in parts {
            base.merge(p)?;
        }
        Ok(base)
    }
}
