//! Governance indicators: how a community decides, measured — the figures
//! a street office puts in its yearly report and a resident checks about
//! their own community. Computed for any scope of the five-level tree and
//! any [`period::Period`] from [`facts::Facts`] the store counted, and
//! compared with the scope's parent and siblings.
//!
//! Each figure is defined where it is computed and in [`definitions`]; in
//! short:
//!
//! * **participation** — ballots and active signatures / the households
//!   each poll or convention invited (its scope's households), by unit one
//!   level down, per item and per month ([`participation`]);
//! * **proposals** — submitted, the 提议→合议→群议→决议→评议 funnel, adoption
//!   at 决议, median days to 决议 and to delivery, the share reaching the
//!   support threshold ([`proposals`]);
//! * **delivery and satisfaction** — delivered / adopted, and 评议 ratings;
//! * **co-funding** — pledged by residents and organisations, received,
//!   spent, remaining, the share of projects residents co-fund;
//! * **conventions** — signatures / households, by unit.

pub mod csv;
pub mod definitions;
pub mod facts;
pub mod participation;
pub mod period;
pub mod proposals;
pub mod trend;
pub mod view;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::scope::{Scope, ScopeTree};
use crate::{Id, Millis};

pub use facts::Facts;
pub use period::{Period, PeriodError};
pub use view::IndicatorsView;

use view::{Comparison, Headline, HeadlineMean, PeriodView, ScopeRef};

/// The facts indexed for one computation: the tree, its households and
/// the period.
pub struct Ctx<'a> {
    /// All facts.
    pub facts: &'a Facts,
    /// The scope tree.
    pub tree: ScopeTree,
    /// Households per scope (recorded or summed).
    pub households: HashMap<Id, u64>,
    /// The period.
    pub period: Period,
}

impl<'a> Ctx<'a> {
    /// Indexes `facts` for `period`.
    pub fn new(facts: &'a Facts, period: Period) -> Self {
        let tree = ScopeTree::new(facts.scopes.iter().cloned());
        let households = tree.households();
        Ctx {
            facts,
            tree,
            households,
            period,
        }
    }

    /// Households of `scope`, if known.
    pub fn households_of(&self, scope: Id) -> Option<u64> {
        self.households.get(&scope).copied()
    }

    /// `scope` as an answer names it.
    pub fn scope_ref(&self, scope: &Scope) -> ScopeRef {
        ScopeRef {
            id: scope.id,
            name: scope.name.clone(),
            name_en: scope.name_en.clone(),
            level: scope.level,
        }
    }
}

/// `part / whole` in percent (one decimal), `None` when `whole` is 0.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| crate::score::percent(part, whole))
}

/// The headline of `scope`.
fn headline(ctx: &Ctx, scope: &Scope) -> Headline {
    let part = participation::participation(ctx, scope.id);
    let props = proposals::proposals(ctx, scope.id);
    let delivery = proposals::delivery(ctx, scope.id);
    let funding = proposals::funding(ctx, scope.id);
    Headline {
        scope: ctx.scope_ref(scope),
        resolution_percent: delivery.resolution_percent,
        satisfaction_percent: delivery.ratings.satisfaction_percent,
        participation_percent: part.percent,
        funds_pledged_fen: funding
            .pledged_residents_fen
            .saturating_add(funding.pledged_organisations_fen),
        proposals_submitted: props.submitted,
    }
}

fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (n, sum) = values
        .flatten()
        .fold((0u32, 0.0), |(n, s), v| (n + 1, s + v));
    (n > 0).then(|| crate::score::round1(sum / f64::from(n)))
}

/// Means over `peers` (each figure over the peers that have it).
pub fn peers_mean(peers: &[Headline]) -> HeadlineMean {
    let n = peers.len() as i64;
    HeadlineMean {
        scopes: peers.len() as u64,
        resolution_percent: mean(peers.iter().map(|h| h.resolution_percent)),
        satisfaction_percent: mean(peers.iter().map(|h| h.satisfaction_percent)),
        participation_percent: mean(peers.iter().map(|h| h.participation_percent)),
        funds_pledged_fen: (n > 0).then(|| {
            peers
                .iter()
                .fold(0i64, |s, h| s.saturating_add(h.funds_pledged_fen))
                / n
        }),
    }
}

/// Every indicator of `scope_id` over `ctx.period`, or `None` for an
/// unknown scope. `computed_at` is stamped on the answer.
pub fn compute(ctx: &Ctx, scope_id: Id, computed_at: Millis) -> Option<IndicatorsView> {
    let scope = ctx.tree.get(scope_id)?;
    let own = headline(ctx, scope);
    let (parent, siblings, peers_mean) = match scope.parent_id.and_then(|p| ctx.tree.get(p)) {
        None => (None, Vec::new(), peers_mean(std::slice::from_ref(&own))),
        Some(parent) => {
            let peers: Vec<Headline> = ctx
                .tree
                .children(parent.id)
                .into_iter()
                .map(|c| {
                    if c.id == scope_id {
                        own.clone()
                    } else {
                        headline(ctx, c)
                    }
                })
                .collect();
            let mean = peers_mean(&peers);
            let siblings = peers
                .into_iter()
                .filter(|h| h.scope.id != scope_id)
                .collect();
            (Some(headline(ctx, parent)), siblings, mean)
        }
    };
    Some(IndicatorsView {
        scope: ctx.scope_ref(scope),
        period: PeriodView {
            label: ctx.period.label.clone(),
            start: ctx.period.start_ms(),
            end: ctx.period.end_ms(),
        },
        computed_at,
        households: ctx.households_of(scope_id),
        headline: own,
        participation: participation::participation(ctx, scope_id),
        proposals: proposals::proposals(ctx, scope_id),
        delivery: proposals::delivery(ctx, scope_id),
        funding: proposals::funding(ctx, scope_id),
        conventions: participation::conventions(ctx, scope_id),
        monthly: trend::monthly(ctx, scope_id),
        compare: Comparison {
            parent,
            siblings,
            peers_mean,
        },
    })
}
