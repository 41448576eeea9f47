//! Running commands and installing what is missing.

use std::path::PathBuf;
use std::process::Command;

/// Prints a step header.
pub fn step(msg: &str) {
    eprintln!("\n==> {msg}");
}

/// Runs a program, failing with its name when it fails.
pub fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Runs cargo with the same toolchain as this xtask.
pub fn cargo(args: &[&str]) -> Result<(), String> {
    run(
        &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        args,
    )
}

/// Whether `program` is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// The cargo target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Installs the wasm32 target with rustup when it is missing.
pub fn ensure_wasm_target() -> Result<(), String> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown") => Ok(()),
        Ok(_) => {
            step("installing the wasm32-unknown-unknown target (rustup target add)");
            run("rustup", &["target", "add", "wasm32-unknown-unknown"])
        }
        Err(e) => Err(format!("rustup is needed to add the wasm32 target: {e}")),
    }
}

/// Installs a Debian package when `program` is missing.
pub fn ensure_apt(program: &str, package: &str) -> Result<(), String> {
    if have(program) {
        return Ok(());
    }
    step(&format!(
        "installing {package} from Debian (apt-get install {package})"
    ));
    run("apt-get", &["update", "-qq"])?;
    run("apt-get", &["install", "-y", "-qq", package])
}
