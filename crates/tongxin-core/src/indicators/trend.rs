//! Month by month: the trend chart's figures. A poll's voters count in the
//! month it opened, a signature, proposal, delivery, pledge or rating in
//! the month it was made (local time; see `period.rs`).

use crate::Id;
use crate::proposal::funding::PledgeSource;

use super::Ctx;
use super::facts::MoneyKind;
use super::view::MonthPoint;

/// One point per month of the period, for `scope`.
pub fn monthly(ctx: &Ctx, scope: Id) -> Vec<MonthPoint> {
    let mut points: Vec<MonthPoint> = ctx
        .period
        .months()
        .into_iter()
        .map(|m| MonthPoint {
            month: m.label,
            participations: 0,
            proposals: 0,
            delivered: 0,
            pledged_fen: 0,
            ratings: 0,
        })
        .collect();
    let within = |s: Id| ctx.tree.is_within(s, scope);
    let at = |day: i64| -> Option<usize> { ctx.period.month_index(day) };
    let mut slot = |day: i64, f: &mut dyn FnMut(&mut MonthPoint)| {
        if let Some(p) = at(day).and_then(|i| points.get_mut(i)) {
            f(p);
        }
    };
    let votes = ctx.facts.polls.iter().chain(&ctx.facts.budgets);
    for p in votes.filter(|p| within(p.scope_id)) {
        slot(ctx.period.day(p.opened_at), &mut |m| {
            m.participations += p.participants;
        });
    }
    for c in ctx.facts.conventions.iter().filter(|c| within(c.scope_id)) {
        for s in &c.signatures {
            slot(s.day, &mut |m| m.participations += s.count);
        }
    }
    for p in ctx.facts.proposals.iter().filter(|p| within(p.scope_id)) {
        slot(ctx.period.day(p.created_at), &mut |m| m.proposals += 1);
        if let Some(t) = p.delivered_at {
            slot(ctx.period.day(t), &mut |m| m.delivered += 1);
        }
        for money in &p.money {
            if let MoneyKind::Pledged(PledgeSource::Resident | PledgeSource::Organisation) =
                money.kind
            {
                slot(money.day, &mut |m| {
                    m.pledged_fen = m.pledged_fen.saturating_add(money.fen);
                });
            }
        }
        for r in &p.ratings {
            slot(r.day, &mut |m| m.ratings += r.count);
        }
    }
    points
}
