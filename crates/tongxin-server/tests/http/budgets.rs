//! Budget rounds over real HTTP: the ballot rules (every refusal writes
//! nothing), one ballot per voter and idempotent replay, the change
//! policy, hidden results, both counting methods, confirming the winners
//! into the proposals' ledgers, Pabulib and CSV exports, household codes,
//! and the secrecy of anonymous rounds against a copy of the database.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A round in `scope` over three projects (¥1,200, ¥800 and ¥500) with a
/// fund of ¥2,000; `extra` overrides fields of the draft.
async fn round(t: &TestServer, scope: i64, extra: Value) -> i64 {
    let mut body = json!({
        "scope_id": scope,
        "title": "2026 年度惠民资金",
        "fund_fen": 200_000,
        "projects": [
            {"title": "楼道照明", "cost_fen": 120_000},
            {"title": "广场座椅", "cost_fen": 80_000},
            {"title": "儿童沙池", "cost_fen": 50_000, "summary": "<script>alert(1)</script>"},
        ],
        "rule": {"type": "knapsack"},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    t.admin_post("/api/v1/admin/budgets", body).await["id"]
        .as_i64()
        .unwrap()
}

fn vote(t: &TestServer, id: i64, n: usize, projects: Value) -> reqwest::RequestBuilder {
    t.req(Method::POST, &format!("/api/v1/budgets/{id}/ballots"))
        .header("x-tongxin-device", device(n))
        .json(&json!({ "projects": projects }))
}

async fn close(t: &TestServer, id: i64) {
    let (st, v) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/budgets/{id}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
}

#[tokio::test]
async fn a_ballot_must_keep_the_rule_and_a_refused_one_writes_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = round(
        &t,
        s[2],
        json!({"rule": {"type": "knapsack", "max_projects": 2}}),
    )
    .await;
    let view = t.get(&format!("/api/v1/budgets/{id}")).await;
    assert_eq!(
        (view["status"].as_str(), view["total_cost_fen"].as_i64()),
        (Some("open"), Some(250_000))
    );
    assert_eq!(
        view["round"]["projects"][2]["summary"], "<script>alert(1)</script>",
        "kept as text, never as markup"
    );
    let k = round(&t, s[2], json!({"rule": {"type": "k_approval", "k": 1}})).await;
    let before = t.snapshot();
    for (projects, status, code) in [
        (json!([1, 2, 3]), 422, "over-budget"),
        (json!([]), 422, "empty-ballot"),
        (json!([2, 2]), 422, "duplicate-project"),
        (json!([9]), 422, "unknown-project"),
    ] {
        let v = expect_problem(vote(&t, id, 1, projects.clone()), status, code).await;
        assert!(v["errors"]["projects"].is_array(), "{projects}: {v}");
    }
    expect_problem(vote(&t, k, 1, json!([1, 2])), 422, "too-many-projects").await;
    for bad in [
        json!({"projects": "1,2"}),
        json!({"projects": [1], "extra": 1}),
        json!({"project": [1]}),
        json!([1]),
    ] {
        expect_problem(
            t.req(Method::POST, &format!("/api/v1/budgets/{id}/ballots"))
                .header("x-tongxin-device", device(1))
                .json(&bad),
            422,
            "invalid-body",
        )
        .await;
    }
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/budgets/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .header("content-type", "application/json")
            .body("{\"projects\": [1,"),
        400,
        "malformed-json",
    )
    .await;
    expect_problem(vote(&t, 999, 1, json!([1])), 404, "not-found").await;
    assert_eq!(t.snapshot(), before, "refused ballots wrote nothing");
    let (st, receipt) = send(vote(&t, id, 1, json!([3, 1]))).await;
    assert_eq!(st, 201, "{receipt}");
    assert_eq!(receipt["projects"], json!([1, 3]));
    assert_eq!(t.get(&format!("/api/v1/budgets/{id}")).await["ballots"], 1);
}

#[tokio::test]
async fn staff_drafts_are_checked_and_proposals_must_be_of_the_scope() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let before = t.snapshot();
    for (bad, field) in [
        (json!({"fund_fen": 0}), "fund_fen"),
        (json!({"projects": []}), "projects"),
        (json!({"title": ""}), "title"),
        (json!({"rule": {"type": "k_approval", "k": 9}}), "rule.k"),
        (
            json!({"anonymous": true, "visibility": "always"}),
            "visibility",
        ),
        (
            json!({"projects": [{"title": "x", "cost_fen": -1}]}),
            "projects[0].cost_fen",
        ),
        (
            json!({"projects": [{"title": "x", "cost_fen": 100, "proposal_id": 999}]}),
            "projects[0].proposal_id",
        ),
    ] {
        let mut body = json!({"scope_id": s[2], "title": "t", "fund_fen": 100, "projects": [{"title": "x", "cost_fen": 100}], "rule": {"type": "knapsack"}});
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        let v = expect_problem(
            t.admin(Method::POST, "/api/v1/admin/budgets").json(&body),
            422,
            "validation-failed",
        )
        .await;
        assert!(v["errors"][field].is_array(), "{field}: {v}");
    }
    assert_eq!(t.snapshot(), before, "refused drafts wrote nothing");
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/budgets")
            .json(&json!({})),
        401,
        "admin-token-required",
    )
    .await;
    let other = t.neighbour_community(s[1]).await;
    let elsewhere = t.proposal(other).await;
    let before = t.snapshot();
    let body = json!({"scope_id": s[2], "title": "t", "fund_fen": 100, "rule": {"type": "knapsack"},
        "projects": [{"title": "x", "cost_fen": 100, "proposal_id": elsewhere}]});
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/budgets").json(&body),
        403,
        "outside-your-scope",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn one_voter_one_ballot_replays_and_the_change_policy_holds() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let fixed = round(&t, s[2], json!({})).await;
    let cast = || vote(&t, fixed, 1, json!([2])).header("idempotency-key", "k-1");
    let (st, first) = send(cast()).await;
    assert_eq!(st, 201);
    let (again, replay) = send(cast()).await;
    assert_eq!((again, &replay), (201, &first), "the same request replays");
    expect_problem(vote(&t, fixed, 1, json!([3])), 409, "already-voted").await;
    let mine = format!("/api/v1/budgets/{fixed}/ballots/mine");
    expect_problem(
        t.req(Method::PUT, &mine)
            .header("x-tongxin-device", device(1))
            .json(&json!({"projects": [3]})),
        409,
        "change-not-allowed",
    )
    .await;
    let open = round(
        &t,
        s[2],
        json!({"allow_change": true, "visibility": "always"}),
    )
    .await;
    send(vote(&t, open, 1, json!([1]))).await;
    send(vote(&t, open, 2, json!([1, 2]))).await;
    let mine = format!("/api/v1/budgets/{open}/ballots/mine");
    let (st, changed) = send(
        t.req(Method::PUT, &mine)
            .header("x-tongxin-device", device(1))
            .json(&json!({"projects": [2, 3]})),
    )
    .await;
    assert_eq!((st, &changed["projects"]), (200, &json!([2, 3])));
    let (st, my) = send(
        t.req(Method::GET, &mine)
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!((st, &my["projects"]), (200, &json!([2, 3])));
    let approvals = |r: &Value, p: i64| {
        r["results"]["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["project_id"] == p)
            .unwrap()["approvals"]
            .as_i64()
            .unwrap()
    };
    let r = t.get(&format!("/api/v1/budgets/{open}/results")).await;
    assert_eq!(
        (approvals(&r, 1), approvals(&r, 2), approvals(&r, 3)),
        (1, 2, 1)
    );
    let (st, _) = send(
        t.req(Method::DELETE, &mine)
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = send(
        t.req(Method::GET, &mine)
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!(st, 204);
    let r = t.get(&format!("/api/v1/budgets/{open}/results")).await;
    assert_eq!(
        (r["results"]["ballots"].as_i64(), approvals(&r, 3)),
        (Some(1), 0)
    );
}

#[tokio::test]
async fn results_hide_until_close_and_both_methods_count() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    for (method, funded, leftover) in [
        ("greedy", vec![2, 1], 0),
        ("equal_shares", vec![2, 3], 70_000),
    ] {
        let id = round(&t, s[2], json!({"method": method})).await;
        // 6 voters want the lighting and the benches, 4 the sandpit alone.
        for n in 0..6 {
            assert_eq!(send(vote(&t, id, n, json!([1, 2]))).await.0, 201);
        }
        for n in 6..10 {
            assert_eq!(send(vote(&t, id, n, json!([3]))).await.0, 201);
        }
        let hidden = t.get(&format!("/api/v1/budgets/{id}/results")).await;
        assert_eq!(
            (hidden["visible"].as_bool(), hidden["results"].is_null()),
            (Some(false), true)
        );
        expect_problem(
            t.req(Method::GET, &format!("/api/v1/budgets/{id}/results.csv")),
            409,
            "results-hidden",
        )
        .await;
        expect_problem(
            t.req(Method::GET, &format!("/api/v1/budgets/{id}/pabulib.pb")),
            409,
            "results-hidden",
        )
        .await;
        let staff = t
            .admin(Method::GET, &format!("/api/v1/budgets/{id}/results"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            staff.json::<Value>().await.unwrap()["visible"],
            true,
            "staff of the scope see them"
        );
        close(&t, id).await;
        expect_problem(vote(&t, id, 20, json!([3])), 409, "round-closed").await;
        let r = t.get(&format!("/api/v1/budgets/{id}/results")).await;
        let got: Vec<i64> = r["results"]["projects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["funded"] == true)
            .map(|p| p["project_id"].as_i64().unwrap())
            .collect();
        // Greedy: benches and lighting (6 approvals each, the cheaper
        // first) spend the whole fund (¥2,000); the sandpit no longer fits. Equal shares (worked
        // by hand): each voter holds ¥200; the benches and the lighting
        // both have an effective vote count of 6 and the cheaper benches
        // go first (¥133.34 from each of the six); the lighting is then
        // out of reach, and the sandpit's four voters pay ¥125 each for
        // it. add1 would fund the lighting too only at a share of ¥334,
        // where the three cost ¥2,500 > ¥2,000, so it stops; the ¥700 left
        // buys nothing more.
        assert_eq!(got, funded, "{method}: {r}");
        assert_eq!(r["results"]["leftover_fen"], leftover, "{r}");
        let csv = t
            .req(Method::GET, &format!("/api/v1/budgets/{id}/results.csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        let text = csv.text().await.unwrap();
        assert!(
            text.starts_with('\u{feff}') && text.contains(method),
            "{text}"
        );
        let pb = t
            .req(Method::GET, &format!("/api/v1/budgets/{id}/pabulib.pb"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            pb.contains("num_votes;10\n") && pb.contains("VOTES\nvoter_id;vote\n1;1,2\n"),
            "{pb}"
        );
        assert!(!pb.contains("device"), "no voter in the export");
    }
}

#[tokio::test]
async fn confirming_funds_the_proposals_once_and_an_override_needs_a_reason() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (a, b) = (t.proposal(s[2]).await, t.proposal(s[4]).await);
    let id = round(
        &t,
        s[2],
        json!({"projects": [
            {"title": "座椅", "cost_fen": 120_000, "proposal_id": a},
            {"title": "沙池", "cost_fen": 80_000, "proposal_id": b},
            {"title": "花坛", "cost_fen": 50_000},
        ]}),
    )
    .await;
    let path = format!("/api/v1/admin/budgets/{id}/confirm");
    expect_problem(
        t.admin(Method::POST, &path).json(&json!({})),
        409,
        "round-not-closed",
    )
    .await;
    for n in 0..3 {
        send(vote(&t, id, n, json!([1, 2]))).await;
    }
    close(&t, id).await;
    let before = t.snapshot();
    let v = expect_problem(
        t.admin(Method::POST, &path)
            .json(&json!({"override_funded": [1, 2, 3]})),
        422,
        "invalid-override",
    )
    .await;
    assert!(
        v["errors"]["reason"].is_array() && v["errors"]["override_funded"].is_array(),
        "{v}"
    );
    assert_eq!(
        t.snapshot(),
        before,
        "a refused confirmation writes nothing"
    );
    let (st, confirmed) = send(t.admin(Method::POST, &path).json(&json!({}))).await;
    assert_eq!(st, 200, "{confirmed}");
    assert!(confirmed["confirmed_at"].is_i64());
    expect_problem(
        t.admin(Method::POST, &path).json(&json!({})),
        409,
        "round-confirmed",
    )
    .await;
    for (p, cost) in [(a, 120_000), (b, 80_000)] {
        let ledger = t.get(&format!("/api/v1/proposals/{p}/ledger")).await;
        let entries = ledger["entries"]
            .as_array()
            .or(ledger.as_array())
            .unwrap()
            .clone();
        assert!(
            entries
                .iter()
                .any(|e| e["amount_fen"] == cost && e["kind"] == "received"),
            "{ledger}"
        );
        let timeline = t.get(&format!("/api/v1/proposals/{p}/timeline")).await;
        let last = timeline.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["action"].as_str(), last["to_step"].as_str()),
            (Some("funded_by_round"), Some("resolve")),
            "{timeline}"
        );
    }
    let results = t.get(&format!("/api/v1/budgets/{id}/results")).await;
    assert_eq!(results["confirmed"], true);
}

#[tokio::test]
async fn household_codes_admit_one_ballot_each() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = round(&t, s[2], json!({"eligibility": "code"})).await;
    let codes = t
        .admin_post(
            "/api/v1/admin/codes",
            json!({"target": "budget", "target_id": id, "unit_id": s[4], "count": 2}),
        )
        .await;
    let code = codes["codes"][0].as_str().unwrap().to_string();
    let path = format!("/api/v1/budgets/{id}/ballots");
    let body = json!({"projects": [1]});
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&body),
        401,
        "code-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-code", "AAAA-BBBB-CC")
            .json(&body),
        403,
        "invalid-code",
    )
    .await;
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-code", &code)
                .json(&body)
        )
        .await
        .0,
        201
    );
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-code", &code)
            .json(&body),
        409,
        "already-voted",
    )
    .await;
}

#[tokio::test]
async fn an_anonymous_round_keeps_no_link_between_a_voter_and_a_ballot() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = round(
        &t,
        s[2],
        json!({"anonymous": true, "method": "equal_shares"}),
    )
    .await;
    for n in 0..12 {
        let projects = if n % 3 == 0 {
            json!([3])
        } else {
            json!([1, 2])
        };
        let (st, receipt) =
            send(vote(&t, id, n, projects).header("idempotency-key", format!("b-{n}"))).await;
        assert_eq!(st, 201);
        assert!(receipt["projects"].is_null(), "{receipt}");
        assert_eq!(receipt["at"].as_i64().unwrap() % 60_000, 0, "minute only");
    }
    // While open the count moves in whole batches of 5.
    assert_eq!(t.get(&format!("/api/v1/budgets/{id}")).await["ballots"], 10);
    let (st, mine) = send(
        t.req(Method::GET, &format!("/api/v1/budgets/{id}/ballots/mine"))
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!((st, mine["projects"].is_null()), (200, true));
    // The database copy: who voted is there, what they chose is not.
    let key = device_key(&device(1));
    assert_eq!(t.rows("SELECT voter FROM budget_ballots", &[]).len(), 0);
    assert_eq!(
        t.rows("SELECT voter FROM budget_participations", &[]).len(),
        12
    );
    for table in ["budgets", "idempotency", "audit_log"] {
        for row in t.rows(&format!("SELECT * FROM {table}"), &[]) {
            let text = format!("{row:?}");
            assert!(!text.contains(&key), "{table} names a voter: {text}");
        }
    }
    for row in t.rows("SELECT body FROM idempotency", &[]) {
        assert!(
            !row[0].text().contains("projects\":["),
            "a remembered answer holds a choice"
        );
    }
    let tally = t
        .one("SELECT tally FROM budgets WHERE id = ?1", &[Arg::Int(id)])
        .text();
    assert!(tally.contains("\"ballots\":12"), "{tally}");
}
