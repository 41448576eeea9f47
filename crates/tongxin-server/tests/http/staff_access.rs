//! Role × scope on every staff operation, over real HTTP with personal
//! tokens: an administrator may do everything; staff of 碧鸡社区 run what
//! is inside it and nothing of a neighbouring community; a building head
//! hands out codes for their building's items and creates nothing. Every
//! refusal is 403 problem+json and writes nothing.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Adds `login` with `role` and returns a fresh personal token of it.
fn account(t: &TestServer, login: &str, role: &str) -> String {
    t.staff_token(login, role)
}

/// One staff operation: method, path, body.
struct Op {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

fn op(name: &'static str, method: Method, path: String, body: Value) -> Op {
    Op {
        name,
        method,
        path,
        body: Some(body),
    }
}

/// The items of one scope the operations act on.
struct Items {
    poll: i64,
    convention: i64,
    proposal: i64,
    comment: i64,
}

async fn items(t: &TestServer, scope: i64) -> Items {
    let poll = t
        .poll(scope, json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let convention = t
        .admin_post(
            "/api/v1/admin/conventions",
            json!({"scope_id": scope, "title": "公约", "preamble": "p", "articles": ["a"], "goal": 10}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let proposal = t
        .admin_post(
            "/api/v1/admin/proposals",
            json!({"scope_id": scope, "title": "广场加装座椅", "problem": "老人没有地方坐", "plan": "加装十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let (st, c) = send(
        t.req(
            Method::POST,
            &format!("/api/v1/proposals/{proposal}/comments"),
        )
        .header("x-tongxin-device", device(scope as usize))
        .json(&json!({"author_name": "李*", "body": "好主意"})),
    )
    .await;
    assert_eq!(st, 201, "{c}");
    Items {
        poll,
        convention,
        proposal,
        comment: c["id"].as_i64().unwrap(),
    }
}

/// Every staff operation, aimed at `scope`'s items (`parent`: where a new
/// scope would go).
fn ops(parent: i64, scope: i64, it: &Items) -> Vec<Op> {
    let Items {
        poll,
        convention,
        proposal,
        comment,
    } = *it;
    vec![
        op(
            "create scope",
            Method::POST,
            "/api/v1/admin/scopes".into(),
            json!({"parent_id": parent, "level": "building", "name": "9栋"}),
        ),
        op(
            "rename scope",
            Method::PATCH,
            format!("/api/v1/admin/scopes/{scope}"),
            json!({"households": 120}),
        ),
        op(
            "create poll",
            Method::POST,
            "/api/v1/admin/polls".into(),
            json!({"scope_id": scope, "title": "新投票", "kind": {"type": "single"}, "options": ["a", "b"]}),
        ),
        op(
            "edit poll",
            Method::PATCH,
            format!("/api/v1/admin/polls/{poll}"),
            json!({"title": "改名"}),
        ),
        op(
            "create convention",
            Method::POST,
            "/api/v1/admin/conventions".into(),
            json!({"scope_id": scope, "title": "公约二", "preamble": "p", "articles": ["a"], "goal": 10}),
        ),
        op(
            "edit convention",
            Method::PATCH,
            format!("/api/v1/admin/conventions/{convention}"),
            json!({"goal": 20}),
        ),
        op(
            "create proposal",
            Method::POST,
            "/api/v1/admin/proposals".into(),
            json!({"scope_id": scope, "title": "路灯", "problem": "太暗", "plan": "装灯", "estimated_cost_fen": 1000, "proposer_name": "王"}),
        ),
        op(
            "edit proposal",
            Method::PATCH,
            format!("/api/v1/admin/proposals/{proposal}"),
            json!({"support_threshold": 2}),
        ),
        op(
            "move proposal",
            Method::POST,
            format!("/api/v1/admin/proposals/{proposal}/transitions"),
            json!({"actor": "居委会", "action": {"action": "advance"}}),
        ),
        op(
            "ledger entry",
            Method::POST,
            format!("/api/v1/admin/proposals/{proposal}/ledger"),
            json!({"kind": "received", "amount_fen": 100, "memo": "捐款"}),
        ),
        op(
            "proposal poll",
            Method::POST,
            format!("/api/v1/admin/proposals/{proposal}/polls"),
            json!({"role": "consultation"}),
        ),
        op(
            "hide comment",
            Method::POST,
            format!("/api/v1/admin/proposals/{proposal}/comments/{comment}/hide"),
            json!({"reason": "人身攻击"}),
        ),
        op(
            "restore comment",
            Method::POST,
            format!("/api/v1/admin/proposals/{proposal}/comments/{comment}/restore"),
            json!({"reason": "复核后恢复"}),
        ),
        op(
            "household codes",
            Method::POST,
            "/api/v1/admin/codes".into(),
            json!({"target": "poll", "target_id": poll, "count": 2}),
        ),
        Op {
            name: "refresh indicators",
            method: Method::POST,
            path: "/api/v1/admin/indicators/refresh".into(),
            body: None,
        },
    ]
}

/// Runs `o` with `token`: `Ok(status)` when let through, `Err(code)` when
/// refused with 403 (then checks that nothing was written).
async fn attempt(t: &TestServer, token: &str, o: &Op) -> Result<u16, String> {
    let before = t.snapshot();
    let mut req = t.req(o.method.clone(), &o.path).bearer_auth(token);
    if let Some(b) = &o.body {
        req = req.json(b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    if status != 403 {
        assert!(status < 500 && status != 401, "{}: {status}", o.name);
        return Ok(status);
    }
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(t.snapshot(), before, "{}: refused, yet written", o.name);
    Err(v["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("/problems/")
        .to_string())
}

#[tokio::test]
async fn each_role_may_do_what_it_holds_inside_its_scope_and_nothing_else() {
    let t = TestServer::start().await;
    let s = t.scopes().await; // district, street, 碧鸡社区, group, 1栋, 2栋
    let other = t.neighbour_community(s[1]).await;
    let admin = account(&t, "admin.li", "administrator");
    let staff = account(&t, "bijie.staff", &format!("staff:{}", s[2]));
    let neighbour = account(&t, "other.staff", &format!("staff:{other}"));
    let head = account(&t, "head.one", &format!("building_head:{}", s[4]));

    let inside = items(&t, s[2]).await;
    let ops_inside = ops(s[3], s[2], &inside);
    for o in &ops_inside {
        // A neighbouring community's staff: outside their scope.
        assert_eq!(
            attempt(&t, &neighbour, o).await,
            Err("outside-your-scope".into()),
            "neighbour: {}",
            o.name
        );
        // A building head: codes for their building only, nothing else.
        let expected = if o.name == "household codes" {
            "outside-your-scope"
        } else {
            "role-required"
        };
        assert_eq!(
            attempt(&t, &head, o).await,
            Err(expected.into()),
            "head: {}",
            o.name
        );
    }
    for o in &ops_inside {
        let r = attempt(&t, &staff, o).await;
        if o.name == "refresh indicators" {
            assert_eq!(
                r,
                Err("outside-your-scope".into()),
                "the whole tree is an administrator's"
            );
        } else if o.name.starts_with("create") {
            assert_eq!(r, Ok(201), "community staff: {}", o.name);
        } else {
            assert!(r.is_ok(), "community staff: {} → {r:?}", o.name);
        }
    }
    for o in &ops_inside {
        assert!(
            attempt(&t, &admin, o).await.is_ok(),
            "administrator: {}",
            o.name
        );
    }

    // The building head hands out codes for a poll of their building.
    let building_poll = t
        .poll(s[4], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let codes = op(
        "household codes",
        Method::POST,
        "/api/v1/admin/codes".into(),
        json!({"target": "poll", "target_id": building_poll, "count": 3}),
    );
    assert_eq!(attempt(&t, &head, &codes).await, Ok(201));

    // Community staff, on the neighbour's items: every operation refused.
    let theirs = items(&t, other).await;
    for o in ops(other, other, &theirs) {
        assert_eq!(
            attempt(&t, &staff, &o).await,
            Err("outside-your-scope".into()),
            "staff elsewhere: {}",
            o.name
        );
    }
    // A top-level scope is the whole tree's business.
    let district = op(
        "create district",
        Method::POST,
        "/api/v1/admin/scopes".into(),
        json!({"level": "district", "name": "五华区"}),
    );
    assert_eq!(
        attempt(&t, &staff, &district).await,
        Err("outside-your-scope".into())
    );
    assert_eq!(attempt(&t, &admin, &district).await, Ok(201));
}
