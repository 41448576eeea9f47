//! Proposal endpoints over real HTTP: the five steps end to end, funding,
//! the ledger, comments, evaluations, refusals that write nothing, and
//! supports under concurrency with retries.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn submit(t: &TestServer, scope: i64, n: usize) -> i64 {
    let body = json!({"scope_id": scope, "title": "明通巷47号院公厕改造", "problem": "120户共用一个公厕", "plan": "翻新", "estimated_cost_fen": 1_860_000, "proposer_name": "孙雨萌", "contact": "13800000000"});
    let (st, v) = send(
        t.req(Method::POST, "/api/v1/proposals")
            .header("x-tongxin-device", device(n))
            .json(&body),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn transition(t: &TestServer, id: i64, action: Value) -> (u16, Value) {
    send(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/transitions"),
        )
        .json(&json!({"actor": "明通社区居委会", "action": action})),
    )
    .await
}

#[tokio::test]
async fn five_steps_end_to_end_with_funding_and_evaluation() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = submit(&t, s[4], 100).await;
    let detail = t.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(
        (
            detail["proposal"]["step"].as_str(),
            detail["proposal"]["proposer_name"].as_str()
        ),
        (Some("propose"), Some("孙*萌"))
    );
    assert!(
        !detail.to_string().contains("13800000000"),
        "contact stays private"
    );
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        409,
        "threshold of 3 not met"
    );
    for n in 0..3 {
        let (st, v) = send(
            t.req(Method::POST, &format!("/api/v1/proposals/{id}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
        assert_eq!(st, 201);
        assert_eq!(v["supports"], n + 1);
    }
    let (st, rec) = transition(&t, id, json!({"action": "advance", "note": "3位居民附议"})).await;
    assert_eq!((st, rec["to_step"].as_str()), (201, Some("deliberate")));
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        409,
        "the committee's opinion is required"
    );
    assert_eq!(
        transition(
            &t,
            id,
            json!({"action": "advance", "note": "合议意见：同意"})
        )
        .await
        .0,
        201
    );
    // Consultation: comments and a reply.
    let (st, c) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(5))
            .json(&json!({"author_name": "张伟", "body": "希望加装扶手"})),
    )
    .await;
    assert_eq!((st, c["author"].as_str()), (201, Some("张*")));
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(6))
            .json(&json!({"author_name": "陈静", "body": "同意", "parent_id": c["id"]})),
    )
    .await;
    assert_eq!(st, 201);
    let comments = t
        .get(&format!("/api/v1/proposals/{id}/comments?order=newest"))
        .await;
    assert_eq!(comments[0]["parent_id"], c["id"]);
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        409,
        "needs a resolution poll"
    );
    let poll = t
        .poll(
            s[4],
            json!({"type": "approval", "threshold_percent": 80}),
            &["同意改造方案"],
            json!({}),
        )
        .await;
    let (st, _) = send(t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}")).json(&json!({"resolution_poll_id": poll, "funding_goal_fen": 1_860_000, "responsible": [{"name": "李建国", "role": "自管会主任"}]}))).await;
    assert_eq!(st, 200);
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        201
    );
    for n in 0..5 {
        let stance = if n < 4 { "agree" } else { "abstain" };
        send(
            t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"kind": "approval", "stances": {"1": stance}})),
        )
        .await;
    }
    assert_eq!(
        transition(&t, id, json!({"action": "decide"})).await.0,
        409,
        "the vote is still open"
    );
    send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    let (st, rec) = transition(&t, id, json!({"action": "decide"})).await;
    assert_eq!(st, 201, "{rec}");
    assert!(rec["note"].as_str().unwrap().contains("80.0 % agree"));
    // Co-funding: residents 8,600 yuan and public units 10,000 yuan.
    for (n, source, amount) in [
        (1, "resident", 500_000),
        (2, "resident", 360_000),
        (3, "organisation", 1_000_000),
    ] {
        let (st, _) = send(
            t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"source": source, "amount_fen": amount})),
        )
        .await;
        assert_eq!(st, 201);
    }
    for (kind, amount, memo) in [
        ("received", 1_860_000, "到账"),
        ("spent", 1_600_000, "施工"),
    ] {
        let (st, _) = send(
            t.admin(
                Method::POST,
                &format!("/api/v1/admin/proposals/{id}/ledger"),
            )
            .json(&json!({"kind": kind, "amount_fen": amount, "memo": memo})),
        )
        .await;
        assert_eq!(st, 201);
    }
    let ledger = t.get(&format!("/api/v1/proposals/{id}/ledger")).await;
    assert_eq!(ledger["funding"]["pledged_residents_fen"], 860_000);
    assert_eq!(ledger["funding"]["pledged_organisations_fen"], 1_000_000);
    assert_eq!(ledger["funding"]["remaining_fen"], 0);
    assert_eq!(ledger["entries"][1]["balance_fen"], 260_000);
    assert_eq!(
        t.get(&format!("/api/v1/proposals/{id}/pledges"))
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Delivery, then evaluation.
    let eval = |n: usize, score: u8| {
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/evaluations"))
            .header("x-tongxin-device", device(n))
            .json(&json!({"score": score}))
    };
    expect_problem(eval(1, 5), 409, "evaluation-not-open").await;
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        409,
        "not delivered yet"
    );
    assert_eq!(
        transition(&t, id, json!({"action": "record_delivery", "note": "完工"}))
            .await
            .0,
        201
    );
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        201
    );
    for (n, score) in [(1, 5), (2, 4), (3, 2)] {
        assert_eq!(send(eval(n, score)).await.0, 201);
    }
    expect_problem(eval(1, 3), 409, "already-evaluated").await;
    let ev = t.get(&format!("/api/v1/proposals/{id}/evaluations")).await;
    assert_eq!(ev["summary"]["satisfaction_percent"], 66.7);
    let timeline = t.get(&format!("/api/v1/proposals/{id}/timeline")).await;
    let steps: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["to_step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            "deliberate",
            "consult",
            "resolve",
            "resolve",
            "resolve",
            "evaluate"
        ]
    );
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["actor"] == "明通社区居委会" && r["at"].is_i64())
    );
}

#[tokio::test]
async fn refused_actions_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = submit(&t, s[4], 100).await;
    send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
            .json(&json!({"funding_goal_fen": 100_000})),
    )
    .await;
    let pledge = |amount: Value| {
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"source": "resident", "amount_fen": amount}))
    };
    let funding = t.get(&format!("/api/v1/proposals/{id}")).await["funding"].clone();
    assert_eq!(
        (
            funding["remaining_fen"].as_i64(),
            funding["pledged_total_fen"].as_i64()
        ),
        (Some(100_000), Some(0))
    );
    let before = t.snapshot();
    expect_problem(pledge(json!(-100)), 422, "validation-failed").await;
    expect_problem(pledge(json!(0)), 422, "validation-failed").await;
    expect_problem(pledge(json!(10_000_000_001i64)), 422, "validation-failed").await;
    expect_problem(pledge(json!(1.5)), 422, "invalid-body").await;
    expect_problem(pledge(json!("100")), 422, "invalid-body").await;
    expect_problem(
        pledge(json!(9_223_372_036_854_775_808u64)),
        422,
        "invalid-body",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/evaluations"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"score": 5})),
        409,
        "evaluation-not-open",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/evaluations"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"score": 9})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/ledger"),
        )
        .json(&json!({"kind": "spent", "amount_fen": 1, "memo": "x"})),
        409,
        "spend-exceeds-balance",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"author_name": "a", "body": "b", "parent_id": 999})),
        422,
        "validation-failed",
    )
    .await;
    let bad = json!({"scope_id": s[4], "title": "", "problem": "", "plan": "p", "estimated_cost_fen": -5, "proposer_name": "x"});
    let v = expect_problem(
        t.req(Method::POST, "/api/v1/proposals")
            .header("x-tongxin-device", device(1))
            .json(&bad),
        422,
        "validation-failed",
    )
    .await;
    for f in ["title", "problem", "estimated_cost_fen"] {
        assert!(v["errors"][f].is_array(), "{f}");
    }
    assert_eq!(t.snapshot(), before);

    // Support after the propose step, pledge on a rejected proposal.
    send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
            .json(&json!({"support_threshold": 1})),
    )
    .await;
    send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/supports"))
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!(
        transition(&t, id, json!({"action": "advance"})).await.0,
        201
    );
    let before = t.snapshot();
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/supports"))
            .header("x-tongxin-device", device(2)),
        409,
        "support-closed",
    )
    .await;
    assert_eq!(t.snapshot(), before);
    assert_eq!(
        transition(&t, id, json!({"action": "reject", "reason": "预算不足"}))
            .await
            .0,
        201
    );
    let before = t.snapshot();
    expect_problem(pledge(json!(100)), 409, "proposal-not-active").await;
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/transitions"),
        )
        .json(&json!({"actor": "x", "action": {"action": "advance"}})),
        409,
        "proposal-not-active",
    )
    .await;
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/transitions"),
        )
        .json(&json!({"actor": "x", "action": {"action": "fly"}})),
        422,
        "invalid-body",
    )
    .await;
    assert_eq!(t.snapshot(), before);
    let rejected = t.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(
        (
            rejected["proposal"]["status"].as_str(),
            rejected["proposal"]["rejection_reason"].as_str()
        ),
        (Some("rejected"), Some("预算不足"))
    );
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let a = submit(&t, s[4], 1).await;
    let b = submit(&t, s[5], 2).await;
    let c = submit(&t, s[4], 3).await;
    for n in 0..2 {
        send(
            t.req(Method::POST, &format!("/api/v1/proposals/{b}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
    }
    send(
        t.req(Method::POST, &format!("/api/v1/proposals/{a}/supports"))
            .header("x-tongxin-device", device(9)),
    )
    .await;
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["proposal"]["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&t.get("/api/v1/proposals").await), vec![c, b, a]);
    assert_eq!(
        ids(&t.get("/api/v1/proposals?sort=supports").await),
        vec![b, a, c]
    );
    assert_eq!(
        ids(&t.get(&format!("/api/v1/proposals?scope_id={}", s[4])).await),
        vec![c, a]
    );
    assert_eq!(
        ids(&t.get("/api/v1/proposals?step=deliberate").await),
        Vec::<i64>::new()
    );
    let p1 = t.get("/api/v1/proposals?sort=supports&limit=2").await;
    assert_eq!(ids(&p1), vec![b, a]);
    let p2 = t
        .get(&format!(
            "/api/v1/proposals?sort=supports&limit=2&cursor={}",
            p1["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&p2), vec![c]);
    assert!(p2["next_cursor"].is_null());
    let (st, v) = send(
        t.req(
            Method::DELETE,
            &format!("/api/v1/proposals/{b}/supports/mine"),
        )
        .header("x-tongxin-device", device(0)),
    )
    .await;
    assert_eq!(
        (st, v["supports"].as_i64(), v["supported"].as_bool()),
        (200, Some(1), Some(false))
    );
}

#[tokio::test]
async fn supports_are_exact_under_100_concurrent_supporters_with_retries() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = submit(&t, s[4], 1000).await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        // Every supporter sends twice with the same key, as a flaky network would.
        for _ in 0..2 {
            let req = t
                .req(Method::POST, &format!("/api/v1/proposals/{id}/supports"))
                .header("x-tongxin-device", device(i))
                .header("idempotency-key", format!("support-{i}"));
            tasks.push(tokio::spawn(async move {
                req.send().await.unwrap().status().as_u16()
            }));
        }
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    assert_eq!(
        t.get(&format!("/api/v1/proposals/{id}")).await["proposal"]["supports"],
        100
    );
}

#[tokio::test]
async fn the_board_sorts_by_funding_progress_and_cards_carry_totals() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (a, b, c) = (
        submit(&t, s[4], 1).await,
        submit(&t, s[4], 2).await,
        submit(&t, s[4], 3).await,
    );
    for (id, goal) in [(a, 100_000), (b, 200_000)] {
        let (st, _) = send(
            t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
                .json(&json!({"funding_goal_fen": goal})),
        )
        .await;
        assert_eq!(st, 200);
    }
    // a: 30 % funded, b: 75 % funded, c: no goal.
    for (id, fen, n) in [(a, 30_000, 10), (b, 100_000, 11), (b, 50_000, 12)] {
        let (st, v) = send(
            t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"source": "resident", "amount_fen": fen})),
        )
        .await;
        assert_eq!(st, 201, "{v}");
    }
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["proposal"]["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let all = t.get("/api/v1/proposals?sort=funding").await;
    assert_eq!(ids(&all), vec![b, a, c]);
    assert_eq!(all["items"][0]["funding"]["pledged_total_fen"], 150_000);
    assert_eq!(all["items"][0]["funding"]["goal_fen"], 200_000);
    let p1 = t.get("/api/v1/proposals?sort=funding&limit=1").await;
    assert_eq!(ids(&p1), vec![b]);
    let p2 = t
        .get(&format!(
            "/api/v1/proposals?sort=funding&limit=5&cursor={}",
            p1["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&p2), vec![a, c]);
    assert!(
        !all.to_string().contains("13800000000"),
        "contacts never appear on the board"
    );
}

#[tokio::test]
async fn comments_reported_by_three_residents_are_hidden() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = submit(&t, s[4], 1).await;
    let (st, c) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"author_name": "刘洋", "body": "广告：低价装修请联系"})),
    )
    .await;
    assert_eq!(st, 201, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let path = format!("/api/v1/proposals/{id}/comments/{cid}/reports");
    let report = |n: usize| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(n))
            .json(&json!({"reason": "广告"}))
    };
    for n in [2, 2, 3] {
        let (st, v) = send(report(n)).await;
        assert_eq!((st, v["hidden"].as_bool()), (200, Some(false)), "{v}");
    }
    let comments = format!("/api/v1/proposals/{id}/comments");
    assert_eq!(t.get(&comments).await.as_array().unwrap().len(), 1);
    let (st, v) = send(report(4)).await;
    assert_eq!((st, v["hidden"].as_bool()), (200, Some(true)));
    assert_eq!(t.get(&comments).await.as_array().unwrap().len(), 0);
    // Unknown comments, other proposals' comments and oversized reasons are refused.
    let before = t.snapshot();
    expect_problem(
        t.req(
            Method::POST,
            &format!("/api/v1/proposals/{id}/comments/999/reports"),
        )
        .header("x-tongxin-device", device(5))
        .json(&json!({})),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(5))
            .json(&json!({"reason": "长".repeat(201)})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(5))
            .json(&json!({"reason": 5})),
        422,
        "invalid-body",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}
