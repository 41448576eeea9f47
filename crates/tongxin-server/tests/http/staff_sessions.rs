//! Console sessions over real HTTP: the cookie's attributes, refused
//! sign-ins and their limit (counted in the database), session fixation,
//! CSRF on every change made with a session, and signing out.

use crate::common::*;
use reqwest::{Method, Response};
use serde_json::{Value, json};

const PASSWORD: &str = STAFF_PASSWORD;

/// Adds an administrator `login`.
fn add_admin(t: &TestServer, login: &str) {
    t.add_staff(login, "administrator");
}

async fn sign_in(t: &TestServer, login: &str, password: &str) -> Response {
    t.req(Method::POST, "/api/v1/staff/session")
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The session cookie's value in a `Set-Cookie` answer, and the whole header.
fn cookie_of(r: &Response) -> (String, String) {
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let value = set
        .strip_prefix("tongxin_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    (value, set)
}

/// Signs in and returns the cookie value and the CSRF token.
async fn session(t: &TestServer, login: &str) -> (String, String) {
    let r = sign_in(t, login, PASSWORD).await;
    assert_eq!(r.status(), 200);
    let (cookie, _) = cookie_of(&r);
    let body: Value = r.json().await.unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_string())
}

fn scope(name: &str) -> Value {
    json!({"level": "district", "name": name})
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_says_who_is_in() {
    let t = TestServer::start().await;
    add_admin(&t, "wang.li");
    let r = sign_in(&t, "wang.li", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (cookie, set) = cookie_of(&r);
    for attribute in [
        "Path=/",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Max-Age=28800",
    ] {
        assert!(set.contains(attribute), "{set} lacks {attribute}");
    }
    assert!(cookie.len() >= 43, "256 random bits: {cookie}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["account"]["login"], "wang.li");
    assert_eq!(body["account"]["grants"][0]["role"], "administrator");
    assert!(
        !body.to_string().contains("argon2"),
        "no hash leaves the server: {body}"
    );
    // Only the cookie's hash is kept.
    let kept = t.one("SELECT token_hash FROM staff_sessions", &[]).bytes();
    assert_ne!(kept, cookie.as_bytes());
    assert_eq!(kept.len(), 32);

    let (st, me) = send(
        t.req(Method::GET, "/api/v1/staff/session")
            .header("cookie", format!("other=1; tongxin_session={cookie}")),
    )
    .await;
    assert_eq!(
        (st, me["account"]["login"].as_str()),
        (200, Some("wang.li"))
    );
    assert_eq!(me["csrf_token"], body["csrf_token"]);
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_logged_and_limited() {
    let t = TestServer::start().await;
    add_admin(&t, "wang.li");
    add_admin(&t, "zhao");
    assert!(t.user_cli(&["disable", "zhao"], None).status.success());
    // Wrong password, unknown login, disabled account, hostile input: one answer.
    for (login, password) in [
        ("wang.li", "not the password"),
        ("nobody", PASSWORD),
        ("zhao", PASSWORD),
        ("<script>alert(1)</script>", "x"),
    ] {
        let r = sign_in(&t, login, password).await;
        assert!(r.headers().get("set-cookie").is_none());
        expect_problem_of(r, 401, "sign-in-failed").await;
    }
    let huge = sign_in(&t, &"长".repeat(5_000), &"x".repeat(20_000)).await;
    expect_problem_of(huge, 401, "sign-in-failed").await;
    for bad in [
        json!({"login": "wang.li"}),
        json!({"login": "wang.li", "password": PASSWORD, "admin": true}),
        json!([1]),
    ] {
        expect_problem(
            t.req(Method::POST, "/api/v1/staff/session").json(&bad),
            422,
            "invalid-body",
        )
        .await;
    }

    // wang.li has one failure; four more and the next attempt waits, even
    // with the right password.
    for _ in 0..4 {
        expect_problem_of(
            sign_in(&t, "wang.li", "still wrong").await,
            401,
            "sign-in-failed",
        )
        .await;
    }
    let r = sign_in(&t, "wang.li", PASSWORD).await;
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&wait), "about 15 minutes: {wait}");
    expect_problem_of(r, 429, "rate-limited").await;
    // Every attempt that was not refused for the limit is in the log.
    let counts = t.rows(
        "SELECT COUNT(*) FILTER (WHERE NOT ok), COUNT(*) FILTER (WHERE ok) FROM staff_sign_ins",
        &[],
    );
    assert_eq!((counts[0][0].int(), counts[0][1].int()), (9, 0));
    let address = t.rows("SELECT address FROM staff_sign_ins LIMIT 1", &[])[0][0].text();
    assert_eq!(address, "ip:127.0.0.1");
    let longest = t
        .one(
            "SELECT CAST(MAX(LENGTH(login)) AS BIGINT) FROM staff_sign_ins",
            &[],
        )
        .int();
    assert!(
        longest <= 33,
        "hostile logins are logged cut short: {longest}"
    );
}

#[tokio::test]
async fn a_session_the_browser_brings_is_never_taken_over() {
    let t = TestServer::start().await;
    add_admin(&t, "wang.li");
    // A cookie value an attacker planted opens nothing...
    let planted = "attacker-chosen-session-value-0000000000000";
    let (st, _) = send(
        t.req(Method::GET, "/api/v1/staff/session")
            .header("cookie", format!("tongxin_session={planted}")),
    )
    .await;
    assert_eq!(st, 401);
    // ...and signing in with it present makes a new one.
    let r = t
        .req(Method::POST, "/api/v1/staff/session")
        .header("cookie", format!("tongxin_session={planted}"))
        .json(&json!({"login": "wang.li", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (first, _) = cookie_of(&r);
    assert_ne!(first, planted);
    // Signing in again with a live session ends that one.
    let r = t
        .req(Method::POST, "/api/v1/staff/session")
        .header("cookie", format!("tongxin_session={first}"))
        .json(&json!({"login": "wang.li", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (second, _) = cookie_of(&r);
    assert_ne!(second, first);
    let get = |c: &str| {
        t.req(Method::GET, "/api/v1/staff/session")
            .header("cookie", format!("tongxin_session={c}"))
    };
    assert_eq!(send(get(&first)).await.0, 401);
    assert_eq!(send(get(&second)).await.0, 200);
}

#[tokio::test]
async fn changes_made_with_a_session_need_its_csrf_token() {
    let t = TestServer::start().await;
    add_admin(&t, "wang.li");
    let (cookie, csrf) = session(&t, "wang.li").await;
    let with = |m: Method, path: &str| {
        t.req(m, path)
            .header("cookie", format!("tongxin_session={cookie}"))
    };
    let before = t.snapshot();
    for token in [None, Some(""), Some("wrong"), Some(&csrf[..csrf.len() - 1])] {
        let mut req = with(Method::POST, "/api/v1/admin/scopes").json(&scope("五华区"));
        if let Some(v) = token {
            req = req.header("x-tongxin-csrf", v);
        }
        expect_problem(req, 403, "csrf-failed").await;
    }
    assert_eq!(t.snapshot(), before, "refused changes wrote nothing");
    let (st, body) = send(
        with(Method::POST, "/api/v1/admin/scopes")
            .header("x-tongxin-csrf", &csrf)
            .json(&scope("五华区")),
    )
    .await;
    assert_eq!(st, 201, "{body}");

    // Reads need no CSRF token: a session sees hidden results.
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let (_, r) = send(with(Method::GET, &format!("/api/v1/polls/{poll}/results"))).await;
    assert_eq!(r["visible"], true, "{r}");

    // Signing out needs the token too; after it the cookie opens nothing.
    expect_problem(
        with(Method::DELETE, "/api/v1/staff/session"),
        403,
        "csrf-failed",
    )
    .await;
    let r = with(Method::DELETE, "/api/v1/staff/session")
        .header("x-tongxin-csrf", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        send(with(Method::GET, "/api/v1/staff/session")).await.0,
        401
    );
    let after = t.snapshot();
    expect_problem(
        with(Method::POST, "/api/v1/admin/scopes")
            .header("x-tongxin-csrf", &csrf)
            .json(&scope("盘龙区")),
        401,
        "admin-token-required",
    )
    .await;
    assert_eq!(t.snapshot(), after);
}
