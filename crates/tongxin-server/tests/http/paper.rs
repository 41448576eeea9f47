//! Paper and door-to-door answers over real HTTP: a household takes part
//! once whatever the channel (online then paper, paper then online, and
//! 50 attempts at once), the refusal names where the first answer came
//! from and writes nothing, building heads key for their own building
//! only, entries are voided with a reason and keyed again, a closed item
//! takes no more paper, and every result carries the split by channel.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A community poll on household codes, and codes for both buildings.
async fn coded_poll(t: &TestServer, extra: Value) -> (Vec<i64>, i64, Vec<String>, Vec<String>) {
    let s = t.scopes().await;
    let mut e = json!({"eligibility": "code"});
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["同意", "不同意"], e)
        .await;
    let a = t.poll_codes(poll, s[4], 6).await;
    let b = t.poll_codes(poll, s[5], 4).await;
    (s, poll, a, b)
}

pub(crate) fn paper_ballot(target: &str, id: i64, code: &str, ballot: Value) -> Value {
    json!({"target": target, "target_id": id, "code": code, "ballot": ballot})
}

fn single(option: u32) -> Value {
    json!({"kind": "single", "option": option})
}

async fn online(t: &TestServer, poll: i64, code: &str, option: u32) -> (u16, Value) {
    send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-code", code)
            .json(&single(option)),
    )
    .await
}

async fn key(t: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(t.req(Method::POST, path).bearer_auth(token).json(&body)).await
}

#[tokio::test]
async fn a_household_takes_part_once_whatever_the_channel() {
    let t = TestServer::start().await;
    let (_, poll, a, b) = coded_poll(&t, json!({})).await;
    // Online first, then its paper slip: refused, naming 网上.
    assert_eq!(online(&t, poll, &a[0], 1).await.0, 201);
    let before = t.snapshot();
    let (st, v) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-ballots",
        paper_ballot("poll", poll, &a[0], single(2)),
    )
    .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/already-voted")),
        "{v}"
    );
    assert_eq!(v["channel"], "online", "{v}");
    assert!(v["detail"].as_str().unwrap().contains("网上"), "{v}");
    assert_eq!(t.snapshot(), before, "the refusal wrote nothing");
    // Paper first (the code as printed, in lower case and spaced), then online.
    let typed = a[1].to_lowercase().replace('-', " ");
    let (st, entry) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-ballots",
        paper_ballot("poll", poll, &typed, single(1)),
    )
    .await;
    assert_eq!(st, 201, "{entry}");
    assert_eq!(entry["state"], "counted");
    assert_eq!(entry["channel"], "paper");
    assert_eq!(entry["coded"], true);
    let before = t.snapshot();
    let (st, v) = online(&t, poll, &a[1], 2).await;
    assert_eq!((st, v["channel"].as_str()), (409, Some("paper")), "{v}");
    assert!(v["detail"].as_str().unwrap().contains("纸质"), "{v}");
    assert_eq!(t.snapshot(), before);
    // Door to door, and a second paper attempt for it: refused as 入户.
    let mut door = paper_ballot("poll", poll, &b[0], single(2));
    door["channel"] = json!("door");
    assert_eq!(
        key(&t, ADMIN, "/api/v1/admin/paper-ballots", door.clone())
            .await
            .0,
        201
    );
    let (st, v) = key(&t, ADMIN, "/api/v1/admin/paper-ballots", door).await;
    assert_eq!((st, v["channel"].as_str()), (409, Some("door")), "{v}");
    // The results split the three channels and say 其中纸质 1.
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 3);
    assert_eq!(
        r["channels"],
        json!({"online": 1, "paper": 1, "door": 1, "meeting": 0})
    );
    assert_eq!(r["results"]["options"][0]["count"], 2, "{r}");
    // The staff view splits them by building against its households.
    let (st, sum) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/channels?target=poll&target_id={poll}"),
    ))
    .await;
    assert_eq!(st, 200, "{sum}");
    assert_eq!(
        sum["channels"],
        json!({"online": 1, "paper": 1, "door": 1, "meeting": 0})
    );
    let units = sum["units"].as_array().unwrap();
    assert_eq!(units.len(), 2, "{sum}");
    assert_eq!(
        (units[0]["online"].as_u64(), units[0]["paper"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (units[1]["online"].as_u64(), units[1]["door"].as_u64()),
        (Some(0), Some(1))
    );
}

#[tokio::test]
async fn fifty_attempts_at_once_for_one_household_count_once() {
    let t = TestServer::start().await;
    let (_, poll, a, _) = coded_poll(&t, json!({})).await;
    let mut tasks = Vec::new();
    for n in 0..50 {
        let (http, url, code) = (t.http.clone(), t.url.clone(), a[0].clone());
        tasks.push(tokio::spawn(async move {
            let req = if n % 2 == 0 {
                http.post(format!("{url}/api/v1/polls/{poll}/ballots"))
                    .header("x-tongxin-code", code)
                    .json(&single(1))
            } else {
                http.post(format!("{url}/api/v1/admin/paper-ballots"))
                    .bearer_auth(ADMIN)
                    .json(&paper_ballot("poll", poll, &code, single(2)))
            };
            send(req).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (st, v) = task.await.unwrap();
        match st {
            201 => ok += 1,
            409 => assert!(
                ["online", "paper"].contains(&v["channel"].as_str().unwrap()),
                "{v}"
            ),
            other => panic!("{other}: {v}"),
        }
    }
    assert_eq!(ok, 1, "exactly one of 50 attempts is accepted");
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 1);
    let c = &r["channels"];
    assert_eq!(
        c["online"].as_u64().unwrap() + c["paper"].as_u64().unwrap(),
        1,
        "{r}"
    );
}

#[tokio::test]
async fn a_building_head_keys_for_their_own_building_only() {
    let t = TestServer::start().await;
    let (s, poll, a, b) = coded_poll(&t, json!({})).await;
    let head = t.staff_token("zhang.lou", &format!("building_head:{}", s[4]));
    let path = "/api/v1/admin/paper-ballots";
    assert_eq!(
        key(
            &t,
            &head,
            path,
            paper_ballot("poll", poll, &a[0], single(1))
        )
        .await
        .0,
        201
    );
    // On an item without codes the unit given decides.
    let open = t
        .poll(s[2], json!({"type": "single"}), &["是", "否"], json!({}))
        .await;
    let before = t.snapshot();
    let (st, v) = key(
        &t,
        &head,
        path,
        paper_ballot("poll", poll, &b[0], single(1)),
    )
    .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (403, Some("/problems/outside-your-scope")),
        "{v}"
    );
    let uncoded = |unit: i64| json!({"target": "poll", "target_id": open, "unit_id": unit, "ballot": single(1)});
    let (st, _) = key(&t, &head, path, uncoded(s[5])).await;
    assert_eq!(st, 403);
    assert_eq!(t.snapshot(), before, "refusals wrote nothing");
    let (st, e) = key(&t, &head, path, uncoded(s[4])).await;
    assert_eq!((st, e["coded"].as_bool()), (201, Some(false)), "{e}");
    // Two uncoded slips of one building are two answers.
    assert_eq!(key(&t, &head, path, uncoded(s[4])).await.0, 201);
    let r = t.get(&format!("/api/v1/polls/{open}/results")).await;
    assert_eq!(r["channels"]["paper"], 2, "{r}");
    // A building head sees their building's figures, not the other one's.
    let (st, sum) = send(
        t.req(
            Method::GET,
            &format!("/api/v1/admin/channels?target=poll&target_id={poll}"),
        )
        .bearer_auth(&head),
    )
    .await;
    assert_eq!(st, 200, "{sum}");
    let units = sum["units"].as_array().unwrap();
    assert!(units.iter().all(|u| u["unit_id"] == s[4]), "{sum}");
    // Another community's staff may key nothing here.
    let other = t.neighbour_community(s[1]).await;
    let stranger = t.staff_token("li.other", &format!("staff:{other}"));
    let (st, _) = key(
        &t,
        &stranger,
        path,
        paper_ballot("poll", poll, &a[2], single(1)),
    )
    .await;
    assert_eq!(st, 403);
}

#[tokio::test]
async fn an_entry_is_voided_with_a_reason_and_the_household_answers_again() {
    let t = TestServer::start().await;
    let (_, poll, a, _) = coded_poll(&t, json!({})).await;
    let (_, entry) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-ballots",
        paper_ballot("poll", poll, &a[0], single(1)),
    )
    .await;
    let void = format!("/api/v1/admin/paper-entries/{}/void", entry["id"]);
    let before = t.snapshot();
    for bad in [
        json!({"reason": ""}),
        json!({"reason": "x".repeat(201)}),
        json!({}),
    ] {
        let (st, v) = key(&t, ADMIN, &void, bad).await;
        assert!(st == 422 || st == 400, "{st}: {v}");
    }
    assert_eq!(t.snapshot(), before, "refused voids wrote nothing");
    let (st, v) = key(&t, ADMIN, &void, json!({"reason": "录错了户号"})).await;
    assert_eq!(st, 200, "{v}");
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(
        (r["ballots"].as_u64(), r["channels"]["paper"].as_u64()),
        (Some(0), Some(0))
    );
    let (_, sum) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/channels?target=poll&target_id={poll}"),
    ))
    .await;
    assert_eq!(
        sum["channels"]["online"], 0,
        "the voided household's code is unused again: {sum}"
    );
    let (st, v) = key(&t, ADMIN, &void, json!({"reason": "again"})).await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/already-voided"))
    );
    // The household may now answer, online this time.
    assert_eq!(online(&t, poll, &a[0], 2).await.0, 201);
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(
        r["channels"],
        json!({"online": 1, "paper": 0, "door": 0, "meeting": 0})
    );
    // The void is in the audit log with its reason.
    let (_, log) = send(t.admin(
        Method::GET,
        "/api/v1/admin/audit?path=/api/v1/admin/paper-entries",
    ))
    .await;
    assert_eq!(log["items"][0]["request"]["reason"], "again", "{log}");
    assert_eq!(log["items"][1]["request"]["reason"], "录错了户号", "{log}");
}

#[tokio::test]
async fn a_closed_item_takes_no_more_paper() {
    let t = TestServer::start().await;
    let (_, poll, a, _) = coded_poll(&t, json!({})).await;
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200);
    let before = t.snapshot();
    let (st, v) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-ballots",
        paper_ballot("poll", poll, &a[0], single(1)),
    )
    .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (409, Some("/problems/poll-closed")),
        "{v}"
    );
    assert_eq!(t.snapshot(), before);
    // Reopened for late slips: only with a reason, which the audit log keeps.
    let reopen = |body: Value| {
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .json(&body)
    };
    let (st, v) = send(reopen(json!({"clear_closes_at": true}))).await;
    assert_eq!(st, 422, "{v}");
    assert!(v["errors"]["reopen_reason"].is_array(), "{v}");
    assert_eq!(t.snapshot(), before, "the refused reopening wrote nothing");
    let why = "补录碧鸡社区3栋的纸质票";
    let (st, v) = send(reopen(
        json!({"clear_closes_at": true, "reopen_reason": why}),
    ))
    .await;
    assert_eq!(st, 200, "{v}");
    let slip = paper_ballot("poll", poll, &a[0], single(1));
    assert_eq!(
        key(&t, ADMIN, "/api/v1/admin/paper-ballots", slip).await.0,
        201
    );
    let path = format!("/api/v1/admin/audit?path=/api/v1/admin/polls/{poll}");
    let (_, log) = send(t.admin(Method::GET, &path)).await;
    assert_eq!(log["items"][0]["request"]["reopen_reason"], why, "{log}");
}

#[tokio::test]
async fn signatures_supports_and_budget_ballots_on_paper() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    // A convention on codes: a paper signature, then the same code online.
    let conv = t
        .admin_post(
            "/api/v1/admin/conventions",
            json!({"scope_id": s[2], "title": "碧鸡广场活动文明公约", "preamble": "为营造文明广场", "articles": ["音量不超过60分贝"], "goal": 10, "eligibility": "code"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let codes = t
        .admin_post(
            "/api/v1/admin/codes",
            json!({"target": "convention", "target_id": conv, "unit_id": s[4], "count": 2}),
        )
        .await["codes"]
        .clone();
    let code = codes[0].as_str().unwrap();
    let xss = "<img src=x onerror=alert(1)>";
    let (st, e) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-signatures",
        json!({"convention_id": conv, "code": code, "name": xss}),
    )
    .await;
    assert_eq!(st, 201, "{e}");
    assert_eq!(e["unit_id"], s[4], "the code's building: {e}");
    let (st, v) = send(
        t.req(
            Method::POST,
            &format!("/api/v1/conventions/{conv}/signatures"),
        )
        .header("x-tongxin-code", code)
        .json(&json!({"display_name": "王", "unit_id": s[4], "agreed": true})),
    )
    .await;
    assert_eq!(
        (st, v["type"].as_str(), v["channel"].as_str()),
        (409, Some("/problems/already-signed"), Some("paper")),
        "{v}"
    );
    let count = t.get(&format!("/api/v1/conventions/{conv}/count")).await;
    assert_eq!(count["channels"]["paper"], 1, "{count}");
    let list = t
        .get(&format!("/api/v1/conventions/{conv}/signatures"))
        .await;
    let shown = list["items"][0]["masked_name"]
        .as_str()
        .unwrap_or_else(|| panic!("{list}"));
    assert_ne!(shown, xss, "the public list masks the name as written");
    assert_eq!(list["items"][0]["channel"], "paper", "{list}");
    let r = t
        .req(
            Method::GET,
            &format!("/api/v1/conventions/{conv}/signatures.csv"),
        )
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(lines.next().unwrap().ends_with(",channel"), "{csv}");
    assert!(lines.next().unwrap().ends_with(",paper"), "{csv}");
    // A proposal's support on paper (open item: per unit).
    let p = t.proposal(s[2]).await;
    let (st, e) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-supports",
        json!({"proposal_id": p, "unit_id": s[5], "channel": "door"}),
    )
    .await;
    assert_eq!(st, 201, "{e}");
    let d = t.get(&format!("/api/v1/proposals/{p}")).await;
    assert_eq!(d["proposal"]["supports"], 1);
    assert_eq!(d["channels"]["door"], 1, "{d}");
    // A budget ballot on paper, checked by the round's rule.
    let round = t
        .admin_post(
            "/api/v1/admin/budgets",
            json!({"scope_id": s[2], "title": "2026 年度惠民资金", "fund_fen": 200_000,
                "projects": [{"title": "楼道照明", "cost_fen": 120_000}, {"title": "广场座椅", "cost_fen": 80_000}, {"title": "儿童沙池", "cost_fen": 50_000}],
                "rule": {"type": "knapsack"}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let body = |projects: Value| json!({"target": "budget", "target_id": round, "unit_id": s[4], "ballot": {"projects": projects}});
    let before = t.snapshot();
    let (st, v) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-ballots",
        body(json!([1, 2, 3])),
    )
    .await;
    assert_eq!(st, 422, "over the fund: {v}");
    assert_eq!(t.snapshot(), before);
    assert_eq!(
        key(
            &t,
            ADMIN,
            "/api/v1/admin/paper-ballots",
            body(json!([1, 2]))
        )
        .await
        .0,
        201
    );
    let (st, r) = send(t.admin(Method::GET, &format!("/api/v1/budgets/{round}/results"))).await;
    assert_eq!(st, 200);
    assert_eq!(r["channels"]["paper"], 1, "{r}");
    let r = t
        .admin(Method::GET, &format!("/api/v1/budgets/{round}/results.csv"))
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap();
    assert!(
        header.ends_with("ballots_online,ballots_paper,ballots_door,meeting_attendees"),
        "{csv}"
    );
    assert!(lines.next().unwrap().ends_with(",0,1,0,0"), "{csv}");
}
