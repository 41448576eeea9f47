//! Moderation over real HTTP: the queue lists reported comments of the
//! caller's scopes only; a moderator hides one with a reason, residents no
//! longer see it while its author sees it marked hidden with that reason;
//! restoring puts it back. Bad reasons are refused and write nothing.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A proposal in `scope`, a comment on it by device 1, and one report.
async fn reported_comment(t: &TestServer, scope: i64) -> (i64, i64) {
    let (st, p) = send(
        t.req(Method::POST, "/api/v1/proposals")
            .header("x-tongxin-device", device(900))
            .json(&json!({"scope_id": scope, "title": "加装休息座椅", "problem": "老人没有地方坐", "plan": "十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"})),
    )
    .await;
    assert_eq!(st, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    let (st, c) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(1))
            .json(
                &json!({"author_name": "王芳", "body": "<script>alert(1)</script>楼上的都是骗子"}),
            ),
    )
    .await;
    assert_eq!(st, 201, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let (st, r) = send(
        t.req(
            Method::POST,
            &format!("/api/v1/proposals/{id}/comments/{cid}/reports"),
        )
        .header("x-tongxin-device", device(2))
        .json(&json!({"reason": "骂人"})),
    )
    .await;
    assert_eq!((st, &r["hidden"]), (200, &json!(false)), "{r}");
    (id, cid)
}

/// The comments as `dev` sees them.
async fn seen_by(t: &TestServer, id: i64, dev: usize) -> Vec<Value> {
    let (st, v) = send(
        t.req(Method::GET, &format!("/api/v1/proposals/{id}/comments"))
            .header("x-tongxin-device", device(dev)),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    v.as_array().unwrap().clone()
}

async fn queue(t: &TestServer, token: &str, state: &str) -> Vec<Value> {
    let (st, v) = send(
        t.req(
            Method::GET,
            &format!("/api/v1/admin/comments?state={state}"),
        )
        .bearer_auth(token),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    v.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_hidden_comment_leaves_the_public_list_and_its_author_is_told_why() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let other = t.neighbour_community(s[1]).await;
    let (id, cid) = reported_comment(&t, s[2]).await;
    let staff = t.staff_token("bijie.staff", &format!("staff:{}", s[2]));
    let neighbour = t.staff_token("other.staff", &format!("staff:{other}"));
    let head = t.staff_token("head.one", &format!("building_head:{}", s[4]));

    // The queue: their own scope's reported comment, with the reason given.
    let q = queue(&t, &staff, "reported").await;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        (
            &q[0]["proposal_id"],
            &q[0]["comment"]["id"],
            &q[0]["reports"]
        ),
        (&json!(id), &json!(cid), &json!(1))
    );
    assert_eq!(q[0]["report_reasons"], json!(["骂人"]));
    assert_eq!(q[0]["comment"]["author"], "王*", "masked, as in public");
    assert!(queue(&t, &neighbour, "reported").await.is_empty());
    expect_problem(
        t.req(Method::GET, "/api/v1/admin/comments")
            .bearer_auth(&head),
        403,
        "role-required",
    )
    .await;

    let hide = format!("/api/v1/admin/proposals/{id}/comments/{cid}/hide");
    let why = "人身攻击，违反社区公约第三条";
    expect_problem(
        t.req(Method::POST, &hide)
            .bearer_auth(&neighbour)
            .json(&json!({"reason": why})),
        403,
        "outside-your-scope",
    )
    .await;
    let (st, v) = send(
        t.req(Method::POST, &hide)
            .bearer_auth(&staff)
            .json(&json!({"reason": why})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["hidden"], json!({"by": "staff", "reason": why}));

    // Residents no longer see it; its author sees it, marked, with the reason.
    assert!(seen_by(&t, id, 3).await.is_empty());
    assert!(t.get(&format!("/api/v1/proposals/{id}/comments")).await == json!([]));
    let mine = seen_by(&t, id, 1).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["hidden"]["reason"], why);
    assert_eq!(mine[0]["body"], "<script>alert(1)</script>楼上的都是骗子");
    assert!(queue(&t, &staff, "reported").await.is_empty());
    assert_eq!(queue(&t, &staff, "hidden").await.len(), 1);

    // Restored, it is public again and unmarked.
    let restore = format!("/api/v1/admin/proposals/{id}/comments/{cid}/restore");
    let (st, v) = send(
        t.req(Method::POST, &restore)
            .bearer_auth(&staff)
            .json(&json!({"reason": "复核：属于正常批评"})),
    )
    .await;
    assert_eq!((st, &v["hidden"]), (200, &json!(false)), "{v}");
    let public = seen_by(&t, id, 3).await;
    assert_eq!(public.len(), 1);
    assert!(public[0].get("hidden").is_none(), "{public:?}");
    assert!(queue(&t, &staff, "hidden").await.is_empty());
}

#[tokio::test]
async fn the_author_of_a_comment_hidden_by_reports_sees_it_waiting_for_review() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (id, cid) = reported_comment(&t, s[2]).await;
    for dev in [3, 4] {
        send(
            t.req(
                Method::POST,
                &format!("/api/v1/proposals/{id}/comments/{cid}/reports"),
            )
            .header("x-tongxin-device", device(dev))
            .json(&json!({})),
        )
        .await;
    }
    assert!(seen_by(&t, id, 5).await.is_empty());
    let mine = seen_by(&t, id, 1).await;
    assert_eq!(mine[0]["hidden"], json!({"by": "reports"}));
    let (_, q) = send(t.admin(Method::GET, "/api/v1/admin/comments")).await;
    assert_eq!(
        q[0]["reports"], 3,
        "still in the queue until a moderator acts"
    );
}

#[tokio::test]
async fn bad_moderation_requests_get_a_clear_problem_and_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let (id, cid) = reported_comment(&t, s[2]).await;
    let hide = format!("/api/v1/admin/proposals/{id}/comments/{cid}/hide");
    let before = t.snapshot();
    for (body, status, code) in [
        (json!({"reason": ""}), 422, "validation-failed"),
        (json!({"reason": " 好 "}), 422, "validation-failed"),
        (
            json!({"reason": "第一行\n第二行"}),
            422,
            "validation-failed",
        ),
        (
            json!({"reason": "长".repeat(201)}),
            422,
            "validation-failed",
        ),
        (json!({"reason": "理由\u{202e}"}), 422, "validation-failed"),
        (json!({"reason": 7}), 422, "invalid-body"),
        (json!({}), 422, "invalid-body"),
        (
            json!({"reason": "ok reason", "extra": 1}),
            422,
            "invalid-body",
        ),
    ] {
        let v = expect_problem(t.admin(Method::POST, &hide).json(&body), status, code).await;
        let fields = v["errors"].as_object();
        assert!(fields.is_some_and(|f| !f.is_empty()), "{body} → {v}");
    }
    expect_problem(
        t.admin(
            Method::POST,
            &format!("/api/v1/admin/proposals/{id}/comments/999999/hide"),
        )
        .json(&json!({"reason": "人身攻击"})),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.admin(Method::GET, "/api/v1/admin/comments?state=everything"),
        400,
        "invalid-query",
    )
    .await;
    assert_eq!(t.snapshot(), before, "nothing written");
}
