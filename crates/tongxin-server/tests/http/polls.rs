//! Poll endpoints over real HTTP: every kind, change and retract, my
//! ballot, visibility, anonymous polls, codes and host tokens.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn every_kind_can_be_cast_and_counted() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let cases = [
        (
            json!({"type": "single"}),
            json!({"kind": "single", "option": 2}),
        ),
        (
            json!({"type": "multiple", "max_choices": 2}),
            json!({"kind": "multiple", "options": [1, 3]}),
        ),
        (
            json!({"type": "approval", "threshold_percent": 80}),
            json!({"kind": "approval", "stances": {"1": "agree", "2": "abstain", "3": "disagree"}}),
        ),
        (
            json!({"type": "score"}),
            json!({"kind": "score", "scores": {"1": 5, "2": 4, "3": 1}}),
        ),
        (
            json!({"type": "ranked"}),
            json!({"kind": "ranked", "ranking": [3, 1]}),
        ),
        (
            json!({"type": "dot", "points": 10}),
            json!({"kind": "dot", "points": {"1": 7, "3": 3}}),
        ),
    ];
    for (kind, ballot) in cases {
        let id = t
            .poll(s[2], kind.clone(), &["甲", "乙", "丙"], json!({}))
            .await;
        let (status, receipt) = send(
            t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
                .header("x-tongxin-device", device(1))
                .json(&ballot),
        )
        .await;
        assert_eq!(status, 201, "{kind}: {receipt}");
        assert_eq!(receipt["ballots"], 1);
        let results = t.get(&format!("/api/v1/polls/{id}/results")).await;
        assert_eq!(results["ballots"], 1);
        assert_eq!(results["visible"], true);
        assert!(results["results"].is_object(), "{results}");
        let count = t.get(&format!("/api/v1/polls/{id}/count")).await;
        assert_eq!(
            count,
            json!({"poll_id": id, "ballots": 1, "status": "open"})
        );
        let mine = t
            .get_with_device(&format!("/api/v1/polls/{id}/ballots/mine"), 1)
            .await;
        assert_eq!(mine["ballot"]["kind"], ballot["kind"]);
    }
}

impl TestServer {
    async fn get_with_device(&self, path: &str, n: usize) -> serde_json::Value {
        let (status, v) = send(
            self.req(Method::GET, path)
                .header("x-tongxin-device", device(n)),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        v
    }
}

#[tokio::test]
async fn results_reflect_ballots_exactly() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["21:00", "21:30", "22:00"],
            json!({}),
        )
        .await;
    for (n, option) in [(1, 1), (2, 1), (3, 2), (4, 1)] {
        let (status, _) = send(
            t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"kind": "single", "option": option})),
        )
        .await;
        assert_eq!(status, 201);
    }
    let r = t.get(&format!("/api/v1/polls/{id}/results")).await;
    let counts: Vec<i64> = r["results"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![3, 1, 0]);
    assert_eq!(r["results"]["options"][0]["percent"], 75.0);
}

#[tokio::test]
async fn change_and_retract_where_allowed() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"allow_change": true}),
        )
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let mine = format!("/api/v1/polls/{id}/ballots/mine");
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
    let (status, r) = send(
        t.req(Method::PUT, &mine)
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 2})),
    )
    .await;
    assert_eq!((status, r["ballots"].as_i64()), (200, Some(1)));
    let res = t.get(&format!("/api/v1/polls/{id}/results")).await;
    assert_eq!(res["results"]["options"][0]["count"], 0);
    assert_eq!(res["results"]["options"][1]["count"], 1);
    let (status, r) = send(
        t.req(Method::DELETE, &mine)
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!((status, r["ballots"].as_i64()), (200, Some(0)));
    let none = t
        .req(Method::GET, &mine)
        .header("x-tongxin-device", device(1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        none.status().as_u16(),
        204,
        "no ballot any more: 204 No Content"
    );
    // After retracting, a fresh ballot is accepted.
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

    let fixed = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"allow_change": false}),
        )
        .await;
    assert_eq!(
        send(
            t.req(Method::POST, &format!("/api/v1/polls/{fixed}/ballots"))
                .header("x-tongxin-device", device(1))
                .json(&json!({"kind": "single", "option": 1}))
        )
        .await
        .0,
        201
    );
    let before = t.snapshot();
    expect_problem(
        t.req(Method::PUT, &format!("/api/v1/polls/{fixed}/ballots/mine"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 2})),
        409,
        "change-not-allowed",
    )
    .await;
    expect_problem(
        t.req(
            Method::DELETE,
            &format!("/api/v1/polls/{fixed}/ballots/mine"),
        )
        .header("x-tongxin-device", device(1)),
        409,
        "change-not-allowed",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn hidden_results_are_null_until_vote_or_close() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_vote"}),
        )
        .await;
    let path = format!("/api/v1/polls/{id}/results");
    send(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 1})),
    )
    .await;
    let anon = t.get(&path).await;
    assert_eq!(
        (
            anon["visible"].as_bool(),
            anon["results"].is_null(),
            anon["ballots"].as_i64()
        ),
        (Some(false), true, Some(1))
    );
    let other = t.get_with_device(&path, 2).await;
    assert!(other["results"].is_null());
    let voter = t.get_with_device(&path, 1).await;
    assert_eq!(voter["results"]["options"][0]["count"], 1);
    let staff: serde_json::Value = t
        .admin(Method::GET, &path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(staff["visible"], true);

    let closed = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let cpath = format!("/api/v1/polls/{closed}/results");
    send(
        t.req(Method::POST, &format!("/api/v1/polls/{closed}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 2})),
    )
    .await;
    assert!(t.get_with_device(&cpath, 1).await["results"].is_null());
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{closed}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200);
    let after = t.get(&cpath).await;
    assert_eq!(
        (
            after["status"].as_str(),
            after["results"]["options"][1]["count"].as_i64()
        ),
        (Some("closed"), Some(1))
    );
}

#[tokio::test]
async fn closed_and_scheduled_polls_refuse_ballots() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let now = tongxin_server::clock::now_ms();
    let closed = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"opens_at": now - 10_000, "closes_at": now - 5_000}),
        )
        .await;
    let later = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"opens_at": now + 3_600_000}),
        )
        .await;
    let before = t.snapshot();
    for (id, code) in [(closed, "poll-closed"), (later, "poll-not-open")] {
        expect_problem(
            t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
                .header("x-tongxin-device", device(1))
                .json(&json!({"kind": "single", "option": 1})),
            409,
            code,
        )
        .await;
    }
    assert_eq!(t.snapshot(), before);
    assert_eq!(
        t.get(&format!("/api/v1/polls/{closed}")).await["status"],
        "closed"
    );
    assert_eq!(
        t.get(&format!("/api/v1/polls/{later}")).await["status"],
        "scheduled"
    );
}

#[tokio::test]
async fn staff_can_remove_a_closing_time_and_the_poll_then_stays_open() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let now = tongxin_server::clock::now_ms();
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"closes_at": now + 3_600_000}),
        )
        .await;
    let path = format!("/api/v1/admin/polls/{id}");
    // Together with a new closing time, or with closing now: refused, and
    // nothing is written.
    let before = t.snapshot();
    for both in [
        json!({"clear_closes_at": true, "closes_at": now + 7_200_000}),
        json!({"clear_closes_at": true, "close_now": true}),
    ] {
        let v = expect_problem(
            t.admin(Method::PATCH, &path).json(&both),
            422,
            "validation-failed",
        )
        .await;
        assert!(v["errors"]["clear_closes_at"].is_array(), "{v}");
    }
    for bad in [
        json!({"clear_closes_at": "yes"}),
        json!({"clear_closes_at": 1}),
    ] {
        expect_problem(
            t.admin(Method::PATCH, &path).json(&bad),
            422,
            "invalid-body",
        )
        .await;
    }
    assert_eq!(t.snapshot(), before);
    // Alone: the closing time is gone and ballots are still taken.
    let (st, poll) = send(
        t.admin(Method::PATCH, &path)
            .json(&json!({"clear_closes_at": true})),
    )
    .await;
    assert_eq!(st, 200);
    assert!(poll["closes_at"].is_null(), "{poll}");
    let public = t.get(&format!("/api/v1/polls/{id}")).await;
    assert_eq!(
        (public["status"].as_str(), public["closes_at"].is_null()),
        (Some("open"), true)
    );
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 1})),
    )
    .await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn anonymous_polls_store_no_link_between_voter_and_choice() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["赞成", "反对"],
            json!({"anonymous": true}),
        )
        .await;
    let (status, receipt) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(7))
            .json(&json!({"kind": "single", "option": 2})),
    )
    .await;
    assert_eq!(status, 201);
    assert!(receipt["ballot"].is_null());
    let mine = t
        .get_with_device(&format!("/api/v1/polls/{id}/ballots/mine"), 7)
        .await;
    assert!(mine["ballot"].is_null());
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(7))
            .json(&json!({"kind": "single", "option": 1})),
        409,
        "already-voted",
    )
    .await;
    let count = |sql: &str| t.one(sql, &[id.into()]).int();
    let ballots = count("SELECT COUNT(*) FROM ballots WHERE poll_id = ?1");
    let took_part = count("SELECT COUNT(*) FROM participations WHERE poll_id = ?1");
    assert_eq!((ballots, took_part), (0, 1));
    // While open the figures move only in batches (tests/http/trust.rs); closed,
    // the ballot shows.
    assert_eq!(
        t.get(&format!("/api/v1/polls/{id}/results")).await["results"]["options"][1]["count"],
        0
    );
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{id}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(
        t.get(&format!("/api/v1/polls/{id}/results")).await["results"]["options"][1]["count"],
        1
    );
    // The anonymous poll cannot allow changes.
    let (st, v) = send(t.admin(Method::POST, "/api/v1/admin/polls").json(&json!({"scope_id": s[2], "title": "x", "kind": {"type": "single"}, "options": ["a", "b"], "anonymous": true, "allow_change": true}))).await;
    assert_eq!(st, 422);
    assert!(v["errors"]["allow_change"].is_array());
}

#[tokio::test]
async fn household_codes_give_one_ballot_per_household() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"eligibility": "code"}),
        )
        .await;
    let issued = t
        .admin_post(
            "/api/v1/admin/codes",
            json!({"target": "poll", "target_id": id, "count": 3}),
        )
        .await;
    let codes: Vec<String> = issued["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 3);
    let path = format!("/api/v1/polls/{id}/ballots");
    let ballot = json!({"kind": "single", "option": 1});
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&ballot),
        401,
        "code-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-code", "AAAA-BBBB-CC")
            .json(&ballot),
        403,
        "invalid-code",
    )
    .await;
    // Typed in lower case with spaces: the same code.
    let typed = codes[0].to_lowercase().replace('-', " ");
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-code", typed)
                .json(&ballot)
        )
        .await
        .0,
        201
    );
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-code", &codes[0])
            .json(&ballot),
        409,
        "already-voted",
    )
    .await;
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-code", &codes[1])
                .json(&ballot)
        )
        .await
        .0,
        201
    );
    // A code for another poll does not work here.
    let other = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"eligibility": "code"}),
        )
        .await;
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{other}/ballots"))
            .header("x-tongxin-code", &codes[2])
            .json(&ballot),
        403,
        "invalid-code",
    )
    .await;
    // Codes are stored hashed only.
    let snap = t.snapshot();
    for c in &codes {
        assert!(!snap.contains(c.as_str()) && !snap.contains(&c.replace('-', "")));
    }
}

#[tokio::test]
async fn host_signed_tokens_identify_residents() {
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
    let path = format!("/api/v1/polls/{id}/ballots");
    let ballot = json!({"kind": "single", "option": 2});
    let exp = tongxin_server::clock::now_ms() / 1000 + 600;
    let good = tongxin_server::voter::sign_voter_token(VOTER_SECRET, "resident-42", Some(exp));
    let forged = tongxin_server::voter::sign_voter_token("wrong-secret", "resident-42", Some(exp));
    let expired = tongxin_server::voter::sign_voter_token(VOTER_SECRET, "resident-43", Some(1));
    expect_problem(
        t.req(Method::POST, &path).json(&ballot),
        401,
        "voter-token-required",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-voter", forged)
            .json(&ballot),
        401,
        "invalid-voter-token",
    )
    .await;
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-voter", expired)
            .json(&ballot),
        401,
        "invalid-voter-token",
    )
    .await;
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-voter", &good)
                .json(&ballot)
        )
        .await
        .0,
        201
    );
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-voter", &good)
            .json(&ballot),
        409,
        "already-voted",
    )
    .await;
}

#[tokio::test]
async fn device_rate_limit_answers_429_with_retry_after() {
    let t = TestServer::start_with(|c| c.device_writes_per_min = 2).await;
    let s = t.scopes().await;
    let ids = [
        t.poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
            .await,
        t.poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
            .await,
        t.poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
            .await,
    ];
    for id in &ids[..2] {
        assert_eq!(
            send(
                t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
                    .header("x-tongxin-device", device(1))
                    .json(&json!({"kind": "single", "option": 1}))
            )
            .await
            .0,
            201
        );
    }
    let r = t
        .req(Method::POST, &format!("/api/v1/polls/{}/ballots", ids[2]))
        .header("x-tongxin-device", device(1))
        .json(&json!({"kind": "single", "option": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
}

#[tokio::test]
async fn polls_list_by_scope() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let a = t
        .poll(s[4], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let b = t
        .poll(s[5], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let all = t.get("/api/v1/polls").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let only_a = t.get(&format!("/api/v1/polls?scope_id={}", s[4])).await;
    assert_eq!(
        only_a
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![a]
    );
    let group = t.get(&format!("/api/v1/polls?scope_id={}", s[3])).await;
    assert_eq!(
        group.as_array().unwrap().len(),
        2,
        "both buildings are inside the group"
    );
    assert!(b > a);
}
