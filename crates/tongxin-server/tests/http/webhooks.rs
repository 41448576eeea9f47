//! Webhooks over real HTTP, on both stores, with a real receiver on
//! loopback: deliveries are signed as Standard Webhooks has it and verify
//! with the documented recipe, a 500 is retried with the same id, events
//! happen once however often their cause repeats, the clock's events
//! (closing soon, closed with the outcome) come by themselves, a killed
//! sender's delivery is sent again after restart, and private addresses,
//! bad endpoints and other scopes' staff are refused.

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::process::{Killed, free_port, start_server, wait_up};
use crate::common::receiver::{Got, Receiver};
use crate::common::*;

/// The first retry comes 5 s after a failure; every wait here is far longer.
const WAIT: Duration = Duration::from_secs(30);

/// The documented recipe (docs/webhooks.md): HMAC-SHA256 keyed by the
/// base64 after `whsec_`, over `id.timestamp.body`, base64, after `v1,`.
fn verifies(secret: &str, g: &Got) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", g.id, g.timestamp, g.body).as_bytes());
    let want = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    g.signature.split(' ').any(|s| s == format!("v1,{want}"))
}

async fn admin_get(t: &TestServer, path: &str) -> Value {
    let (st, v) = send(t.admin(Method::GET, path)).await;
    assert_eq!(st, 200, "GET {path}: {v}");
    v
}

async fn register(t: &TestServer, scope: i64, url: &str, events: Value) -> Value {
    let (st, v) = send(
        t.admin(Method::POST, "/api/v1/admin/webhooks")
            .json(&json!({"scope_id": scope, "url": url, "events": events})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    v
}

async fn allowed() -> TestServer {
    TestServer::start_with(|c| c.webhook_allow_private = true).await
}

#[tokio::test]
async fn a_delivery_is_signed_verifiable_and_retried_after_a_500() {
    let t = allowed().await;
    let s = t.scopes().await;
    let rx = Receiver::start(&[500]).await;
    let hook = register(
        &t,
        s[1],
        &rx.url,
        json!(["proposal.threshold_reached", "proposal.step_changed"]),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let id = hook["id"].as_i64().unwrap();
    // The secret is shown once: never in the list.
    let list = admin_get(&t, "/api/v1/admin/webhooks").await;
    assert!(!list.to_string().contains(&secret));
    assert_eq!(list[0]["url"], rx.url.as_str());

    let prop = t.proposal(s[2]).await;
    for n in 0..4 {
        send(
            t.req(Method::POST, &format!("/api/v1/proposals/{prop}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
    }
    // A 500, then the same event again with the same id.
    let got = rx.wait_for(2, WAIT).await;
    assert_eq!(got[0].id, got[1].id, "a retry keeps the webhook-id");
    for g in &got {
        assert!(verifies(&secret, g), "signature of {g:?}");
        let age = (crate::common::now_secs() - g.timestamp.parse::<i64>().unwrap()).abs();
        assert!(age < 120, "timestamp in seconds, now: {age}");
    }
    let body = got[1].json();
    assert_eq!(body["type"], "proposal.threshold_reached");
    assert_eq!(body["data"]["proposal_id"], prop);
    assert_eq!(
        body["data"]["supports"], 3,
        "sent once, when the threshold was reached"
    );
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    // The log says so.
    let mut log = Value::Null;
    for _ in 0..100 {
        log = admin_get(&t, &format!("/api/v1/admin/webhooks/{id}/deliveries")).await;
        if log[0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log[0]["state"], "delivered", "{log}");
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(log[0]["last_status"], 200);

    // A step change is another event; the same step again is not.
    let (st, v) = send(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{prop}/transitions"),
        )
        .json(&json!({"actor": "碧鸡社区居委会", "action": {"action": "advance"}})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let got = rx.wait_for(3, WAIT).await;
    let step = got[2].json();
    assert_eq!(step["type"], "proposal.step_changed");
    assert_eq!(
        (step["data"]["from"].as_str(), step["data"]["to"].as_str()),
        (Some("propose"), Some("deliberate"))
    );
    assert!(verifies(&secret, &got[2]));
}

#[tokio::test]
async fn each_event_happens_once_and_the_clock_sends_its_own() {
    let t = allowed().await;
    let s = t.scopes().await;
    let rx = Receiver::start(&[]).await;
    register(
        &t,
        s[2],
        &rx.url,
        json!([
            "convention.goal_reached",
            "poll.closing_soon",
            "poll.closed"
        ]),
    )
    .await;
    let conv = t
        .admin_post(
            "/api/v1/admin/conventions",
            json!({"scope_id": s[2], "title": "碧鸡广场活动文明公约", "preamble": "为营造文明广场", "articles": ["音量不超过60分贝"], "goal": 2}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let sign = |n: usize| {
        t.req(
            Method::POST,
            &format!("/api/v1/conventions/{conv}/signatures"),
        )
        .header("x-tongxin-device", device(n))
        .json(&json!({"display_name": "孙雨萌", "unit_id": s[4], "version": 1, "agreed": true}))
    };
    assert_eq!(send(sign(1)).await.0, 201);
    assert_eq!(send(sign(2)).await.0, 201);
    // Down to 1 and up to 2 again: the goal was reached once.
    let (st, v) = send(
        t.req(
            Method::DELETE,
            &format!("/api/v1/conventions/{conv}/signatures/mine"),
        )
        .header("x-tongxin-device", device(2)),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(send(sign(3)).await.0, 201);

    // Open for one look of the clock (every 5 s) at least.
    let closes = crate::common::now_secs() * 1000 + 8_000;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"closes_at": closes}),
        )
        .await;
    send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(9))
            .json(&json!({"kind": "single", "option": 1})),
    )
    .await;
    let got = rx.wait_for(3, WAIT).await;
    tokio::time::sleep(Duration::from_secs(6)).await; // another look of the clock
    let got_all = rx.got();
    let kinds: Vec<String> = got_all
        .iter()
        .map(|g| g.json()["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "convention.goal_reached")
            .count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "poll.closing_soon").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "poll.closed").count(),
        1,
        "{kinds:?}"
    );
    let closed = got_all
        .iter()
        .map(Got::json)
        .find(|j| j["type"] == "poll.closed")
        .unwrap();
    assert_eq!(closed["data"]["poll_id"], poll);
    assert_eq!(closed["data"]["ballots"], 1);
    assert_eq!(
        closed["data"]["results"]["options"][0]["count"], 1,
        "{closed}"
    );
    assert!(got.len() >= 3);
}

#[tokio::test]
async fn private_addresses_bad_endpoints_and_other_scopes_are_refused() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let head = t.staff_token("head.hooks", &format!("building_head:{}", s[4]));
    let before = t.snapshot();
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.1.1/",
    ] {
        let p = expect_problem(
            t.admin(Method::POST, "/api/v1/admin/webhooks")
                .json(&json!({"scope_id": s[2], "url": url, "events": ["poll.closed"]})),
            422,
            "validation-failed",
        )
        .await;
        assert!(
            p["errors"]["url"][0].as_str().unwrap().contains("private"),
            "{url}: {p}"
        );
    }
    for (body, field) in [
        (
            json!({"scope_id": s[2], "url": "ftp://example.org/x", "events": ["poll.closed"]}),
            "url",
        ),
        (
            json!({"scope_id": s[2], "url": "javascript:alert(1)", "events": ["poll.closed"]}),
            "url",
        ),
        (
            json!({"scope_id": s[2], "url": "https://user:pw@example.org/", "events": ["poll.closed"]}),
            "url",
        ),
        (
            json!({"scope_id": s[2], "url": format!("https://example.org/{}", "x".repeat(3000)), "events": ["poll.closed"]}),
            "url",
        ),
        (
            json!({"scope_id": s[2], "url": "https://example.org/<script>alert(1)</script>", "events": []}),
            "events",
        ),
        (
            json!({"scope_id": s[2], "url": "https://example.org/", "events": ["poll.closed", "poll.closed"]}),
            "events",
        ),
    ] {
        let p = expect_problem(
            t.admin(Method::POST, "/api/v1/admin/webhooks").json(&body),
            422,
            "validation-failed",
        )
        .await;
        assert!(p["errors"][field].is_array(), "{body}: {p}");
    }
    for body in [
        json!({"scope_id": s[2], "url": "https://example.org/", "events": ["poll.deleted"]}),
        json!({"scope_id": s[2], "url": "https://example.org/", "events": "poll.closed"}),
        json!({"scope_id": s[2], "url": "https://example.org/", "events": ["poll.closed"], "secret": "mine"}),
        json!([]),
    ] {
        let (st, _) = send(t.admin(Method::POST, "/api/v1/admin/webhooks").json(&body)).await;
        assert!(st == 400 || st == 422, "{body}: {st}");
    }
    expect_problem(
        t.admin(Method::POST, "/api/v1/admin/webhooks").json(
            &json!({"scope_id": 999, "url": "https://93.184.215.14/hooks", "events": ["poll.closed"]}),
        ),
        404,
        "not-found",
    )
    .await
    .to_string();
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/webhooks")
            .bearer_auth(&head)
            .json(&json!({"scope_id": s[4], "url": "https://example.org/", "events": ["poll.closed"]})),
        403,
        "role-required",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/admin/webhooks"),
        401,
        "admin-token-required",
    )
    .await;
    expect_problem(
        t.admin(Method::GET, "/api/v1/admin/webhooks/999/deliveries"),
        404,
        "not-found",
    )
    .await;
    assert_eq!(t.snapshot(), before, "nothing was written");
}

#[tokio::test]
async fn a_switched_off_endpoint_gets_nothing_and_a_delivery_can_be_sent_again() {
    let t = allowed().await;
    let s = t.scopes().await;
    // The receiver holds the first request: the sender gives up on it
    // after its time limit and tries again later.
    let rx = Receiver::start(&[503]).await;
    let hook = register(&t, s[2], &rx.url, json!(["proposal.threshold_reached"])).await;
    let id = hook["id"].as_i64().unwrap();
    let prop = t.proposal(s[2]).await;
    for n in 0..3 {
        send(
            t.req(Method::POST, &format!("/api/v1/proposals/{prop}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
    }
    rx.wait_for(1, WAIT).await;
    let log = admin_get(
        &t,
        &format!("/api/v1/admin/webhooks/{id}/deliveries?limit=10"),
    )
    .await;
    let event = log[0]["event_id"].as_str().unwrap().to_string();
    assert!(event.starts_with("msg_"));
    // Sent again at once on request, before its retry is due.
    let (st, d) = send(t.admin(
        Method::POST,
        &format!("/api/v1/admin/webhooks/{id}/deliveries/{event}/retry"),
    ))
    .await;
    assert_eq!(st, 200, "{d}");
    let got = rx.wait_for(2, WAIT).await;
    assert_eq!(got[1].id, event);
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/webhooks/{id}/deliveries/msg_nope/retry"),
        ),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.admin(
            Method::GET,
            &format!("/api/v1/admin/webhooks/{id}/deliveries?limit=0"),
        ),
        400,
        "invalid-query",
    )
    .await;

    let (st, off) = send(t.admin(Method::DELETE, &format!("/api/v1/admin/webhooks/{id}"))).await;
    assert_eq!(st, 200);
    assert!(off["disabled_at"].is_i64());
    let other = t.proposal(s[2]).await;
    for n in 10..13 {
        send(
            t.req(Method::POST, &format!("/api/v1/proposals/{other}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(rx.got().len(), 2, "nothing more after it was switched off");
}

fn sender(db: &std::path::Path, port: u16) -> Killed {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tongxin-server"));
    c.args([
        "--db",
        &db.to_string_lossy(),
        "--listen",
        &format!("127.0.0.1:{port}"),
    ])
    .env("TONGXIN_ADMIN_TOKEN", ADMIN)
    .env("TONGXIN_PEPPER", PEPPER)
    .env("TONGXIN_SUPPORT_THRESHOLD", "3")
    .env("TONGXIN_WEBHOOK_ALLOW_PRIVATE", "1")
    .env("TONGXIN_WEBHOOK_TIMEOUT_SECS", "2")
    .env("RUST_LOG", "error")
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let _ = start_server; // the same binary and secrets as `start_server`
    Killed(c.spawn().expect("server binary"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_cut_by_kill_9_is_sent_again_after_restart_with_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::store::fresh_database(dir.path());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut server = sender(&db, port);
    wait_up(&http, &base).await;
    let s = scope_tree(&http, &base).await;
    // The first request is held: the sender is killed while it waits.
    let rx = Receiver::start(&[0]).await;
    let hook = admin_post(
        &http,
        &base,
        "/api/v1/admin/webhooks",
        json!({"scope_id": s[2], "url": rx.url, "events": ["proposal.threshold_reached"]}),
    )
    .await;
    let prop = admin_post(
        &http,
        &base,
        "/api/v1/admin/proposals",
        json!({"scope_id": s[2], "title": "广场加装座椅", "problem": "老人没有地方坐", "plan": "加装十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for n in 0..3 {
        let r = http
            .post(format!("{base}/api/v1/proposals/{prop}/supports"))
            .header("x-tongxin-device", device(n))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let first = rx.wait_for(1, WAIT).await;
    server.0.kill().unwrap(); // SIGKILL mid-delivery
    let _ = server.0.wait();
    let _again = sender(&db, port);
    wait_up(&http, &base).await;
    let got = rx.wait_for(2, WAIT).await;
    assert_eq!(
        got[1].id, first[0].id,
        "the same event, the same id: the receiver deduplicates"
    );
    assert!(verifies(hook["secret"].as_str().unwrap(), &got[1]));
    let id = hook["id"].as_i64().unwrap();
    let mut log = Value::Null;
    for _ in 0..100 {
        log = http
            .get(format!("{base}/api/v1/admin/webhooks/{id}/deliveries"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if log[0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log.as_array().unwrap().len(), 1, "one event: {log}");
    assert_eq!(log[0]["state"], "delivered", "{log}");
    assert_eq!(rx.got().len(), 2, "sent once more, not more");
}
