//! Budget rounds: ballot rules, both counting methods on hand-worked
//! examples, and properties that must hold for any profile.

use proptest::prelude::*;

use super::count::{self, Bought, Candidate, Profile};
use super::*;
use crate::poll::ResultVisibility;

fn project(title: &str, cost_fen: i64) -> ProjectDraft {
    ProjectDraft {
        proposal_id: None,
        title: title.into(),
        summary: String::new(),
        cost_fen,
        cost_note: None,
    }
}

fn draft(fund_fen: i64, costs: &[i64], rule: BallotRule) -> BudgetDraft {
    BudgetDraft {
        scope_id: Id::from(1),
        title: "2026 年度惠民资金".into(),
        description: String::new(),
        fund_fen,
        projects: costs
            .iter()
            .enumerate()
            .map(|(i, c)| project(&format!("P{i}"), *c))
            .collect(),
        rule,
        method: CountingMethod::Greedy,
        opens_at: None,
        closes_at: None,
        visibility: ResultVisibility::AfterClose,
        anonymous: false,
        allow_change: false,
        eligibility: crate::eligibility::Eligibility::Open,
    }
}

fn knapsack() -> BallotRule {
    BallotRule::Knapsack {
        min_projects: None,
        max_projects: None,
    }
}

fn ballot(ids: &[i64]) -> BudgetBallot {
    BudgetBallot {
        projects: ids.iter().map(|&i| Id::from(i)).collect(),
    }
}

fn units(n: usize, cost: i64) -> Vec<Candidate> {
    vec![Candidate { cost_fen: cost }; n]
}

fn funded(outcome: &count::Outcome) -> Vec<usize> {
    let mut v: Vec<usize> = outcome.funded.iter().map(|(c, _)| *c).collect();
    v.sort_unstable();
    v
}

#[test]
fn a_knapsack_ballot_must_fit_the_fund_and_the_counts() {
    let round = draft(100_000, &[60_000, 50_000, 30_000], knapsack()).into_round(Id::from(7), 0);
    assert_eq!(round.check_ballot(&ballot(&[3, 1])), Ok(vec![0, 2]));
    assert_eq!(
        round.check_ballot(&ballot(&[1, 2])),
        Err(BudgetBallotError::OverBudget {
            chosen_fen: 110_000,
            fund_fen: 100_000
        })
    );
    assert_eq!(
        round.check_ballot(&ballot(&[])),
        Err(BudgetBallotError::Empty)
    );
    assert_eq!(
        round.check_ballot(&ballot(&[1, 1])),
        Err(BudgetBallotError::DuplicateProject(Id::from(1)))
    );
    assert_eq!(
        round.check_ballot(&ballot(&[4])),
        Err(BudgetBallotError::UnknownProject(Id::from(4)))
    );
    let bounded = draft(
        200_000,
        &[60_000, 50_000, 30_000],
        BallotRule::Knapsack {
            min_projects: Some(2),
            max_projects: Some(2),
        },
    )
    .into_round(Id::from(7), 0);
    assert_eq!(
        bounded.check_ballot(&ballot(&[1])),
        Err(BudgetBallotError::TooFew { min: 2, got: 1 })
    );
    assert_eq!(
        bounded.check_ballot(&ballot(&[1, 2, 3])),
        Err(BudgetBallotError::TooMany { max: 2, got: 3 })
    );
    assert_eq!(bounded.check_ballot(&ballot(&[2, 3])), Ok(vec![1, 2]));
}

#[test]
fn an_addition_is_refused_only_for_the_rule_it_breaks() {
    let round = draft(
        100_000,
        &[60_000, 50_000, 30_000],
        BallotRule::Knapsack {
            min_projects: Some(2),
            max_projects: Some(2),
        },
    )
    .into_round(Id::from(7), 0);
    // One project is fewer than the least, but the ballot is being composed.
    assert_eq!(round.check_addition(&[], Id::from(1)), Ok(()));
    assert_eq!(round.check_addition(&[Id::from(1)], Id::from(3)), Ok(()));
    assert_eq!(
        round.check_addition(&[Id::from(1)], Id::from(2)),
        Err(BudgetBallotError::OverBudget {
            chosen_fen: 110_000,
            fund_fen: 100_000
        })
    );
    assert_eq!(
        round.check_addition(&[Id::from(2), Id::from(3)], Id::from(9)),
        Err(BudgetBallotError::UnknownProject(Id::from(9)))
    );
    let k = draft(10, &[100, 200, 300], BallotRule::KApproval { k: 1 }).into_round(Id::from(1), 0);
    assert_eq!(
        k.check_addition(&[Id::from(1)], Id::from(2)),
        Err(BudgetBallotError::TooMany { max: 1, got: 2 })
    );
    assert_eq!(
        round.cost_of(&[Id::from(1), Id::from(3), Id::from(9)]),
        90_000
    );
}

#[test]
fn a_k_approval_ballot_takes_at_most_k_whatever_they_cost() {
    let round =
        draft(10, &[100, 200, 300], BallotRule::KApproval { k: 2 }).into_round(Id::from(1), 0);
    assert_eq!(round.check_ballot(&ballot(&[1, 2])), Ok(vec![0, 1]));
    assert_eq!(
        round.check_ballot(&ballot(&[1, 2, 3])),
        Err(BudgetBallotError::TooMany { max: 2, got: 3 })
    );
    assert!(
        BudgetBallotError::OverBudget {
            chosen_fen: 1,
            fund_fen: 0
        }
        .code()
            == "over-budget"
    );
}

#[test]
fn drafts_refuse_what_a_round_cannot_be() {
    let mut d = draft(0, &[], BallotRule::KApproval { k: 0 });
    d.anonymous = true;
    d.allow_change = true;
    d.visibility = ResultVisibility::Always;
    let e = d.validate().unwrap_err();
    for field in [
        "fund_fen",
        "projects",
        "rule.k",
        "visibility",
        "allow_change",
    ] {
        assert!(e.0.contains_key(field), "{field}: {e:?}");
    }
    let mut twice = draft(100, &[10, 20], knapsack());
    twice.projects[0].proposal_id = Some(Id::from(3));
    twice.projects[1].proposal_id = Some(Id::from(3));
    twice.projects[1].cost_fen = -5;
    let e = twice.validate().unwrap_err();
    assert!(e.0.contains_key("projects[1].proposal_id"));
    assert!(e.0.contains_key("projects[1].cost_fen"));
    let too_dear = draft(
        100,
        &[80, 90],
        BallotRule::Knapsack {
            min_projects: Some(2),
            max_projects: None,
        },
    );
    assert!(
        too_dear
            .validate()
            .unwrap_err()
            .0
            .contains_key("rule.min_projects")
    );
    assert!(draft(100, &[80, 90], knapsack()).validate().is_ok());
}

/// The motivating example of equalshares.net and of the Method of Equal
/// Shares' Wikipedia article: 51 % of the voters approve ten "red"
/// projects, 49 % ten "blue" ones, and the fund pays for ten. Greedy (the
/// knapsack counting most cities use) funds the ten red ones; equal shares
/// funds five of each. Here: 100 voters, ¥1,000, every project ¥100.
#[test]
fn equal_shares_is_proportional_where_greedy_is_not() {
    let candidates = units(20, 10_000);
    let red: Vec<usize> = (0..10).collect();
    let blue: Vec<usize> = (10..20).collect();
    let profile: Profile = [(red, 51), (blue, 49)].into_iter().collect();
    let greedy = count::greedy(&candidates, &profile, 100_000);
    assert_eq!(funded(&greedy), (0..10).collect::<Vec<_>>());
    let mes = count::equal_shares(&candidates, &profile, 100_000);
    let chosen = funded(&mes);
    assert_eq!(chosen.iter().filter(|&&c| c < 10).count(), 5, "{chosen:?}");
    assert_eq!(chosen.iter().filter(|&&c| c >= 10).count(), 5, "{chosen:?}");
    // Worked by hand: at ¥10 a voter the blue side affords only four
    // (49 × ¥10 = ¥490); add1 raises every share to ¥11, where each side
    // affords five (¥561 and ¥539) and the ten fit the fund; at ¥12 red
    // would afford six and the outcome would not fit, so it stops at ¥11.
    assert_eq!(mes.share_fen, Some(1_100));
    // Red voters are more, so they pay less each: ¥100 / 51, rounded up.
    assert!(mes.funded.iter().any(|(c, how)| *c < 10
        && matches!(
            how,
            Bought::EqualShares {
                max_share_fen: 197,
                ..
            }
        )));
    assert_eq!(mes.spent(&candidates), 100_000);
}

/// Worked by hand: four voters, ¥300. A (¥200) and C (¥100) are approved by
/// voters 1–3, B (¥100) by voter 4 alone. Each voter holds ¥75: voter 4
/// cannot pay for B; A and C both have an effective vote count of 3, and
/// the tie goes to the cheaper C (each of its voters pays ¥33.34). Then A
/// is out of reach (3 × ¥41.66 < ¥200) until the share reaches ¥100, where
/// the outcome C, A, B would cost ¥400 > ¥300, so add1 stops at C; the
/// greedy filling then adds A with the ¥200 left. B is not funded.
#[test]
fn equal_shares_completes_by_add1_then_fills_greedily() {
    let candidates = vec![
        Candidate { cost_fen: 20_000 },
        Candidate { cost_fen: 10_000 },
        Candidate { cost_fen: 10_000 },
    ];
    let profile: Profile = [(vec![0, 2], 3), (vec![1], 1)].into_iter().collect();
    let mes = count::equal_shares(&candidates, &profile, 30_000);
    assert_eq!(
        mes.funded,
        vec![
            (
                2,
                Bought::EqualShares {
                    round: 1,
                    max_share_fen: 3_334
                }
            ),
            (0, Bought::Greedy)
        ]
    );
    assert_eq!(mes.share_fen, Some(9_900));
}

#[test]
fn greedy_breaks_ties_by_cost_then_ballot_order_and_skips_what_does_not_fit() {
    let candidates = vec![
        Candidate { cost_fen: 500 },
        Candidate { cost_fen: 300 },
        Candidate { cost_fen: 300 },
        Candidate { cost_fen: 100 },
    ];
    let profile: Profile = [(vec![0, 1, 2], 2), (vec![3], 1)].into_iter().collect();
    // 0, 1, 2 have two approvals: 1 and 2 (cheaper) first, in ballot
    // order; 0 no longer fits ¥7; 3 does.
    let out = count::greedy(&candidates, &profile, 700);
    assert_eq!(
        out.funded.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn results_draw_the_funded_line_and_honour_an_override() {
    let mut round =
        draft(100_000, &[60_000, 50_000, 30_000], knapsack()).into_round(Id::from(1), 0);
    let mut tally = BudgetTally::default();
    for (b, n) in [(&[0usize][..], 5), (&[1, 2][..], 4), (&[2][..], 2)] {
        for _ in 0..n {
            tally.add(b);
        }
    }
    assert!(tally.remove(&[2]));
    assert!(!tally.remove(&[0, 1]));
    let r = round.results(&tally);
    assert_eq!(r.ballots, 10);
    let order: Vec<(i64, bool)> = r
        .projects
        .iter()
        .map(|p| (p.project_id.as_i64().unwrap(), p.funded))
        .collect();
    // Approvals: P1 5, P2 4, P3 5 → P3 (cheaper) and P1 fit (¥900); P2 not.
    assert_eq!(order, vec![(3, true), (1, true), (2, false)]);
    assert_eq!((r.spent_fen, r.leftover_fen), (90_000, 10_000));
    round.override_winners = Some(Override {
        funded: vec![Id::from(2), Id::from(3)],
        reason: "P1's site is not available this year".into(),
        by: "staff".into(),
        at: 1,
    });
    let r = round.results(&tally);
    let funded: Vec<i64> = r
        .projects
        .iter()
        .filter(|p| p.funded)
        .map(|p| p.project_id.as_i64().unwrap())
        .collect();
    assert_eq!(funded, vec![3, 2]);
    assert!(r.projects.iter().any(|p| !p.funded && p.computed));
    assert_eq!(r.spent_fen, 80_000);
}

#[test]
fn pabulib_lists_votes_without_voters() {
    let round = draft(100_050, &[60_000, 40_000], knapsack()).into_round(Id::from(9), 0);
    let mut tally = BudgetTally::default();
    tally.add(&[0]);
    tally.add(&[0, 1]);
    tally.add(&[0]);
    let pb = round.pabulib(&tally, &round.results(&tally));
    assert!(pb.starts_with("META\nkey;value\n"));
    assert!(pb.contains("budget;1000.50\n"));
    assert!(
        pb.contains("PROJECTS\nproject_id;cost;votes;name;selected\n1;600;3;P0;1\n2;400;1;P1;1\n")
    );
    assert!(pb.ends_with("VOTES\nvoter_id;vote\n1;1\n2;1\n3;1,2\n"));
}

fn profiles() -> impl Strategy<Value = (Vec<Candidate>, Profile, i64)> {
    (1usize..8).prop_flat_map(|n| {
        (
            prop::collection::vec(1i64..50, n),
            prop::collection::vec((prop::collection::btree_set(0..n, 1..=n), 1u64..6), 0..12),
            1i64..150,
        )
            .prop_map(|(costs, ballots, fund)| {
                let candidates = costs
                    .into_iter()
                    .map(|c| Candidate { cost_fen: c * 100 })
                    .collect();
                let mut profile = Profile::new();
                for (set, k) in ballots {
                    *profile.entry(set.into_iter().collect()).or_default() += k;
                }
                (candidates, profile, fund * 100)
            })
    })
}

proptest! {
    #[test]
    fn no_outcome_exceeds_the_fund((candidates, profile, fund) in profiles()) {
        for out in [count::greedy(&candidates, &profile, fund), count::equal_shares(&candidates, &profile, fund)] {
            prop_assert!(out.spent(&candidates) <= fund);
            let approvals = count::approvals(&candidates, &profile);
            prop_assert!(out.funded.iter().all(|(c, _)| approvals[*c] > 0));
        }
    }

    #[test]
    fn greedy_depends_on_the_ballots_not_their_order((candidates, profile, fund) in profiles()) {
        // The same ballots in another grouping order: a tally built
        // backwards gives the same profile, and the same outcome.
        let mut tally = BudgetTally::default();
        let mut again = BudgetTally::default();
        let ballots: Vec<&Vec<usize>> = profile.iter().flat_map(|(s, n)| std::iter::repeat_n(s, *n as usize)).collect();
        for b in &ballots { tally.add(b); }
        for b in ballots.iter().rev() { again.add(b); }
        prop_assert_eq!(&tally, &again);
        let a = count::greedy(&candidates, &tally.profile(), fund);
        prop_assert_eq!(&a, &count::greedy(&candidates, &again.profile(), fund));
        // Approval counts are all greedy needs.
        let counts = count::approvals(&candidates, &profile);
        prop_assert_eq!(a, count::greedy_by_approvals(&candidates, &counts, fund));
    }

    #[test]
    fn equal_shares_with_unit_costs_fills_k_places(
        ballots in prop::collection::vec(prop::collection::btree_set(0usize..8, 1..4), 1..30),
        k in 1usize..6,
    ) {
        let candidates = units(8, 100);
        let mut profile = Profile::new();
        for set in ballots {
            *profile.entry(set.into_iter().collect()).or_default() += 1;
        }
        let supported = count::approvals(&candidates, &profile).iter().filter(|&&a| a > 0).count();
        let out = count::equal_shares(&candidates, &profile, 100 * k as i64);
        prop_assert_eq!(out.funded.len(), k.min(supported));
    }
}

#[test]
fn absurd_amounts_are_refused_without_overflow() {
    let d = draft(
        i64::MAX,
        &[i64::MAX, i64::MAX],
        BallotRule::Knapsack {
            min_projects: Some(2),
            max_projects: None,
        },
    );
    let e = d.validate().unwrap_err();
    assert!(e.0.contains_key("fund_fen") && e.0.contains_key("projects[0].cost_fen"));
}
