//! Proposals through the five steps, their delivery and satisfaction, and
//! their co-funding. A proposal belongs to the scope it serves.
//!
//! *Definitions.*
//! * **submitted**: proposals whose 提议 (submission) falls in the period.
//!   Of those, the **funnel** counts how many entered each step by the
//!   period's end; withdrawn / rejected / merged count where their status
//!   changed by then; **reached threshold**: supports ≥ the threshold.
//! * **decided**: 决议 outcomes in the period — adopted, or refused (a
//!   rejection while in 决议); **adoption %** = adopted / decided.
//! * **median days** from 提议 to entering 决议 (for those entering it in
//!   the period) and to delivery (for those delivered in it).
//! * **resolution %** ("办结率") = of proposals adopted in the period, those
//!   delivered by its end.
//! * **satisfaction %**: 评议 ratings given in the period, 4–5 of 5 (the
//!   same rule as satisfaction polls, `score.rs`). Ratings after the period
//!   count in the next one.
//! * **co-funding**: money pledged (by residents / organisations),
//!   received and spent in the period; **remaining** = what is still to
//!   pledge, at the period's end, on the projects pledged to in it.

use crate::Id;
use crate::proposal::funding::PledgeSource;
use crate::proposal::{ProposalStatus, Step};
use crate::score::{ScoreDistribution, round1};

use super::facts::{MoneyKind, ProposalFact};
use super::period::DAY_MS;
use super::view::{Delivery, Funding, ProposalFigures, StepCount};
use super::{Ctx, rate};

fn in_scope<'a>(ctx: &'a Ctx, scope: Id) -> impl Iterator<Item = &'a ProposalFact> + 'a {
    ctx.facts
        .proposals
        .iter()
        .filter(move |p| ctx.tree.is_within(p.scope_id, scope))
}

/// The median of `days`, rounded to 0.1; `None` when empty.
pub fn median(mut days: Vec<f64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_by(f64::total_cmp);
    let n = days.len();
    let m = if n % 2 == 1 {
        days[n / 2]
    } else {
        (days[n / 2 - 1] + days[n / 2]) / 2.0
    };
    Some(round1(m))
}

fn days_between(from: i64, to: i64) -> f64 {
    (to - from) as f64 / DAY_MS as f64
}

/// The status `p` had at the period's end.
fn status_by_end(ctx: &Ctx, p: &ProposalFact) -> ProposalStatus {
    p.steps
        .iter()
        .filter(|e| ctx.period.by_end(e.at))
        .map(|e| e.status)
        .next_back()
        .unwrap_or(ProposalStatus::Active)
}

/// Proposal figures of `scope` (see the module docs).
pub fn proposals(ctx: &Ctx, scope: Id) -> ProposalFigures {
    let submitted: Vec<&ProposalFact> = in_scope(ctx, scope)
        .filter(|p| ctx.period.contains(p.created_at))
        .collect();
    let funnel = Step::ALL
        .iter()
        .map(|&step| StepCount {
            step,
            count: submitted
                .iter()
                .filter(|p| p.entered(step).is_some_and(|t| ctx.period.by_end(t)))
                .count() as u64,
        })
        .collect();
    let with_status = |s: ProposalStatus| {
        submitted
            .iter()
            .filter(|p| status_by_end(ctx, p) == s)
            .count() as u64
    };
    let reached = submitted
        .iter()
        .filter(|p| p.supports >= p.support_threshold)
        .count() as u64;
    let adopted = in_scope(ctx, scope)
        .filter(|p| p.adopted_at.is_some_and(|t| ctx.period.contains(t)))
        .count() as u64;
    let refused = in_scope(ctx, scope)
        .filter(|p| p.refused_at().is_some_and(|t| ctx.period.contains(t)))
        .count() as u64;
    let to_resolution = in_scope(ctx, scope)
        .filter_map(|p| {
            let t = p.entered(Step::Resolve)?;
            ctx.period
                .contains(t)
                .then(|| days_between(p.created_at, t))
        })
        .collect();
    let to_delivery = in_scope(ctx, scope)
        .filter_map(|p| {
            let t = p.delivered_at?;
            ctx.period
                .contains(t)
                .then(|| days_between(p.created_at, t))
        })
        .collect();
    let n = submitted.len() as u64;
    ProposalFigures {
        submitted: n,
        funnel,
        withdrawn: with_status(ProposalStatus::Withdrawn),
        rejected: with_status(ProposalStatus::Rejected),
        merged: with_status(ProposalStatus::Merged),
        reached_threshold: reached,
        reached_threshold_percent: rate(reached, n),
        decided: adopted + refused,
        adopted,
        adoption_percent: rate(adopted, adopted + refused),
        median_days_to_resolution: median(to_resolution),
        median_days_to_delivery: median(to_delivery),
    }
}

/// Delivery and 评议 satisfaction of `scope`.
pub fn delivery(ctx: &Ctx, scope: Id) -> Delivery {
    let cohort: Vec<&ProposalFact> = in_scope(ctx, scope)
        .filter(|p| p.adopted_at.is_some_and(|t| ctx.period.contains(t)))
        .collect();
    let delivered = cohort
        .iter()
        .filter(|p| p.delivered_at.is_some_and(|t| ctx.period.by_end(t)))
        .count() as u64;
    let mut ratings = ScoreDistribution::default();
    for r in in_scope(ctx, scope).flat_map(|p| &p.ratings) {
        if ctx.period.contains_day(r.day) && (1..=5).contains(&r.score) {
            ratings.0[usize::from(r.score - 1)] += r.count;
        }
    }
    let adopted = cohort.len() as u64;
    Delivery {
        adopted,
        delivered,
        resolution_percent: rate(delivered, adopted),
        ratings: ratings.summary(),
    }
}

/// Co-funding of `scope`. Sums saturate: a total never wraps.
pub fn funding(ctx: &Ctx, scope: Id) -> Funding {
    let mut f = Funding {
        pledged_residents_fen: 0,
        pledged_organisations_fen: 0,
        received_fen: 0,
        spent_fen: 0,
        remaining_fen: 0,
        cofunded_projects: 0,
        resident_cofunded_projects: 0,
        resident_cofunded_percent: None,
    };
    for p in in_scope(ctx, scope) {
        let (mut pledged_here, mut by_residents, mut pledged_by_end) = (0i64, false, 0i64);
        for m in &p.money {
            let inside = ctx.period.contains_day(m.day);
            match m.kind {
                MoneyKind::Pledged(source) => {
                    if m.day < ctx.period.end_day {
                        pledged_by_end = pledged_by_end.saturating_add(m.fen);
                    }
                    if inside {
                        pledged_here = pledged_here.saturating_add(m.fen);
                        let slot = match source {
                            PledgeSource::Resident => {
                                by_residents = true;
                                &mut f.pledged_residents_fen
                            }
                            PledgeSource::Organisation => &mut f.pledged_organisations_fen,
                        };
                        *slot = slot.saturating_add(m.fen);
                    }
                }
                MoneyKind::Received if inside => {
                    f.received_fen = f.received_fen.saturating_add(m.fen);
                }
                MoneyKind::Spent if inside => f.spent_fen = f.spent_fen.saturating_add(m.fen),
                _ => {}
            }
        }
        if p.funding_goal_fen > 0 && pledged_here > 0 {
            f.cofunded_projects += 1;
            f.resident_cofunded_projects += u64::from(by_residents);
            f.remaining_fen = f
                .remaining_fen
                .saturating_add((p.funding_goal_fen - pledged_by_end).max(0));
        }
    }
    f.resident_cofunded_percent = rate(f.resident_cofunded_projects, f.cofunded_projects);
    f
}
