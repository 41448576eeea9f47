//! 1–5 ratings: shared by score polls and by proposal evaluations (评议), so
//! "satisfaction %" means the same thing everywhere: the share of 4s and 5s.

use serde::{Deserialize, Serialize};

/// Lowest rating.
pub const MIN_SCORE: u8 = 1;
/// Highest rating.
pub const MAX_SCORE: u8 = 5;

/// How many ratings of each value, index 0 = rating 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ScoreDistribution(pub [u64; 5]);

impl ScoreDistribution {
    /// Counts one rating (1–5; others are ignored, callers validate first).
    pub fn add(&mut self, score: u8) {
        if let Some(slot) = Self::slot(score) {
            self.0[slot] += 1;
        }
    }

    /// Removes one rating previously added. Returns false if there was none.
    pub fn remove(&mut self, score: u8) -> bool {
        match Self::slot(score) {
            Some(slot) if self.0[slot] > 0 => {
                self.0[slot] -= 1;
                true
            }
            _ => false,
        }
    }

    fn slot(score: u8) -> Option<usize> {
        (MIN_SCORE..=MAX_SCORE)
            .contains(&score)
            .then(|| usize::from(score - 1))
    }

    /// Number of ratings.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Mean rating, `None` without ratings.
    pub fn mean(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| {
            let sum: u64 = self
                .0
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u64 + 1) * c)
                .sum();
            sum as f64 / n as f64
        })
    }

    /// Share of ratings that are 4 or 5, in percent; `None` without ratings.
    pub fn satisfaction_percent(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| percent(self.0[3] + self.0[4], n))
    }

    /// Summary for display.
    pub fn summary(&self) -> ScoreSummary {
        ScoreSummary {
            distribution: *self,
            count: self.total(),
            mean: self.mean().map(round1),
            satisfaction_percent: self.satisfaction_percent(),
        }
    }
}

/// A distribution with its derived figures, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSummary {
    /// Counts of ratings 1..=5.
    pub distribution: ScoreDistribution,
    /// Number of ratings.
    pub count: u64,
    /// Mean rating rounded to 0.1.
    pub mean: Option<f64>,
    /// Share of 4–5 ratings in percent, rounded to 0.1.
    pub satisfaction_percent: Option<f64>,
}

/// `part / whole` in percent rounded to one decimal; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round1(part as f64 * 100.0 / whole as f64)
    }
}

/// Rounds to one decimal place.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfaction_is_the_share_of_fours_and_fives() {
        let mut d = ScoreDistribution::default();
        for s in [5, 5, 4, 3, 1] {
            d.add(s);
        }
        assert_eq!(d.total(), 5);
        assert_eq!(d.satisfaction_percent(), Some(60.0));
        assert_eq!(d.mean(), Some(3.6));
    }

    #[test]
    fn empty_has_no_mean() {
        let d = ScoreDistribution::default();
        assert_eq!(d.mean(), None);
        assert_eq!(d.satisfaction_percent(), None);
    }

    #[test]
    fn out_of_range_is_ignored_and_remove_checks() {
        let mut d = ScoreDistribution::default();
        d.add(0);
        d.add(6);
        assert_eq!(d.total(), 0);
        assert!(!d.remove(3));
        d.add(3);
        assert!(d.remove(3));
    }

    #[test]
    fn percent_rounds_to_one_decimal() {
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(5, 0), 0.0);
    }
}
