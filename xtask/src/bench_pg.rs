//! The PostgreSQL half of `cargo xtask bench`, on a throwaway server with
//! PostgreSQL's default durability (every commit flushed):
//!
//! 1. the raw ceiling: the same ballots straight through the PostgreSQL
//!    store (`examples/raw_ceiling.rs` with a `postgres://` address);
//! 2. one instance: 100 connections casting ballots on 100 polls, then
//!    100 connections reading results;
//! 3. two instances on one database: the same load split over both, 50
//!    connections each, run at the same time;
//! 4. a city-wide closing rush through the two instances
//!    (`examples/closing_rush.rs`): 50 polls and a budget round, 100,000
//!    distinct voters, the last 10 % arriving within 60 s, every tally
//!    checked against a recount of the rows.
//!
//! The load generator (wrk) and PostgreSQL share the machine's cores with
//! the servers, as in the SQLite figures.

use std::path::Path;
use std::process::{Child, Command};

use crate::bench::{BENCH_ADMIN, create_polls, figure, start_server, wrk_with};
use crate::postgres::{Durability, Throwaway};
use crate::tools;

const PORTS: [u16; 2] = [18_191, 18_192];

/// Kills the server processes however the run ends.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// wrk on every base at once (`connections` each; device prefixes kept
/// apart); the summed rate, the worst p99 and the non-2xx answers.
fn at_once(
    script: &str,
    bases: &[String],
    connections: u32,
    tag: &str,
) -> Result<(f64, f64, f64), String> {
    let threads = if bases.len() == 1 { 2 } else { 1 };
    let outs: Vec<Result<String, String>> = std::thread::scope(|s| {
        let runs: Vec<_> = bases
            .iter()
            .enumerate()
            .map(|(i, base)| {
                let prefix = format!("{tag}{i}");
                s.spawn(move || wrk_with(threads, connections, script, base, &["1", &prefix]))
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().unwrap_or_else(|_| Err("wrk thread".into())))
            .collect()
    });
    let mut rate = 0.0;
    let mut p99: f64 = 0.0;
    let mut errors = 0.0;
    for out in outs {
        let out = out?;
        rate += figure(&out, "ok_per_sec");
        p99 = p99.max(figure(&out, "p99_ms"));
        errors += figure(&out, "errors");
    }
    Ok((rate, p99, errors))
}

fn measure(
    target: &Path,
    pg: &Throwaway,
    name: &str,
    instances: usize,
) -> Result<[(f64, f64, f64); 3], String> {
    let db = pg.create_database(name)?;
    let mut servers = Servers(Vec::new());
    let bases: Vec<String> = PORTS[..instances]
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    for port in &PORTS[..instances] {
        servers.0.push(start_server(target, &db, *port)?);
    }
    for base in &bases {
        tools::wait_until_up(base);
    }
    create_polls(&bases[0])?;
    let per = 100 / instances as u32;
    tools::step(&format!(
        "PostgreSQL, {instances} instance(s): casting ballots, {per} connections each"
    ));
    let ballots = at_once("xtask/bench/ballots.lua", &bases, per, "i")?;
    tools::step(&format!(
        "PostgreSQL, {instances} instance(s): reading results"
    ));
    let results = at_once("xtask/bench/results.lua", &bases, per, "i")?;
    tools::step(&format!(
        "PostgreSQL, {instances} instance(s): reading results while ballots pour in"
    ));
    let (during, _) = std::thread::scope(|s| {
        let writes = s.spawn(|| at_once("xtask/bench/ballots.lua", &bases, per / 2, "during"));
        let reads = at_once("xtask/bench/results.lua", &bases, per / 2, "during");
        (
            reads,
            writes.join().unwrap_or_else(|_| Err("wrk thread".into())),
        )
    });
    drop(servers);
    Ok([ballots, results, during?])
}

/// The closing rush through two instances on a fresh database.
fn closing_rush(target: &Path, pg: &Throwaway) -> Result<String, String> {
    let db = pg.create_database("rush")?;
    let mut servers = Servers(Vec::new());
    let bases: Vec<String> = PORTS
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    for port in PORTS {
        servers.0.push(start_server(target, &db, port)?);
    }
    for base in &bases {
        tools::wait_until_up(base);
    }
    tools::step("PostgreSQL, 2 instances: a city-wide closing rush (100,000 voters)");
    let out = Command::new(target.join("examples/closing_rush"))
        .args([&bases.join(","), "100000", &db, "60"])
        .env("TONGXIN_ADMIN_TOKEN", BENCH_ADMIN)
        .output()
        .map_err(|e| format!("closing_rush: {e}"))?;
    drop(servers);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if figure(&text, "errors") > 0.0 || figure(&text, "tallies_exact") != 1.0 {
        // The first refusals, to say what went wrong.
        for line in String::from_utf8_lossy(&out.stderr).lines().take(5) {
            eprintln!("closing rush: {line}");
        }
    }
    if !out.status.success() {
        return Err(format!(
            "closing_rush failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(text)
}

/// Builds what the PostgreSQL half needs and runs it
/// (`cargo xtask bench pg`).
pub(crate) fn run_alone() -> Result<(), String> {
    tools::ensure_apt("wrk", "wrk")?;
    tools::ensure_apt("curl", "curl")?;
    crate::bench::build_release()?;
    run(&tools::target_dir().join("release"))
}

/// Runs the PostgreSQL figures and prints them.
pub(crate) fn run(target: &Path) -> Result<(), String> {
    tools::step("starting a throwaway PostgreSQL with full durability");
    let pg = Throwaway::start(Durability::Full)?;
    tools::step("raw PostgreSQL ceiling through the store");
    let raw_db = pg.create_database("raw")?;
    let raw = Command::new(target.join("examples/raw_ceiling"))
        .arg(&raw_db)
        .output()
        .map_err(|e| e.to_string())?;
    let raw_out = String::from_utf8_lossy(&raw.stdout).into_owned();
    print!("{raw_out}");
    let raw_rate = figure(&raw_out, "raw_ballots_per_sec");
    let one = measure(target, &pg, "one", 1)?;
    let two = measure(target, &pg, "two", 2)?;
    println!("\n==== Tongxin bench on PostgreSQL ====");
    for (label, [b, r, d]) in [("1 instance ", one), ("2 instances", two)] {
        println!(
            "{label}: ballots/s {:.0} (p99 {:.2} ms, non-201: {}); result reads/s {:.0} (p99 {:.2} ms); reads while ballots pour in {:.0}/s (p99 {:.2} ms)",
            b.0, b.1, b.2, r.0, r.1, d.0, d.1
        );
    }
    println!(
        "2 instances / 1     : {:.2}x the ballots/s",
        two[0].0 / one[0].0
    );
    println!("raw PostgreSQL ceiling: {raw_rate:.0} ballots/s through the store, 100 writers");
    let rush = closing_rush(target, &pg)?;
    println!(
        "closing rush (2 inst.): {:.0} voters; before the rush {:.0} ballots/s (p99 {:.1} ms); the last 10 % in {:.1} s at {:.0}/s (p99 {:.1} ms); {:.0} errors, {:.0} retried 503s; tallies equal recounts: {}",
        figure(&rush, "voters"),
        figure(&rush, "before_ballots_per_sec"),
        figure(&rush, "before_p99_ms"),
        figure(&rush, "rush_secs"),
        figure(&rush, "rush_ballots_per_sec"),
        figure(&rush, "rush_p99_ms"),
        figure(&rush, "errors"),
        figure(&rush, "retries"),
        if figure(&rush, "tallies_exact") == 1.0 {
            "yes"
        } else {
            "NO"
        },
    );
    Ok(())
}
