//! `cargo xtask bench`: the release server on loopback under wrk.
//!
//! 1. the raw ceiling: the same ballots straight through the storage layer
//!    (`examples/raw_ceiling.rs`), 100 concurrent writers;
//! 2. 100 connections casting ballots on 100 polls with distinct device
//!    tokens (wrk + `xtask/bench/ballots.lua`);
//! 3. 100 connections casting budget ballots on one round of 50 projects
//!    (`xtask/bench/budget_ballots.lua`), and counting 10,000 ballots over
//!    50 projects (`tongxin-core`'s `budget_count` example); 100
//!    connections reading results (`xtask/bench/results.lua`);
//! 4. 100 connections signing one convention (`xtask/bench/signs.lua`), then
//!    polling its count over every signature made (`xtask/bench/counts.lua`),
//!    as open progress bars do;
//! 5. governance indicators of the district over every ballot and
//!    signature above: the first answer (computed), a refresh of the
//!    snapshots, then 100 connections reading it (`xtask/bench/indicators.lua`);
//! 6. the server's peak RSS (VmHWM);
//! 7. what reading answers through a backend mapping costs
//!    (`tongxin-core/examples/mapping_cost.rs`, native).
//!
//! A benchmark, not a test: it prints figures and never fails on them.

use std::process::{Command, Stdio};

use crate::tools;

const PORT: u16 = 18_181;
const POLLS: usize = 100;
const SECONDS: &str = "10s";

/// The benchmark server's staff token.
pub(crate) const BENCH_ADMIN: &str =
    "bench-admin-fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
pub(crate) fn curl(args: &[&str]) -> Result<String, String> {
    let out = Command::new("curl")
        .args(["-sS", "--fail-with-body"])
        .args(args)
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "curl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        ))
    }
}

/// Runs `script` with wrk against `url` (2 threads, 100 connections);
/// `args` go to the script's `init`.
fn wrk(script: &str, url: &str, args: &[&str]) -> Result<String, String> {
    wrk_with(2, 100, script, url, args)
}

/// [`wrk`] with `threads` threads and `connections` connections.
pub(crate) fn wrk_with(
    threads: u32,
    connections: u32,
    script: &str,
    url: &str,
    args: &[&str],
) -> Result<String, String> {
    let out = Command::new("wrk")
        .args([
            &format!("-t{threads}"),
            &format!("-c{connections}"),
            "-d",
            SECONDS,
            "--latency",
            "-s",
            script,
            url,
            "--",
        ])
        .args(args)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(text)
}

/// Pulls `key value` lines printed by the Lua `done()` hooks.
pub(crate) fn figure(out: &str, key: &str) -> f64 {
    out.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN)
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts the release server on `db` (a file or a PostgreSQL address).
pub(crate) fn start_server(
    target: &std::path::Path,
    db: &str,
    port: u16,
) -> Result<std::process::Child, String> {
    Command::new(target.join("tongxin-server"))
        .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
        .env("TONGXIN_ADMIN_TOKEN", BENCH_ADMIN)
        .env(
            "TONGXIN_PEPPER",
            "bench-pepper-d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35",
        )
        .env("TONGXIN_IP_WRITES_PER_MIN", "0")
        // The load generator is one address playing many residents.
        .env("TONGXIN_MAX_CONCURRENCY_PER_CLIENT", "512")
        .env("TONGXIN_DEVICE_WRITES_PER_MIN", "0")
        // And many followers of live streams.
        .env("TONGXIN_MAX_STREAMS_PER_CLIENT", "10000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("server: {e}"))
}

/// A district and polls 1–100 ordinary, 101–200 anonymous (secret
/// ballots), through the staff API at `base`.
pub(crate) fn create_polls(base: &str) -> Result<(), String> {
    let auth = format!("Authorization: Bearer {BENCH_ADMIN}");
    let post = |path: &str, body: &str| {
        curl(&[
            "-H",
            &auth,
            "-H",
            "content-type: application/json",
            "-d",
            body,
            &format!("{base}{path}"),
        ])
    };
    post(
        "/api/v1/admin/scopes",
        r#"{"level":"district","name":"bench"}"#,
    )?;
    for i in 0..2 * POLLS {
        let anonymous = i >= POLLS;
        let body = format!(
            r#"{{"scope_id":1,"title":"bench {i}","kind":{{"type":"single"}},"options":["a","b","c"],"anonymous":{anonymous}}}"#
        );
        post("/api/v1/admin/polls", &body)?;
    }
    Ok(())
}

/// One line of the summary: a wrk run's rate, latencies and (with
/// `errors`) the answers that were not the expected status.
fn rate(label: &str, note: &str, out: &str, errors: bool) {
    let refused = if errors {
        format!(", non-201: {}", figure(out, "errors"))
    } else {
        String::new()
    };
    println!(
        "{label:<21}: {:.0}  ({note}p50 {:.2} ms, p99 {:.2} ms{refused})",
        figure(out, "ok_per_sec"),
        figure(out, "p50_ms"),
        figure(out, "p99_ms")
    );
}

/// Live-stream followers the benchmark opens (issue 35's figure).
const STREAMS: usize = 5000;

/// Opens [`STREAMS`] followers of poll 1 (`examples/streams`), casts a
/// ballot a second for 10 s, and leaves the streams open: its report, and
/// the process to kill once the ballots beside them are measured.
fn open_streams(
    target: &std::path::Path,
    base: &str,
    pid: u32,
) -> Result<(String, std::process::Child), String> {
    use std::io::BufRead;
    let mut child = Command::new(target.join("examples/streams"))
        .args([base, &pid.to_string(), &STREAMS.to_string(), "10", "hold"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("streams: {e}"))?;
    let mut out = String::new();
    let lines = std::io::BufReader::new(child.stdout.take().ok_or("streams: no output")?);
    for line in lines.lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line == "holding" {
            break;
        }
        out.push_str(&line);
        out.push('\n');
    }
    Ok((out, child))
}

/// The release server and the bench's drivers.
pub(crate) fn build_release() -> Result<(), String> {
    tools::step("building the release server and the bench drivers");
    tools::cargo(&[
        "build",
        "--release",
        "-p",
        "tongxin-server",
        "--bin",
        "tongxin-server",
        "--example",
        "raw_ceiling",
        "--example",
        "streams",
        "--example",
        "closing_rush",
    ])
}

pub(crate) fn run() -> Result<(), String> {
    tools::ensure_apt("wrk", "wrk")?;
    tools::ensure_apt("curl", "curl")?;
    build_release()?;
    let target = tools::target_dir().join("release");
    let dir = std::env::temp_dir().join(format!("tongxin-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;

    tools::step("raw SQLite ceiling through the storage layer");
    let raw = Command::new(target.join("examples/raw_ceiling"))
        .arg(dir.join("raw.sqlite"))
        .output()
        .map_err(|e| e.to_string())?;
    let raw_out = String::from_utf8_lossy(&raw.stdout).into_owned();
    print!("{raw_out}");
    let raw_rate = figure(&raw_out, "raw_ballots_per_sec");

    tools::step("reading answers through backend mappings");
    tools::cargo(&[
        "build",
        "--release",
        "-p",
        "tongxin-core",
        "--example",
        "mapping_cost",
        "--example",
        "budget_count",
    ])?;
    let mapping = Command::new(target.join("examples/mapping_cost"))
        .output()
        .map_err(|e| e.to_string())?;
    let map_out = String::from_utf8_lossy(&mapping.stdout).into_owned();
    print!("{map_out}");

    tools::step("counting a budget round: 10,000 ballots over 50 projects");
    let counting = Command::new(target.join("examples/budget_count"))
        .output()
        .map_err(|e| e.to_string())?;
    let count_out = String::from_utf8_lossy(&counting.stdout).into_owned();
    print!("{count_out}");

    tools::step(&format!("server on 127.0.0.1:{PORT}, {POLLS} polls"));
    let mut server = start_server(&target, &dir.join("bench.sqlite").to_string_lossy(), PORT)?;
    let base = format!("http://127.0.0.1:{PORT}");
    let result = (|| -> Result<(), String> {
        tools::wait_until_up(&base);
        let auth = format!("Authorization: Bearer {BENCH_ADMIN}");
        let auth = auth.as_str();
        create_polls(&base)?;
        tools::step(&format!("casting ballots: wrk -t2 -c100 -d{SECONDS}"));
        let w = wrk("xtask/bench/ballots.lua", &base, &[])?;
        print!("{w}");
        tools::step(&format!(
            "casting secret ballots (anonymous polls): wrk -t2 -c100 -d{SECONDS}"
        ));
        let anon = wrk("xtask/bench/ballots.lua", &base, &["101", "anon"])?;
        print!("{anon}");
        let projects: Vec<String> = (1..=50)
            .map(|i| {
                format!(
                    r#"{{"title":"project {i}","cost_fen":{}}}"#,
                    100_000 + i * 10_000
                )
            })
            .collect();
        curl(&[
            "-H",
            auth,
            "-H",
            "content-type: application/json",
            "-d",
            &format!(
                r#"{{"scope_id":1,"title":"bench round","fund_fen":100000000,"rule":{{"type":"knapsack"}},"method":"equal_shares","projects":[{}]}}"#,
                projects.join(",")
            ),
            &format!("{base}/api/v1/admin/budgets"),
        ])?;
        tools::step(&format!(
            "casting budget ballots (one round, 50 projects): wrk -t2 -c100 -d{SECONDS}"
        ));
        let budget = wrk("xtask/bench/budget_ballots.lua", &base, &[])?;
        print!("{budget}");
        tools::step(&format!("reading results: wrk -t2 -c100 -d{SECONDS}"));
        let r = wrk("xtask/bench/results.lua", &base, &[])?;
        print!("{r}");
        curl(&[
            "-H",
            auth,
            "-H",
            "content-type: application/json",
            "-d",
            r#"{"scope_id":1,"title":"bench convention","articles":["a"],"goal":100000}"#,
            &format!("{base}/api/v1/admin/conventions"),
        ])?;
        tools::step(&format!(
            "signing one convention: wrk -t2 -c100 -d{SECONDS}"
        ));
        let sg = wrk("xtask/bench/signs.lua", &base, &[])?;
        print!("{sg}");
        tools::step(&format!("polling its count: wrk -t2 -c100 -d{SECONDS}"));
        let ct = wrk("xtask/bench/counts.lua", &base, &[])?;
        print!("{ct}");
        tools::step("indicators: first answer (computed), a refresh, then snapshot reads");
        let seconds = |args: &[&str]| -> Result<f64, String> {
            let mut all = vec!["-o", "/dev/null", "-w", "%{time_total}"];
            all.extend_from_slice(args);
            curl(&all)?.trim().parse::<f64>().map_err(|e| e.to_string())
        };
        let indicators = format!("{base}/api/v1/indicators?scope=1&period=12m");
        let first_ms = seconds(&[&indicators])? * 1000.0;
        let refresh = format!("{base}/api/v1/admin/indicators/refresh");
        let refresh_ms = seconds(&["-X", "POST", "-H", auth, &refresh])? * 1000.0;
        let ind = wrk("xtask/bench/indicators.lua", &base, &[])?;
        print!("{ind}");
        let rss = peak_rss_mb(server.id());
        tools::step(&format!(
            "live streams: {STREAMS} followers of poll 1, a ballot a second for 10 s"
        ));
        let (streams_out, mut holding) = open_streams(&target, &base, server.id())?;
        print!("{streams_out}");
        tools::step(&format!(
            "casting ballots with the {STREAMS} streams open: wrk -t2 -c100 -d{SECONDS}"
        ));
        let beside = wrk("xtask/bench/ballots.lua", &base, &["1", "live"]);
        let _ = holding.kill();
        let _ = holding.wait();
        let beside = beside?;
        print!("{beside}");
        let counted: u64 = (1..=POLLS)
            .map(|i| {
                curl(&[&format!("{base}/api/v1/polls/{i}/count")])
                    .ok()
                    .and_then(|b| {
                        b.split("\"ballots\":")
                            .nth(1)
                            .and_then(|s| s.split(',').next())
                            .and_then(|n| n.parse().ok())
                    })
                    .unwrap_or(0)
            })
            .sum();
        let ballots = figure(&w, "ok_per_sec");
        println!(
            "\n==== Tongxin bench ({} cores) ====",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        rate("ballots/s (201 only)", "", &w, true);
        rate(
            "secret ballots/s",
            "anonymous polls, WAL truncated after each commit; ",
            &anon,
            true,
        );
        rate(
            "budget ballots/s",
            "one round of 50 projects; ",
            &budget,
            true,
        );
        println!(
            "budget counting      : 10,000 ballots x 50 projects: equal shares {:.0} ms, greedy {:.2} ms",
            figure(&count_out, "equal_shares_ms"),
            figure(&count_out, "greedy_ms")
        );
        let answered = figure(&w, "ok_total") as u64;
        println!(
            "ballots counted      : {counted} ({answered} answered 201; {} more were in flight when wrk stopped)",
            counted.saturating_sub(answered)
        );
        rate("result reads/s", "", &r, false);
        rate("signatures/s", "", &sg, true);
        let over = format!("over {:.0} signatures; ", figure(&sg, "ok_total"));
        rate("count reads/s", &over, &ct, false);
        println!(
            "indicators           : first answer {first_ms:.0} ms, refresh {refresh_ms:.0} ms (over the ballots and signatures above); reads/s {:.0} (p50 {:.2} ms, p99 {:.2} ms)",
            figure(&ind, "ok_per_sec"),
            figure(&ind, "p50_ms"),
            figure(&ind, "p99_ms")
        );
        println!("server peak RSS      : {rss:.1} MB");
        println!(
            "live streams         : {:.0} open; a ballot reaches all of them in p50 {:.0} ms, p99 {:.0} ms; RSS {:.1} MB before, {:.1} MB with them ({:.1} KB each); server CPU {:.1} % at a ballot a second",
            figure(&streams_out, "streams_open"),
            figure(&streams_out, "fanout_p50_ms"),
            figure(&streams_out, "fanout_p99_ms"),
            figure(&streams_out, "rss_before_mb"),
            figure(&streams_out, "rss_streams_mb"),
            figure(&streams_out, "kb_per_stream"),
            figure(&streams_out, "cpu_percent"),
        );
        let with = figure(&beside, "ok_per_sec");
        println!(
            "ballots/s, streams open: {with:.0} ({:.0} % of the {ballots:.0} without), p99 {:.1} ms",
            100.0 * with / ballots,
            figure(&beside, "p99_ms")
        );
        println!(
            "mapped answers       : json-server poll {:.0} µs, 1,000-signature page {:.1} ms, reference pass-through {:.1} µs",
            figure(&map_out, "mapped_poll_answers_us"),
            figure(&map_out, "mapped_1000_signature_pages_us") / 1000.0,
            figure(&map_out, "reference_poll_answers_us")
        );
        println!(
            "raw storage ceiling  : {raw_rate:.0} ballots/s; HTTP reaches {:.0} % of it",
            100.0 * ballots / raw_rate
        );
        Ok(())
    })();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    crate::bench_pg::run(&target)
}
