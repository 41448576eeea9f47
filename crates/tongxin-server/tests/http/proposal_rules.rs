//! Eligibility per proposal and per action, the pledge cap, and moderation
//! that needs distinct eligible residents with a staff way back.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn proposal(t: &TestServer, scope: i64) -> i64 {
    let (st, v) = send(
        t.req(Method::POST, "/api/v1/proposals")
            .header("x-tongxin-device", device(900))
            .json(&json!({"scope_id": scope, "title": "加装休息座椅", "problem": "老人没有地方坐", "plan": "十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn codes(t: &TestServer, id: i64, count: u32) -> Vec<String> {
    let v = t
        .admin_post(
            "/api/v1/admin/codes",
            json!({"target": "proposal", "target_id": id, "count": count}),
        )
        .await;
    v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

async fn patch(t: &TestServer, id: i64, body: Value) -> Value {
    let (st, v) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
            .json(&body),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    v
}

#[tokio::test]
async fn code_eligibility_is_checked_for_every_action() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = proposal(&t, s[2]).await;
    let other = proposal(&t, s[2]).await;
    let p = patch(&t, id, json!({"funding_goal_fen": 500_000, "eligibility": {"support": "code", "pledge": "code", "comment": "code", "report": "code", "evaluate": "code"}})).await;
    assert_eq!(p["eligibility"]["support"], "code");
    let mine = codes(&t, id, 3).await;
    let theirs = codes(&t, other, 1).await;
    let support = format!("/api/v1/proposals/{id}/supports");
    let before = t.snapshot();
    // A fresh device token no longer counts.
    expect_problem(
        t.req(Method::POST, &support)
            .header("x-tongxin-device", device(1)),
        401,
        "code-required",
    )
    .await;
    // A code printed for another proposal, or made up, is refused.
    for bad in [theirs[0].as_str(), "ZZZZ-ZZZZ-ZZ"] {
        expect_problem(
            t.req(Method::POST, &support).header("x-tongxin-code", bad),
            403,
            "invalid-code",
        )
        .await;
    }
    let comment = json!({"author_name": "刘洋", "body": "支持"});
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(1))
            .json(&comment),
        401,
        "code-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
            .header("x-tongxin-code", &theirs[0])
            .json(&json!({"source": "resident", "amount_fen": 100})),
        403,
        "invalid-code",
    )
    .await;
    assert_eq!(t.snapshot(), before, "refusals wrote nothing");
    // One household, one support.
    let (st, v) = send(
        t.req(Method::POST, &support)
            .header("x-tongxin-code", &mine[0]),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    expect_problem(
        t.req(Method::POST, &support)
            .header("x-tongxin-code", mine[0].to_lowercase()),
        409,
        "already-supported",
    )
    .await;
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-code", &mine[1])
            .json(&comment),
    )
    .await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn one_voter_cannot_pledge_beyond_the_cap() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = proposal(&t, s[2]).await;
    let p = patch(
        &t,
        id,
        json!({"pledge_cap_fen": 100_000, "funding_goal_fen": 500_000}),
    )
    .await;
    assert_eq!(p["pledge_cap_fen"], 100_000);
    let pledge = |n: usize, amount: i64| {
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
            .header("x-tongxin-device", device(n))
            .json(&json!({"source": "resident", "amount_fen": amount}))
    };
    assert_eq!(send(pledge(1, 60_000)).await.0, 201);
    let before = t.snapshot();
    let p = expect_problem(pledge(1, 50_000), 409, "pledge-cap-reached").await;
    assert!(p["detail"].as_str().unwrap().contains("100000"));
    assert_eq!(t.snapshot(), before);
    assert_eq!(send(pledge(1, 40_000)).await.0, 201);
    assert_eq!(
        send(pledge(2, 100_000)).await.0,
        201,
        "the cap is per voter"
    );
    // Staff cannot set a cap that is not an amount.
    expect_problem(
        t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
            .json(&json!({"pledge_cap_fen": 0})),
        422,
        "validation-failed",
    )
    .await;
}

#[tokio::test]
async fn reports_hide_only_with_distinct_residents_and_staff_can_restore() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = proposal(&t, s[2]).await;
    patch(&t, id, json!({"eligibility": {"report": "code"}})).await;
    let codes = codes(&t, id, 5).await;
    let (st, c) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"author_name": "王芳", "body": "我觉得座椅应该放在树荫下"})),
    )
    .await;
    assert_eq!(st, 201);
    let cid = c["id"].as_i64().unwrap();
    let report = |code: &str| {
        t.req(
            Method::POST,
            &format!("/api/v1/proposals/{id}/comments/{cid}/reports"),
        )
        .header("x-tongxin-code", code.to_string())
        .json(&json!({"reason": "不同意"}))
    };
    // Devices cannot report under `code`; one household reporting twice is one report.
    expect_problem(
        t.req(
            Method::POST,
            &format!("/api/v1/proposals/{id}/comments/{cid}/reports"),
        )
        .header("x-tongxin-device", device(2))
        .json(&json!({})),
        401,
        "code-required",
    )
    .await;
    for code in [&codes[0], &codes[0], &codes[1]] {
        assert_eq!(send(report(code)).await.1["hidden"], false);
    }
    assert_eq!(send(report(&codes[2])).await.1["hidden"], true);
    let comments = format!("/api/v1/proposals/{id}/comments");
    assert!(t.get(&comments).await.as_array().unwrap().is_empty());
    // Staff look at it and put it back.
    let restore = format!("/api/v1/admin/proposals/{id}/comments/{cid}/restore");
    let why = json!({"reason": "批评座椅位置，不是人身攻击"});
    expect_problem(
        t.req(Method::POST, &restore).json(&why),
        401,
        "admin-token-required",
    )
    .await;
    let (st, v) = send(t.admin(Method::POST, &restore).json(&why)).await;
    assert_eq!((st, v["hidden"].as_bool()), (200, Some(false)), "{v}");
    assert_eq!(t.get(&comments).await.as_array().unwrap().len(), 1);
    // The same three households cannot hide it again.
    for code in &codes[..3] {
        assert_eq!(send(report(code)).await.1["hidden"], false);
    }
    assert_eq!(t.get(&comments).await.as_array().unwrap().len(), 1);
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/comments/999/restore"),
        )
        .json(&why),
        404,
        "not-found",
    )
    .await;
}
