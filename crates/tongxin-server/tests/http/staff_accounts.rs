//! Staff accounts over HTTP (`/api/v1/admin/accounts`), as the console's
//! administrators manage them: create with roles, list, disable (sign-in
//! stops), set a password; only administrators; bad and hostile input
//! refused with nothing written; no password in the audit log.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

const NEW_PASSWORD: &str = "新的密码-2026-bijie";

fn account(login: &str, role: &str, scope: Option<i64>) -> serde_json::Value {
    json!({
        "login": login, "display_name": "王丽 (碧鸡街道)", "password": STAFF_PASSWORD,
        "grants": [{"role": role, "scope_id": scope}],
    })
}

async fn sign_in(t: &TestServer, login: &str, password: &str) -> u16 {
    t.req(Method::POST, "/api/v1/staff/session")
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_administrator_creates_lists_disables_and_resets_accounts() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (st, a) = send(
        t.admin(Method::POST, "/api/v1/admin/accounts")
            .json(&account("wang.li", "staff", Some(s[1]))),
    )
    .await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(a["grants"][0], json!({"role": "staff", "scope_id": s[1]}));
    assert!(!a.to_string().contains("argon2") && !a.to_string().contains(STAFF_PASSWORD));
    assert_eq!(sign_in(&t, "wang.li", STAFF_PASSWORD).await, 200);

    let (_, list) = send(t.admin(Method::GET, "/api/v1/admin/accounts")).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["login"] == "wang.li")
    );

    let path = "/api/v1/admin/accounts/wang.li";
    let (st, a) = send(
        t.admin(Method::PATCH, path)
            .json(&json!({"disabled": true})),
    )
    .await;
    assert_eq!((st, &a["disabled"]), (200, &json!(true)));
    assert_eq!(sign_in(&t, "wang.li", STAFF_PASSWORD).await, 401);
    let (st, _) = send(
        t.admin(Method::PATCH, path)
            .json(&json!({"disabled": false, "password": NEW_PASSWORD})),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(sign_in(&t, "wang.li", STAFF_PASSWORD).await, 401);
    assert_eq!(sign_in(&t, "wang.li", NEW_PASSWORD).await, 200);

    // The audit log keeps that a password was sent, never the password.
    let (_, log) = send(t.admin(
        Method::GET,
        "/api/v1/admin/audit?path=/api/v1/admin/accounts",
    ))
    .await;
    let text = log.to_string();
    assert_eq!(log["items"].as_array().unwrap().len(), 3, "{log}");
    assert!(
        !text.contains(STAFF_PASSWORD) && !text.contains(NEW_PASSWORD),
        "{text}"
    );
    assert_eq!(
        log["items"][0]["before"]["login"], "wang.li",
        "the account before the change"
    );
}

#[tokio::test]
async fn only_administrators_manage_accounts_and_bad_input_writes_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let staff = t.staff_token("bijie.staff", &format!("staff:{}", s[2]));
    let before = t.snapshot();
    for (method, path, body) in [
        (Method::GET, "/api/v1/admin/accounts", json!(null)),
        (
            Method::POST,
            "/api/v1/admin/accounts",
            account("sneaky", "administrator", None),
        ),
        (
            Method::PATCH,
            "/api/v1/admin/accounts/bijie.staff",
            json!({"password": NEW_PASSWORD}),
        ),
    ] {
        let req = t.req(method, path).bearer_auth(&staff);
        let req = if body.is_null() { req } else { req.json(&body) };
        expect_problem(req, 403, "role-required").await;
    }
    let long = "x".repeat(200);
    for (body, status, code) in [
        (
            account("<script>alert(1)</script>", "staff", Some(s[2])),
            422,
            "validation-failed",
        ),
        (account("wang.li", "staff", None), 422, "validation-failed"),
        (
            account("wang.li", "administrator", Some(s[2])),
            422,
            "validation-failed",
        ),
        (
            account("wang.li", "staff", Some(999_999)),
            422,
            "validation-failed",
        ),
        (
            account(&long, "staff", Some(s[2])),
            422,
            "validation-failed",
        ),
        (
            json!({"login": "wang.li", "display_name": "王丽", "password": "short", "grants": [{"role": "staff", "scope_id": s[2]}]}),
            422,
            "validation-failed",
        ),
        (
            json!({"login": "wang.li", "display_name": "王丽", "password": STAFF_PASSWORD, "grants": []}),
            422,
            "validation-failed",
        ),
        (
            json!({"login": "wang.li", "display_name": "王丽", "password": STAFF_PASSWORD, "grants": [{"role": "mayor"}]}),
            422,
            "invalid-body",
        ),
        (json!({"login": "wang.li"}), 422, "invalid-body"),
    ] {
        expect_problem(
            t.admin(Method::POST, "/api/v1/admin/accounts").json(&body),
            status,
            code,
        )
        .await;
    }
    let (st, _) = send(
        t.admin(Method::POST, "/api/v1/admin/accounts")
            .json(&account("bijie.staff", "staff", Some(s[2]))),
    )
    .await;
    assert_eq!(st, 409, "the login is taken");
    expect_problem(
        t.admin(Method::PATCH, "/api/v1/admin/accounts/nobody")
            .json(&json!({"disabled": true})),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.admin(Method::PATCH, "/api/v1/admin/accounts/bijie.staff")
            .json(&json!({})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        t.admin(Method::PATCH, "/api/v1/admin/accounts/bijie.staff")
            .json(&json!({"password": "short"})),
        422,
        "validation-failed",
    )
    .await;
    // A display name with markup is kept as text, not refused: the console shows text.
    assert_eq!(t.snapshot(), before, "nothing written by refused requests");
    let mut xss = account("zhao.min", "building_head", Some(s[4]));
    xss["display_name"] = json!("<img src=x onerror=alert(1)>");
    let (st, a) = send(t.admin(Method::POST, "/api/v1/admin/accounts").json(&xss)).await;
    assert_eq!(st, 201);
    assert_eq!(a["display_name"], "<img src=x onerror=alert(1)>");
}
