//! Crash test: residents keep writing (ballots in an ordinary and an
//! anonymous poll, signatures, supports) while the server process is killed
//! with SIGKILL 20 times at random moments and restarted on the same file.
//! Every acknowledged write must be there afterwards; nothing may be half
//! written (a ballot without its tally, a support without its count); the
//! stored tallies and counts must equal recounts of the rows.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::process::{start_server, wait_up};
use crate::common::{admin_post, device, device_key, scope_tree};
use reqwest::Client;
use serde_json::{Value, json};

const KILLS: usize = 20;
const CLIENTS: usize = 6;

async fn admin(http: &Client, base: &str, path: &str, body: Value) -> i64 {
    admin_post(http, base, path, body).await["id"]
        .as_i64()
        .unwrap()
}

/// A tiny xorshift: the kill moments differ per run, the test does not
/// depend on any of them.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

struct Ids {
    poll: i64,
    secret_poll: i64,
    convention: i64,
    proposal: i64,
    building: i64,
}

/// The n-th write of a client: its path and body, one device per write.
fn write(ids: &Ids, n: usize) -> (&'static str, String, Value) {
    match n % 4 {
        0 => (
            "ballot",
            format!("/api/v1/polls/{}/ballots", ids.poll),
            json!({"kind": "single", "option": n % 3 + 1}),
        ),
        1 => (
            "secret",
            format!("/api/v1/polls/{}/ballots", ids.secret_poll),
            json!({"kind": "single", "option": n % 3 + 1}),
        ),
        2 => (
            "signature",
            format!("/api/v1/conventions/{}/signatures", ids.convention),
            json!({"display_name": format!("居民{n}"), "unit_id": ids.building, "role": "resident", "version": 1, "agreed": true}),
        ),
        _ => (
            "support",
            format!("/api/v1/proposals/{}/supports", ids.proposal),
            json!({}),
        ),
    }
}

fn count(db: &Path, sql: &str, id: i64) -> i64 {
    crate::common::store::one(db, sql, &[id.into()]).int()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_twenty_kill_9s() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::store::fresh_database(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut server = start_server(&db, port);
    wait_up(&http, &base).await;

    let s = scope_tree(&http, &base).await;
    let (community, building) = (s[2], s[4]);
    let poll = |anonymous: bool| json!({"scope_id": community, "title": "广场开放时间", "kind": {"type": "single"}, "options": ["早", "中", "晚"], "anonymous": anonymous});
    let ids = Arc::new(Ids {
        poll: admin(&http, &base, "/api/v1/admin/polls", poll(false)).await,
        secret_poll: admin(&http, &base, "/api/v1/admin/polls", poll(true)).await,
        convention: admin(&http, &base, "/api/v1/admin/conventions", json!({"scope_id": community, "title": "碧鸡广场活动文明公约", "preamble": "为营造文明广场", "articles": ["音量不超过60分贝"], "goal": 500})).await,
        proposal: {
            let r = http
                .post(format!("{base}/api/v1/proposals"))
                .header("x-tongxin-device", device(999_999))
                .json(&json!({"scope_id": community, "title": "广场加装座椅", "problem": "老人没有地方坐", "plan": "加装十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        },
        building,
    });

    let acked: Arc<Mutex<BTreeSet<(String, usize)>>> = Default::default();
    let running = Arc::new(AtomicBool::new(true));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (http, base, ids, acked, running) = (
            http.clone(),
            base.clone(),
            ids.clone(),
            acked.clone(),
            running.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut n = c;
            while running.load(Ordering::SeqCst) {
                let (kind, path, body) = write(&ids, n);
                // Retried with the same key until acknowledged, as the
                // widgets' outbox does across a server restart.
                loop {
                    let sent = http
                        .post(format!("{base}{path}"))
                        .header("x-tongxin-device", device(n))
                        .header("idempotency-key", format!("crash-{n}"))
                        .json(&body)
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status().is_success() => {
                            acked.lock().unwrap().insert((kind.to_string(), n));
                            break;
                        }
                        Ok(r) if r.status() == 503 => {}
                        Ok(r) => panic!(
                            "{kind} {n}: {} {}",
                            r.status(),
                            r.text().await.unwrap_or_default()
                        ),
                        Err(_) => {}
                    }
                    if !running.load(Ordering::SeqCst) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
                n += CLIENTS;
            }
        }));
    }

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(80 + next(&mut seed) % 320)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        server = start_server(&db, port);
        wait_up(&http, &base).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.store(false, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let acked = acked.lock().unwrap().clone();
    eprintln!("{} writes acknowledged across {KILLS} kills", acked.len());
    assert!(
        acked.len() > 100,
        "only {} writes acknowledged",
        acked.len()
    );
    // Every acknowledged write is there.
    for (kind, n) in &acked {
        let voter_has = |sql: &str, id: i64| -> bool {
            let key = device_key(&device(*n));
            !crate::common::store::rows(&db, sql, &[id.into(), key.as_str().into()]).is_empty()
        };
        let present = match kind.as_str() {
            "ballot" => voter_has(
                "SELECT 1 FROM ballots WHERE poll_id = ?1 AND voter = ?2",
                ids.poll,
            ),
            "secret" => voter_has(
                "SELECT 1 FROM participations WHERE poll_id = ?1 AND voter = ?2",
                ids.secret_poll,
            ),
            "signature" => voter_has(
                "SELECT 1 FROM signatures WHERE convention_id = ?1 AND voter = ?2 AND withdrawn_at IS NULL",
                ids.convention,
            ),
            _ => voter_has(
                "SELECT 1 FROM supports WHERE proposal_id = ?1 AND voter = ?2",
                ids.proposal,
            ),
        };
        assert!(present, "acknowledged {kind} {n} is missing");
    }
    // Nothing half written: stored figures equal recounts.
    for (poll, table) in [(ids.poll, "ballots"), (ids.secret_poll, "participations")] {
        let (ballots, votes) = crate::common::store::stored_choice_tally(&db, poll);
        let rows = count(
            &db,
            &format!("SELECT COUNT(*) FROM {table} WHERE poll_id = ?1"),
            poll,
        );
        assert_eq!(ballots, rows, "{table}: tally vs rows");
        assert_eq!(
            votes.values().sum::<i64>(),
            rows,
            "{table}: options vs rows"
        );
    }
    let mut recount = [0i64; 4];
    for b in crate::common::store::rows(
        &db,
        "SELECT ballot FROM ballots WHERE poll_id = ?1",
        &[ids.poll.into()],
    ) {
        let b: Value = serde_json::from_str(&b[0].text()).unwrap();
        recount[b["option"].as_u64().unwrap() as usize] += 1;
    }
    let (_, votes) = crate::common::store::stored_choice_tally(&db, ids.poll);
    for (option, counted) in recount.iter().enumerate().skip(1) {
        assert_eq!(
            votes.get(&option.to_string()).copied(),
            Some(*counted),
            "option {option}: tally vs recount"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT supports FROM proposals WHERE id = ?1",
            ids.proposal
        ),
        count(
            &db,
            "SELECT COUNT(*) FROM supports WHERE proposal_id = ?1",
            ids.proposal
        ),
        "support count vs rows"
    );
    assert_eq!(
        count(
            &db,
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM signature_counts WHERE convention_id = ?1",
            ids.convention
        ),
        count(
            &db,
            "SELECT COUNT(*) FROM signatures WHERE convention_id = ?1 AND withdrawn_at IS NULL",
            ids.convention
        ),
        "signature counts vs rows"
    );
}
