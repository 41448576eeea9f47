//! The audit log over real HTTP: every change a signed-in caller asks of
//! the staff API is recorded with who, what, before and after — refusals
//! too — household codes never; administrators read and filter it; the database refuses to
//! change a written entry.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Adds `login` with `role` and returns a personal token of it.
fn token(t: &TestServer, login: &str, role: &str) -> String {
    t.staff_token(login, role)
}

async fn audit(t: &TestServer, query: &str) -> Value {
    let (st, v) = send(t.admin(Method::GET, &format!("/api/v1/admin/audit{query}"))).await;
    assert_eq!(st, 200, "{v}");
    v
}

#[tokio::test]
async fn every_staff_change_is_recorded_with_who_what_before_and_after() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let staff = token(&t, "bijie.staff", &format!("staff:{}", s[2]));
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;

    // A change by community staff: before and after.
    let (st, _) = send(
        t.req(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .bearer_auth(&staff)
            .json(&json!({"title": "新的标题"})),
    )
    .await;
    assert_eq!(st, 200);
    // Refused: nobody, and staff outside their scope.
    let (st, _) = send(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .json(&json!({"level": "district", "name": "x"})),
    )
    .await;
    assert_eq!(st, 401);
    let (st, _) = send(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth(&staff)
            .json(&json!({"level": "district", "name": "<script>alert(1)</script>"})),
    )
    .await;
    assert_eq!(st, 403);
    // Household codes: how many, never the codes.
    let (st, issued) = send(
        t.admin(Method::POST, "/api/v1/admin/codes")
            .json(&json!({"target": "poll", "target_id": poll, "count": 2})),
    )
    .await;
    assert_eq!(st, 201);
    // Reads are not actions.
    t.get(&format!("/api/v1/polls/{poll}")).await;

    let log = audit(&t, "").await;
    let items = log["items"].as_array().unwrap();
    let codes = &items[0];
    assert_eq!(
        (codes["actor"].as_str(), codes["status"].as_u64()),
        (Some("TONGXIN_ADMIN_TOKEN"), Some(201))
    );
    assert_eq!(codes["after"]["issued"], 2);
    let refused = &items[1];
    assert_eq!(
        (
            refused["actor"].as_str(),
            refused["status"].as_u64(),
            refused["problem"].as_str()
        ),
        (Some("bijie.staff"), Some(403), Some("outside-your-scope"))
    );
    assert_eq!(
        refused["request"]["name"], "<script>alert(1)</script>",
        "kept as asked; the console escapes it"
    );
    // Nobody signed in: answered, never recorded (tests/http/trust.rs floods it).
    assert!(
        items
            .iter()
            .all(|e| !e["actor"].is_null() && e["status"] != 401),
        "an unauthenticated request is not in the log"
    );
    let edit = &items[2];
    assert_eq!(edit["actor"], "bijie.staff");
    assert_eq!(edit["path"], format!("/api/v1/admin/polls/{poll}"));
    assert_eq!(
        (
            edit["before"]["title"].as_str(),
            edit["after"]["title"].as_str()
        ),
        (Some("测试 poll"), Some("新的标题"))
    );
    assert_eq!(edit["request"], json!({"title": "新的标题"}));
    let created = items
        .iter()
        .find(|e| e["path"] == "/api/v1/admin/polls" && e["method"] == "POST")
        .unwrap();
    assert_eq!(
        (created["after"]["id"].as_i64(), created["before"].clone()),
        (Some(poll), Value::Null)
    );
    assert!(
        items.iter().all(|e| e["method"] != "GET"),
        "reads are not recorded"
    );

    // No code is kept anywhere in the database's log.
    let all = t
        .one(
            "SELECT string_agg(COALESCE(request, '') || COALESCE(after, ''), ',') FROM audit_log",
            &[],
        )
        .text();
    for code in issued["codes"].as_array().unwrap() {
        assert!(
            !all.contains(code.as_str().unwrap()),
            "a household code in the audit log"
        );
    }
}

#[tokio::test]
async fn administrators_filter_and_page_the_log_and_nobody_can_change_it() {
    let t = TestServer::start().await;
    let s = t.scopes().await; // six scope creations by the shared token
    let staff = token(&t, "bijie.staff", &format!("staff:{}", s[2]));
    for i in 0..3 {
        let (st, _) = send(
            t.req(Method::PATCH, &format!("/api/v1/admin/scopes/{}", s[4]))
                .bearer_auth(&staff)
                .json(&json!({"households": 10 + i})),
        )
        .await;
        assert_eq!(st, 200);
    }
    let mine = audit(&t, "?actor=bijie.staff").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 3);
    assert_eq!(mine["items"][0]["after"]["households"], 12);
    assert_eq!(mine["items"][0]["before"]["households"], 11);
    let scopes = audit(&t, &format!("?path=/api/v1/admin/scopes/{}", s[4])).await;
    assert_eq!(scopes["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        audit(&t, "?path=/api/v1/admin/sc%25").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "% is not a wildcard"
    );

    // Pages of two: 9 entries in all, newest first, none twice.
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_string();
    loop {
        let page = audit(&t, &query).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 9);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    for bad in [
        "?cursor=abc",
        "?cursor=-1",
        "?limit=0",
        "?limit=101",
        "?bogus=1",
    ] {
        let (st, _) = send(t.admin(Method::GET, &format!("/api/v1/admin/audit{bad}"))).await;
        assert!(st == 400 || st == 422, "{bad}: {st}");
    }
    // Staff read their own actions only, whatever actor they ask for.
    for query in ["", "?actor=TONGXIN_ADMIN_TOKEN"] {
        let (st, own) = send(
            t.req(Method::GET, &format!("/api/v1/admin/audit{query}"))
                .bearer_auth(&staff),
        )
        .await;
        assert_eq!(st, 200, "{own}");
        let items = own["items"].as_array().unwrap();
        assert!(!items.is_empty(), "the staff member acted above: {own}");
        assert!(
            items.iter().all(|e| e["actor"] == "bijie.staff"),
            "{query}: {own}"
        );
    }

    // The database refuses to change or delete an entry.
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let e = crate::common::store::exec(&t.db, sql).unwrap_err();
        assert!(e.contains("cannot be changed"), "{sql}: {e}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_kept_as_its_size() {
    let t = TestServer::start().await;
    for body in ["0", "[1, 2]", "\"x\""] {
        let r = t
            .admin(Method::POST, "/api/v1/admin/scopes")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{body}");
    }
    let log = audit(&t, "").await;
    for e in log["items"].as_array().unwrap() {
        assert!(e["request"].is_object(), "{e}");
        assert!(e["request"]["bytes"].is_u64(), "{e}");
    }
}
