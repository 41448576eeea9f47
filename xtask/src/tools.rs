//! Running commands and installing what is missing.

use std::path::PathBuf;
use std::process::Command;

/// Prints a step header with the time since xtask started, so a slow
/// step shows in CI logs.
pub(crate) fn step(msg: &str) {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let secs = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs();
    eprintln!("\n==> [{:02}:{:02}] {msg}", secs / 60, secs % 60);
}

/// Runs a program, failing with its name when it fails.
pub(crate) fn run(program: &str, args: &[&str]) -> Result<(), String> {
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
pub(crate) fn cargo(args: &[&str]) -> Result<(), String> {
    run(
        &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        args,
    )
}

/// Whether `program` is on PATH.
pub(crate) fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// The cargo target directory.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Installs the wasm32 target with rustup when it is missing.
pub(crate) fn ensure_wasm_target() -> Result<(), String> {
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
pub(crate) fn ensure_apt(program: &str, package: &str) -> Result<(), String> {
    if have(program) {
        return Ok(());
    }
    step(&format!(
        "installing {package} from Debian (apt-get install {package})"
    ));
    run("apt-get", &["update", "-qq"])?;
    run("apt-get", &["install", "-y", "-qq", package])
}

/// Pinned wasm-bindgen version: must equal the `wasm-bindgen` crate in Cargo.lock.
pub(crate) const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// PATH with `node_modules/.bin` (binaryen's wasm-opt) and `~/.cargo/bin` first.
pub(crate) fn tool_path() -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let home = std::env::var("HOME").unwrap_or_default();
    format!(
        "{}:{home}/.cargo/bin:{}",
        cwd.join("node_modules/.bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", tool_path())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Installs the npm packages (binaryen's wasm-opt, playwright-core,
/// json-server for the other-backend example, axe-core for the
/// accessibility audit) when missing.
pub(crate) fn ensure_npm() -> Result<(), String> {
    let manifest =
        std::fs::read_to_string("package.json").map_err(|e| format!("package.json: {e}"))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest).map_err(|e| format!("package.json: {e}"))?;
    let wanted: Vec<&str> = manifest["devDependencies"]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| {
            !std::path::Path::new("node_modules")
                .join(p)
                .join("package.json")
                .exists()
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !have("npm") {
        ensure_apt("npm", "npm")?;
    }
    step(&format!(
        "installing npm packages (missing: {}): npm ci",
        missing.join(", ")
    ));
    run("npm", &["ci", "--no-audit", "--no-fund"])
}

/// Installs Directus, the headless CMS of `examples/directus/` that its
/// browser test runs against, when missing: with the example's own
/// package.json and lock file, into the target directory (about 700 MB; a
/// persistent target directory keeps it between runs, and a changed lock
/// file installs again). Returns the folder holding its `node_modules`.
pub(crate) fn ensure_directus() -> Result<std::path::PathBuf, String> {
    match directus_missing()? {
        Some(dir) => install_directus(&dir, None),
        None => directus_dir(),
    }
}

/// Starts installing Directus (when missing) on a thread of its own, its
/// npm output in a log file: it waits on the network and the disk, so it
/// runs beside the builds, which want the processors (it took 5 to 9
/// minutes of a cold run in line). Join the handle before the browser
/// tests.
pub(crate) fn directus_in_background()
-> Result<std::thread::JoinHandle<Result<std::path::PathBuf, String>>, String> {
    let missing = directus_missing()?;
    if missing.is_some() && !have("npm") {
        // apt-get takes a lock the main thread may want: here, not there.
        ensure_apt("npm", "npm")?;
    }
    Ok(std::thread::spawn(move || match missing {
        Some(dir) => {
            let log = dir.with_extension("log");
            install_directus(&dir, Some(&log))
        }
        None => directus_dir(),
    }))
}

fn directus_dir() -> Result<std::path::PathBuf, String> {
    Ok(std::env::current_dir()
        .map_err(|e| e.to_string())?
        .join(target_dir())
        .join("directus"))
}

/// The folder to install Directus into, when it is not installed there
/// with the example's lock file.
fn directus_missing() -> Result<Option<std::path::PathBuf>, String> {
    let src = std::path::Path::new("examples/directus");
    let dir = directus_dir()?;
    let lock = std::fs::read(src.join("package-lock.json"))
        .map_err(|e| format!("examples/directus/package-lock.json: {e}"))?;
    let installed = dir.join("node_modules/directus/package.json").exists()
        && std::fs::read(dir.join("package-lock.json")).is_ok_and(|l| l == lock);
    Ok((!installed).then_some(dir))
}

/// `npm ci` of the example's lock file into `dir`; its output goes to
/// `log` when given (and is printed if it fails).
fn install_directus(
    dir: &std::path::Path,
    log: Option<&std::path::Path>,
) -> Result<std::path::PathBuf, String> {
    if !have("npm") {
        ensure_apt("npm", "npm")?;
    }
    let src = std::path::Path::new("examples/directus");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(src.join(f), dir.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    let quiet = log.map_or(String::new(), |l| {
        format!(" in the background, output in {}", l.display())
    });
    step(&format!(
        "installing Directus for the headless-CMS example into {} (npm ci, a few minutes, once{quiet})",
        dir.display()
    ));
    let prefix = dir.to_string_lossy().into_owned();
    let args = [
        "ci",
        "--prefix",
        &prefix,
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ];
    match log {
        None => run("npm", &args)?,
        Some(log) => {
            let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
            let err = out.try_clone().map_err(|e| e.to_string())?;
            let status = Command::new("npm")
                .args(args)
                .stdout(out)
                .stderr(err)
                .status()
                .map_err(|e| format!("could not start npm: {e}"))?;
            if !status.success() {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                return Err(format!("installing Directus failed ({status}):\n{text}"));
            }
            step("Directus installed (background)");
        }
    }
    Ok(dir.to_path_buf())
}

/// Installs the wasm toolchain pieces that are missing: the wasm32 target,
/// wasm-bindgen-cli at the pinned version, wasm-pack, binaryen (npm).
pub(crate) fn ensure_wasm_toolchain() -> Result<(), String> {
    ensure_wasm_target()?;
    let have_bindgen =
        output_of("wasm-bindgen", &["--version"]).is_some_and(|v| v.contains(WASM_BINDGEN_VERSION));
    if !have_bindgen {
        step(&format!(
            "installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (cargo install, a few minutes, once)"
        ));
        run(
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                WASM_BINDGEN_VERSION,
                "--force",
            ],
        )?;
    }
    if output_of("wasm-pack", &["--version"]).is_none() {
        step("installing wasm-pack (cargo install --locked, a few minutes, once)");
        run("cargo", &["install", "wasm-pack", "--locked"])?;
    }
    ensure_npm()
}

/// Installs Debian's chromium and chromium-driver when missing.
pub(crate) fn ensure_chromium() -> Result<(), String> {
    let fonts = std::path::Path::new("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc").exists();
    if have("chromium") && have("chromedriver") && fonts {
        return Ok(());
    }
    step("installing chromium, chromium-driver and a CJK font from Debian (browser tests)");
    run("apt-get", &["update", "-qq"])?;
    run(
        "apt-get",
        &[
            "install",
            "-y",
            "-qq",
            "chromium",
            "chromium-driver",
            "fonts-wqy-zenhei",
        ],
    )
}

/// Waits (up to 10 s) until the server at `base` answers `/healthz`.
pub(crate) fn wait_until_up(base: &str) {
    for _ in 0..100 {
        let up = Command::new("curl")
            .args(["-sf", &format!("{base}/healthz")])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if up {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
