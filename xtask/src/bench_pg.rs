//! The PostgreSQL half of `cargo xtask bench`, on a throwaway server with
//! PostgreSQL's default durability (every commit flushed):
//!
//! 1. the raw ceiling: the same ballots straight through the PostgreSQL
//!    store (`examples/raw_ceiling.rs` with a `postgres://` address);
//! 2. one instance: 100 connections casting ballots on 100 polls, then
//!    100 connections reading results;
//! 3. two instances on one database: the same load split over both, 50
//!    connections each, run at the same time.
//!
//! The load generator (wrk) and PostgreSQL share the machine's cores with
//! the servers, as in the SQLite figures.

use std::path::Path;
use std::process::{Child, Command};

use crate::bench::{create_polls, figure, start_server, wrk_with};
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
fn at_once(script: &str, bases: &[String], connections: u32) -> Result<(f64, f64, f64), String> {
    let threads = if bases.len() == 1 { 2 } else { 1 };
    let outs: Vec<Result<String, String>> = std::thread::scope(|s| {
        let runs: Vec<_> = bases
            .iter()
            .enumerate()
            .map(|(i, base)| {
                let prefix = format!("i{i}");
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
) -> Result<[(f64, f64, f64); 2], String> {
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
    let ballots = at_once("xtask/bench/ballots.lua", &bases, per)?;
    tools::step(&format!(
        "PostgreSQL, {instances} instance(s): reading results"
    ));
    let results = at_once("xtask/bench/results.lua", &bases, per)?;
    drop(servers);
    Ok([ballots, results])
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
    for (label, [b, r]) in [("1 instance ", one), ("2 instances", two)] {
        println!(
            "{label}: ballots/s {:.0} (p99 {:.2} ms, non-201: {}); result reads/s {:.0} (p99 {:.2} ms)",
            b.0, b.1, b.2, r.0, r.1
        );
    }
    println!("raw PostgreSQL ceiling: {raw_rate:.0} ballots/s through the store, 100 writers");
    Ok(())
}
