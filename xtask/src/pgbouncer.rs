//! Two server instances through PgBouncer in transaction pooling (part of
//! `cargo xtask test`, after the failover): `--db` is PgBouncer with
//! `--db-pgbouncer`, `--db-listen` is PostgreSQL itself. Four residents
//! vote through both instances, every tenth ballot sent again through the
//! other one with the same key; every answer must be right (201, the
//! replay identical), the results on both instances and a recount of the
//! rows must equal the distinct ballots, and a poll closed through one
//! must refuse a ballot through the other.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::failover::{ballot, ballot_rows, new_poll, post, results, staff, start_server};
use crate::postgres::{Durability, Throwaway};
use crate::tools;

const CLIENTS: usize = 4;
const EACH: usize = 50;

/// Runs the scenario with the debug server binary `server`.
pub(crate) fn run(server: &Path) -> Result<(), String> {
    tools::step("PgBouncer: two instances through transaction pooling");
    let pg = Throwaway::start(Durability::Tests)?;
    pg.psql("postgres", "CREATE DATABASE tongxin")?;
    let bouncer = pg.pgbouncer("tongxin")?;
    let direct = pg.url.replacen("/postgres?", "/tongxin?", 1);
    let mut servers = Vec::new();
    let mut bases = Vec::new();
    // One at a time: the second migrates after the first (both would wait
    // on the same advisory lock anyway).
    for _ in 0..2 {
        let args = [
            "--db",
            &bouncer.url,
            "--db-pgbouncer",
            "--db-listen",
            &direct,
        ];
        let (server, base) = start_server(server, &args)?;
        servers.push(server);
        bases.push(base);
    }
    let poll = new_poll(&bases[0])?;

    let problems = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let voters: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (bases, problems) = (bases.clone(), problems.clone());
            std::thread::spawn(move || {
                for n in c * EACH..(c + 1) * EACH {
                    let (headers, body) = ballot(n, "pgbouncer");
                    let url = |i: usize| format!("{}/api/v1/polls/{poll}/ballots", bases[i % 2]);
                    let (status, first) = post(&url(n), &headers, &body);
                    if status != 201 {
                        problems
                            .lock()
                            .expect("problems")
                            .push(format!("ballot {n}: {status} {first}"));
                        continue;
                    }
                    if n % 10 == 0 {
                        let (again, replay) = post(&url(n + 1), &headers, &body);
                        if again != 201 || replay != first {
                            problems
                                .lock()
                                .expect("problems")
                                .push(format!("replay {n}: {again} {replay} (first {first})"));
                        }
                    }
                }
            })
        })
        .collect();
    for v in voters {
        v.join().map_err(|_| "a voter thread panicked")?;
    }
    let took = start.elapsed();
    let problems = problems.lock().expect("problems").clone();
    if !problems.is_empty() {
        return Err(format!("through PgBouncer: {}", problems.join("; ")));
    }
    let want = (CLIENTS * EACH) as u64;
    // Each instance shows the other's ballots within its cache age (1 s).
    let mut shown = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        shown = bases
            .iter()
            .map(|b| results(b, poll)["ballots"].as_u64())
            .collect();
        if shown.len() == 1 && shown.contains(&Some(want)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let rows = ballot_rows(&pg, poll)?;
    // Closed through one, refused through the other.
    let closed = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "PATCH",
            "-H",
            &staff(),
        ])
        .args([
            "-H",
            "content-type: application/json",
            "-d",
            r#"{"close_now":true}"#,
        ])
        .arg(format!("{}/api/v1/admin/polls/{poll}", bases[0]))
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let (late, problem) = post(
        &format!("{}/api/v1/polls/{poll}/ballots", bases[1]),
        &["x-tongxin-device: pgbouncer-device-late-0001".into()],
        r#"{"kind":"single","option":1}"#,
    );
    println!(
        "PgBouncer (transaction pooling, 2 instances): {want} ballots in {:.1} s, {} replays identical; results on both {shown:?}, {rows} rows; closed through one ({closed}), a ballot through the other answered {late}",
        took.as_secs_f64(),
        want / 10
    );
    drop(servers);
    drop(bouncer);
    if shown != BTreeSet::from([Some(want)]) || rows != want {
        return Err("through PgBouncer: results or rows differ from the ballots".into());
    }
    if closed != "200" || late != 409 || !problem.contains("poll-closed") {
        return Err(format!(
            "through PgBouncer: closing did not hold: {closed} {late} {problem}"
        ));
    }
    Ok(())
}
