//! Governance indicators over HTTP: the endpoint's figures equal core's
//! computed from the raw rows of the database (not the store's SQL
//! aggregates), scope and period filters, CSV = JSON, snapshots and their
//! refresh, the per-indicator series, and refused input.

use std::collections::HashMap;

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};
use tongxin_core::Id;
use tongxin_core::convention::Convention;
use tongxin_core::indicators::facts::*;
use tongxin_core::indicators::period::local_day;
use tongxin_core::indicators::{self, Ctx, Period};
use tongxin_core::poll::Poll;
use tongxin_core::proposal::funding::PledgeSource;
use tongxin_core::proposal::{Proposal, TransitionRecord};
use tongxin_core::scope::{Scope, ScopeLevel};

const OFFSET: i32 = 480;

/// Facts read row by row from the file, counted here in Rust.
fn facts_from_rows(db: &std::path::Path) -> Facts {
    let rows = |sql: &str| crate::common::store::rows(db, sql, &[]);
    use crate::common::Cell as V;
    let int = |v: &V| v.int();
    let text = |v: &V| v.text();
    let scopes =
        rows("SELECT id, parent_id, level, name, name_en, households FROM scopes ORDER BY id")
            .iter()
            .map(|r| Scope {
                id: Id::from(int(&r[0])),
                parent_id: matches!(r[1], V::Int(_)).then(|| Id::from(int(&r[1]))),
                level: ScopeLevel::parse(&text(&r[2])).unwrap(),
                name: text(&r[3]),
                name_en: matches!(r[4], V::Text(_)).then(|| text(&r[4])),
                households: matches!(r[5], V::Int(_)).then(|| int(&r[5]) as u32),
            })
            .collect();
    let mut voters: HashMap<Id, u64> = HashMap::new();
    for r in rows("SELECT poll_id FROM participations UNION ALL SELECT poll_id FROM ballots") {
        *voters.entry(Id::from(int(&r[0]))).or_default() += 1;
    }
    let polls = rows("SELECT data FROM polls ORDER BY id")
        .iter()
        .map(|r| {
            let p: Poll = serde_json::from_str(&text(&r[0])).unwrap();
            PollFact {
                id: p.id,
                scope_id: p.scope_id,
                title: p.title,
                opened_at: p.opens_at.unwrap_or(p.created_at),
                participants: voters.get(&p.id).copied().unwrap_or(0),
            }
        })
        .collect();
    let mut budget_voters: HashMap<Id, u64> = HashMap::new();
    for r in rows(
        "SELECT budget_id FROM budget_participations UNION ALL SELECT budget_id FROM budget_ballots",
    ) {
        *budget_voters.entry(Id::from(int(&r[0]))).or_default() += 1;
    }
    let budgets = rows("SELECT data FROM budgets ORDER BY id")
        .iter()
        .map(|r| {
            let b: tongxin_core::budget::BudgetRound = serde_json::from_str(&text(&r[0])).unwrap();
            PollFact {
                id: b.id,
                scope_id: b.scope_id,
                title: b.title,
                opened_at: b.opens_at.unwrap_or(b.created_at),
                participants: budget_voters.get(&b.id).copied().unwrap_or(0),
            }
        })
        .collect();
    let day = |t: i64| local_day(t, OFFSET);
    let conventions = rows("SELECT data FROM conventions ORDER BY id")
        .iter()
        .map(|r| {
            let cv: Convention = serde_json::from_str(&text(&r[0])).unwrap();
            let signatures = rows(&format!(
                "SELECT unit_id, signed_at FROM signatures WHERE convention_id = {} AND withdrawn_at IS NULL",
                cv.id
            ))
            .iter()
            .map(|s| DayCount { unit_id: Id::from(int(&s[0])), day: day(int(&s[1])), count: 1 })
            .collect();
            ConventionFact { id: cv.id, scope_id: cv.scope_id, title: cv.title, signatures }
        })
        .collect();
    let proposals = rows("SELECT data FROM proposals ORDER BY id")
        .iter()
        .map(|r| {
            let p: Proposal = serde_json::from_str(&text(&r[0])).unwrap();
            let q = |sql: String| rows(&sql.replace("{id}", &p.id.to_string()));
            let steps =
                q("SELECT data FROM transitions WHERE proposal_id = {id} ORDER BY id".into())
                    .iter()
                    .map(|t| {
                        let t: TransitionRecord = serde_json::from_str(&text(&t[0])).unwrap();
                        StepEntry {
                            step: t.to_step,
                            status: t.status,
                            from: t.from_step,
                            at: t.at,
                        }
                    })
                    .collect();
            let mut money: Vec<MoneyDay> = q(
                "SELECT source, amount_fen, pledged_at FROM pledges WHERE proposal_id = {id}"
                    .into(),
            )
            .iter()
            .map(|m| MoneyDay {
                kind: MoneyKind::Pledged(if text(&m[0]) == "resident" {
                    PledgeSource::Resident
                } else {
                    PledgeSource::Organisation
                }),
                fen: int(&m[1]),
                day: day(int(&m[2])),
            })
            .collect();
            money.extend(
                q(
                    "SELECT kind, amount_fen, recorded_at FROM ledger WHERE proposal_id = {id}"
                        .into(),
                )
                .iter()
                .map(|m| MoneyDay {
                    kind: if text(&m[0]) == "received" {
                        MoneyKind::Received
                    } else {
                        MoneyKind::Spent
                    },
                    fen: int(&m[1]),
                    day: day(int(&m[2])),
                }),
            );
            let ratings =
                q("SELECT score, created_at FROM evaluations WHERE proposal_id = {id}".into())
                    .iter()
                    .map(|e| RatingDay {
                        day: day(int(&e[1])),
                        score: int(&e[0]) as u8,
                        count: 1,
                    })
                    .collect();
            ProposalFact {
                id: p.id,
                scope_id: p.scope_id,
                title: p.title,
                created_at: p.created_at,
                status: p.status,
                supports: p.supports,
                support_threshold: p.support_threshold,
                adopted_at: p.adopted_at,
                delivered_at: p.delivered_at,
                funding_goal_fen: p.funding_goal_fen,
                steps,
                money,
                ratings,
            }
        })
        .collect();
    Facts {
        scopes,
        polls,
        budgets,
        conventions,
        proposals,
    }
}

fn without_time(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("computed_at");
    v
}

/// The demo's community ids: 碧鸡社区 and 明通社区.
async fn communities(t: &TestServer) -> (i64, i64) {
    let scopes = t.get("/api/v1/scopes").await;
    let id = |name: &str| {
        scopes
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    (id("碧鸡社区"), id("明通社区"))
}

#[tokio::test]
async fn the_endpoint_equals_core_on_the_seeds_raw_rows() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let (bijie, mingtong) = communities(&t).await;
    let facts = facts_from_rows(&t.db);
    let scopes: Vec<i64> = facts.scopes.iter().filter_map(|s| s.id.as_i64()).collect();
    for period in ["12m", "2026", "2026-Q3", "2026-06"] {
        for scope in [bijie, mingtong, scopes[0], scopes[1]] {
            let got = t
                .get(&format!("/api/v1/indicators?scope={scope}&period={period}"))
                .await;
            let now = got["computed_at"].as_i64().unwrap();
            let p = Period::parse(period, now, OFFSET).unwrap();
            let want = indicators::compute(&Ctx::new(&facts, p), Id::from(scope), now).unwrap();
            assert_eq!(
                without_time(got),
                without_time(serde_json::to_value(&want).unwrap()),
                "scope {scope}, period {period}"
            );
        }
    }
    // The year of history makes the board meaningful.
    let v = t
        .get(&format!("/api/v1/indicators?scope={bijie}&period=12m"))
        .await;
    assert_eq!(v["households"], 580);
    assert!(
        v["participation"]["participations"].as_u64().unwrap() > 1000,
        "{}",
        v["participation"]
    );
    assert!(v["delivery"]["delivered"].as_u64().unwrap() >= 1);
    assert!(v["delivery"]["ratings"]["count"].as_u64().unwrap() >= 10);
    assert!(v["funding"]["pledged_residents_fen"].as_i64().unwrap() > 0);
    let months_with_activity = v["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["participations"].as_u64().unwrap() > 0)
        .count();
    assert!(months_with_activity >= 10, "{}", v["monthly"]);
    assert_eq!(v["compare"]["parent"]["scope"]["name"], "碧鸡街道");
    let m = t
        .get(&format!("/api/v1/indicators?scope={mingtong}&period=12m"))
        .await;
    assert_eq!(m["households"], 120);
    assert_ne!(m["headline"], v["headline"]);
}

#[tokio::test]
async fn filters_and_refused_queries() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let (bijie, _) = communities(&t).await;
    let year = t
        .get(&format!("/api/v1/indicators?scope={bijie}&period=2026"))
        .await;
    assert_eq!(year["period"]["label"], "2026");
    assert_eq!(year["monthly"].as_array().unwrap().len(), 12);
    let q = t
        .get(&format!("/api/v1/indicators?scope={bijie}&period=2026-Q2"))
        .await;
    assert_eq!(q["monthly"].as_array().unwrap().len(), 3);
    let custom = t
        .get(&format!(
            "/api/v1/indicators?scope={bijie}&period=2026-03-15..2026-05-02"
        ))
        .await;
    assert_eq!(custom["monthly"][0]["month"], "2026-03");
    for bad in [
        "period=2026-13".to_string(),
        "period=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        format!("period={}", "9".repeat(200)),
        "period=1999".into(),
        "scope=a%20b".into(),
        "scope=1&extra=1".into(),
        String::new(),
    ] {
        let path = if bad.starts_with("scope") || bad.is_empty() {
            format!("/api/v1/indicators?{bad}")
        } else {
            format!("/api/v1/indicators?scope={bijie}&{bad}")
        };
        // A query that does not parse is 400; a period that is not one is 422.
        let (status, code) = if bad.starts_with("period") {
            (422, "invalid-period")
        } else {
            (400, "invalid-query")
        };
        let p = expect_problem(t.req(Method::GET, &path), status, code).await;
        assert!(!p.to_string().contains("<script>"), "{p}");
    }
    expect_problem(
        t.req(Method::GET, "/api/v1/indicators?scope=99999"),
        404,
        "not-found",
    )
    .await;
    // Ids are opaque: one that names no scope is not found.
    expect_problem(
        t.req(Method::GET, "/api/v1/indicators?scope=abc"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(
            Method::GET,
            &format!("/api/v1/indicators/nonsense?scope={bijie}"),
        ),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/indicators/refresh"),
        401,
        "admin-token-required",
    )
    .await;
}

#[tokio::test]
async fn csv_has_the_json_figures() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let (bijie, _) = communities(&t).await;
    let json = t
        .get(&format!("/api/v1/indicators?scope={bijie}&period=12m"))
        .await;
    let r = t
        .req(
            Method::GET,
            &format!("/api/v1/indicators.csv?scope={bijie}&period=12m"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = r.text().await.unwrap();
    let cell = |section: &str, key: &str, unit: &str, month: &str| -> Option<f64> {
        let row = csv
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|c| c[0] == section && c[1] == key && c[4] == unit && c[6] == month)
            .unwrap_or_else(|| panic!("no row {section} {key} {unit} {month}"));
        row[7].parse().ok()
    };
    let f = |v: &Value| v.as_f64();
    assert_eq!(
        cell("headline", "participation_percent", "", ""),
        f(&json["participation"]["percent"])
    );
    assert_eq!(
        cell("headline", "resolution_percent", "", ""),
        f(&json["delivery"]["resolution_percent"])
    );
    assert_eq!(
        cell("headline", "satisfaction_percent", "", ""),
        f(&json["delivery"]["ratings"]["satisfaction_percent"])
    );
    assert_eq!(
        cell("headline", "funds_pledged_fen", "", ""),
        f(&json["headline"]["funds_pledged_fen"])
    );
    assert_eq!(
        cell("headline", "proposals_submitted", "", ""),
        f(&json["proposals"]["submitted"])
    );
    for u in json["participation"]["by_unit"].as_array().unwrap() {
        let id = u["unit"]["id"].to_string();
        assert_eq!(
            cell("by_unit", "participations", &id, ""),
            f(&u["participations"])
        );
        assert_eq!(
            cell("by_unit", "participation_percent", &id, ""),
            f(&u["percent"])
        );
    }
    for m in json["monthly"].as_array().unwrap() {
        let month = m["month"].as_str().unwrap();
        assert_eq!(
            cell("monthly", "participations", "", month),
            f(&m["participations"])
        );
        assert_eq!(
            cell("monthly", "pledged_fen", "", month),
            f(&m["pledged_fen"])
        );
    }
    for s in json["proposals"]["funnel"].as_array().unwrap() {
        assert_eq!(
            cell("funnel", s["step"].as_str().unwrap(), "", ""),
            f(&s["count"])
        );
    }
}

async fn ballot(t: &TestServer, poll: i64, n: usize) {
    let (status, body) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(n))
            .json(&json!({"kind": "single", "option": 1})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_write_shows_after_the_next_snapshot_which_says_when() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (community, building) = (s[2], s[4]);
    let r = t
        .admin(Method::PATCH, &format!("/api/v1/admin/scopes/{building}"))
        .json(&json!({"households": 40}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let poll = t
        .poll(community, json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    ballot(&t, poll, 1).await;
    let path = format!("/api/v1/indicators?scope={community}&period=12m");
    let first = t.get(&path).await;
    assert_eq!(first["participation"]["participations"], 1);
    assert_eq!(first["participation"]["households_invited"], 40);
    assert_eq!(first["participation"]["percent"], 2.5);
    ballot(&t, poll, 2).await;
    let cached = t.get(&path).await;
    assert_eq!(
        cached["participation"]["participations"], 1,
        "answered from the snapshot"
    );
    assert_eq!(cached["computed_at"], first["computed_at"]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let receipt = t
        .admin_post("/api/v1/admin/indicators/refresh", json!({}))
        .await;
    assert!(receipt["refreshed"].as_u64().unwrap() >= 1);
    let fresh = t.get(&path).await;
    assert_eq!(fresh["participation"]["participations"], 2);
    assert_eq!(fresh["participation"]["percent"], 5.0);
    assert!(fresh["computed_at"].as_i64() > first["computed_at"].as_i64());
}

#[tokio::test]
async fn the_periodic_job_refreshes_snapshots_by_itself() {
    let t = TestServer::start_with(|c| c.indicators_refresh_secs = 1).await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let path = format!("/api/v1/indicators?scope={}&period=12m", s[2]);
    assert_eq!(t.get(&path).await["participation"]["participations"], 0);
    ballot(&t, poll, 1).await;
    // Waits for the job (every second here), not for a machine's speed.
    for _ in 0..100 {
        if t.get(&path).await["participation"]["participations"] == 1 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the snapshot was not refreshed within 10 s");
}

#[tokio::test]
async fn one_indicator_with_its_definition_and_monthly_series() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let (bijie, _) = communities(&t).await;
    let d = t
        .get(&format!(
            "/api/v1/indicators/participations?scope={bijie}&period=12m"
        ))
        .await;
    assert_eq!(d["unit"], "count");
    assert!(d["definition_zh"].as_str().unwrap().contains("投票"));
    let series = d["series"].as_array().unwrap();
    assert_eq!(series.len(), 12);
    let sum: f64 = series.iter().map(|p| p["value"].as_f64().unwrap()).sum();
    assert_eq!(
        Some(sum),
        d["value"].as_f64(),
        "counts of the months add up to the period's"
    );
    let r = t
        .get(&format!(
            "/api/v1/indicators/satisfaction_percent?scope={bijie}&period=2026-03-15..2026-05-02"
        ))
        .await;
    assert_eq!(r["series"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn households_out_of_range_are_refused_and_nothing_is_written() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let before = t.snapshot();
    for bad in [
        json!({"households": 2_000_000}),
        json!({"households": -1}),
        json!({"households": "many"}),
    ] {
        let r = t
            .admin(Method::PATCH, &format!("/api/v1/admin/scopes/{}", s[4]))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(r.status().as_u16(), 400 | 422),
            "{bad}: {}",
            r.status()
        );
    }
    assert_eq!(before, t.snapshot());
    let r = t
        .admin(Method::POST, "/api/v1/admin/scopes")
        .json(&json!({"parent_id": s[3], "level": "building", "name": "3栋", "households": 1_000_001}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}
