//! Convention endpoints over real HTTP: sign, duplicates, withdrawal
//! windows, versions, masked paginated lists and counts by unit.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn convention(t: &TestServer, scope: i64, extra: Value) -> i64 {
    let mut body = json!({"scope_id": scope, "title": "碧鸡广场活动文明公约", "preamble": "为营造文明广场", "articles": ["音量不超过60分贝", "21:30后停止使用音响"], "goal": 500});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    t.admin_post("/api/v1/admin/conventions", body).await["id"]
        .as_i64()
        .unwrap()
}

fn signature(name: &str, unit: i64) -> Value {
    json!({"display_name": name, "unit_id": unit, "team": "夕阳红舞蹈队", "role": "team_leader", "version": 1, "agreed": true})
}

#[tokio::test]
async fn sign_list_count_and_withdraw() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = convention(&t, s[2], json!({})).await;
    let path = format!("/api/v1/conventions/{id}/signatures");
    let (status, receipt) = send(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&signature("孙雨萌", s[4])),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(
        (
            receipt["display_name"].as_str(),
            receipt["version"].as_i64()
        ),
        (Some("孙雨萌"), Some(1))
    );
    let list = t.get(&path).await;
    assert_eq!(list["items"][0]["masked_name"], "孙*萌");
    let counts = t.get(&format!("/api/v1/conventions/{id}/count")).await;
    assert_eq!(
        (counts["count"].as_i64(), counts["goal"].as_i64()),
        (Some(1), Some(500))
    );
    assert_eq!(counts["by_unit"][0]["name"], "1栋");
    let before = t.snapshot();
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&signature("孙雨萌", s[4])),
        409,
        "already-signed",
    )
    .await;
    assert_eq!(t.snapshot(), before);
    let mine = format!("{path}/mine");
    let (status, w) = send(
        t.req(Method::DELETE, &mine)
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!(status, 200);
    assert!(w["withdrawn_at"].is_i64());
    assert_eq!(
        t.get(&format!("/api/v1/conventions/{id}/count")).await["count"],
        0
    );
    expect_problem(
        t.req(Method::DELETE, &mine)
            .header("x-tongxin-device", device(1)),
        404,
        "not-found",
    )
    .await;
    // Signing again after withdrawing is allowed.
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-device", device(1))
                .json(&signature("孙雨萌", s[4]))
        )
        .await
        .0,
        201
    );
}

#[tokio::test]
async fn withdrawal_window_and_closing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let never = convention(&t, s[2], json!({"withdrawal": {"mode": "never"}})).await;
    let now = tongxin_server::clock::now_ms();
    let closed = convention(&t, s[2], json!({"closes_at": now - 1})).await;
    send(
        t.req(
            Method::POST,
            &format!("/api/v1/conventions/{never}/signatures"),
        )
        .header("x-tongxin-device", device(1))
        .json(&signature("李四", s[4])),
    )
    .await;
    let before = t.snapshot();
    expect_problem(
        t.req(
            Method::DELETE,
            &format!("/api/v1/conventions/{never}/signatures/mine"),
        )
        .header("x-tongxin-device", device(1)),
        409,
        "withdrawal-closed",
    )
    .await;
    expect_problem(
        t.req(
            Method::POST,
            &format!("/api/v1/conventions/{closed}/signatures"),
        )
        .header("x-tongxin-device", device(1))
        .json(&signature("李四", s[4])),
        409,
        "convention-closed",
    )
    .await;
    assert_eq!(t.snapshot(), before);
    let until = convention(
        &t,
        s[2],
        json!({"withdrawal": {"mode": "until", "until": now + 3_600_000}}),
    )
    .await;
    send(
        t.req(
            Method::POST,
            &format!("/api/v1/conventions/{until}/signatures"),
        )
        .header("x-tongxin-device", device(2))
        .json(&signature("王五", s[5])),
    )
    .await;
    assert_eq!(
        send(
            t.req(
                Method::DELETE,
                &format!("/api/v1/conventions/{until}/signatures/mine")
            )
            .header("x-tongxin-device", device(2))
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn bad_signatures_are_refused_with_field_errors() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = convention(&t, s[4], json!({})).await;
    let path = format!("/api/v1/conventions/{id}/signatures");
    let post = |body: Value| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&body)
    };
    let before = t.snapshot();
    let v = expect_problem(
        post(json!({"display_name": "", "unit_id": s[4], "agreed": false})),
        422,
        "validation-failed",
    )
    .await;
    assert!(v["errors"]["display_name"].is_array() && v["errors"]["agreed"].is_array());
    let v = expect_problem(post(signature("张三", s[5])), 422, "validation-failed").await;
    assert!(
        v["errors"]["unit_id"].is_array(),
        "building 2 is outside building 1's convention"
    );
    expect_problem(
        post(json!({"display_name": "x".repeat(41), "unit_id": s[4], "agreed": true})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        post(json!({"display_name": "a\u{0007}b", "unit_id": s[4], "agreed": true})),
        422,
        "validation-failed",
    )
    .await;
    expect_problem(
        post(json!({"display_name": "张三", "unit_id": s[4], "agreed": true, "version": 7})),
        409,
        "stale-version",
    )
    .await;
    assert_eq!(t.snapshot(), before);
}

#[tokio::test]
async fn a_new_version_asks_for_a_new_signature() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = convention(&t, s[2], json!({})).await;
    let path = format!("/api/v1/conventions/{id}/signatures");
    send(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&signature("孙雨萌", s[4])),
    )
    .await;
    let (st, c) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/conventions/{id}"))
            .json(&json!({"articles": ["音量不超过55分贝"]})),
    )
    .await;
    assert_eq!((st, c["version"].as_i64()), (200, Some(2)));
    let counts = t.get(&format!("/api/v1/conventions/{id}/count")).await;
    assert_eq!(
        (
            counts["count"].as_i64(),
            counts["earlier_versions"].as_i64()
        ),
        (Some(0), Some(1))
    );
    expect_problem(
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(1))
            .json(&signature("孙雨萌", s[4])),
        409,
        "stale-version",
    )
    .await;
    let mut v2 = signature("孙雨萌", s[4]);
    v2["version"] = json!(2);
    assert_eq!(
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-device", device(1))
                .json(&v2)
        )
        .await
        .0,
        201
    );
    let (_, mine) = send(
        t.req(Method::GET, &format!("{path}/mine"))
            .header("x-tongxin-device", device(1)),
    )
    .await;
    assert_eq!(
        mine.as_array()
            .unwrap()
            .iter()
            .map(|m| m["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 1]
    );
}

#[tokio::test]
async fn pagination_is_stable_while_signatures_arrive_and_names_never_leak() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = convention(&t, s[2], json!({})).await;
    let path = format!("/api/v1/conventions/{id}/signatures");
    let names: Vec<String> = (0..25)
        .map(|i| format!("Resident{i:02} Fullname"))
        .collect();
    for (i, n) in names.iter().enumerate() {
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-device", device(i))
                .json(&signature(n, s[4 + i % 2])),
        )
        .await;
    }
    let first = t.get(&format!("{path}?limit=10")).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    // Five more arrive between pages.
    for i in 25..30 {
        send(
            t.req(Method::POST, &path)
                .header("x-tongxin-device", device(i))
                .json(&signature("晚到的人", s[4])),
        )
        .await;
    }
    let mut seen: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    let mut cursor = Some(cursor);
    let mut raw = first.to_string();
    while let Some(c) = cursor {
        let page = t.get(&format!("{path}?limit=10&cursor={c}")).await;
        raw.push_str(&page.to_string());
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["id"].as_i64().unwrap()),
        );
        cursor = page["next_cursor"].as_str().map(String::from);
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, no repeats");
    assert_eq!(
        seen.len(),
        25,
        "the first walk sees exactly the 25 that existed"
    );
    // No public endpoint returns a raw name.
    raw.push_str(
        &t.get(&format!("/api/v1/conventions/{id}/count"))
            .await
            .to_string(),
    );
    for n in &names {
        assert!(
            !raw.contains(n.as_str()) && !raw.contains("Fullname"),
            "{n} leaked"
        );
    }
    assert!(!raw.contains("晚到的人"));
}

#[tokio::test]
async fn counts_by_unit_are_exact_under_100_concurrent_signers() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = convention(&t, s[2], json!({})).await;
    let path = format!("/api/v1/conventions/{id}/signatures");
    let mut tasks = Vec::new();
    for i in 0..100 {
        let req = t
            .req(Method::POST, &path)
            .header("x-tongxin-device", device(i))
            .json(&signature("并发签名", s[4 + i % 2]));
        tasks.push(tokio::spawn(async move {
            req.send().await.unwrap().status().as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    let counts = t.get(&format!("/api/v1/conventions/{id}/count")).await;
    assert_eq!(counts["count"], 100);
    let by_unit: Vec<i64> = counts["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["count"].as_i64().unwrap())
        .collect();
    assert_eq!(by_unit, vec![50, 50]);
}
