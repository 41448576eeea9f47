//! The failover recipe of `docs/deploy.md`, tried for real (part of
//! `cargo xtask test`): a primary with full durability and a synchronous
//! streaming replica; the server given both addresses with
//! `target_session_attrs=read-write`; four residents voting (each ballot
//! resent with its idempotency key after a 503 or a lost connection, as
//! a widget does when tapped again); the primary killed (`pg_ctl stop -m
//! immediate`, as a lost machine) and the replica promoted while they vote.
//! Every acknowledged ballot must be on the promoted replica exactly once,
//! the results must count them, and `/healthz` must be back to `ok` — with
//! no restart of the server. (Both servers take TLS on TCP: an address
//! lists several hosts as `host:port,host:port`; Unix sockets cannot be
//! listed in the URL form.)

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::postgres::{Durability, Throwaway};
use crate::tools;

/// The staff token of the servers these scenarios start.
const ADMIN: &str = "scenario-admin-token-0123456789abcdef0123456789abcdef";
const CLIENTS: usize = 4;
const EACH: usize = 60;

/// Kills the server however the run ends.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `curl` with a body; the status and the body of the answer.
pub(crate) fn post(url: &str, headers: &[String], body: &str) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-s",
        "-m",
        "10",
        "-w",
        "\n%{http_code}",
        "-H",
        "content-type: application/json",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.args(["-d", body, url]).output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

/// Starts the debug server with `args` (its database) on a free port and
/// waits until it answers; the process and its base URL.
pub(crate) fn start_server(server: &Path, args: &[&str]) -> Result<(Server, String), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(server)
        .args(args)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("TONGXIN_ADMIN_TOKEN", ADMIN)
        .env(
            "TONGXIN_PEPPER",
            "scenario-pepper-0123456789abcdef0123456789abcdef",
        )
        .env("TONGXIN_IP_WRITES_PER_MIN", "0")
        .env("TONGXIN_DEVICE_WRITES_PER_MIN", "0")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("server: {e}"))?;
    let server = Server(child);
    tools::wait_until_up(&base);
    Ok((server, base))
}

/// A district and a single-choice poll in it, through `base`; the poll.
pub(crate) fn new_poll(base: &str) -> Result<i64, String> {
    let auth = [format!("Authorization: Bearer {ADMIN}")];
    let (_, scope) = post(
        &format!("{base}/api/v1/admin/scopes"),
        &auth,
        r#"{"level":"district","name":"五华区"}"#,
    );
    let scope = id_of(&scope)?;
    let (_, poll) = post(
        &format!("{base}/api/v1/admin/polls"),
        &auth,
        &format!(
            r#"{{"scope_id":{scope},"title":"广场开放时间","kind":{{"type":"single"}},"options":["早","中","晚"]}}"#
        ),
    );
    id_of(&poll)
}

/// Resident `n`'s headers (a device, an idempotency key, both tagged) and
/// ballot.
pub(crate) fn ballot(n: usize, tag: &str) -> ([String; 2], String) {
    (
        [
            format!("x-tongxin-device: {tag}-device-{n:08}"),
            format!("idempotency-key: {tag}-{n}"),
        ],
        format!(r#"{{"kind":"single","option":{}}}"#, n % 3 + 1),
    )
}

/// The staff header of the servers these scenarios start.
pub(crate) fn staff() -> String {
    format!("Authorization: Bearer {ADMIN}")
}

/// The ballot rows of `poll` in database `tongxin` of `pg`.
pub(crate) fn ballot_rows(pg: &Throwaway, poll: i64) -> Result<u64, String> {
    pg.psql(
        "tongxin",
        &format!("SELECT COUNT(*) FROM ballots WHERE poll_id = {poll}"),
    )?
    .parse()
    .map_err(|e| format!("count: {e}"))
}

/// `poll`'s public results through `base` (null when unreadable).
pub(crate) fn results(base: &str, poll: i64) -> serde_json::Value {
    let out = Command::new("curl")
        .args(["-s", &format!("{base}/api/v1/polls/{poll}/results")])
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    serde_json::from_slice(&out).unwrap_or_default()
}

/// The `id` of a created item's JSON.
pub(crate) fn id_of(body: &str) -> Result<i64, String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["id"].as_i64())
        .ok_or_else(|| format!("no id in {body}"))
}

/// Runs the scenario with the debug server binary `server`.
pub(crate) fn run(server: &Path) -> Result<(), String> {
    tools::step("failover: a primary and a synchronous replica; the primary lost mid-vote");
    let primary = Throwaway::start(Durability::Full)?;
    primary.psql("postgres", "CREATE DATABASE tongxin")?;
    let replica = primary.replica("tongxin_replica")?;
    primary.psql(
        "postgres",
        "ALTER SYSTEM SET synchronous_standby_names = 'tongxin_replica'",
    )?;
    primary.psql("postgres", "SELECT pg_reload_conf()")?;
    let start = Instant::now();
    while primary.psql(
        "postgres",
        "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'tongxin_replica'",
    )? != "sync"
    {
        if start.elapsed() > Duration::from_secs(30) {
            return Err("the replica never became synchronous".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let db = format!(
        "postgresql://postgres@localhost:{},localhost:{}/tongxin?sslmode=require&sslrootcert={}&target_session_attrs=read-write",
        primary.port(),
        replica.port(),
        primary.ca_file().display()
    );
    let (_server, base) = start_server(server, &["--db", &db])?;
    let poll = new_poll(&base)?;

    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let busy = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let voters: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (acked, busy, failed, base) =
                (acked.clone(), busy.clone(), failed.clone(), base.clone());
            std::thread::spawn(move || {
                for n in c * EACH..(c + 1) * EACH {
                    let (headers, body) = ballot(n, "failover");
                    let start = Instant::now();
                    loop {
                        let (status, answer) = post(
                            &format!("{base}/api/v1/polls/{poll}/ballots"),
                            &headers,
                            &body,
                        );
                        match status {
                            201 => break,
                            503 | 0 => {
                                busy.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(100));
                            }
                            _ => {
                                eprintln!("failover: ballot {n}: {status} {answer}");
                                failed.store(true, Ordering::SeqCst);
                                return;
                            }
                        }
                        if start.elapsed() > Duration::from_secs(60) {
                            eprintln!("failover: ballot {n} never acknowledged");
                            failed.store(true, Ordering::SeqCst);
                            return;
                        }
                    }
                    acked.lock().expect("acked").insert(n);
                }
            })
        })
        .collect();
    // Lose the primary a third of the way in; promote the replica.
    while acked.lock().expect("acked").len() < CLIENTS * EACH / 3 {
        if failed.load(Ordering::SeqCst) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let lost = Instant::now();
    primary.kill()?;
    replica.promote()?;
    for v in voters {
        v.join().map_err(|_| "a voter thread panicked")?;
    }
    if failed.load(Ordering::SeqCst) {
        return Err("failover: a ballot was refused (see above)".into());
    }
    let acked = acked.lock().expect("acked").len();
    let rows = ballot_rows(&replica, poll)? as usize;
    let results = results(&base, poll);
    let healthy = Command::new("curl")
        .args(["-sf", &format!("{base}/healthz")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    println!(
        "failover: {acked} ballots acknowledged, {rows} on the promoted replica, results count {}; {} answers were 503 or no answer while it switched ({:.1} s from the loss to the last ballot); /healthz {}",
        results["ballots"],
        busy.load(Ordering::Relaxed),
        lost.elapsed().as_secs_f64(),
        if healthy { "ok" } else { "NOT ok" }
    );
    if acked != CLIENTS * EACH || rows != acked || results["ballots"].as_u64() != Some(acked as u64)
    {
        return Err("failover: acknowledged ballots and stored ones differ".into());
    }
    if !healthy {
        return Err("failover: /healthz is not ok after the switch".into());
    }
    Ok(())
}
