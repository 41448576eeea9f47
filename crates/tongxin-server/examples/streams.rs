//! Live streams under load, for `cargo xtask bench`: `N` clients follow
//! poll 1 of a running server (one SSE connection each, as a page with a
//! poll would), then one ballot a second is cast on it; each ballot's
//! fan-out time is from sending it to its event at every follower. The
//! server's memory and CPU are read from `/proc/<pid>` around it.
//!
//! Usage: `streams <base http://127.0.0.1:PORT> <server pid> <N> <ballots>`;
//! prints `key value` lines (`streams_open`, `fanout_p50_ms`,
//! `fanout_p99_ms`, `rss_before_mb`, `rss_streams_mb`, `kb_per_stream`,
//! `cpu_percent`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

fn rss_mb(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// utime + stime of `pid`, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
}

/// One follower: reads its stream and notes when each ballot count first
/// arrives.
async fn follow(addr: String, arrivals: Arc<Mutex<Vec<(u64, Instant)>>>, open: Arc<AtomicUsize>) {
    let Ok(mut s) = TcpStream::connect(&addr).await else {
        return;
    };
    let req = format!(
        "GET /api/v1/events?topics=poll:1 HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).await.is_err() {
        return;
    }
    let mut buf = vec![0u8; 16 * 1024];
    let mut text = String::new();
    let mut counted = false;
    let mut last = None;
    loop {
        let n = match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let now = Instant::now();
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
        if !counted && text.starts_with("HTTP/1.1 200") {
            counted = true;
            open.fetch_add(1, Ordering::Relaxed);
        }
        while let Some(i) = text.find("\"ballots\":") {
            let rest = &text[i + 10..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() == rest.len() {
                break; // the number continues in the next read
            }
            if let Ok(b) = digits.parse::<u64>()
                && last != Some(b)
            {
                last = Some(b);
                arrivals.lock().await.push((b, now));
            }
            text.drain(..i + 10);
        }
        if text.len() > 64 * 1024 {
            text.clear();
        }
    }
}

async fn cast(addr: &str, n: usize) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let body = r#"{"kind":"single","option":1}"#;
    let req = format!(
        "POST /api/v1/polls/1/ballots HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Tongxin-Device: streams-bench-{n:012}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).await.is_err() {
        return false;
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    out.starts_with(b"HTTP/1.1 201")
}

async fn count(addr: &str) -> u64 {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return 0;
    };
    let req =
        format!("GET /api/v1/polls/1/count HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let _ = s.write_all(req.as_bytes()).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let t = String::from_utf8_lossy(&out);
    t.split("\"ballots\":")
        .nth(1)
        .and_then(|r| r.split([',', '}']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let base = a.get(1).expect("usage: streams <base> <pid> <n> <ballots>");
    let pid: u32 = a[2].parse().expect("pid");
    let n: usize = a[3].parse().expect("n");
    let ballots: usize = a[4].parse().expect("ballots");
    let addr = base.trim_start_matches("http://").to_string();
    let rss_before = rss_mb(pid);
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let open = Arc::new(AtomicUsize::new(0));
    for _ in 0..n {
        tokio::spawn(follow(addr.clone(), arrivals.clone(), open.clone()));
        tokio::task::yield_now().await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while open.load(Ordering::Relaxed) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await; // first states delivered
    let opened = open.load(Ordering::Relaxed);
    let rss_streams = rss_mb(pid);
    let start_count = count(&addr).await;
    arrivals.lock().await.clear();
    let cpu0 = cpu_ticks(pid);
    let t0 = Instant::now();
    let mut sent = Vec::new();
    for k in 0..ballots {
        let at = Instant::now();
        if cast(&addr, k).await {
            sent.push(at);
        }
        tokio::time::sleep_until((t0 + Duration::from_secs(k as u64 + 1)).into()).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu = (cpu_ticks(pid) - cpu0) as f64 / t0.elapsed().as_secs_f64();
    // Arrival of count start+k+1 at each follower, after ballot k was sent.
    let mut lat = Vec::new();
    for (b, at) in arrivals.lock().await.iter() {
        let k = b.saturating_sub(start_count + 1) as usize;
        if *b > start_count && k < sent.len() {
            lat.push(at.saturating_duration_since(sent[k]).as_secs_f64() * 1000.0);
        }
    }
    lat.sort_by(f64::total_cmp);
    println!("streams_open {opened}");
    println!("ballots_sent {}", sent.len());
    println!("events_received {}", lat.len());
    println!("fanout_p50_ms {:.1}", percentile(&lat, 0.5));
    println!("fanout_p99_ms {:.1}", percentile(&lat, 0.99));
    println!("rss_before_mb {rss_before:.1}");
    println!("rss_streams_mb {rss_streams:.1}");
    println!(
        "kb_per_stream {:.1}",
        (rss_streams - rss_before) * 1024.0 / opened.max(1) as f64
    );
    println!("cpu_percent {cpu:.1}");
    // Keep the streams open while the caller measures ballots beside them.
    if a.get(5).is_some_and(|w| w == "hold") {
        println!("holding");
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
