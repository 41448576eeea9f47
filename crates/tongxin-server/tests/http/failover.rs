//! PostgreSQL going away under a running server, as in a failover: every
//! connection the server holds is cut (`pg_terminate_backend`) five times
//! while residents vote; writes caught in it answer 503 and are sent again
//! with the same idempotency key, as a widget does when tapped again. No
//! acknowledged ballot may be lost or counted twice. Then the database is
//! made read-only, as a promoted standby's old primary or a fenced one is:
//! `/healthz` says so (503), so a load balancer takes the instance out, and
//! a ballot is refused as busy, never half written; set writable again,
//! both recover without a restart.
//! (PostgreSQL only.)

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::common::store::{exec, postgres_admin};
use crate::common::{TestServer, device};
use reqwest::Method;
use serde_json::{Value, json};

const CLIENTS: usize = 8;
const EACH: usize = 40;

/// Cuts every connection the server holds to its database.
fn cut(db: &std::path::Path) {
    exec(
        db,
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'tongxin-server'",
    )
    .unwrap();
}

/// `/healthz`: its status and its body (`ok`, or the problem as JSON).
async fn health(t: &TestServer) -> (u16, String) {
    let r = t.req(Method::GET, "/healthz").send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_lose_nothing_and_a_read_only_database_is_reported() {
    if postgres_admin().is_none() {
        eprintln!("a failover needs PostgreSQL: run under cargo xtask test");
        return;
    }
    let t = Arc::new(TestServer::start().await);
    let s = t.scopes().await;
    let poll = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["东门", "西门", "南门"],
            json!({}),
        )
        .await;
    let path = format!("/api/v1/polls/{poll}/ballots");

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (t, path) = (t.clone(), path.clone());
        clients.push(tokio::spawn(async move {
            let mut acked = BTreeSet::new();
            for n in c * EACH..(c + 1) * EACH {
                loop {
                    let r = t
                        .req(Method::POST, &path)
                        .header("x-tongxin-device", device(n))
                        .header("idempotency-key", format!("failover-{n}"))
                        .json(&json!({"kind": "single", "option": n % 3 + 1}))
                        .send()
                        .await
                        .unwrap();
                    match r.status().as_u16() {
                        201 => break,
                        503 => {
                            assert!(r.headers().contains_key("retry-after"));
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => panic!("ballot {n}: {other} {}", r.text().await.unwrap()),
                    }
                }
                acked.insert(n);
            }
            acked
        }));
    }
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let db = t.db.clone();
        tokio::task::spawn_blocking(move || cut(&db)).await.unwrap();
    }
    let mut acked = BTreeSet::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert_eq!(acked.len(), CLIENTS * EACH);
    let rows = crate::common::store::one(
        &t.db,
        "SELECT COUNT(*) FROM ballots WHERE poll_id = ?1",
        &[poll.into()],
    )
    .int();
    assert_eq!(rows as usize, CLIENTS * EACH, "each ballot stored once");
    let (ballots, votes) = crate::common::store::stored_choice_tally(&t.db, poll);
    assert_eq!((ballots, votes.values().sum::<i64>()), (rows, rows));

    // Read-only, as after a failover: reported, and writes refused whole.
    assert_eq!(health(&t).await.0, 200);
    let name = crate::common::store::one(&t.db, "SELECT current_database()", &[]).text();
    exec(
        &t.db,
        &format!("ALTER DATABASE {name} SET default_transaction_read_only = on"),
    )
    .unwrap();
    cut(&t.db);
    let (status, body) = health(&t).await;
    assert_eq!(status, 503, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert!(
        body["problem"].as_str().unwrap().contains("read-only"),
        "{body}"
    );
    let late = || {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(9_999))
            .header("idempotency-key", "failover-late")
            .json(&json!({"kind": "single", "option": 1}))
    };
    let refused = late().send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 503);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/busy", "{problem}");

    // From the server's maintenance database: this one's sessions are
    // read-only now.
    let admin = std::path::PathBuf::from(postgres_admin().unwrap());
    exec(
        &admin,
        &format!("ALTER DATABASE {name} RESET default_transaction_read_only"),
    )
    .unwrap();
    cut(&t.db);
    assert_eq!(health(&t).await.0, 200);
    let mut status = 0;
    for _ in 0..20 {
        status = late().send().await.unwrap().status().as_u16();
        if status == 201 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 201, "writes again without a restart");
    let rows = crate::common::store::one(
        &t.db,
        "SELECT COUNT(*) FROM ballots WHERE poll_id = ?1",
        &[poll.into()],
    )
    .int();
    assert_eq!(rows as usize, CLIENTS * EACH + 1);
}
