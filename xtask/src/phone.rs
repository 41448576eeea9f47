//! `cargo xtask phone` (also the last part of `cargo xtask bench`): every
//! demo page family on a phone profile in headless Chromium
//! (`xtask/bench/phone.mjs`), against the release server with the demo
//! data and the size-tuned bundles. Prints figures; never fails on them.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::{bundle, tools};

const PORT: u16 = 18_182;

/// One widget on a bare host page, as a community site would embed it.
fn host_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><title>{title}</title></head><body>\
         <h1>{title}</h1>{body}</body></html>"
    )
}

const TAG: &str = r#"<script type="module" src="/tongxin/tongxin.js"></script>"#;

/// The floor: no kit at all, the same poll JSON drawn as radios, by a
/// script file of the page (the server's Content-Security-Policy refuses
/// inline scripts, as a host page under that policy would have to).
const FLOOR: &str = r#"<form id="f"></form><script src="/floor.js"></script>"#;

/// The floor page's script.
const FLOOR_JS: &str = r#"fetch('/api/v1/polls/3').then((r) => r.json()).then((p) => {
  const f = document.getElementById('f');
  const h = document.createElement('h2'); h.textContent = p.title; f.append(h);
  for (const o of p.options) {
    const l = document.createElement('label'); const i = document.createElement('input');
    i.type = 'radio'; i.name = 'o'; i.value = o.id; l.append(i, ' ', o.label ?? o.text ?? o.id); f.append(l);
  }
});
"#;

/// The `<head>` hints the staff console's snippet gives for a poll: the
/// loader, the smallest bundle with the poll, its wasm and the stylesheet.
fn poll_hints(bundle: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(bundle.join("manifest.json")).map_err(|e| e.to_string())?;
    let m: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let b = m["bundles"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .filter(|b| {
                    b["widgets"]
                        .as_array()
                        .is_some_and(|w| w.iter().any(|w| w == "poll"))
                })
                .min_by_key(|b| b["bytes"].as_u64())
        })
        .ok_or("manifest.json: no bundle with the poll")?;
    let name = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    Ok(format!(
        "<link rel=\"modulepreload\" href=\"/tongxin/tongxin.js\">\
         <link rel=\"modulepreload\" href=\"/tongxin/{}\">\
         <link rel=\"preload\" href=\"/tongxin/{}\" as=\"fetch\" crossorigin>\
         <link rel=\"preload\" href=\"/tongxin/{}\" as=\"style\">",
        name(&b["js"]),
        name(&b["wasm"]),
        name(&b["css"]),
    ))
}

fn write_pages(dir: &Path, bundle: &Path) -> Result<(), String> {
    let mapping = std::fs::read_to_string("crates/tongxin-core/src/mapping/reference.json")
        .map_err(|e| e.to_string())?;
    let pages = [
        ("floor.html", host_page("floor", FLOOR)),
        ("floor.js", FLOOR_JS.to_string()),
        (
            "poll.html",
            host_page(
                "poll",
                &format!(r#"<div data-tongxin="poll" data-id="3"></div>{TAG}"#),
            ),
        ),
        (
            "poll-hints.html",
            host_page(
                "poll",
                &format!(
                    r#"{}<div data-tongxin="poll" data-id="3"></div>{TAG}"#,
                    poll_hints(bundle)?
                ),
            ),
        ),
        (
            "poll-convention.html",
            host_page(
                "poll and convention",
                &format!(
                    r#"<div data-tongxin="poll" data-id="3"></div><div data-tongxin="convention" data-id="1"></div>{TAG}"#
                ),
            ),
        ),
        (
            "convention.html",
            host_page(
                "convention",
                &format!(r#"<div data-tongxin="convention" data-id="1"></div>{TAG}"#),
            ),
        ),
        (
            "board.html",
            host_page(
                "board",
                &format!(r#"<div data-tongxin="proposals"></div>{TAG}"#),
            ),
        ),
        (
            "proposal.html",
            host_page(
                "proposal",
                &format!(r#"<div data-tongxin="proposal" data-id="1"></div>{TAG}"#),
            ),
        ),
        (
            "poll-mapped.html",
            host_page(
                "poll through a mapping",
                &format!(
                    r#"<div data-tongxin="poll" data-id="3" data-backend="/reference-mapping.json"></div>{TAG}"#
                ),
            ),
        ),
        (
            "indicators.html",
            host_page(
                "governance indicators",
                &format!(r#"<div data-tongxin="indicators" data-scope="3"></div>{TAG}"#),
            ),
        ),
        (
            "budget.html",
            host_page(
                "budget round",
                &format!(r#"<div data-tongxin="budget" data-id="2"></div>{TAG}"#),
            ),
        ),
        ("reference-mapping.json", mapping),
    ];
    for (name, text) in pages {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Builds what is needed, serves the pages and runs the measurement.
pub(crate) fn run() -> Result<(), String> {
    tools::ensure_chromium()?;
    let built = bundle::build()?;
    tools::step("building the release server for the phone benchmark");
    tools::cargo(&[
        "build",
        "--release",
        "-p",
        "tongxin-server",
        "--bin",
        "tongxin-server",
    ])?;
    let dir = std::env::temp_dir().join(format!("tongxin-phone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    write_pages(&dir, &built)?;
    let base = format!("http://127.0.0.1:{PORT}");
    let mut server = Command::new(tools::target_dir().join("release/tongxin-server"))
        .args(["--demo", "--listen", &format!("127.0.0.1:{PORT}")])
        .arg("--db")
        .arg(dir.join("phone.sqlite"))
        .arg("--www")
        .arg(&dir)
        .arg("--bundle")
        .arg(&built)
        .env("RUST_LOG", "warn")
        .env("TONGXIN_CORS_ORIGINS", &base)
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("server: {e}"))?;
    tools::wait_until_up(&base);
    tools::step(
        "phone benchmark: each page family under 4x CPU, 1.6 Mbps, 150 ms RTT (5 runs, median)",
    );
    let status = Command::new("node")
        .args(["xtask/bench/phone.mjs", &base])
        .status()
        .map_err(|e| format!("node: {e}"));
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    match status? {
        s if s.success() => Ok(()),
        s => Err(format!("phone benchmark failed ({s})")),
    }
}
