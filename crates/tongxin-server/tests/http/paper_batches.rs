//! Batches, meetings and the hostile side of keyed answers over real HTTP:
//! a double-entry batch counts a slip only when two different people keyed
//! the same and lists the slips they disagree on; meeting tallies are kept
//! apart from individual ballots; malformed, oversized, out-of-range and
//! hostile entries write nothing; and an anonymous poll's paper ballots
//! leave no link from household to choice in a copy of the database.

use crate::common::store::sqlite_only;
use crate::common::*;
use crate::paper::paper_ballot;
use reqwest::Method;
use serde_json::{Value, json};

async fn key(t: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(t.req(Method::POST, path).bearer_auth(token).json(&body)).await
}

fn single(option: u32) -> Value {
    json!({"kind": "single", "option": option})
}

#[tokio::test]
async fn a_double_entry_batch_counts_what_two_people_keyed_alike() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["同意", "不同意"],
            json!({"eligibility": "code"}),
        )
        .await;
    let codes = t.poll_codes(poll, s[4], 3).await;
    let li = t.staff_token("li.clerk", &format!("staff:{}", s[2]));
    let wang = t.staff_token("wang.clerk", &format!("staff:{}", s[2]));
    let zhao = t.staff_token("zhao.clerk", &format!("staff:{}", s[2]));
    let (st, batch) = key(
        &t,
        &li,
        "/api/v1/admin/paper-batches",
        json!({"target": "poll", "target_id": poll, "double_entry": true, "label": "3栋 第一袋"}),
    )
    .await;
    assert_eq!(st, 201, "{batch}");
    assert_eq!(batch["opened_by"], "li.clerk");
    let slip = |code: &str, option: u32| {
        let mut b = paper_ballot("poll", poll, code, single(option));
        b["batch_id"] = batch["id"].clone();
        b
    };
    let path = "/api/v1/admin/paper-ballots";
    // Slip 0: li and wang agree → counted on the second keying.
    let (st, e) = key(&t, &li, path, slip(&codes[0], 1)).await;
    assert_eq!(
        (st, e["state"].as_str()),
        (202, Some("awaiting_second")),
        "{e}"
    );
    assert!(e["id"].is_null());
    let (st, e) = key(&t, &li, path, slip(&codes[0], 1)).await;
    assert_eq!(
        (st, e["state"].as_str()),
        (202, Some("awaiting_second")),
        "the same person twice is not four eyes"
    );
    let (st, e) = key(&t, &wang, path, slip(&codes[0], 1)).await;
    assert_eq!((st, e["state"].as_str()), (201, Some("counted")), "{e}");
    // A first keying of a household that already took part is refused at
    // once, naming the channel, and keeps nothing.
    let before = t.snapshot();
    let (st, e) = key(&t, &zhao, path, slip(&codes[0], 2)).await;
    assert_eq!(
        (st, e["type"].as_str()),
        (409, Some("/problems/already-voted")),
        "{e}"
    );
    assert_eq!(e["channel"], "paper", "{e}");
    assert_eq!(t.snapshot(), before);
    // Slip 1: they disagree → listed until zhao keys it like one of them.
    assert_eq!(key(&t, &li, path, slip(&codes[1], 1)).await.0, 202);
    let (st, e) = key(&t, &wang, path, slip(&codes[1], 2)).await;
    assert_eq!((st, e["state"].as_str()), (202, Some("discrepancy")), "{e}");
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 1, "a disputed slip does not count");
    let (_, b) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/paper-batches/{}", batch["id"]),
    ))
    .await;
    assert_eq!(
        (b["counted"].as_u64(), b["awaiting"].as_u64()),
        (Some(1), Some(0)),
        "{b}"
    );
    let d = &b["discrepancies"][0];
    let masked = d["slip"].as_str().unwrap();
    assert!(
        masked.starts_with(&codes[1][..4]) && masked.contains('…'),
        "{d}"
    );
    assert!(
        !masked.contains(&codes[1][5..9]),
        "the slip's code is masked: {d}"
    );
    assert_eq!(d["keyings"].as_array().unwrap().len(), 2, "{d}");
    let (st, e) = key(&t, &zhao, path, slip(&codes[1], 2)).await;
    assert_eq!((st, e["state"].as_str()), (201, Some("counted")), "{e}");
    let (_, b) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/paper-batches/{}", batch["id"]),
    ))
    .await;
    assert_eq!(b["discrepancies"], json!([]), "{b}");
    assert_eq!(b["counted"], 2);
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["results"]["options"][0]["count"], 1, "{r}");
    assert_eq!(r["results"]["options"][1]["count"], 1, "{r}");
    // The item's batches are listed; nothing is left in the keying table.
    let (_, all) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/paper-batches?target=poll&target_id={poll}"),
    ))
    .await;
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(t.one("SELECT COUNT(*) FROM paper_keyings", &[]).int(), 0);
}

#[tokio::test]
async fn a_meeting_tally_is_kept_apart_from_the_ballots() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["同意", "不同意"],
            json!({}),
        )
        .await;
    let meeting = |attendees: u32, a: u32, b: u32| {
        json!({"target": "poll", "target_id": poll, "place": "碧鸡社区活动室", "held_on": "2026-12-05", "chair": "王丽",
            "attendees": attendees, "counts": [{"option_id": 1, "count": a}, {"option_id": 2, "count": b}]})
    };
    let before = t.snapshot();
    for (bad, field) in [
        (meeting(40, 30, 20), "counts"),
        (meeting(0, 0, 0), "attendees"),
        (
            json!({"target": "poll", "target_id": poll, "place": "", "held_on": "12/05", "chair": "王丽", "attendees": 3, "counts": [{"option_id": 9, "count": 1}]}),
            "held_on",
        ),
    ] {
        let (st, v) = key(&t, ADMIN, "/api/v1/admin/meeting-tallies", bad).await;
        assert_eq!(st, 422, "{v}");
        assert!(v["errors"][field].is_array(), "{field}: {v}");
    }
    assert_eq!(t.snapshot(), before, "refused tallies wrote nothing");
    let (st, m) = key(
        &t,
        ADMIN,
        "/api/v1/admin/meeting-tallies",
        meeting(40, 25, 10),
    )
    .await;
    assert_eq!(st, 201, "{m}");
    assert_eq!(m["entered_by"], "TONGXIN_ADMIN_TOKEN");
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&single(2)),
    )
    .await;
    assert_eq!(st, 201);
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 1, "hands are not ballots: {r}");
    assert_eq!(
        r["channels"],
        json!({"online": 1, "paper": 0, "door": 0, "meeting": 40})
    );
    assert_eq!(r["meetings"][0]["counts"][0]["count"], 25, "{r}");
    assert_eq!(r["meetings"][0]["place"], "碧鸡社区活动室");
    let void = format!("/api/v1/admin/meeting-tallies/{}/void", m["id"]);
    assert_eq!(
        key(&t, ADMIN, &void, json!({"reason": "会议记录有误"}))
            .await
            .0,
        200
    );
    assert_eq!(
        key(&t, ADMIN, &void, json!({"reason": "again"})).await.0,
        409
    );
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["channels"]["meeting"], 0);
    assert!(r.get("meetings").is_none(), "{r}");
    let (_, list) = send(t.admin(
        Method::GET,
        &format!("/api/v1/admin/meeting-tallies?target=poll&target_id={poll}"),
    ))
    .await;
    assert_eq!(list[0]["void_reason"], "会议记录有误", "{list}");
}

#[tokio::test]
async fn malformed_oversized_and_hostile_entries_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let coded = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["同意", "不同意"],
            json!({"eligibility": "code"}),
        )
        .await;
    let open = t
        .poll(s[2], json!({"type": "single"}), &["是", "否"], json!({}))
        .await;
    let code = t.poll_codes(coded, s[4], 1).await.remove(0);
    let before = t.snapshot();
    let path = "/api/v1/admin/paper-ballots";
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"target": "poll", "target_id": coded, "ballot": single(1)}),
            422,
            "code",
        ),
        (
            json!({"target": "poll", "target_id": open, "code": code, "ballot": single(1)}),
            422,
            "code",
        ),
        (
            json!({"target": "poll", "target_id": open, "ballot": single(1)}),
            422,
            "unit_id",
        ),
        (
            json!({"target": "poll", "target_id": open, "unit_id": 999_999, "ballot": single(1)}),
            422,
            "unit_id",
        ),
        (
            json!({"target": "poll", "target_id": coded, "code": code, "channel": "meeting", "ballot": single(1)}),
            422,
            "channel",
        ),
        (
            json!({"target": "poll", "target_id": coded, "code": code, "ballot": single(9)}),
            422,
            "ballot",
        ),
        (
            json!({"target": "poll", "target_id": coded, "code": code, "ballot": "<script>alert(1)</script>"}),
            422,
            "ballot",
        ),
        (
            json!({"target": "poll", "target_id": open, "unit_id": s[4], "slip": "<script>", "ballot": single(1)}),
            422,
            "slip",
        ),
        (
            json!({"target": "poll", "target_id": coded, "code": "x".repeat(500), "ballot": single(1)}),
            422,
            "code",
        ),
        (
            json!({"target": "vote", "target_id": coded, "code": code, "ballot": single(1)}),
            422,
            "",
        ),
    ];
    for (body, status, field) in cases {
        let (st, v) = key(&t, ADMIN, path, body.clone()).await;
        assert_eq!(st, status, "{body}: {v}");
        if !field.is_empty() {
            assert!(v["errors"][field].is_array(), "{field}: {v}");
        }
    }
    let (st, v) = key(
        &t,
        ADMIN,
        path,
        json!({"target": "poll", "target_id": coded, "code": "AAAA-BBBB-CC", "ballot": single(1)}),
    )
    .await;
    assert_eq!(
        (st, v["type"].as_str()),
        (403, Some("/problems/invalid-code")),
        "{v}"
    );
    let (st, _) = key(
        &t,
        ADMIN,
        path,
        json!({"target": "poll", "target_id": 424_242, "code": code, "ballot": single(1)}),
    )
    .await;
    assert_eq!(st, 404);
    let (st, _) = send(
        t.admin(Method::POST, path)
            .header("content-type", "application/json")
            .body("{\"target\":"),
    )
    .await;
    assert_eq!(st, 400);
    let big = json!({"target": "poll", "target_id": coded, "code": code, "ballot": {"kind": "single", "option": 1, "pad": "x".repeat(200_000)}});
    let (st, _) = key(&t, ADMIN, path, big).await;
    assert_eq!(st, 413);
    let (st, _) =
        send(
            t.req(Method::POST, path)
                .json(&paper_ballot("poll", coded, &code, single(1))),
        )
        .await;
    assert_eq!(st, 401, "no credentials, no entry");
    for bad in [
        json!({"target": "poll", "target_id": coded, "channel": "online"}),
        json!({"target": "poll", "target_id": coded, "label": "x".repeat(81)}),
    ] {
        let (st, v) = key(&t, ADMIN, "/api/v1/admin/paper-batches", bad).await;
        assert_eq!(st, 422, "{v}");
    }
    let (st, _) = key(
        &t,
        ADMIN,
        "/api/v1/admin/paper-entries/999999/void",
        json!({"reason": "不存在"}),
    )
    .await;
    assert_eq!(st, 404);
    assert_eq!(t.snapshot(), before, "no refusal wrote anything");
}

#[tokio::test]
async fn anonymous_paper_ballots_leave_no_link_in_a_copy_of_the_database() {
    if sqlite_only("reads the SQLite files as an attacker would") {
        return;
    }
    let mut t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["甲", "乙", "丙"],
            json!({"eligibility": "code", "anonymous": true}),
        )
        .await;
    let codes = t.poll_codes(poll, s[4], 20).await;
    let li = t.staff_token("li.clerk", &format!("staff:{}", s[2]));
    let wang = t.staff_token("wang.clerk", &format!("staff:{}", s[2]));
    let (_, batch) = key(
        &t,
        &li,
        "/api/v1/admin/paper-batches",
        json!({"target": "poll", "target_id": poll, "double_entry": true}),
    )
    .await;
    for (n, code) in codes.iter().enumerate() {
        let option = (n % 3) as u32 + 1;
        let mut b = paper_ballot("poll", poll, code, single(option));
        if n % 2 == 0 {
            // Every other slip keyed twice in the double-entry batch.
            b["batch_id"] = batch["id"].clone();
            assert_eq!(
                key(&t, &li, "/api/v1/admin/paper-ballots", b.clone())
                    .await
                    .0,
                202
            );
            let (st, e) = send(
                t.req(Method::POST, "/api/v1/admin/paper-ballots")
                    .bearer_auth(&wang)
                    .header("idempotency-key", format!("slip-{n}"))
                    .json(&b),
            )
            .await;
            assert_eq!(st, 201, "{e}");
        } else {
            assert_eq!(key(&t, &li, "/api/v1/admin/paper-ballots", b).await.0, 201);
        }
    }
    t.stop().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = t.db.clone().into_os_string();
        p.push(suffix);
        bytes.extend(std::fs::read(&p).unwrap_or_default());
    }
    let find = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        !find("\"option\":"),
        "no ballot as keyed is left anywhere in the files"
    );
    for c in &codes {
        assert!(!find(c), "no raw household code is stored");
    }
    // What is stored per household is that it took part, and how.
    let conn = rusqlite::Connection::open(&t.db).unwrap();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('paper_entries')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        !cols
            .iter()
            .any(|c| c.contains("ballot") || c.contains("choice")),
        "{cols:?}"
    );
    let logged: Vec<String> = conn
        .prepare("SELECT COALESCE(request, '') FROM audit_log WHERE path LIKE '%paper-ballots%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(logged.len(), 30, "every keying is in the audit log");
    assert!(
        logged
            .iter()
            .all(|r| r.contains("\"ballot\":\"…\"") && r.contains("\"code\":\"…\"")),
        "{logged:?}"
    );
}
