//! Household codes per building over real HTTP: issued for one unit of an
//! item's scope, counted used / unused / revoked per unit (what the
//! console shows as participation by unit), unused ones revoked (and then
//! refused at the ballot box); building heads act on their own building
//! only; malformed, out-of-range and hostile requests write nothing.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn issue(t: &TestServer, poll: i64, unit: i64, count: u32) -> Vec<String> {
    let v = t
        .admin_post(
            "/api/v1/admin/codes",
            json!({"target": "poll", "target_id": poll, "count": count, "unit_id": unit}),
        )
        .await;
    assert_eq!(v["unit_id"], unit, "{v}");
    v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

async fn summary(t: &TestServer, req: reqwest::RequestBuilder) -> Value {
    let (st, v) = send(req).await;
    assert_eq!(st, 200, "{v}");
    let _ = t;
    v
}

fn row(summary: &Value, unit: i64) -> &Value {
    summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit)
        .unwrap_or_else(|| panic!("no row for {unit}: {summary}"))
}

async fn vote(t: &TestServer, poll: i64, code: &str) -> (u16, Value) {
    send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-code", code)
            .json(&json!({"kind": "single", "option": 1})),
    )
    .await
}

/// A community poll on codes, with households recorded on both buildings.
async fn setup(t: &TestServer) -> (Vec<i64>, i64) {
    let s = t.scopes().await;
    for (b, h) in [(s[4], 12), (s[5], 8)] {
        let (st, _) = send(
            t.admin(Method::PATCH, &format!("/api/v1/admin/scopes/{b}"))
                .json(&json!({"households": h})),
        )
        .await;
        assert_eq!(st, 200);
    }
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["同意", "不同意"],
            json!({"eligibility": "code"}),
        )
        .await;
    (s, poll)
}

#[tokio::test]
async fn codes_are_counted_per_building_and_unused_ones_revoked() {
    let t = TestServer::start().await;
    let (s, poll) = setup(&t).await;
    let a = issue(&t, poll, s[4], 3).await;
    let b = issue(&t, poll, s[5], 2).await;
    assert_eq!(vote(&t, poll, &a[0]).await.0, 201);
    assert_eq!(vote(&t, poll, &a[1]).await.0, 201);

    let path = format!("/api/v1/admin/codes?target=poll&target_id={poll}");
    let v = summary(&t, t.admin(Method::GET, &path)).await;
    assert_eq!(v["target"], "poll");
    let one = row(&v, s[4]);
    assert_eq!(
        (
            &one["unit_name"],
            &one["households"],
            &one["issued"],
            &one["used"],
            &one["revoked"]
        ),
        (&json!("1栋"), &json!(12), &json!(3), &json!(2), &json!(0))
    );
    assert_eq!(one["participation_permille"], 166, "2 of 12 households");
    assert_eq!(row(&v, s[5])["used"], 0);
    assert_eq!(row(&v, s[5])["participation_permille"], 0);

    // Revoking 2栋's codes stops both; 1栋 keeps its unused one.
    let (st, r) = send(
        t.admin(Method::POST, "/api/v1/admin/codes/revoke")
            .json(&json!({"target": "poll", "target_id": poll, "unit_id": s[5]})),
    )
    .await;
    assert_eq!((st, &r["revoked"]), (200, &json!(2)), "{r}");
    expect_problem_of(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-code", &b[0])
            .json(&json!({"kind": "single", "option": 1}))
            .send()
            .await
            .unwrap(),
        403,
        "invalid-code",
    )
    .await;
    // Revoking everything left: only 1栋's unused code; used codes stay used.
    let (_, r) = send(
        t.admin(Method::POST, "/api/v1/admin/codes/revoke")
            .json(&json!({"target": "poll", "target_id": poll})),
    )
    .await;
    assert_eq!(r["revoked"], 1);
    assert_eq!(
        vote(&t, poll, &a[2]).await.1["type"],
        "/problems/invalid-code"
    );
    let v = summary(&t, t.admin(Method::GET, &path)).await;
    assert_eq!(
        (&row(&v, s[4])["used"], &row(&v, s[4])["revoked"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(row(&v, s[5])["revoked"], 2);
    let results = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(results["ballots"], 2, "revoking takes no ballot back");
}

#[tokio::test]
async fn a_building_head_hands_out_and_counts_their_own_building_only() {
    let t = TestServer::start().await;
    let (s, poll) = setup(&t).await;
    let head = t.staff_token("building1.head", &format!("building_head:{}", s[4]));
    let path = format!("/api/v1/admin/codes?target=poll&target_id={poll}");
    let v = summary(&t, t.req(Method::GET, &path).bearer_auth(&head)).await;
    assert_eq!(
        v["units"],
        json!([]),
        "no codes yet is an empty sheet, not a refusal"
    );
    let body =
        |unit: i64| json!({"target": "poll", "target_id": poll, "count": 2, "unit_id": unit});
    let (st, v) = send(
        t.req(Method::POST, "/api/v1/admin/codes")
            .bearer_auth(&head)
            .json(&body(s[4])),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    issue(&t, poll, s[5], 1).await;
    let before = t.snapshot();
    for (method, path, body) in [
        (Method::POST, "/api/v1/admin/codes", body(s[5])),
        (
            Method::POST,
            "/api/v1/admin/codes",
            json!({"target": "poll", "target_id": poll, "count": 2}),
        ),
        (
            Method::POST,
            "/api/v1/admin/codes/revoke",
            json!({"target": "poll", "target_id": poll, "unit_id": s[5]}),
        ),
        (
            Method::POST,
            "/api/v1/admin/codes/revoke",
            json!({"target": "poll", "target_id": poll}),
        ),
    ] {
        expect_problem(
            t.req(method, path).bearer_auth(&head).json(&body),
            403,
            "outside-your-scope",
        )
        .await;
    }
    assert_eq!(t.snapshot(), before, "nothing written when refused");
    let v = summary(&t, t.req(Method::GET, &path).bearer_auth(&head)).await;
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 1, "their building only: {v}");
    assert_eq!(units[0]["unit_id"], s[4]);
    let (st, r) = send(
        t.req(Method::POST, "/api/v1/admin/codes/revoke")
            .bearer_auth(&head)
            .json(&json!({"target": "poll", "target_id": poll, "unit_id": s[4]})),
    )
    .await;
    assert_eq!((st, &r["revoked"]), (200, &json!(2)));
}

#[tokio::test]
async fn bad_code_requests_get_a_clear_problem_and_write_nothing() {
    let t = TestServer::start().await;
    let (s, poll) = setup(&t).await;
    let elsewhere = t
        .admin_post(
            "/api/v1/admin/scopes",
            json!({"parent_id": s[1], "level": "community", "name": "<img src=x onerror=alert(1)>"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let before = t.snapshot();
    for (body, status, code) in [
        (
            json!({"target": "poll", "target_id": poll, "count": 1, "unit_id": elsewhere}),
            422,
            "validation-failed",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": 1, "unit_id": 999_999}),
            422,
            "validation-failed",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": 0, "unit_id": s[4]}),
            422,
            "validation-failed",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": 2001, "unit_id": s[4]}),
            422,
            "validation-failed",
        ),
        (
            json!({"target": "poll", "target_id": 999_999, "count": 1}),
            404,
            "not-found",
        ),
        (
            json!({"target": "ballot", "target_id": poll, "count": 1}),
            422,
            "invalid-body",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": 1, "unit_id": "a b"}),
            422,
            "invalid-body",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": -1}),
            422,
            "invalid-body",
        ),
        (
            json!({"target": "poll", "target_id": poll, "count": 1, "extra": true}),
            422,
            "invalid-body",
        ),
    ] {
        let v = expect_problem(
            t.admin(Method::POST, "/api/v1/admin/codes").json(&body),
            status,
            code,
        )
        .await;
        assert!(!v.to_string().contains("<img"), "no markup echoed: {v}");
    }
    for body in [
        json!({"target": "poll", "target_id": poll, "unit_id": elsewhere}),
        json!({"target": "poll"}),
        json!("revoke everything"),
    ] {
        let (st, _) = send(
            t.admin(Method::POST, "/api/v1/admin/codes/revoke")
                .json(&body),
        )
        .await;
        assert!(st == 422 || st == 400, "{body}: {st}");
    }
    assert_eq!(t.snapshot(), before);
    for q in [
        "",
        "?target=poll",
        "?target=poll&target_id=abc%20d",
        "?target=x&target_id=1",
    ] {
        let (st, _) = send(t.admin(Method::GET, &format!("/api/v1/admin/codes{q}"))).await;
        assert_eq!(st, 400, "{q}");
    }
    let (st, _) = send(t.admin(
        Method::GET,
        "/api/v1/admin/codes?target=poll&target_id=999999",
    ))
    .await;
    assert_eq!(st, 404);
    let (st, _) = send(t.req(
        Method::GET,
        &format!("/api/v1/admin/codes?target=poll&target_id={poll}"),
    ))
    .await;
    assert_eq!(st, 401, "residents see no code counts");
}
