//! `cargo xtask fuzz` (also a step of `cargo xtask test`): Schemathesis
//! against the reference server's `/openapi.json`, every operation (but the
//! live streams, which never end by themselves), every
//! check, a bounded number of examples and a fixed seed. It fails on any
//! server error, schema violation, undocumented status or content type.
//!
//! Schemathesis comes from PyPI into a virtual environment that this
//! command creates (`<target>/schemathesis-venv`, pinned version).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::tools;

/// Pinned Schemathesis release.
pub(crate) const SCHEMATHESIS_VERSION: &str = "4.32.5";
const PORT: u16 = 18_477;
const ADMIN: &str = "fuzz-admin-token-0123456";

fn venv() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let dir = cwd.join(tools::target_dir()).join("schemathesis-venv");
    let bin = dir.join("bin/schemathesis");
    let pinned = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains(SCHEMATHESIS_VERSION));
    if pinned {
        return Ok(bin);
    }
    tools::ensure_apt("python3", "python3")?;
    let has_venv = Command::new("python3")
        .args(["-m", "venv", "--help"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_venv {
        tools::step("installing python3-venv from Debian");
        tools::run("apt-get", &["install", "-y", "-qq", "python3-venv"])?;
    }
    tools::step(&format!(
        "creating a Python venv with schemathesis {SCHEMATHESIS_VERSION} (PyPI) in {}",
        dir.display()
    ));
    tools::run("python3", &["-m", "venv", &dir.to_string_lossy()])?;
    tools::run(
        &dir.join("bin/pip").to_string_lossy(),
        &[
            "install",
            "-q",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ],
    )?;
    Ok(bin)
}

/// Runs Schemathesis against a fresh demo server built at `server`.
pub(crate) fn run(server: &Path) -> Result<(), String> {
    let schemathesis = venv()?;
    let dir = tempfile_dir()?;
    tools::step(&format!(
        "schemathesis {SCHEMATHESIS_VERSION} against /openapi.json (--checks all, 20 examples per operation)"
    ));
    let mut child = Command::new(server)
        .args([
            "--demo",
            "--db",
            &dir.join("fuzz.sqlite").to_string_lossy(),
            "--listen",
            &format!("127.0.0.1:{PORT}"),
        ])
        .env("TONGXIN_ADMIN_TOKEN", ADMIN)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("server: {e}"))?;
    let base = format!("http://127.0.0.1:{PORT}");
    tools::wait_until_up(&base);
    let status = Command::new(&schemathesis)
        .args([
            "--config-file",
            "tests/fuzz/schemathesis.toml",
            "run",
            &format!("{base}/openapi.json"),
            "--checks",
            "all",
            "--max-examples",
            "20",
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "1",
            // Live streams never end by themselves (they are tested in
            // tests/http/live.rs, bad input included).
            "--exclude-path-regex",
            "/events$",
            "--no-shrink",
            "--header",
            &format!("Authorization: Bearer {ADMIN}"),
            "--report",
            "junit",
            "--report-dir",
            "test-output/schemathesis",
        ])
        .status()
        .map_err(|e| format!("schemathesis: {e}"));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if status?.success() {
        Ok(())
    } else {
        Err("schemathesis found failures (report in test-output/schemathesis)".into())
    }
}

fn tempfile_dir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("tongxin-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}
