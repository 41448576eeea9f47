//! The widget bundle: `tongxin.js` (wasm-bindgen's module with the
//! bootstrap from `crates/tongxin-embed/js/bootstrap.js` appended),
//! `tongxin_bg.wasm` and `tongxin.css`, built with wasm-pack in release mode
//! tuned for size, and the size report (`cargo xtask size`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;

/// Budget for a page with the poll widget: wasm + js + css, brotli.
pub const BUDGET_BROTLI: u64 = 90 * 1024;

/// Where the bundle is assembled.
pub fn dir() -> PathBuf {
    absolute(tools::target_dir().join("tongxin-bundle"))
}

fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
    }
}

/// Builds the bundle, installing the toolchain pieces that are missing.
pub fn build() -> Result<PathBuf, String> {
    tools::ensure_wasm_toolchain()?;
    tools::step("building the widget bundle (wasm-pack --release, opt-level z, LTO, wasm-opt -Oz)");
    let out = absolute(tools::target_dir().join("wasm-pack-out"));
    let status = Command::new("wasm-pack")
        .args([
            "build",
            "crates/tongxin-embed",
            "--target",
            "web",
            "--release",
            "--mode",
            "no-install",
            "--no-typescript",
            "--no-pack",
        ])
        .arg("--out-dir")
        .arg(&out)
        .args(["--out-name", "tongxin"])
        .env("PATH", tools::tool_path())
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .status()
        .map_err(|e| format!("wasm-pack: {e}"))?;
    if !status.success() {
        return Err("wasm-pack build failed".into());
    }
    let bundle = dir();
    std::fs::create_dir_all(&bundle).map_err(|e| e.to_string())?;
    let glue = std::fs::read_to_string(out.join("tongxin.js"))
        .map_err(|e| format!("wasm-pack output: {e}"))?;
    if !glue.contains("function __wbg_init") {
        return Err(
            "the wasm-bindgen module no longer defines __wbg_init; update js/bootstrap.js".into(),
        );
    }
    let bootstrap = std::fs::read_to_string("crates/tongxin-embed/js/bootstrap.js")
        .map_err(|e| e.to_string())?;
    std::fs::write(bundle.join("tongxin.js"), format!("{glue}{bootstrap}"))
        .map_err(|e| e.to_string())?;
    std::fs::copy(out.join("tongxin_bg.wasm"), bundle.join("tongxin_bg.wasm"))
        .map_err(|e| e.to_string())?;
    std::fs::copy(
        "crates/tongxin-widgets/styles/tongxin.css",
        bundle.join("tongxin.css"),
    )
    .map_err(|e| e.to_string())?;
    eprintln!("bundle: {}", bundle.display());
    Ok(bundle)
}

fn compressed(path: &Path, program: &str, args: &[&str]) -> Result<u64, String> {
    let out = Command::new(program)
        .args(args)
        .arg("-c")
        .arg(path)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// Prints raw, gzip and brotli sizes of `bundle` (built first when `None`).
/// With `enforce`, fails if the total brotli size exceeds the budget by more
/// than 10 %.
pub fn size(enforce: bool, bundle: Option<PathBuf>) -> Result<(), String> {
    tools::ensure_apt("brotli", "brotli")?;
    let bundle = match bundle {
        Some(b) => b,
        None => build()?,
    };
    let mut rows = Vec::new();
    for name in ["tongxin_bg.wasm", "tongxin.js", "tongxin.css"] {
        let p = bundle.join(name);
        let raw = std::fs::metadata(&p)
            .map_err(|e| format!("{name}: {e}"))?
            .len();
        let gz = compressed(&p, "gzip", &["-9"])?;
        let br = compressed(&p, "brotli", &["-q", "11"])?;
        rows.push((name, raw, gz, br));
    }
    let total = rows
        .iter()
        .fold((0, 0, 0), |a, r| (a.0 + r.1, a.1 + r.2, a.2 + r.3));
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "\n{:<18} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    for (n, raw, gz, br) in &rows {
        let _ = writeln!(out, "{n:<18} {raw:>10} {gz:>10} {br:>10}");
    }
    let _ = writeln!(
        out,
        "{:<18} {:>10} {:>10} {:>10}",
        "total", total.0, total.1, total.2
    );
    let _ = writeln!(
        out,
        "budget (poll page): {} bytes brotli; used {:.1} %",
        BUDGET_BROTLI,
        100.0 * total.2 as f64 / BUDGET_BROTLI as f64
    );
    if enforce && total.2 * 10 > BUDGET_BROTLI * 11 {
        return Err(format!(
            "the poll page transfers {} bytes brotli, more than 10 % over the {BUDGET_BROTLI}-byte budget",
            total.2
        ));
    }
    Ok(())
}
