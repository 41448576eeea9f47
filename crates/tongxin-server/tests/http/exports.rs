//! Open-data exports over real HTTP: CSV with a BOM whose figures match the
//! JSON endpoints, masked names, formulas defused, hidden results kept
//! hidden, anonymous polls exported as counts only, and bad ids refused.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

/// GETs a CSV export: status, content type and body.
async fn csv(t: &TestServer, path: &str, staff: bool) -> (u16, String, String) {
    let req = if staff {
        t.admin(Method::GET, path)
    } else {
        t.req(Method::GET, path)
    };
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

/// The rows of a CSV document (quoted cells read as one, `""` as `"`;
/// no cell of these tests spans lines).
fn rows(body: &str) -> Vec<Vec<String>> {
    assert!(body.starts_with('\u{feff}'), "UTF-8 with BOM");
    body.trim_start_matches('\u{feff}')
        .lines()
        .map(|line| {
            let (mut cells, mut cur, mut quoted) = (Vec::new(), String::new(), false);
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => cells.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            cells.push(cur);
            cells
        })
        .collect()
}

#[tokio::test]
async fn poll_results_export_the_counts_the_json_shows_and_nothing_of_voters() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["早上", "=晚上"],
            json!({"anonymous": true}),
        )
        .await;
    for (n, option) in [(1, 1), (2, 1), (3, 2)] {
        let (st, _) = send(
            t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"kind": "single", "option": option})),
        )
        .await;
        assert_eq!(st, 201);
    }
    // An open anonymous poll shows its figures in batches of 5: closed, all of them.
    let (st, _) = send(
        t.admin(Method::PATCH, &format!("/api/v1/admin/polls/{poll}"))
            .json(&json!({"close_now": true})),
    )
    .await;
    assert_eq!(st, 200);
    let (st, ct, body) = csv(&t, &format!("/api/v1/polls/{poll}/results.csv"), false).await;
    assert_eq!((st, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let r = rows(&body);
    assert_eq!(
        r[0],
        [
            "poll_id",
            "option_id",
            "option",
            "measure",
            "value",
            "channel"
        ]
    );
    // The ballots by channel: all three came online.
    let online = r
        .iter()
        .find(|row| row[3] == "ballots" && row[5] == "online")
        .unwrap();
    assert_eq!(online[4], "3");
    let json = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    let count = |opt: &str| {
        r.iter()
            .find(|row| row[1] == opt && row[3] == "count")
            .unwrap()[4]
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(
        count("1"),
        json["results"]["options"][0]["count"].as_u64().unwrap()
    );
    assert_eq!(count("2"), 1);
    assert!(
        r.iter().any(|row| row[2] == "'=晚上"),
        "a label that looks like a formula is defused"
    );
    assert!(r.iter().any(|row| row[3] == "ballots" && row[4] == "3"));
    // Counts only: no device, no voter key, one row per figure.
    for n in 1..=3 {
        assert!(!body.contains(&device(n)) && !body.contains(&device_key(&device(n))));
    }
    assert_eq!(
        r.len(),
        1 + 1 + 2 * 2 + 3,
        "figures, then the ballots of three channels"
    );

    // Hidden results stay hidden, except to staff of the scope.
    let hidden = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let path = format!("/api/v1/polls/{hidden}/results.csv");
    expect_problem(t.req(Method::GET, &path), 409, "results-hidden").await;
    assert_eq!(csv(&t, &path, true).await.0, 200);
    for bad in [
        "/api/v1/polls/999999/results.csv",
        "/api/v1/polls/a%20b/results.csv",
    ] {
        let (st, _, _) = csv(&t, bad, false).await;
        assert!(st == 404 || st == 400, "{bad}: {st}");
    }
}

#[tokio::test]
async fn signatures_export_masked_names_with_their_units() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .admin_post("/api/v1/admin/conventions", json!({"scope_id": s[2], "title": "公约", "preamble": "p", "articles": ["a"], "goal": 10}))
        .await["id"]
        .as_i64()
        .unwrap();
    for (n, name, team) in [
        (1, "孙雨萌", "夕阳红舞蹈队"),
        (2, "Alice Smith", "=HYPERLINK(\"http://x\")"),
        (3, "王五", "<img src=x onerror=alert(1)>"),
    ] {
        let (st, v) = send(
            t.req(Method::POST, &format!("/api/v1/conventions/{id}/signatures"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"display_name": name, "unit_id": s[4], "team": team, "role": "resident", "version": 1, "agreed": true})),
        )
        .await;
        assert_eq!(st, 201, "{v}");
    }
    let (st, _, body) = csv(
        &t,
        &format!("/api/v1/conventions/{id}/signatures.csv"),
        false,
    )
    .await;
    assert_eq!(st, 200);
    assert!(body.contains("孙*萌") && !body.contains("孙雨萌"), "{body}");
    assert!(!body.contains("Alice Smith"));
    assert!(body.contains("1栋"), "the unit's name: {body}");
    assert!(body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{body}");
    assert!(
        body.contains("<img src=x onerror=alert(1)>"),
        "text stays text (a spreadsheet does not run HTML)"
    );
    assert_eq!(rows(&body).len(), 4);
    assert_eq!(
        csv(&t, "/api/v1/conventions/424242/signatures.csv", false)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn proposals_ledger_and_evaluations_export_what_the_json_shows() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t.proposal(s[2]).await;
    for (kind, amount, memo) in [
        ("received", 120_050, "居民捐款"),
        ("spent", 20_000, "-购买木材"),
    ] {
        let (st, _) = send(
            t.admin(
                Method::POST,
                &format!("/api/v1/admin/proposals/{id}/ledger"),
            )
            .json(&json!({"kind": kind, "amount_fen": amount, "memo": memo})),
        )
        .await;
        assert_eq!(st, 201);
    }
    let (_, _, body) = csv(&t, "/api/v1/proposals.csv", false).await;
    let r = rows(&body);
    assert_eq!(r[0][0], "proposal_id");
    let row = r.iter().find(|row| row[0] == id.to_string()).unwrap();
    assert_eq!(row[2], "广场加装座椅");
    assert_eq!(row[3], "孙*萌", "the proposer masked, as in the list");
    assert_eq!(row[4], "propose", "the step as the contract spells it");
    assert_eq!(row[13], "100050", "balance in fen: {row:?}");
    let scoped = csv(
        &t,
        &format!("/api/v1/proposals.csv?scope_id={}", s[4]),
        false,
    )
    .await
    .2;
    assert_eq!(rows(&scoped).len(), 1, "nothing in the building");
    assert_eq!(csv(&t, "/api/v1/proposals.csv?bogus=1", false).await.0, 400);

    let (_, _, ledger) = csv(&t, &format!("/api/v1/proposals/{id}/ledger.csv"), false).await;
    let json = t.get(&format!("/api/v1/proposals/{id}/ledger")).await;
    let l = rows(&ledger);
    assert_eq!(l.len(), 3);
    for (i, entry) in json["entries"].as_array().unwrap().iter().enumerate() {
        let line = l
            .iter()
            .find(|row| row[1].parse::<i64>().ok() == entry["id"].as_i64())
            .unwrap_or_else(|| panic!("entry {i}"));
        assert_eq!(line[4], entry["amount_fen"].to_string());
        assert_eq!(line[7], entry["balance_fen"].to_string());
    }
    assert!(l.iter().any(|row| row[6] == "'-购买木材"), "{ledger}");
    let received = l.iter().find(|row| row[3] == "received").unwrap();
    assert!(
        received[5].contains("1,200.50") || received[5].contains("1200.50"),
        "yuan: {received:?}"
    );

    let (st, _, ev) = csv(
        &t,
        &format!("/api/v1/proposals/{id}/evaluations.csv"),
        false,
    )
    .await;
    assert_eq!((st, rows(&ev).len()), (200, 1));
    assert_eq!(
        csv(&t, "/api/v1/proposals/99999/ledger.csv", false).await.0,
        404
    );
    assert_eq!(
        csv(&t, "/api/v1/proposals/99999/evaluations.csv", false)
            .await
            .0,
        404
    );
}
