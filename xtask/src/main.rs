//! `cargo xtask …` — the project's two everyday commands and its benchmark.
//!
//! * `demo`  — build and start the reference server with demo data on
//!   http://127.0.0.1:8080, SQLite file under `./data/`;
//! * `test`  — everything CI runs (`.ci/run` calls exactly this);
//! * `bench` — load the release server on loopback and print figures.
//!
//! Each command installs what it is missing (the wasm32 target, wrk) with a
//! message saying so, instead of failing obscurely.

mod bench;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench::run(),
        _ => {
            eprintln!(
                "usage: cargo xtask demo|test|bench\n\n  demo   start the demo site on http://127.0.0.1:8080\n  test   run everything CI runs\n  bench  measure the server on loopback"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn demo(extra: &[String]) -> Result<(), String> {
    tools::step("building the reference server (release)");
    tools::cargo(&["build", "--release", "-p", "tongxin-server"])?;
    std::fs::create_dir_all("data").map_err(|e| format!("data/: {e}"))?;
    tools::step("starting the demo on http://127.0.0.1:8080 (Ctrl-C stops it)");
    let mut args = vec![
        "--demo".to_string(),
        "--db".into(),
        "data/demo.sqlite".into(),
        "--listen".into(),
        "127.0.0.1:8080".into(),
    ];
    args.extend(extra.iter().cloned());
    tools::run(
        &tools::target_dir()
            .join("release/tongxin-server")
            .to_string_lossy(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

fn test() -> Result<(), String> {
    tools::ensure_wasm_target()?;
    tools::ensure_apt("curl", "curl")?;
    tools::step("formatting (cargo fmt --check)");
    tools::cargo(&["fmt", "--all", "--check"])?;
    tools::step("lints (cargo clippy --all-targets -- -D warnings)");
    tools::cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    tools::step("tongxin-core builds for wasm32-unknown-unknown");
    tools::cargo(&[
        "build",
        "-p",
        "tongxin-core",
        "--target",
        "wasm32-unknown-unknown",
    ])?;
    tools::step("unit, property and HTTP tests (cargo test --workspace)");
    tools::cargo(&["test", "--workspace"])?;
    tools::step("all tests passed");
    Ok(())
}
