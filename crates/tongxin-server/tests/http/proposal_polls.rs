//! Staff have the server make a proposal's consultation (群议) and
//! resolution (决议) polls: made from the proposal and attached in one
//! write, once per role, replayed for a repeated idempotency key, and
//! refused with nothing written for bad or hostile input.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn proposal(t: &TestServer, scope: i64) -> i64 {
    let (st, v) = send(
        t.req(Method::POST, "/api/v1/proposals")
            .header("x-tongxin-device", device(700))
            .json(&json!({"scope_id": scope, "title": "<img src=x onerror=alert(1)>座椅", "problem": "老人没有地方坐", "plan": "十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn make(t: &TestServer, id: i64, body: Value) -> reqwest::RequestBuilder {
    t.admin(Method::POST, &format!("/api/v1/admin/proposals/{id}/polls"))
        .json(&body)
}

async fn attached(t: &TestServer, id: i64) -> (Value, Value) {
    let p = &t.get(&format!("/api/v1/proposals/{id}")).await["proposal"];
    (
        p["consultation_poll_id"].clone(),
        p["resolution_poll_id"].clone(),
    )
}

#[tokio::test]
async fn each_poll_is_made_from_the_proposal_and_attached_once() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = proposal(&t, s[4]).await;

    let (st, consult) = send(make(&t, id, json!({"role": "consultation"}))).await;
    assert_eq!(st, 201, "{consult}");
    assert_eq!(consult["scope_id"].as_i64(), Some(s[4]));
    assert_eq!(consult["kind"]["type"], "single");
    // The proposal's title is text carried over as it was, not markup.
    assert_eq!(consult["title"], "群议：<img src=x onerror=alert(1)>座椅");
    assert_eq!(attached(&t, id).await, (consult["id"].clone(), Value::Null));

    // A second one for the same role: refused, nothing written.
    let before = t.snapshot();
    expect_problem(
        make(&t, id, json!({"role": "consultation"})),
        409,
        "poll-already-attached",
    )
    .await;
    assert_eq!(t.snapshot(), before);

    // The resolution poll, sent twice with one key (a retry on a weak
    // network): one poll, the same answer replayed.
    let key = "proposal-resolution-1";
    let first = make(&t, id, json!({"role": "resolution"}))
        .header("idempotency-key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["kind"]["type"], "approval");
    assert_eq!(first["visibility"], "after_close");
    let polls = t.one("SELECT COUNT(*) FROM polls", &[]).int();
    let again = make(&t, id, json!({"role": "resolution"}))
        .header("idempotency-key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(t.one("SELECT COUNT(*) FROM polls", &[]).int(), polls);
    assert_eq!(
        attached(&t, id).await,
        (consult["id"].clone(), first["id"].clone())
    );
    // Its one motion is the proposal.
    assert_eq!(
        first["options"][0]["label"],
        "<img src=x onerror=alert(1)>座椅"
    );
    assert_eq!(first["options"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn bad_requests_are_refused_and_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = proposal(&t, s[4]).await;
    let before = t.snapshot();
    for bad in [
        json!({}),
        json!({"role": "vote"}),
        json!({"role": "<script>alert(1)</script>"}),
        json!({"role": ["resolution"]}),
        json!({"role": "resolution", "threshold_percent": 10}),
        json!("resolution"),
    ] {
        expect_problem(make(&t, id, bad.clone()), 422, "invalid-body").await;
    }
    expect_problem(
        t.admin(Method::POST, &format!("/api/v1/admin/proposals/{id}/polls"))
            .header("content-type", "application/json")
            .body("{\"role\":"),
        400,
        "malformed-json",
    )
    .await;
    expect_problem(
        make(&t, 999_999, json!({"role": "consultation"})),
        404,
        "not-found",
    )
    .await;
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/admin/proposals/{id}/polls"))
            .json(&json!({"role": "consultation"})),
    )
    .await;
    assert_eq!(st, 401, "staff only");
    assert_eq!(t.snapshot(), before);

    // A rejected proposal gets no new poll.
    let (st, _) = send(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/transitions"),
        )
        .json(&json!({"actor": "明通社区居委会", "action": {"action": "reject", "reason": "预算不足"}})),
    )
    .await;
    assert_eq!(st, 201);
    let before = t.snapshot();
    expect_problem(
        make(&t, id, json!({"role": "resolution"})),
        409,
        "proposal-not-active",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}
