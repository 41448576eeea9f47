//! The trust attacks of the second security round, each written as the
//! attacker would run it against a real server over loopback: linking a
//! household to its secret ballot by timing, filling the audit log without
//! signing in, reading an item through a refused request's audit entry,
//! binding another community's poll, racing the sign-in limit, a session
//! that outlives its password, one address taking every request slot,
//! custom indicator periods as a work generator, and CSV formulas behind
//! `;`. Weak secrets at startup are in tests/http/settings.rs.

use std::time::Duration;

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

/// Everything a holder of code slips (a building head) and any observer of
/// the public endpoints can read about an anonymous poll, as one value.
async fn observe(t: &TestServer, poll: i64, codes: &[String]) -> Value {
    let mut mine = Vec::new();
    for c in codes {
        let r = t
            .req(Method::GET, &format!("/api/v1/polls/{poll}/ballots/mine"))
            .header("x-tongxin-code", c)
            .send()
            .await
            .unwrap();
        mine.push(r.status().as_u16());
    }
    let csv = t
        .admin(Method::GET, &format!("/api/v1/polls/{poll}/results.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    json!({
        "poll": t.get(&format!("/api/v1/polls/{poll}")).await["ballots"],
        "count": t.get(&format!("/api/v1/polls/{poll}/count")).await,
        "results": t.get(&format!("/api/v1/polls/{poll}/results")).await,
        "list": t.get("/api/v1/polls").await,
        "mine": mine,
        "staff_results": t.admin(Method::GET, &format!("/api/v1/polls/{poll}/results")).send().await.unwrap().json::<Value>().await.unwrap(),
        "staff_codes": t.admin(Method::GET, &format!("/api/v1/admin/codes?target=poll&target_id={poll}")).send().await.unwrap().json::<Value>().await.unwrap(),
        "csv": csv,
    })
}

/// The status of `/healthz`, which must answer within `within`.
async fn healthz(t: &TestServer, within: Duration) -> u16 {
    t.http
        .get(format!("{}/healthz", t.url))
        .timeout(within)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn cast_with_code(t: &TestServer, poll: i64, code: &str, option: i64) {
    let (st, v) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-code", code)
            .header("x-tongxin-device", device(option as usize))
            .json(&json!({"kind": "single", "option": option})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
}

/// The bound: while an anonymous poll is open, every change that anyone —
/// the public, the holder of every code slip, staff — can see in its
/// figures gathers at least 5 ballots (the default batch); whether a code
/// has voted is never told by `ballots/mine`.
#[tokio::test]
async fn a_slip_holder_cannot_link_a_household_to_its_secret_vote() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["早上", "中午", "晚上"],
            json!({"anonymous": true, "eligibility": "code"}),
        )
        .await;
    let codes: Vec<String> = t.poll_codes(poll, s[4], 3).await;

    // The attack: watch every endpoint tick by tick while the second
    // household votes for option 2.
    let before = observe(&t, poll, &codes).await;
    cast_with_code(&t, poll, &codes[1], 2).await;
    let after = observe(&t, poll, &codes).await;
    assert_eq!(
        before, after,
        "nothing an observer can read changed with one secret ballot"
    );
    assert_eq!(after["mine"], json!([204, 204, 204]));
    assert_eq!(after["count"]["ballots"], 0);
    let units = &after["staff_codes"]["units"][0];
    assert_eq!(
        (units["used"].as_i64(), units["used_rounded_to"].as_i64()),
        (Some(0), Some(5))
    );
    assert!(units.get("unused").is_none());

    // More households vote: the figures move only in whole batches of 5.
    let more: Vec<String> = t.poll_codes(poll, s[5], 11).await;
    let mut seen = vec![0];
    for (i, c) in more.iter().enumerate() {
        cast_with_code(&t, poll, c, 1 + (i as i64 % 3)).await;
        let shown = t.get(&format!("/api/v1/polls/{poll}/results")).await["ballots"]
            .as_u64()
            .unwrap();
        if shown != *seen.last().unwrap() {
            seen.push(shown);
        }
    }
    assert_eq!(seen, [0, 5, 10], "12 ballots, seen only as batches of 5");
    let counted: u64 = t.get(&format!("/api/v1/polls/{poll}/results")).await["results"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 10);

    // Closed: the exact figures, every ballot in them.
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200);
    let closed = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(closed["ballots"], 12);
    let codes_after = t
        .admin(
            Method::GET,
            &format!("/api/v1/admin/codes?target=poll&target_id={poll}"),
        )
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(codes_after["units"][0]["used"], 1);
    assert!(codes_after["units"][0].get("used_rounded_to").is_none());
}

#[tokio::test]
async fn nobody_writes_into_the_audit_log_without_signing_in() {
    let t = TestServer::start().await;
    let long = "x".repeat(3_000);
    let body = format!("{{\"junk\": \"{}\"}}", "y".repeat(4_000));
    for _ in 0..5 {
        let r = t
            .req(Method::POST, &format!("/api/v1/admin/{long}"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    // Unknown routes are not recorded for signed-in staff either.
    let r = t
        .admin(Method::POST, &format!("/api/v1/admin/{long}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = t
        .req(Method::PATCH, "/api/v1/admin/polls/1")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(t.one("SELECT COUNT(*) FROM audit_log", &[]).int(), 0);
    // A real staff action is recorded, its path within the cap.
    let s = t.scopes().await;
    assert!(s.len() == 6);
    let paths = t.rows("SELECT path FROM audit_log", &[]);
    assert_eq!(paths.len(), 6);
    assert!(paths.iter().all(|p| p[0].text().chars().count() <= 301));
}

#[tokio::test]
async fn a_refused_caller_reads_nothing_of_the_item_in_the_audit_log() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let proposal = t.proposal(s[2]).await;
    let head = t.staff_token("lou.zhang", &format!("building_head:{}", s[4]));
    let (st, _) = send(
        t.req(
            Method::PATCH,
            &format!("/api/v1/admin/proposals/{proposal}"),
        )
        .bearer_auth(&head)
        .json(&json!({})),
    )
    .await;
    assert_eq!(st, 403);
    let (st, log) = send(
        t.req(Method::GET, "/api/v1/admin/audit?limit=5")
            .bearer_auth(&head),
    )
    .await;
    assert_eq!(st, 200);
    let entry = &log["items"][0];
    assert_eq!(entry["status"], 403);
    assert!(entry["before"].is_null(), "{entry}");
    assert!(!log.to_string().contains("孙雨萌"), "{log}");
    // Nor is it stored for later.
    let kept = t.rows("SELECT before FROM audit_log WHERE status = 403", &[]);
    assert!(kept.iter().all(|r| r[0] == Cell::Null));
}

#[tokio::test]
async fn staff_cannot_bind_another_communitys_poll_to_their_proposal() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let other = t.neighbour_community(s[1]).await;
    let proposal = t.proposal(s[2]).await;
    let approval = json!({"type": "approval", "threshold_percent": 50});
    let theirs = t.poll(other, approval.clone(), &["同意"], json!({})).await;
    let ours = t.poll(s[4], approval, &["同意"], json!({})).await;
    let staff = t.staff_token("bijie.staff", &format!("staff:{}", s[2]));
    for field in ["resolution_poll_id", "consultation_poll_id"] {
        let before = t.snapshot();
        expect_problem(
            t.req(
                Method::PATCH,
                &format!("/api/v1/admin/proposals/{proposal}"),
            )
            .bearer_auth(&staff)
            .json(&json!({ field: theirs })),
            403,
            "outside-your-scope",
        )
        .await;
        assert_eq!(before, t.snapshot(), "{field}: nothing written");
    }
    // A poll of its own scope or below is fine.
    let (st, v) = send(
        t.req(
            Method::PATCH,
            &format!("/api/v1/admin/proposals/{proposal}"),
        )
        .bearer_auth(&staff)
        .json(&json!({"resolution_poll_id": ours})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    // Nor merged into another community's proposal.
    let foreign = t
        .admin_post(
            "/api/v1/admin/proposals",
            json!({"scope_id": other, "title": "别处的提议", "problem": "p", "plan": "p", "estimated_cost_fen": 100, "proposer_name": "王"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let before = t.snapshot();
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{proposal}/transitions"),
        )
        .json(&json!({"actor": "碧鸡社区居委会", "action": {"action": "merge", "into": foreign}})),
        403,
        "outside-your-scope",
    )
    .await;
    assert_eq!(before, t.snapshot());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_passwords_gets_five_tries_and_the_server_keeps_answering() {
    let t = TestServer::start().await;
    t.add_staff("admin.wang", "administrator");
    let url = format!("{}/api/v1/staff/session", t.url);
    let mut burst = Vec::new();
    for i in 0..200 {
        let (http, url) = (t.http.clone(), url.clone());
        burst.push(tokio::spawn(async move {
            http.post(url)
                .json(&json!({"login": "admin.wang", "password": format!("guess-number-{i}")}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    // Meanwhile the server answers its health check within a second.
    assert_eq!(healthz(&t, Duration::from_secs(1)).await, 200);
    let mut answered = std::collections::BTreeMap::<u16, usize>::new();
    for b in burst {
        *answered.entry(b.await.unwrap().unwrap()).or_default() += 1;
    }
    let tried = answered.get(&401).copied().unwrap_or(0);
    assert!(
        tried <= 5,
        "at most 5 wrong passwords were tried: {answered:?}"
    );
    assert!(
        answered.keys().all(|s| [401, 429, 503].contains(s)),
        "{answered:?}"
    );
    let failures = t
        .one("SELECT COUNT(*) FROM staff_sign_ins WHERE NOT ok", &[])
        .int();
    assert_eq!(failures as usize, tried);
    // A forged X-Forwarded-For does not make another address (no trusted
    // proxy here): the right password from this address waits too.
    let owner = t
        .http
        .post(&url)
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"login": "admin.wang", "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), 429);
}

#[tokio::test]
async fn the_account_owner_signs_in_from_elsewhere_while_an_attacker_waits() {
    let t = TestServer::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".into()]).await;
    t.add_staff("admin.wang", "administrator");
    let sign_in = |from: &'static str, password: &'static str| {
        t.req(Method::POST, "/api/v1/staff/session")
            .header("x-forwarded-for", from)
            .json(&json!({"login": "admin.wang", "password": password}))
    };
    for _ in 0..5 {
        let (st, _) = send(sign_in("198.51.100.7", "wrong-password-guess")).await;
        assert_eq!(st, 401);
    }
    let (st, _) = send(sign_in("198.51.100.7", STAFF_PASSWORD)).await;
    assert_eq!(st, 429, "the attacker's address waits");
    // IPv6: the whole /64 is one address.
    for i in 0..5 {
        let from: &'static str = [
            "2001:db8:1:2::1",
            "2001:db8:1:2::2",
            "2001:db8:1:2:ffff::3",
            "2001:db8:1:2::4",
            "2001:db8:1:2::5",
        ][i];
        let (st, _) = send(sign_in(from, "wrong-password-guess")).await;
        assert_eq!(st, 401);
    }
    let (st, _) = send(sign_in("2001:db8:1:2:abcd::9", "wrong-password-guess")).await;
    assert_eq!(st, 429, "another address of the same /64 waits too");
    let (st, _) = send(sign_in("203.0.113.9", STAFF_PASSWORD)).await;
    assert_eq!(st, 200, "the owner elsewhere is not locked out");
}

/// Signs `login` in with [`STAFF_PASSWORD`]; the `Cookie` header of its session.
async fn session(t: &TestServer, login: &str) -> String {
    let r = t
        .req(Method::POST, "/api/v1/staff/session")
        .json(&json!({"login": login, "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    set.split(';').next().unwrap().to_string()
}

/// The status of "who is signed in" with `cookie`.
async fn current(t: &TestServer, cookie: &str) -> u16 {
    t.req(Method::GET, "/api/v1/staff/session")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_session_ends_when_its_password_changes_or_its_account_is_disabled() {
    let t = TestServer::start().await;
    t.add_staff("bijie.staff", "administrator");
    t.add_staff("other.staff", "administrator");
    let old = session(&t, "bijie.staff").await;
    let bystander = session(&t, "other.staff").await;
    assert_eq!(current(&t, &old).await, 200);
    let (st, v) = send(
        t.admin(Method::PATCH, "/api/v1/admin/accounts/bijie.staff")
            .json(&json!({"password": "a-new-password-2026"})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(current(&t, &old).await, 401, "the old session is gone");
    assert_eq!(current(&t, &bystander).await, 200, "others stay signed in");
    let (st, _) = send(
        t.admin(Method::PATCH, "/api/v1/admin/accounts/other.staff")
            .json(&json!({"disabled": true})),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(current(&t, &bystander).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_with_530_slow_bodies_does_not_take_the_server() {
    // The default share: a quarter of the 512 slots.
    let t = TestServer::start_with(|c| c.max_concurrency_per_client = None).await;
    let addr: std::net::SocketAddr = t.url.trim_start_matches("http://").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..530 {
        // From 127.0.0.2: another client address than the health check's.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let mut stream = socket.connect(addr).await.unwrap();
        stream
            .write_all(
                b"POST /api/v1/polls/1/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
            )
            .await
            .unwrap();
        held.push(stream);
    }
    // Let the server take in every request head.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        assert_eq!(healthz(&t, Duration::from_secs(5)).await, 200);
        let r = t
            .http
            .get(format!("{}/api/v1/polls", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "other clients are served");
    }
    drop(held);
}

#[tokio::test]
async fn custom_indicator_periods_are_a_bounded_budget_per_client() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let mut statuses = Vec::new();
    for day in 1..=12 {
        let r = t
            .req(
                Method::GET,
                &format!(
                    "/api/v1/indicators?scope={}&period=2026-01-{day:02}..2026-02-01",
                    s[2]
                ),
            )
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[200; 10]);
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    // Periods already computed, and whole months, are not counted.
    for period in ["2026-01-01..2026-02-01", "2026-03", "2025-Q4", "2024"] {
        let r = t
            .req(
                Method::GET,
                &format!("/api/v1/indicators?scope={}&period={period}", s[2]),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{period}");
    }
}

#[tokio::test]
async fn exports_defuse_formulas_behind_every_separator() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    t.admin_post(
        "/api/v1/admin/proposals",
        json!({"scope_id": s[2], "title": "x;=1+1", "problem": "a|@SUM(A1)", "plan": "p", "estimated_cost_fen": 100, "proposer_name": "王"}),
    )
    .await;
    let body = t
        .admin(
            Method::GET,
            &format!("/api/v1/proposals.csv?scope_id={}", s[2]),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("\"x;'=1+1\""), "{body}");
    assert!(!body.contains(";=1+1"), "{body}");
}

#[tokio::test]
async fn the_console_and_the_recipes_are_served_with_a_csp() {
    let t = TestServer::start().await;
    for path in ["/console/", "/examples/plain-html/"] {
        let r = t.req(Method::GET, path).send().await.unwrap();
        let csp = r
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap()
            .to_string();
        for part in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
    }
}

#[tokio::test]
async fn pledges_come_a_page_at_a_time() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t.proposal(s[2]).await;
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/proposals/{id}"))
            .json(&json!({"funding_goal_fen": 10_000_000})),
    )
    .await;
    assert_eq!(st, 200);
    for n in 0..130 {
        let (st, v) = send(
            t.req(Method::POST, &format!("/api/v1/proposals/{id}/pledges"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"source": "resident", "amount_fen": 100 + n})),
        )
        .await;
        assert_eq!(st, 201, "{v}");
    }
    let path = format!("/api/v1/proposals/{id}/pledges");
    let first = t.req(Method::GET, &path).send().await.unwrap();
    let link = first.headers()["link"].to_str().unwrap().to_string();
    assert_eq!(link, format!("<{path}?cursor=100&limit=100>; rel=\"next\""));
    let first: Vec<Value> = first.json().await.unwrap();
    assert_eq!(first.len(), 100);
    let next = t
        .req(Method::GET, &format!("{path}?cursor=100&limit=100"))
        .send()
        .await
        .unwrap();
    assert!(next.headers().get("link").is_none(), "the last page");
    let next: Vec<Value> = next.json().await.unwrap();
    assert_eq!(next.len(), 30);
    let ids: std::collections::BTreeSet<_> = first
        .iter()
        .chain(&next)
        .map(|p| p["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 130, "every pledge once");
    for bad in [
        "cursor=x",
        "cursor=999",
        "limit=0",
        "limit=101",
        "cursor=<script>",
    ] {
        let (st, _) = send(t.req(Method::GET, &format!("{path}?{bad}"))).await;
        assert!(st == 400 || st == 422, "{bad}: {st}");
    }
    // Evaluations page the same way (their summary covers them all).
    let (st, v) = send(t.req(
        Method::GET,
        &format!("/api/v1/proposals/{id}/evaluations?limit=1"),
    ))
    .await;
    assert_eq!((st, v["items"].as_array().map(Vec::len)), (200, Some(0)));
}
