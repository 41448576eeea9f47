//! Participation: who took part, against who could.
//!
//! *Definition.* An item is a poll or a budget round that opened in the
//! period, or a convention with signatures made in it, inside the scope.
//! Its **participations** are the poll's or round's distinct voters, or the convention's
//! active signatures made in the period; the **households it invited** are
//! the households of its scope. The scope's rate is the sum of
//! participations over the sum of households invited — a household asked
//! twice counts twice, as it could answer twice.
//!
//! *By unit* (one level down): a unit gets the participations of items
//! inside it and of signatures naming a building inside it, and the
//! households it was invited with (an item for the whole scope invites
//! every unit with its own households). Ballots of an item for the whole
//! scope belong to no single unit: they are `unattributed`, so rows plus
//! `unattributed` add up to the scope's figures.

use std::collections::BTreeMap;

use crate::Id;

use super::facts::ConventionFact;
use super::view::{ConventionFigures, ItemParticipation, Participation, UnitParticipation};
use super::{Ctx, rate};

/// Participations and invited households per unit (child of the scope).
#[derive(Default)]
struct Units {
    rows: BTreeMap<Id, (u64, u64)>,
    unattributed: u64,
}

impl Units {
    fn new(ctx: &Ctx, scope: Id) -> Self {
        Units {
            rows: ctx
                .tree
                .children(scope)
                .into_iter()
                .map(|c| (c.id, (0, 0)))
                .collect(),
            unattributed: 0,
        }
    }

    /// An item of `item_scope` invites the units it covers.
    fn invite(&mut self, ctx: &Ctx, scope: Id, item_scope: Id) {
        match ctx.tree.child_toward(item_scope, scope) {
            Some(child) => {
                if let Some(row) = self.rows.get_mut(&child) {
                    row.1 += ctx.households_of(item_scope).unwrap_or(0);
                }
            }
            None => {
                for (child, row) in self.rows.iter_mut() {
                    row.1 += ctx.households_of(*child).unwrap_or(0);
                }
            }
        }
    }

    /// `n` participations from `place` (an item's scope or a signer's unit).
    fn add(&mut self, ctx: &Ctx, scope: Id, place: Id, n: u64) {
        match ctx
            .tree
            .child_toward(place, scope)
            .and_then(|c| self.rows.get_mut(&c))
        {
            Some(row) => row.0 += n,
            None => self.unattributed += n,
        }
    }

    /// A convention invites its units; its signatures of the period count
    /// where the signers live.
    fn convention(&mut self, ctx: &Ctx, scope: Id, c: &ConventionFact) {
        self.invite(ctx, scope, c.scope_id);
        for s in c
            .signatures
            .iter()
            .filter(|s| ctx.period.contains_day(s.day))
        {
            self.add(ctx, scope, s.unit_id, s.count);
        }
    }

    fn rows(self, ctx: &Ctx) -> (Vec<UnitParticipation>, u64) {
        let rows = self
            .rows
            .into_iter()
            .filter_map(|(id, (p, h))| {
                Some(UnitParticipation {
                    unit: ctx.scope_ref(ctx.tree.get(id)?),
                    participations: p,
                    households_invited: h,
                    percent: rate(p, h),
                })
            })
            .collect();
        (rows, self.unattributed)
    }
}

/// Signatures of `c` made in the period.
fn signed_in_period(ctx: &Ctx, c: &ConventionFact) -> u64 {
    c.signatures
        .iter()
        .filter(|s| ctx.period.contains_day(s.day))
        .map(|s| s.count)
        .sum()
}

/// Participation in `scope` (see the module docs).
pub fn participation(ctx: &Ctx, scope: Id) -> Participation {
    let mut units = Units::new(ctx, scope);
    let mut items = Vec::new();
    let (mut total, mut invited) = (0u64, 0u64);
    let votes = ctx
        .facts
        .polls
        .iter()
        .map(|p| ("poll", p))
        .chain(ctx.facts.budgets.iter().map(|b| ("budget", b)));
    for (kind, p) in votes {
        if !ctx.tree.is_within(p.scope_id, scope) || !ctx.period.contains(p.opened_at) {
            continue;
        }
        let households = ctx.households_of(p.scope_id);
        units.invite(ctx, scope, p.scope_id);
        units.add(ctx, scope, p.scope_id, p.participants);
        total += p.participants;
        invited += households.unwrap_or(0);
        items.push(item(kind, p.id, &p.title, p.participants, households));
    }
    for c in &ctx.facts.conventions {
        let n = signed_in_period(ctx, c);
        if !ctx.tree.is_within(c.scope_id, scope) || n == 0 {
            continue;
        }
        let households = ctx.households_of(c.scope_id);
        units.convention(ctx, scope, c);
        total += n;
        invited += households.unwrap_or(0);
        items.push(item("convention", c.id, &c.title, n, households));
    }
    let (by_unit, unattributed) = units.rows(ctx);
    Participation {
        participations: total,
        households_invited: invited,
        percent: rate(total, invited),
        by_unit,
        unattributed,
        items,
    }
}

fn item(kind: &str, id: Id, title: &str, n: u64, households: Option<u64>) -> ItemParticipation {
    ItemParticipation {
        kind: kind.into(),
        id,
        title: title.into(),
        participations: n,
        households,
        percent: rate(n, households.unwrap_or(0)),
    }
}

/// Every convention inside `scope`, with its signatures made in the period
/// / its scope's households, by unit one level below `scope`.
pub fn conventions(ctx: &Ctx, scope: Id) -> Vec<ConventionFigures> {
    ctx.facts
        .conventions
        .iter()
        .filter(|c| ctx.tree.is_within(c.scope_id, scope))
        .map(|c| {
            let mut units = Units::new(ctx, scope);
            units.convention(ctx, scope, c);
            let n = signed_in_period(ctx, c);
            let households = ctx.households_of(c.scope_id);
            ConventionFigures {
                id: c.id,
                title: c.title.clone(),
                signatures: n,
                households,
                percent: rate(n, households.unwrap_or(0)),
                by_unit: units.rows(ctx).0,
            }
        })
        .collect()
}
