//! Live figures over Server-Sent Events, on both stores: a ballot reaches
//! a follower without a reload, a reconnection misses nothing, an
//! anonymous poll's stream moves only by publication batches, conventions,
//! proposals and the board stream too, the caps answer 503, and shutting
//! down ends every stream. Two instances on one PostgreSQL database pass
//! a ballot on one to a follower of the other.

use std::time::Duration;

use crate::common::process::{Killed, free_port, start_server, wait_up};
use crate::common::sse::Sse;
use crate::common::*;
use reqwest::{Client, Method};
use serde_json::json;

/// Long enough for any machine; the publisher answers in tens of ms
/// (`cargo xtask bench` measures it).
const WAIT: Duration = Duration::from_secs(5);

async fn vote(t: &TestServer, poll: i64, n: usize, option: u32) {
    let (st, v) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(n))
            .json(&json!({"kind": "single", "option": option})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
}

#[tokio::test]
async fn a_ballot_reaches_a_follower_and_a_reconnection_misses_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let url = format!("{}/api/v1/polls/{poll}/events", t.url);
    let mut sse = Sse::open(&t.http, &url, None).await;
    let first = sse
        .next_within(WAIT)
        .await
        .expect("the state now comes first");
    assert_eq!(first.event, "results");
    assert_eq!(first.data["ballots"], 0);
    assert_eq!(first.data["poll_id"], poll);

    vote(&t, poll, 1, 2).await;
    let ev = sse.until(WAIT, |e| e.data["ballots"] == 1).await;
    let last = ev.last().unwrap().clone();
    assert_eq!(last.data["results"]["options"][1]["count"], 1);
    assert_eq!(
        last.data,
        t.get(&format!("/api/v1/polls/{poll}/results")).await,
        "an event is what GET answers to anyone"
    );
    assert!(
        !last.data.to_string().contains("test-device"),
        "no voter in an event"
    );
    drop(sse);

    // Two ballots while the follower was away: the first event after it
    // reconnects has both.
    vote(&t, poll, 2, 1).await;
    vote(&t, poll, 3, 1).await;
    let mut back = Sse::open(&t.http, &url, Some(&last.id)).await;
    let ev = back.until(WAIT, |e| e.data["ballots"] == 3).await;
    assert_eq!(ev.len(), 1, "the state now, at once: {ev:?}");
    let now_id = ev[0].id.clone();
    assert_ne!(now_id, last.id);

    // A follower that already has the state now is not sent it again: its
    // next event is the next ballot.
    let mut same = Sse::open(&t.http, &url, Some(&now_id)).await;
    vote(&t, poll, 4, 2).await;
    let next = same.next_within(WAIT).await.unwrap();
    assert_eq!(next.data["ballots"], 4);
    // The same through the query (a new EventSource cannot set the header).
    let mut q = Sse::open(&t.http, &format!("{url}?last_event_id={}", next.id), None).await;
    vote(&t, poll, 5, 2).await;
    assert_eq!(q.next_within(WAIT).await.unwrap().data["ballots"], 5);
}

#[tokio::test]
async fn hidden_results_stream_participation_only() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let mut sse = Sse::open(
        &t.http,
        &format!("{}/api/v1/polls/{poll}/events", t.url),
        None,
    )
    .await;
    vote(&t, poll, 1, 1).await;
    let ev = sse.until(WAIT, |e| e.data["ballots"] == 1).await;
    let last = &ev.last().unwrap().data;
    assert_eq!(last["visible"], false);
    assert!(last["results"].is_null(), "{last}");
}

#[tokio::test]
async fn an_anonymous_polls_stream_moves_only_by_whole_batches() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"anonymous": true}),
        )
        .await;
    let batch = t.config.secret_batch as u64;
    let mut sse = Sse::open(
        &t.http,
        &format!("{}/api/v1/polls/{poll}/events", t.url),
        None,
    )
    .await;
    let total = batch * 2 + batch / 2;
    for n in 0..total as usize {
        vote(&t, poll, n, 1 + (n % 2) as u32).await;
        // Give the publisher a chance to see every single ballot.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    let seen = sse.until(WAIT, |e| e.data["ballots"] == batch * 2).await;
    for e in &seen {
        let n = e.data["ballots"].as_u64().unwrap();
        assert_eq!(n % batch, 0, "moved by less than a batch: {seen:?}");
        let shown: u64 = e.data["results"]["options"]
            .as_array()
            .map(|o| o.iter().map(|x| x["count"].as_u64().unwrap()).sum())
            .unwrap_or(0);
        assert_eq!(shown % batch, 0);
    }
    // Nothing more until the next batch is complete.
    assert!(sse.next_within(Duration::from_millis(400)).await.is_none());
}

#[tokio::test]
async fn conventions_proposals_and_the_board_stream_too() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let conv = t
        .admin_post(
            "/api/v1/admin/conventions",
            json!({"scope_id": s[2], "title": "碧鸡广场活动文明公约", "preamble": "为营造文明广场", "articles": ["音量不超过60分贝"], "goal": 2}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut count = Sse::open(
        &t.http,
        &format!("{}/api/v1/conventions/{conv}/events", t.url),
        None,
    )
    .await;
    assert_eq!(count.next_within(WAIT).await.unwrap().data["count"], 0);
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/conventions/{conv}/signatures"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"display_name": "<img src=x onerror=alert(1)>", "unit_id": s[4], "version": 1, "agreed": true})),
    )
    .await;
    assert_eq!(st, 201);
    let ev = count.until(WAIT, |e| e.data["count"] == 1).await;
    assert_eq!(ev.last().unwrap().event, "count");

    let prop = t.proposal(s[2]).await;
    let mut one = Sse::open(
        &t.http,
        &format!("{}/api/v1/proposals/{prop}/events", t.url),
        None,
    )
    .await;
    let mut board = Sse::open(&t.http, &format!("{}/api/v1/proposals/events", t.url), None).await;
    assert_eq!(
        one.next_within(WAIT).await.unwrap().data["proposal"]["supports"],
        0
    );
    let (st, _) = send(
        t.req(Method::POST, &format!("/api/v1/proposals/{prop}/supports"))
            .header("x-tongxin-device", device(2)),
    )
    .await;
    assert_eq!(st, 201);
    let ev = one
        .until(WAIT, |e| e.data["proposal"]["supports"] == 1)
        .await;
    assert!(ev.last().unwrap().data["supported_by_me"].is_null());
    let on_board = board
        .until(WAIT, |e| {
            e.data["proposal"]["id"] == prop && e.data["proposal"]["supports"] == 1
        })
        .await;
    let seen_id = on_board.last().unwrap().id.clone();
    drop(board);
    // The board replays what a reconnecting client missed.
    for n in 3..5 {
        send(
            t.req(Method::POST, &format!("/api/v1/proposals/{prop}/supports"))
                .header("x-tongxin-device", device(n)),
        )
        .await;
    }
    one.until(WAIT, |e| e.data["proposal"]["supports"] == 3)
        .await;
    let mut again = Sse::open(
        &t.http,
        &format!("{}/api/v1/proposals/events", t.url),
        Some(&seen_id),
    )
    .await;
    again
        .until(WAIT, |e| e.data["proposal"]["supports"] == 3)
        .await;
}

#[tokio::test]
async fn one_stream_follows_every_item_of_a_page() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let other = t
        .poll(s[2], json!({"type": "single"}), &["x", "y"], json!({}))
        .await;
    let prop = t.proposal(s[2]).await;
    let url = format!(
        "{}/api/v1/events?topics=poll:{poll},poll:{other},proposal:{prop},board",
        t.url
    );
    let mut page = Sse::open(&t.http, &url, None).await;
    let first = page
        .until(WAIT, |e| e.event == format!("proposal:{prop}"))
        .await;
    let names: Vec<&str> = first.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("poll:{poll}"),
            format!("poll:{other}"),
            format!("proposal:{prop}")
        ]
    );
    vote(&t, other, 1, 1).await;
    let ev = page.next_within(WAIT).await.unwrap();
    assert_eq!(ev.event, format!("poll:{other}"));
    assert_eq!(ev.data["ballots"], 1);
    send(
        t.req(Method::POST, &format!("/api/v1/proposals/{prop}/supports"))
            .header("x-tongxin-device", device(9)),
    )
    .await;
    let got = page.until(WAIT, |e| e.event == "board").await;
    assert!(
        got.iter().any(|e| e.event == format!("proposal:{prop}")),
        "{got:?}"
    );
    assert_eq!(got.last().unwrap().data["proposal"]["supports"], 1);

    // Reconnecting with the last id: only what changed since.
    let last = got.last().unwrap().id.clone();
    vote(&t, poll, 2, 2).await;
    let mut again = Sse::open(&t.http, &url, Some(&last)).await;
    let ev = again.next_within(WAIT).await.unwrap();
    assert_eq!(
        (ev.event.as_str(), ev.data["ballots"].as_i64()),
        (format!("poll:{poll}").as_str(), Some(1))
    );

    for (q, why) in [
        ("topics=", "between 1 and 50"),
        ("topics=vote:1", "is not poll:ID"),
        ("topics=poll:<script>", "is not poll:ID"),
        ("topics=poll:1&x=1", "unknown field"),
    ] {
        let p = expect_problem(
            t.req(Method::GET, &format!("/api/v1/events?{q}")),
            400,
            "invalid-query",
        )
        .await;
        assert!(p["detail"].as_str().unwrap().contains(why), "{q}: {p}");
    }
    let many: Vec<String> = (1..=51).map(|i| format!("poll:{i}")).collect();
    expect_problem(
        t.req(
            Method::GET,
            &format!("/api/v1/events?topics={}", many.join(",")),
        ),
        400,
        "invalid-query",
    )
    .await;
    expect_problem(
        t.req(
            Method::GET,
            &format!("/api/v1/events?topics=poll:{poll},poll:999"),
        ),
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn unknown_items_and_bad_requests_are_refused() {
    let t = TestServer::start().await;
    expect_problem(
        t.req(Method::GET, "/api/v1/polls/999/events"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/conventions/999/events"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/proposals/999/events"),
        404,
        "not-found",
    )
    .await;
    expect_problem(
        t.req(Method::GET, "/api/v1/polls/abc/events"),
        404,
        "not-found",
    )
    .await;
    let (st, _) = send(t.req(Method::GET, "/api/v1/proposals/events?x=<script>")).await;
    assert_eq!(st, 400);
    let (st, _) = send(t.req(Method::POST, "/api/v1/proposals/events")).await;
    assert!(st == 405 || st == 401 || st == 404 || st == 422, "{st}");
    // A hostile or oversized Last-Event-ID is just not recognised.
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let url = format!("{}/api/v1/polls/{poll}/events", t.url);
    let mut sse = Sse::open(&t.http, &url, Some(&"<script>".repeat(500))).await;
    assert_eq!(sse.next_within(WAIT).await.unwrap().data["ballots"], 0);
}

#[tokio::test]
async fn stream_caps_answer_503_and_give_slots_back() {
    let t = TestServer::start_with(|c| {
        c.max_streams = 3;
        c.max_streams_per_client = 2;
    })
    .await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let url = format!("{}/api/v1/polls/{poll}/events", t.url);
    let a = Sse::open(&t.http, &url, None).await;
    let _b = Sse::open(&t.http, &url, None).await;
    let r = t.http.get(&url).send().await.unwrap();
    assert_eq!(r.headers()["retry-after"], "30");
    let p = expect_problem_of(r, 503, "too-many-streams").await;
    assert!(p["detail"].as_str().unwrap().contains("address"));
    drop(a);
    // The slot comes back once the server notices the client left.
    let mut again = None;
    for _ in 0..200 {
        let r = t.http.get(&url).send().await.unwrap();
        if r.status() == 200 {
            again = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(again.is_some(), "a closed stream gives its slot back");

    let u = TestServer::start_with(|c| {
        c.max_streams = 1;
    })
    .await;
    let s = u.scopes().await;
    let poll = u
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let url = format!("{}/api/v1/polls/{poll}/events", u.url);
    let _one = Sse::open(&u.http, &url, None).await;
    let p = expect_problem(u.http.get(&url), 503, "too-many-streams").await;
    assert!(p["detail"].as_str().unwrap().contains("server"));
    // Ordinary requests are not held up by open streams.
    u.get(&format!("/api/v1/polls/{poll}/results")).await;
}

#[tokio::test]
async fn shutting_down_ends_every_stream() {
    // A grace far longer than the test's wait: if a stream held the
    // drain open, stopping would not finish in time.
    let mut t = TestServer::start_with(|c| c.shutdown_grace_secs = 3_600).await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    let mut sse = Sse::open(
        &t.http,
        &format!("{}/api/v1/polls/{poll}/events", t.url),
        None,
    )
    .await;
    sse.next_within(WAIT).await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), t.stop())
        .await
        .expect("the server stops with streams open");
    assert!(sse.next_within(WAIT).await.is_none(), "the stream ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballot_on_one_instance_reaches_a_follower_of_the_other() {
    if crate::common::store::postgres_admin().is_none() {
        eprintln!("several instances need PostgreSQL: run under cargo xtask test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::store::fresh_database(dir.path());
    let ports = [free_port(), free_port()];
    let _a = Killed(start_server(&db, ports[0]));
    let _b = Killed(start_server(&db, ports[1]));
    let [a, b] = ports.map(|p| format!("http://127.0.0.1:{p}"));
    let http = Client::new();
    wait_up(&http, &a).await;
    wait_up(&http, &b).await;
    let s = scope_tree(&http, &a).await;
    let poll = admin_post(
        &http,
        &a,
        "/api/v1/admin/polls",
        json!({"scope_id": s[2], "title": "两个实例", "kind": {"type": "single"}, "options": ["a", "b"]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut on_b = Sse::open(&http, &format!("{b}/api/v1/polls/{poll}/events"), None).await;
    assert_eq!(on_b.next_within(WAIT).await.unwrap().data["ballots"], 0);
    let mut worst = Duration::ZERO;
    for n in 1..=5u64 {
        let sent = std::time::Instant::now();
        let r = http
            .post(format!("{a}/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(n as usize))
            .json(&json!({"kind": "single", "option": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        // Instance B recomputes every 10 s anyway; NOTIFY must beat that
        // by far (under a second on an idle machine: see the benchmark).
        on_b.until(WAIT, |e| e.data["ballots"] == n).await;
        worst = worst.max(sent.elapsed());
    }
    eprintln!("ballot on A → event on B: worst of 5 {worst:?}");
}
