//! Hostile and broken requests: each gets the right 4xx problem+json and
//! the database is byte-for-byte unchanged afterwards.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn malformed_oversized_and_mistyped_bodies_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "multiple", "max_choices": 2}),
            &["a", "b", "c"],
            json!({}),
        )
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let dev = device(1);
    let before = t.snapshot();

    let post = || t.req(Method::POST, &path).header("x-tongxin-device", &dev);
    expect_problem(
        post()
            .header("content-type", "application/json")
            .body("{\"kind\": \"multiple\", "),
        400,
        "malformed-json",
    )
    .await;
    expect_problem(
        post().header("content-type", "text/plain").body("{}"),
        415,
        "unsupported-media-type",
    )
    .await;
    expect_problem(post().body("{}"), 415, "unsupported-media-type").await;
    let huge = format!(
        "{{\"kind\":\"multiple\",\"options\":[{}1]}}",
        "1,".repeat(40_000)
    );
    expect_problem(
        post().header("content-type", "application/json").body(huge),
        413,
        "body-too-large",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": "all"})),
        422,
        "invalid-body",
    )
    .await;
    expect_problem(post().json(&json!({"kind": "veto"})), 422, "invalid-body").await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": [1], "extra": true})),
        422,
        "invalid-body",
    )
    .await;
    // Option ids are opaque: -1 or "one" is an id, just not one of this poll's.
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": [-1]})),
        422,
        "unknown-option",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": ["one"]})),
        422,
        "unknown-option",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": ["a b"]})),
        422,
        "invalid-body",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": [99999999999u64]})),
        422,
        "unknown-option",
    )
    .await;
    // Domain refusals name the field.
    let v = expect_problem(
        post().json(&json!({"kind": "multiple", "options": [9]})),
        422,
        "unknown-option",
    )
    .await;
    assert!(v["errors"]["ballot"].is_array());
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": [1, 2, 3]})),
        422,
        "too-many-choices",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": [1, 1]})),
        422,
        "duplicate-option",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "multiple", "options": []})),
        422,
        "empty-ballot",
    )
    .await;
    expect_problem(
        post().json(&json!({"kind": "single", "option": 1})),
        422,
        "ballot-kind-mismatch",
    )
    .await;
    // Identity problems.
    expect_problem(
        t.req(Method::POST, &path)
            .json(&json!({"kind": "multiple", "options": [1]})),
        401,
        "device-token-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", "x")
            .json(&json!({"kind": "multiple", "options": [1]})),
        400,
        "invalid-device-token",
    )
    .await;
    expect_problem(
        post()
            .header("idempotency-key", "")
            .json(&json!({"kind": "multiple", "options": [1]})),
        400,
        "invalid-idempotency-key",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn unknown_ids_paths_and_methods() {
    let t = TestServer::start().await;
    let before = t.snapshot();
    expect_problem(t.req(Method::GET, "/api/v1/polls/999"), 404, "not-found").await;
    expect_problem(t.req(Method::GET, "/api/v1/polls/abc"), 404, "not-found").await;
    expect_problem(
        t.req(Method::GET, "/api/v1/polls/1%27%20OR%201=1"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::POST, "/api/v1/polls/999/ballots")
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 1})),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/conventions/999"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals/999/ledger"),
        404,
        "not-found",
    )
    .await;
    expect_problem(t.req(Method::GET, "/api/v1/nothing-here"), 404, "not-found").await;
    expect_problem(
        t.req(Method::PATCH, "/api/v1/polls/1"),
        405,
        "method-not-allowed",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals?limit=0"),
        400,
        "invalid-query",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals?limit=1000"),
        400,
        "invalid-query",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals?step=dreaming"),
        400,
        "invalid-query",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals?cursor=not-a-cursor"),
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn duplicate_ballot_is_refused_and_the_first_one_stands() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-device", device(1))
                .json(&json!({"kind": "single", "option": 1}))
        )
        .await
        .0,
        201
    );
    let before = t.snapshot();
    let v = expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 2})),
        409,
        "already-voted",
    )
    .await;
    assert!(v["detail"].as_str().unwrap().contains("already voted"));
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn idempotency_keys_replay_and_refuse_reuse() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let cast = |option: u32| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .header("idempotency-key", "key-1")
            .json(&json!({"kind": "single", "option": option}))
    };
    let first = cast(1).send().await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first_body = first.text().await.unwrap();
    let again = cast(1).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first_body);
    let before = t.snapshot();
    expect_problem(cast(2), 422, "idempotency-key-reused").await;
    assert_eq!(t.snapshot(), before);
    assert_eq!(
        t.get(&format!("/api/v1/polls/{id}/count")).await["ballots"],
        1
    );
}

#[tokio::test]
async fn xss_payloads_are_stored_as_text_and_escaped_as_json() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let payload = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>\"'&";
    let id = t
        .poll(s[2], json!({"type": "single"}), &[payload, "b"], json!({}))
        .await;
    let r = t
        .req(Method::GET, &format!("/api/v1/polls/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v["options"][0]["label"], payload,
        "stored verbatim, rendered by the widget as text"
    );
}

#[tokio::test]
async fn staff_api_needs_the_token_and_validates() {
    let t = TestServer::start().await;
    let before = t.snapshot();
    let body = json!({"level": "district", "name": "西山区"});
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/scopes").json(&body),
        401,
        "admin-token-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth("guess")
            .json(&body),
        401,
        "admin-token-required",
    )
    .await;
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/scopes")
            .json(&json!({"level": "building", "name": "x"})),
        422,
        "invalid-scope",
    )
    .await;
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/scopes")
            .json(&json!({"level": "district", "name": ""})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(t.admin(Method::POST, "/api/v1/admin/polls").json(&json!({"scope_id": 42, "title": "x", "kind": {"type": "single"}, "options": ["a", "b"]})), 422, "validation-failed").await;
    let v = expect_problem(t.admin(Method::POST, "/api/v1/admin/polls").json(&json!({"scope_id": 1, "title": "", "kind": {"type": "dot", "points": 0}, "options": ["a"]})), 422, "validation-failed").await;
    for field in ["title", "kind.points", "options"] {
        assert!(v["errors"][field].is_array(), "{field}: {v}");
    }
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/codes")
            .json(&json!({"target": "poll", "target_id": 1, "count": 0})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/codes")
            .json(&json!({"target": "poll", "target_id": 77, "count": 2})),
        404,
        "not-found",
    )
    .await;
    assert_eq!(t.snapshot(), before);
    let off = TestServer::start_with(|c| c.admin_token = None).await;
    expect_problem(
        off.admin(Method::POST, "/api/v1/admin/scopes").json(&body),
        403,
        "admin-disabled",
    )
    .await;
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let t =
        TestServer::start_with(|c| c.cors_origins = vec!["https://community.example".into()]).await;
    let pre = |origin: &str| {
        t.req(Method::OPTIONS, "/api/v1/polls")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-tongxin-device,idempotency-key",
            )
    };
    let ok = pre("https://community.example").send().await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://community.example"
    );
    let other = pre("https://evil.example").send().await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
