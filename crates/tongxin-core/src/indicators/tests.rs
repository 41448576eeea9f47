//! Indicators on small hand-made histories, and a property test that the
//! per-unit figures add up to the scope's.

use proptest::prelude::*;

use super::facts::*;
use super::period::{DAY_MS, DEFAULT_OFFSET_MINUTES, Period, days_from_civil};
use super::*;
use crate::proposal::funding::PledgeSource;
use crate::proposal::{ProposalStatus, Step};
use crate::scope::{Scope, ScopeLevel};

const COMMUNITY: Id = Id::int(3);
const G1: Id = Id::int(4);
const G2: Id = Id::int(5);
const B1: Id = Id::int(6);
const B2: Id = Id::int(7);
const B3: Id = Id::int(8);
const SIBLING: Id = Id::int(9);

fn scope(id: Id, parent: Option<Id>, level: ScopeLevel, households: Option<u32>) -> Scope {
    Scope {
        id,
        parent_id: parent,
        level,
        name: format!("s{id}"),
        name_en: None,
        households,
    }
}

/// District 1 → street 2 → community 3 (groups 4, 5; buildings 6, 7 in
/// 4 and 8 in 5) and community 9.
fn tree() -> Vec<Scope> {
    use ScopeLevel::*;
    vec![
        scope(Id::from(1), None, District, None),
        scope(Id::from(2), Some(Id::from(1)), Street, None),
        scope(COMMUNITY, Some(Id::from(2)), Community, None),
        scope(G1, Some(COMMUNITY), Group, None),
        scope(G2, Some(COMMUNITY), Group, None),
        scope(B1, Some(G1), Building, Some(40)),
        scope(B2, Some(G1), Building, Some(60)),
        scope(B3, Some(G2), Building, Some(100)),
        scope(SIBLING, Some(Id::from(2)), Community, Some(50)),
    ]
}

/// Local noon of a 2026 date (Kunming), in UTC ms.
fn at(m: u32, d: u32) -> i64 {
    days_from_civil(2026, m, d) * DAY_MS + 4 * 3_600_000
}

fn day(m: u32, d: u32) -> i64 {
    days_from_civil(2026, m, d)
}

fn year() -> Period {
    Period::parse("2026", 0, DEFAULT_OFFSET_MINUTES).unwrap()
}

fn poll(id: Id, scope_id: Id, opened_at: i64, participants: u64) -> PollFact {
    PollFact {
        id,
        scope_id,
        title: format!("poll {id}"),
        opened_at,
        participants,
    }
}

fn proposal(id: Id, scope_id: Id, created_at: i64) -> ProposalFact {
    ProposalFact {
        id,
        scope_id,
        title: format!("p{id}"),
        created_at,
        status: ProposalStatus::Active,
        supports: 0,
        support_threshold: 10,
        adopted_at: None,
        delivered_at: None,
        funding_goal_fen: 0,
        steps: Vec::new(),
        money: Vec::new(),
        ratings: Vec::new(),
    }
}

fn enter(p: &mut ProposalFact, from: Step, step: Step, status: ProposalStatus, t: i64) {
    p.steps.push(StepEntry {
        step,
        status,
        from,
        at: t,
    });
}

fn compute_for(facts: &Facts, scope: Id, period: Period) -> IndicatorsView {
    compute(&Ctx::new(facts, period), scope, 42).unwrap()
}

#[test]
fn participation_counts_ballots_and_signatures_against_households_invited() {
    let facts = Facts {
        scopes: tree(),
        polls: vec![
            poll(Id::from(1), COMMUNITY, at(3, 1), 120), // whole community: 200 households
            poll(Id::from(2), B1, at(4, 1), 30),         // building 6: 40 households
            poll(Id::from(3), COMMUNITY, at(1, 1) - 365 * DAY_MS, 99), // last year: out
        ],
        budgets: Vec::new(),
        conventions: vec![ConventionFact {
            id: Id::from(1),
            scope_id: COMMUNITY,
            title: "公约".into(),
            signatures: vec![
                DayCount {
                    unit_id: B3,
                    day: day(5, 1),
                    count: 50,
                },
                DayCount {
                    unit_id: B2,
                    day: day(5, 2),
                    count: 10,
                },
                DayCount {
                    unit_id: COMMUNITY,
                    day: day(5, 3),
                    count: 2,
                },
                DayCount {
                    unit_id: B3,
                    day: day(1, 1) - 1,
                    count: 7,
                }, // 2025
            ],
        }],
        proposals: vec![],
    };
    let v = compute_for(&facts, COMMUNITY, year());
    let p = &v.participation;
    assert_eq!(p.participations, 120 + 30 + 62);
    assert_eq!(p.households_invited, 200 + 40 + 200);
    assert_eq!(p.percent, Some(48.2));
    assert_eq!(v.households, Some(200));
    // Group 1 (buildings 6, 7): poll 2 (30) + 10 signatures; invited 100 + 40 + 100.
    let g1 = &p.by_unit[0];
    assert_eq!(
        (g1.unit.id, g1.participations, g1.households_invited),
        (G1, 40, 240)
    );
    let g2 = &p.by_unit[1];
    assert_eq!(
        (g2.unit.id, g2.participations, g2.households_invited),
        (G2, 50, 200)
    );
    assert_eq!(p.unattributed, 120 + 2);
    assert_eq!(p.items.len(), 3);
    assert_eq!(p.items[1].percent, Some(75.0));
    let c = &v.conventions[0];
    assert_eq!(
        (c.signatures, c.households, c.percent),
        (62, Some(200), Some(31.0))
    );
    assert_eq!(v.monthly[4].participations, 62);
    assert_eq!(v.monthly[2].participations, 120);
}

#[test]
fn no_households_recorded_gives_no_rate_not_a_division_by_zero() {
    let mut scopes = tree();
    for s in &mut scopes {
        s.households = None;
    }
    let facts = Facts {
        scopes,
        polls: vec![poll(Id::from(1), COMMUNITY, at(3, 1), 12)],
        ..Facts::default()
    };
    let v = compute_for(&facts, COMMUNITY, year());
    assert_eq!(v.households, None);
    assert_eq!(v.participation.participations, 12);
    assert_eq!(v.participation.percent, None);
    assert_eq!(v.headline.participation_percent, None);
    assert!(v.participation.by_unit.iter().all(|u| u.percent.is_none()));
}

#[test]
fn zero_proposals_give_zero_counts_and_no_rates() {
    let facts = Facts {
        scopes: tree(),
        ..Facts::default()
    };
    let v = compute_for(&facts, COMMUNITY, year());
    assert_eq!(v.proposals.submitted, 0);
    assert!(v.proposals.funnel.iter().all(|s| s.count == 0));
    assert_eq!(v.proposals.adoption_percent, None);
    assert_eq!(v.proposals.median_days_to_resolution, None);
    assert_eq!(v.delivery.resolution_percent, None);
    assert_eq!(v.delivery.ratings.satisfaction_percent, None);
    assert_eq!(v.funding.resident_cofunded_percent, None);
    assert_eq!(v.monthly.len(), 12);
    assert!(compute(&Ctx::new(&facts, year()), Id::from(999), 0).is_none());
}

/// A proposal walked through all five steps, one withdrawn mid-way, one
/// refused at 决议, one still gathering supports.
fn histories() -> Facts {
    use ProposalStatus::*;
    use Step::*;
    let mut done = proposal(Id::from(1), B1, at(1, 10));
    done.supports = 12;
    done.funding_goal_fen = 1_000_000;
    enter(&mut done, Propose, Deliberate, Active, at(2, 1));
    enter(&mut done, Deliberate, Consult, Active, at(2, 20));
    enter(&mut done, Consult, Resolve, Active, at(3, 11)); // 60 days
    done.adopted_at = Some(at(3, 20));
    done.delivered_at = Some(at(6, 8)); // 149 days
    enter(&mut done, Resolve, Evaluate, Active, at(6, 9));
    done.money = vec![
        MoneyDay {
            kind: MoneyKind::Pledged(PledgeSource::Resident),
            day: day(2, 2),
            fen: 300_000,
        },
        MoneyDay {
            kind: MoneyKind::Pledged(PledgeSource::Organisation),
            day: day(2, 3),
            fen: 500_000,
        },
        MoneyDay {
            kind: MoneyKind::Received,
            day: day(3, 1),
            fen: 800_000,
        },
        MoneyDay {
            kind: MoneyKind::Spent,
            day: day(5, 1),
            fen: 700_000,
        },
    ];
    done.ratings = vec![
        RatingDay {
            day: day(7, 1),
            score: 5,
            count: 6,
        },
        RatingDay {
            day: day(7, 2),
            score: 4,
            count: 2,
        },
        RatingDay {
            day: day(7, 3),
            score: 2,
            count: 2,
        },
        RatingDay {
            day: days_from_civil(2027, 1, 5),
            score: 1,
            count: 9,
        }, // after the period
    ];
    let mut withdrawn = proposal(Id::from(2), G2, at(4, 1));
    withdrawn.supports = 10;
    withdrawn.funding_goal_fen = 200_000;
    enter(&mut withdrawn, Propose, Deliberate, Active, at(4, 15));
    enter(&mut withdrawn, Deliberate, Deliberate, Withdrawn, at(5, 1));
    withdrawn.money = vec![MoneyDay {
        kind: MoneyKind::Pledged(PledgeSource::Organisation),
        day: day(4, 20),
        fen: 50_000,
    }];
    let mut refused = proposal(Id::from(3), COMMUNITY, at(2, 1));
    refused.supports = 30;
    enter(&mut refused, Propose, Deliberate, Active, at(2, 10));
    enter(&mut refused, Deliberate, Consult, Active, at(3, 1));
    enter(&mut refused, Consult, Resolve, Active, at(4, 2)); // 60 days
    enter(&mut refused, Resolve, Resolve, Rejected, at(4, 30));
    let waiting = proposal(Id::from(4), B3, at(11, 1));
    let sibling = proposal(Id::from(5), SIBLING, at(3, 3));
    Facts {
        scopes: tree(),
        proposals: vec![done, withdrawn, refused, waiting, sibling],
        ..Facts::default()
    }
}

#[test]
fn proposals_funnel_adoption_and_medians() {
    let v = compute_for(&histories(), COMMUNITY, year());
    let p = &v.proposals;
    assert_eq!(p.submitted, 4);
    let funnel: Vec<u64> = p.funnel.iter().map(|s| s.count).collect();
    assert_eq!(funnel, [4, 3, 2, 2, 1]);
    assert_eq!((p.withdrawn, p.rejected, p.merged), (1, 1, 0));
    assert_eq!(p.reached_threshold, 3);
    assert_eq!(p.reached_threshold_percent, Some(75.0));
    assert_eq!(
        (p.decided, p.adopted, p.adoption_percent),
        (2, 1, Some(50.0))
    );
    assert_eq!(p.median_days_to_resolution, Some(60.0));
    assert_eq!(p.median_days_to_delivery, Some(149.0));
}

#[test]
fn a_proposal_withdrawn_mid_way_stops_in_the_funnel_where_it_was() {
    // Seen in April only: it entered 合议 then; its withdrawal in May is later.
    let april = Period::parse("2026-04", 0, DEFAULT_OFFSET_MINUTES).unwrap();
    let v = compute_for(&histories(), COMMUNITY, april);
    assert_eq!(v.proposals.submitted, 1);
    assert_eq!(v.proposals.withdrawn, 0);
    assert_eq!(v.proposals.funnel[1].count, 1);
    let year = compute_for(&histories(), COMMUNITY, year());
    assert_eq!(year.proposals.withdrawn, 1);
    assert_eq!(
        year.proposals.funnel[2].count, 2,
        "the withdrawn one never reached 群议"
    );
}

#[test]
fn delivery_satisfaction_and_ratings_after_the_period() {
    let v = compute_for(&histories(), COMMUNITY, year());
    let d = &v.delivery;
    assert_eq!(
        (d.adopted, d.delivered, d.resolution_percent),
        (1, 1, Some(100.0))
    );
    assert_eq!(d.ratings.count, 10, "the 2027 ratings belong to 2027");
    assert_eq!(d.ratings.satisfaction_percent, Some(80.0));
    assert_eq!(d.ratings.mean, Some(4.2));
    // Adopted in March, delivered in June: in Q1 adopted but not delivered.
    let q1 = Period::parse("2026-Q1", 0, DEFAULT_OFFSET_MINUTES).unwrap();
    let v = compute_for(&histories(), COMMUNITY, q1);
    assert_eq!((v.delivery.adopted, v.delivery.delivered), (1, 0));
    assert_eq!(v.delivery.resolution_percent, Some(0.0));
    let next = Period::parse("2027", 0, DEFAULT_OFFSET_MINUTES).unwrap();
    let v = compute_for(&histories(), COMMUNITY, next);
    assert_eq!(v.delivery.ratings.count, 9);
    assert_eq!(v.delivery.ratings.satisfaction_percent, Some(0.0));
}

#[test]
fn co_funding_by_source_ledger_and_remaining() {
    let v = compute_for(&histories(), COMMUNITY, year());
    let f = &v.funding;
    assert_eq!(f.pledged_residents_fen, 300_000);
    assert_eq!(f.pledged_organisations_fen, 550_000);
    assert_eq!((f.received_fen, f.spent_fen), (800_000, 700_000));
    assert_eq!(f.remaining_fen, 200_000 + 150_000);
    assert_eq!((f.cofunded_projects, f.resident_cofunded_projects), (2, 1));
    assert_eq!(f.resident_cofunded_percent, Some(50.0));
    assert_eq!(v.headline.funds_pledged_fen, 850_000);
    assert_eq!(v.monthly[1].pledged_fen, 800_000);
}

#[test]
fn a_scope_is_compared_with_its_parent_and_siblings() {
    let v = compute_for(&histories(), COMMUNITY, year());
    let c = &v.compare;
    let parent = c.parent.as_ref().unwrap();
    assert_eq!(parent.scope.id, Id::from(2));
    assert_eq!(parent.proposals_submitted, 5);
    assert_eq!(c.siblings.len(), 1);
    assert_eq!(c.siblings[0].scope.id, SIBLING);
    assert_eq!(c.siblings[0].proposals_submitted, 1);
    assert_eq!(c.peers_mean.scopes, 2);
    // Only this community has a resolution rate: the mean is its own.
    assert_eq!(c.peers_mean.resolution_percent, Some(100.0));
    assert_eq!(c.peers_mean.funds_pledged_fen, Some(425_000));
    let district = compute_for(&histories(), Id::from(1), year());
    assert!(district.compare.parent.is_none());
    assert_eq!(district.compare.peers_mean.scopes, 1);
}

#[test]
fn csv_rows_carry_the_json_figures() {
    let v = compute_for(&histories(), COMMUNITY, year());
    let csv = csv::to_csv(&v);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(csv::HEADER));
    let find = |section: &str, key: &str, month: &str| -> String {
        csv.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|c| c[0] == section && c[1] == key && c[6] == month)
            .map(|c| c[7].to_string())
            .unwrap()
    };
    assert_eq!(find("headline", "resolution_percent", ""), "100");
    assert_eq!(find("headline", "participation_percent", ""), "");
    assert_eq!(find("funnel", "evaluate", ""), "1");
    assert_eq!(find("monthly", "pledged_fen", "2026-02"), "800000");
}

fn arb_facts() -> impl Strategy<Value = Facts> {
    let buildings = [B1, B2, B3];
    let places = [COMMUNITY, G1, G2, B1, B2, B3, SIBLING];
    (
        proptest::collection::vec(proptest::option::of(0u32..500), 3),
        proptest::collection::vec((0usize..7, 0i64..400, 0u64..300), 0..8),
        proptest::collection::vec(
            (
                0usize..7,
                proptest::collection::vec((0usize..7, 0i64..400, 1u64..50), 0..10),
            ),
            0..4,
        ),
    )
        .prop_map(move |(hh, polls, conventions)| {
            let mut scopes = tree();
            for (s, h) in scopes
                .iter_mut()
                .filter(|s| buildings.contains(&s.id))
                .zip(hh)
            {
                s.households = h;
            }
            let start = days_from_civil(2026, 1, 1) - 20;
            Facts {
                scopes,
                polls: polls
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, d, n))| {
                        poll(Id::from(i as i64), places[s], (start + d) * DAY_MS, n)
                    })
                    .collect(),
                budgets: Vec::new(),
                conventions: conventions
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, sigs))| ConventionFact {
                        id: Id::from(i as i64),
                        scope_id: places[s],
                        title: String::new(),
                        signatures: sigs
                            .into_iter()
                            .map(|(u, d, n)| DayCount {
                                unit_id: places[u],
                                day: start + d,
                                count: n,
                            })
                            .collect(),
                    })
                    .collect(),
                proposals: Vec::new(),
            }
        })
}

proptest! {
    #[test]
    fn per_unit_figures_add_up_to_the_scope(facts in arb_facts(), scope in prop::sample::select(vec![Id::int(2), COMMUNITY, G1, G2])) {
        let v = compute_for(&facts, scope, year());
        let p = &v.participation;
        let rows: u64 = p.by_unit.iter().map(|u| u.participations).sum();
        prop_assert_eq!(rows + p.unattributed, p.participations);
        let invited: u64 = p.by_unit.iter().map(|u| u.households_invited).sum();
        prop_assert_eq!(invited, p.households_invited);
        let monthly: u64 = v.monthly.iter().map(|m| m.participations).sum();
        prop_assert_eq!(monthly, p.participations);
        for c in &v.conventions {
            let rows: u64 = c.by_unit.iter().map(|u| u.participations).sum();
            prop_assert!(rows <= c.signatures);
        }
    }
}

#[test]
fn a_budget_round_counts_in_participation_like_a_poll() {
    let facts = Facts {
        scopes: tree(),
        polls: vec![poll(Id::from(1), COMMUNITY, at(3, 1), 20)],
        budgets: vec![poll(Id::from(1), COMMUNITY, at(4, 1), 50)],
        ..Facts::default()
    };
    let v = compute_for(&facts, COMMUNITY, year());
    assert_eq!(v.participation.participations, 70);
    let kinds: Vec<&str> = v
        .participation
        .items
        .iter()
        .map(|i| i.kind.as_str())
        .collect();
    assert_eq!(kinds, vec!["poll", "budget"]);
}
