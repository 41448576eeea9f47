//! A city-wide round's closing rush, for `cargo xtask bench`: 50 polls and
//! a budget round, `V` distinct voters (100,000 in the bench), each casting
//! one ballot in one poll and one in ten also a budget ballot, through one
//! or more server instances. The first 90 % vote as fast as 100 clients
//! can send; the last 10 % arrive at an even pace within 60 s, as when a
//! round closes at midnight. A 503 (busy, or the server's own back-pressure)
//! is sent again with the same idempotency key, as a widget does when the
//! resident taps again (it keeps the key after a 5xx).
//! At the end every poll's tally and the budget round's ballot count are
//! checked against what was acknowledged and against a recount of the
//! ballot rows in the database.
//!
//! Usage: `closing_rush <base[,base…]> <voters> <postgres-url> <rush-secs>`
//! with `TONGXIN_ADMIN_TOKEN` set to the servers' staff token; prints
//! `key value` lines.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};
use tokio::sync::{Mutex, Semaphore};

const POLLS: usize = 50;
const OPTIONS: usize = 4;

struct Setup {
    bases: Vec<String>,
    polls: Vec<i64>,
    budget: i64,
    projects: Vec<i64>,
}

struct Tallies {
    /// Acknowledged ballots per poll (index into `Setup::polls`).
    polls: Vec<AtomicU64>,
    budget: AtomicU64,
    errors: AtomicU64,
    retries: AtomicU64,
    latencies: Mutex<Vec<f64>>,
}

async fn admin(http: &Client, base: &str, path: &str, body: Value) -> Value {
    let token = std::env::var("TONGXIN_ADMIN_TOKEN").expect("TONGXIN_ADMIN_TOKEN");
    let r = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("staff request");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.expect("json")
}

/// A public read, as a resident who did not vote.
async fn get(http: &Client, url: &str) -> Value {
    http.get(url)
        .header("x-tongxin-device", "closing-rush-reader-0001")
        .send()
        .await
        .expect("read")
        .json()
        .await
        .expect("json")
}

async fn setup(http: &Client, bases: Vec<String>) -> Setup {
    let base = &bases[0];
    let scope = admin(
        http,
        base,
        "/api/v1/admin/scopes",
        json!({"level": "district", "name": "全市"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut polls = Vec::new();
    for i in 0..POLLS {
        let kind = if i % 5 == 4 {
            json!({"type": "multiple", "max_choices": 2})
        } else {
            json!({"type": "single"})
        };
        let options: Vec<String> = (0..OPTIONS).map(|o| format!("选项{o}")).collect();
        let body = json!({"scope_id": scope, "title": format!("满意度调查 {i}"), "kind": kind, "options": options, "anonymous": i % 10 == 9});
        polls.push(
            admin(http, base, "/api/v1/admin/polls", body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let projects: Vec<Value> = (0..10)
        .map(|p| json!({"title": format!("项目{p}"), "cost_fen": 100_000 + 10_000 * p}))
        .collect();
    let round = admin(
        http,
        base,
        "/api/v1/admin/budgets",
        json!({"scope_id": scope, "title": "全市惠民资金", "fund_fen": 1_000_000, "projects": projects, "rule": {"type": "knapsack"}}),
    )
    .await;
    let budget = round["id"].as_i64().unwrap();
    let detail = get(http, &format!("{base}/api/v1/budgets/{budget}")).await;
    let projects = detail["round"]["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    Setup {
        bases,
        polls,
        budget,
        projects,
    }
}

/// Sends until acknowledged (503 and lost connections are sent again with
/// the same key); whether it was, and the time from the first try.
async fn send(
    http: &Client,
    url: String,
    device: &str,
    key: String,
    body: Value,
    t: &Tallies,
) -> bool {
    let start = Instant::now();
    for attempt in 0..50 {
        if attempt > 0 {
            t.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let r = http
            .post(&url)
            .header("x-tongxin-device", device)
            .header("idempotency-key", &key)
            .json(&body)
            .send()
            .await;
        match r {
            Ok(r) if r.status().as_u16() == 201 => {
                t.latencies
                    .lock()
                    .await
                    .push(start.elapsed().as_secs_f64() * 1000.0);
                return true;
            }
            Ok(r) if r.status().as_u16() == 503 => {}
            Ok(r) => {
                eprintln!(
                    "{url}: {} {}",
                    r.status(),
                    r.text().await.unwrap_or_default()
                );
                break;
            }
            Err(_) => {}
        }
    }
    t.errors.fetch_add(1, Ordering::Relaxed);
    false
}

/// Voter `v`: a ballot in one poll, one in ten also a budget ballot.
async fn vote(http: Client, s: Arc<Setup>, t: Arc<Tallies>, v: usize) {
    let base = &s.bases[v % s.bases.len()];
    let device = format!("closing-rush-{v:012}");
    let which = v % POLLS;
    let ballot = if which % 5 == 4 {
        let picks: BTreeSet<usize> = [1 + v % OPTIONS, 1 + (v / 7 + 1) % OPTIONS].into();
        json!({"kind": "multiple", "options": picks})
    } else {
        json!({"kind": "single", "option": 1 + (v * 7 / 3) % OPTIONS})
    };
    let url = format!("{base}/api/v1/polls/{}/ballots", s.polls[which]);
    if send(&http, url, &device, format!("p-{v}"), ballot, &t).await {
        t.polls[which].fetch_add(1, Ordering::Relaxed);
    }
    if v.is_multiple_of(10) {
        let picks: BTreeSet<i64> = [s.projects[v % 10], s.projects[(v / 10 + 3) % 10]].into();
        let chosen = json!({ "projects": picks });
        let url = format!("{base}/api/v1/budgets/{}/ballots", s.budget);
        if send(&http, url, &device, format!("b-{v}"), chosen, &t).await {
            t.budget.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn report(label: &str, t: &Tallies, ballots: u64, took: Duration) {
    let mut l = std::mem::take(&mut *t.latencies.lock().await);
    l.sort_by(f64::total_cmp);
    println!(
        "{label}_ballots_per_sec {:.1}",
        ballots as f64 / took.as_secs_f64()
    );
    println!("{label}_secs {:.1}", took.as_secs_f64());
    println!("{label}_p50_ms {:.2}", percentile(&l, 0.50));
    println!("{label}_p99_ms {:.2}", percentile(&l, 0.99));
}

fn acknowledged(t: &Tallies) -> u64 {
    t.polls
        .iter()
        .map(|a| a.load(Ordering::Relaxed))
        .sum::<u64>()
        + t.budget.load(Ordering::Relaxed)
}

/// Rows in the database per poll and for the budget round.
fn recount(url: &str, s: &Setup) -> (Vec<i64>, i64) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("recount connection");
    let per_poll = s
        .polls
        .iter()
        .map(|p| {
            c.query_one(
                "SELECT (SELECT COUNT(*) FROM ballots WHERE poll_id = $1) + (SELECT COUNT(*) FROM participations WHERE poll_id = $1)",
                &[p],
            )
            .unwrap()
            .get::<_, i64>(0)
        })
        .collect();
    let budget = c
        .query_one(
            "SELECT (SELECT COUNT(*) FROM budget_ballots WHERE budget_id = $1) + (SELECT COUNT(*) FROM budget_participations WHERE budget_id = $1)",
            &[&s.budget],
        )
        .unwrap()
        .get::<_, i64>(0);
    (per_poll, budget)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, bases, voters, pg, rush_secs] = &args[..] else {
        panic!("usage: closing_rush <base[,base…]> <voters> <postgres-url> <rush-secs>");
    };
    let voters: usize = voters.parse().expect("voters");
    let rush_secs: f64 = rush_secs.parse().expect("rush-secs");
    let http = Client::builder()
        .pool_max_idle_per_host(200)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let s = Arc::new(setup(&http, bases.split(',').map(String::from).collect()).await);
    let t = Arc::new(Tallies {
        polls: (0..POLLS).map(|_| AtomicU64::new(0)).collect(),
        budget: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        retries: AtomicU64::new(0),
        latencies: Mutex::new(Vec::new()),
    });
    let rush_from = voters - voters / 10;

    // Before the rush: as fast as 100 clients can send.
    let start = Instant::now();
    let clients = Arc::new(Semaphore::new(100));
    let mut tasks = Vec::with_capacity(rush_from);
    for v in 0..rush_from {
        let permit = clients.clone().acquire_owned().await.unwrap();
        let (http, s, t) = (http.clone(), s.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            vote(http, s, t, v).await;
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let before = acknowledged(&t);
    report("before", &t, before, start.elapsed()).await;

    // The rush: the last 10 % at an even pace over `rush_secs`.
    let start = Instant::now();
    let rush = voters - rush_from;
    let gap = Duration::from_secs_f64(rush_secs / rush.max(1) as f64);
    let mut tasks = Vec::with_capacity(rush);
    for (k, v) in (rush_from..voters).enumerate() {
        let due = start + gap * k as u32;
        tokio::time::sleep_until(due.into()).await;
        let (http, s, t) = (http.clone(), s.clone(), t.clone());
        tasks.push(tokio::spawn(vote(http, s, t, v)));
    }
    for task in tasks {
        task.await.unwrap();
    }
    report("rush", &t, acknowledged(&t) - before, start.elapsed()).await;

    // Every tally against what was acknowledged and a recount of the rows.
    let mut exact = true;
    let (rows, budget_rows) = {
        let (pg, s) = (pg.clone(), s.clone());
        tokio::task::spawn_blocking(move || recount(&pg, &s))
            .await
            .unwrap()
    };
    let token = std::env::var("TONGXIN_ADMIN_TOKEN").expect("TONGXIN_ADMIN_TOKEN");
    for (i, poll) in s.polls.iter().enumerate() {
        // Closed, an anonymous poll shows its exact figures too.
        let closed = http
            .patch(format!("{}/api/v1/admin/polls/{poll}", s.bases[0]))
            .bearer_auth(&token)
            .json(&json!({"close_now": true}))
            .send()
            .await
            .unwrap();
        assert!(closed.status().is_success(), "closing poll {poll}");
        let r = get(
            &http,
            &format!("{}/api/v1/polls/{poll}/results", s.bases[0]),
        )
        .await;
        let acked = t.polls[i].load(Ordering::Relaxed) as i64;
        let shown = r["ballots"].as_i64();
        if rows[i] != acked {
            eprintln!("poll {poll}: {acked} acknowledged, {} rows", rows[i]);
            exact = false;
        }
        if shown != Some(acked) {
            eprintln!("poll {poll}: {acked} acknowledged, results say {shown:?}");
            exact = false;
        }
    }
    let budget_acked = t.budget.load(Ordering::Relaxed) as i64;
    if budget_rows != budget_acked {
        eprintln!("budget: {budget_acked} acknowledged, {budget_rows} rows");
        exact = false;
    }
    println!("voters {voters}");
    println!("ballots_total {}", acknowledged(&t));
    println!("errors {}", t.errors.load(Ordering::Relaxed));
    println!("retries {}", t.retries.load(Ordering::Relaxed));
    println!("tallies_exact {}", u8::from(exact));
}
