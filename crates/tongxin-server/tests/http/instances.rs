//! Two server processes on one PostgreSQL database, as behind a load
//! balancer: counts stay exact when clients alternate between them and
//! retry through the other one, a poll closed through one refuses ballots
//! on both at once, and what one instance wrote the other shows as soon as
//! its `NOTIFY` arrives — at the latest after `--db-cache-ms`, the age of
//! its results cache (1 s by default).
//! (On SQLite one file belongs to one process: the test returns early.)

use std::collections::BTreeSet;

use crate::common::process::{Killed, free_port, start_server, wait_up};
use crate::common::{admin_post, device, scope_tree};
use reqwest::{Client, Method};
use serde_json::{Value, json};

async fn results(http: &Client, base: &str, poll: i64) -> Value {
    http.get(format!("{base}/api/v1/polls/{poll}/results"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Reads `poll`'s results through `base` until `done` says they show
/// what was written elsewhere; how long that took. Panics after 5 s: the
/// cache keeps results at most 1 s, so only a broken invalidation waits
/// that long (and machine speed cannot make the test fail).
async fn shows(
    http: &Client,
    base: &str,
    poll: i64,
    done: impl Fn(&Value) -> bool,
) -> std::time::Duration {
    let start = std::time::Instant::now();
    loop {
        let r = results(http, base, poll).await;
        if done(&r) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{base} still shows {r}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

fn counted(r: &Value) -> (i64, i64) {
    let sum = r["results"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_i64().unwrap())
        .sum();
    (r["ballots"].as_i64().unwrap(), sum)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_agree_at_once() {
    if crate::common::store::postgres_admin().is_none() {
        eprintln!("several instances need PostgreSQL: run under cargo xtask test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::store::fresh_database(dir.path());
    let ports = [free_port(), free_port()];
    let _a = Killed(start_server(&db, ports[0]));
    let _b = Killed(start_server(&db, ports[1]));
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let http = Client::new();
    for base in &bases {
        wait_up(&http, base).await;
    }
    let (a, b) = (bases[0].clone(), bases[1].clone());
    let s = scope_tree(&http, &a).await;
    let poll = |title: &str| json!({"scope_id": s[2], "title": title, "kind": {"type": "single"}, "options": ["a", "b", "c"]});
    let id = admin_post(&http, &a, "/api/v1/admin/polls", poll("两个实例")).await["id"]
        .as_i64()
        .unwrap();

    // 50 clients × 40 ballots, alternating instances; every tenth ballot is
    // sent again with the same key through the other instance.
    let mut clients = Vec::new();
    for c in 0..50usize {
        let http = http.clone();
        let bases = bases.clone();
        clients.push(tokio::spawn(async move {
            let mut accepted = BTreeSet::new();
            for n in c * 40..c * 40 + 40 {
                let send = |base: &str| {
                    http.post(format!("{base}/api/v1/polls/{id}/ballots"))
                        .header("x-tongxin-device", device(n))
                        .header("idempotency-key", format!("ballot-{n}"))
                        .json(&json!({"kind": "single", "option": n % 3 + 1}))
                        .send()
                };
                let first = send(&bases[n % 2]).await.unwrap();
                assert_eq!(first.status().as_u16(), 201, "ballot {n}");
                let receipt: Value = first.json().await.unwrap();
                accepted.insert(n);
                if n % 10 == 0 {
                    let again = send(&bases[(n + 1) % 2]).await.unwrap();
                    assert_eq!(again.status().as_u16(), 201, "retry {n}");
                    assert_eq!(again.headers()["idempotent-replayed"], "true");
                    assert_eq!(again.json::<Value>().await.unwrap(), receipt);
                }
            }
            accepted
        }));
    }
    let mut distinct = BTreeSet::new();
    for c in clients {
        distinct.extend(c.await.unwrap());
    }
    assert_eq!(distinct.len(), 2000);
    for base in [&a, &b] {
        assert_eq!(
            counted(&results(&http, base, id).await),
            (2000, 2000),
            "{base}"
        );
    }

    // Written through A, shown through B once A's NOTIFY arrives.
    let fresh = admin_post(&http, &a, "/api/v1/admin/polls", poll("刚写的")).await["id"]
        .as_i64()
        .unwrap();
    for n in 0..3usize {
        let r = http
            .post(format!("{a}/api/v1/polls/{fresh}/ballots"))
            .header("x-tongxin-device", device(10_000 + n))
            .json(&json!({"kind": "single", "option": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let want = (n as i64 + 1, n as i64 + 1);
        let took = shows(&http, &b, fresh, |r| counted(r) == want).await;
        eprintln!("ballot {n} through A shown through B after {took:?}");
        // Read back through A itself: at once (its own write).
        assert_eq!(counted(&results(&http, &a, fresh).await), want);
    }

    // Closed through A: B refuses the next ballot.
    let r = http
        .request(Method::PATCH, format!("{a}/api/v1/admin/polls/{fresh}"))
        .bearer_auth(crate::common::ADMIN)
        .json(&json!({"close_now": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let refused = http
        .post(format!("{b}/api/v1/polls/{fresh}/ballots"))
        .header("x-tongxin-device", device(20_000))
        .json(&json!({"kind": "single", "option": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 409);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/poll-closed", "{problem}");
    shows(&http, &b, fresh, |r| r["status"] == "closed").await;
}
