//! The server on a hostile internet: slow clients, overload, shutdown,
//! headers, proxies, credentials and idempotency rules.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::*;
use reqwest::Method;
use serde_json::json;

/// Opens a raw connection and sends `head` (possibly incomplete).
fn raw(url: &str, head: &str) -> TcpStream {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// Reads until the peer closes (or the read timeout), returning the bytes.
fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let t = TestServer::start_with(|c| c.header_timeout_secs = 1).await;
    let url = t.url.clone();
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = raw(&url, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        read_all(&mut s)
    })
    .await
    .unwrap();
    // Closed by the server (with or without a 408), long before our 20 s.
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_concurrency_cap_requests_get_503_with_retry_after() {
    let t = TestServer::start_with(|c| c.max_concurrency = 1).await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    // One request in flight: headers sent, body still coming.
    let url = t.url.clone();
    let head = format!(
        "POST /api/v1/polls/{id}/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tongxin-Device: {}\r\nContent-Length: 30\r\n\r\n{{\"kind\"",
        device(1)
    );
    let holder = tokio::task::spawn_blocking(move || raw(&url, &head));
    let mut slow = holder.await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = t
        .req(Method::GET, &format!("/api/v1/polls/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // The held request still completes.
    slow.write_all(b":\"single\",\"option\":1}  ").unwrap();
    let answer = tokio::task::spawn_blocking(move || {
        let mut buf = [0u8; 64];
        let n = slow.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let r = t
        .req(Method::GET, &format!("/api/v1/polls/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[test]
fn sigterm_lets_requests_in_flight_finish_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tongxin-server"))
        .args([
            "--db",
            &crate::common::store::fresh_database(dir.path()).to_string_lossy(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("TONGXIN_ADMIN_TOKEN", ADMIN)
        .env("TONGXIN_PEPPER", PEPPER)
        .env("RUST_LOG", "error")
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(up, "server did not start");
    // A staff write whose body is still on its way when SIGTERM arrives.
    let body = r#"{"level": "district", "name": "西山区"}"#;
    let mut s = raw(
        &url,
        &format!(
            "POST /api/v1/admin/scopes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            &body[..10]
        ),
    );
    std::thread::sleep(Duration::from_millis(200));
    let term = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(&body.as_bytes()[10..]).unwrap();
    let answer = read_all(&mut s);
    assert!(answer.starts_with("HTTP/1.1 201"), "drained: {answer}");
    let status = server.wait().unwrap();
    assert!(status.success(), "exits cleanly after draining: {status:?}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_pages_a_charset() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(
        www.path().join("index.html"),
        "<!doctype html><title>同心</title>",
    )
    .unwrap();
    let path = www.path().to_path_buf();
    let t = TestServer::start_with(move |c| c.www_dir = Some(path)).await;
    for p in ["/", "/healthz", "/api/v1/polls", "/api/v1/nope"] {
        let r = t.req(Method::GET, p).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{p}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{p}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'")
                && csp.contains("require-trusted-types-for 'script'"),
            "{p}"
        );
        assert_eq!(h["cache-control"], "no-store", "{p}");
    }
    let page = t.req(Method::GET, "/").send().await.unwrap();
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_count_per_client_and_per_ipv6_64() {
    let t = TestServer::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".into()];
        c.ip_writes_per_min = 2;
    })
    .await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let vote = |n: usize, from: &str| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(n))
            .header("x-forwarded-for", from.to_string())
            .json(&json!({"kind": "single", "option": 1}))
    };
    assert_eq!(send(vote(1, "198.51.100.1")).await.0, 201);
    assert_eq!(send(vote(2, "198.51.100.1")).await.0, 201);
    expect_problem(vote(3, "198.51.100.1"), 429, "rate-limited").await;
    // Another resident behind the same proxy has their own bucket, and a
    // forged left-most entry changes nothing.
    assert_eq!(send(vote(4, "6.6.6.6, 198.51.100.2")).await.0, 201);
    // One IPv6 /64 is one household line: one bucket.
    assert_eq!(send(vote(5, "2001:db8:1:2::1")).await.0, 201);
    assert_eq!(send(vote(6, "2001:db8:1:2::ffff")).await.0, 201);
    expect_problem(vote(7, "2001:db8:1:2:abcd::9"), 429, "rate-limited").await;
}

#[tokio::test]
async fn voter_tokens_need_an_expiry() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"eligibility": "token"}),
        )
        .await;
    let forever = tongxin_server::voter::sign_voter_token(VOTER_SECRET, "resident-42", None);
    let before = t.snapshot();
    let p = expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-voter", forever)
            .json(&json!({"kind": "single", "option": 1})),
        401,
        "invalid-voter-token",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("exp"));
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn idempotency_keys_belong_to_their_caller_and_expire() {
    let t = TestServer::start_with(|c| c.idempotency_ttl_secs = 1).await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let vote = |n: usize, option: u32| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(n))
            .header("idempotency-key", "same-key")
            .json(&json!({"kind": "single", "option": option}))
    };
    assert_eq!(send(vote(1, 1)).await.0, 201);
    // Another device's unrelated write with the same key is its own write.
    assert_eq!(send(vote(2, 2)).await.0, 201);
    let replay = vote(1, 1).send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    // Expired: the retry is a new request (and the voter has voted).
    expect_problem(vote(1, 1), 409, "already-voted").await;
    // The writer purged the expired records after that batch.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(send(vote(3, 1)).await.0, 201);
    let old = t
        .one(
            "SELECT COUNT(*) FROM idempotency WHERE created_at < (SELECT MAX(created_at) FROM idempotency) - 1000",
            &[],
        )
        .int();
    assert_eq!(old, 0, "expired idempotency records are purged");
}

#[tokio::test]
async fn invisible_and_direction_changing_names_are_refused() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let conv = t
        .admin_post(
            "/api/v1/admin/conventions",
            json!({"scope_id": s[2], "title": "公约", "preamble": "p", "articles": ["a"], "goal": 10}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let before = t.snapshot();
    for (n, name) in ["\u{202e}孙雨萌", "\u{200b}", "\u{feff}孙", "孙\u{2067}萌"]
        .iter()
        .enumerate()
    {
        let p = expect_problem(
            t.req(Method::POST, &format!("/api/v1/conventions/{conv}/signatures"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"display_name": name, "unit_id": s[4], "role": "resident", "version": 1, "agreed": true})),
            422,
            "validation-failed",
        )
        .await;
        assert!(p["errors"]["display_name"].is_array(), "{name:?}: {p}");
    }
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn arrays_are_never_read_as_objects() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let before = t.snapshot();
    let p = expect_problem(
        t.admin(Method::PATCH, &format!("/api/v1/admin/scopes/{}", s[0]))
            .json(&json!([null, null])),
        422,
        "invalid-body",
    )
    .await;
    assert!(p["errors"]["body"].is_array());
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!(["single", 1])),
        422,
        "invalid-body",
    )
    .await;
    // A wrong shape names the field.
    let p = expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": ["one"]})),
        422,
        "invalid-body",
    )
    .await;
    assert!(
        p["errors"].as_object().is_some_and(|e| !e.is_empty()),
        "{p}"
    );
    assert_eq!(t.snapshot(), before);
}
