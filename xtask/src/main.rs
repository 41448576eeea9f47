//! `cargo xtask …` — the project's two everyday commands and its benchmark.
//!
//! * `demo`  — build and start the reference server with demo data on
//!   http://127.0.0.1:8080, SQLite file under `./data/`;
//! * `test`  — everything CI runs (`.ci/run` calls exactly this);
//! * `bench` — load the release server on loopback and print figures, then
//!   the phone benchmark (`phone`);
//! * `bundle`, `size` — build the widget bundles; what each page family
//!   transfers against `size-budgets.json`.
//!
//! Each command installs what it is missing (the wasm32 target, wrk) with a
//! message saying so, instead of failing obscurely.

mod bench;
mod bench_pg;
mod bundle;
mod console;
mod css_split;
mod disk;
mod failover;
mod fingerprint;
mod fuzz;
mod package;
mod pgbouncer;
mod phone;
mod postgres;
mod size;
mod size_why;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        // `cargo xtask demo -- --listen …` (as the README writes it): the
        // `--` only separates xtask's words from the server's.
        Some("demo") => demo(
            args[1..]
                .strip_prefix(&["--".to_string()])
                .unwrap_or(&args[1..]),
        ),
        Some("test") => test(),
        Some("bench") if args.get(1).is_some_and(|a| a == "pg") => bench_pg::run_alone(),
        Some("bench") => bench::run().and_then(|()| phone::run()),
        Some("phone") => phone::run(),
        Some("bundle") => bundle::build().map(|_| ()),
        Some("console") => {
            tools::ensure_wasm_toolchain().and_then(|()| console::build(&bundle::dir()))
        }
        Some("package") => npm_package().map(|_| ()),
        Some("install") => install().map(|_| ()),
        Some("size") if args.get(1).is_some_and(|a| a == "--why") => size_why::why(&args[2..]),
        Some("size") => size::report(true, None).map(|_| ()),
        Some("e2e") => e2e(),
        Some("postgres") => postgres_suite(),
        Some("failover") => tools::cargo(&["build", "-p", "tongxin-server"])
            .and_then(|()| failover::run(&server_bin()?))
            .and_then(|()| pgbouncer::run(&server_bin()?)),
        Some("fuzz") => tools::cargo(&["build", "-p", "tongxin-server"])
            .and_then(|()| server_bin())
            .and_then(|bin| fuzz::run(&bin)),
        _ => {
            eprintln!(
                "usage: cargo xtask demo|test|bench|phone|bundle|console|package|install|size|fuzz|postgres\n\n  demo    start the demo site on http://127.0.0.1:8080\n  test    run everything CI runs\n  bench   measure the server on loopback, then the phone benchmark\n          (pg: only the PostgreSQL part)\n  phone   each page family on a phone profile in headless Chromium\n  bundle  build the widget bundles into target/tongxin-bundle\n  console rebuild only the staff console (target/tongxin-bundle/console)\n  package the npm package tongxin-widgets (target/tongxin-npm/*.tgz)\n  install the single tongxin-server binary, site and widgets inside, into ~/.cargo/bin\n  size    what each page family transfers, against size-budgets.json\n          (--why [bundle …]: where each bundle's bytes go, by crate and function)\n  fuzz    schemathesis against the server's /openapi.json\n  postgres the server's HTTP suite alone, on a throwaway PostgreSQL, then failover (part of test)\n  failover a primary and a synchronous replica, the primary lost while residents vote;\n          then two instances through PgBouncer (transaction pooling)"
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
    let bundle = bundle::build()?;
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
        "--bundle".into(),
        bundle.to_string_lossy().into_owned(),
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
    disk::ensure_room(&tools::target_dir())?;
    tools::ensure_wasm_target()?;
    tools::ensure_apt("curl", "curl")?;
    let directus = tools::directus_in_background()?;
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
    // The widget bundle before the tests: the server embeds it (build.rs),
    // so the binary the test step builds is the one the browser tests and
    // the fuzzer run, built once. Built after the bundle, `cargo build -p
    // tongxin-server` unified the features without the dev-dependencies
    // and rebuilt them (about 1 min 20 s cold, 20 s warm).
    let built = bundle::build()?;
    // --locked: a lock file that no longer matches Cargo.toml fails here,
    // as it would fail `cargo install --locked` (the README's recipe).
    tools::step("unit, property and HTTP tests (cargo test --workspace --locked)");
    tools::cargo(&["test", "--workspace", "--locked"])?;
    postgres_suite()?;
    components()?;
    let directus = directus
        .join()
        .map_err(|_| "the Directus installation panicked".to_string())??;
    e2e_with(&built, &directus, &single_binary()?)?;
    fuzz::run(&server_bin()?)?;
    tools::step("bundle sizes against size-budgets.json (a page family over its limit fails)");
    size::report(true, Some(built))?;
    tools::step("all tests passed");
    Ok(())
}

/// The server's HTTP suite again, every test server on a fresh database
/// of a throwaway PostgreSQL server. It selects the whole workspace, as the
/// first pass does: `-p tongxin-server` alone unifies the dependencies'
/// features differently and rebuilt every one of them (about 3 minutes of a
/// cold run); the other crates' tests take about a second.
fn postgres_suite() -> Result<(), String> {
    tools::step("starting a throwaway PostgreSQL (initdb into a temporary directory)");
    let pg = postgres::Throwaway::start(postgres::Durability::Tests)?;
    tools::step("the server's HTTP suite on PostgreSQL (TONGXIN_TEST_POSTGRES)");
    let status = std::process::Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--tests"])
        .env("TONGXIN_TEST_POSTGRES", &pg.url)
        .env("TONGXIN_TEST_POSTGRES_TLS", &pg.tls_url)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    drop(pg);
    if !status.success() {
        return Err("the HTTP suite failed on PostgreSQL".into());
    }
    failover::run(&server_bin()?)?;
    pgbouncer::run(&server_bin()?)
}

/// Component tests of the widgets in headless Chromium (wasm-bindgen-test).
fn components() -> Result<(), String> {
    tools::ensure_chromium()?;
    tools::ensure_wasm_toolchain()?;
    tools::step("widget component tests in headless Chromium (wasm-pack test --headless --chrome)");
    let status = std::process::Command::new("wasm-pack")
        .args([
            "test",
            "--headless",
            "--chrome",
            "--mode",
            "no-install",
            "crates/tongxin-widgets",
        ])
        .env("PATH", tools::tool_path())
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .status()
        .map_err(|e| format!("wasm-pack: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("widget component tests failed".into())
    }
}

/// `cargo xtask package`: the bundle, the server (for its OpenAPI
/// document), then the npm package; returns the tarball.
fn npm_package() -> Result<std::path::PathBuf, String> {
    let bundle = bundle::build()?;
    tools::cargo(&["build", "-p", "tongxin-server"])?;
    package::build(&bundle, &server_bin()?)
}

/// `cargo xtask install`: the bundle, then `cargo install` of the release
/// server with the demo site, the recipes and the bundle built in.
fn install() -> Result<std::path::PathBuf, String> {
    bundle::build()?;
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    install_into(&home)
}

/// `cargo install` of the release server into `root`; returns the
/// installed binary. The bundle must be built: `build.rs` embeds it.
fn install_into(root: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let root = cwd.join(root);
    let target = cwd.join(tools::target_dir());
    tools::step(&format!(
        "cargo install tongxin-server into {} (one binary, site and widgets inside)",
        root.display()
    ));
    let (root_s, target_s) = (root.to_string_lossy(), target.to_string_lossy());
    let args = [
        "install",
        "--locked",
        "--force",
        "--path",
        "crates/tongxin-server",
        "--root",
        &root_s,
        "--target-dir",
        &target_s,
    ];
    tools::cargo(&args)?;
    Ok(root.join("bin/tongxin-server"))
}

/// The debug server binary (built by the browser-test step).
fn server_bin() -> Result<std::path::PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    Ok(cwd.join(tools::target_dir()).join("debug/tongxin-server"))
}

/// `cargo xtask e2e`: the bundle, the debug server with it inside, then
/// the browser tests.
fn e2e() -> Result<(), String> {
    let bundle = bundle::build()?;
    tools::step("building the server for the browser tests");
    tools::cargo(&["build", "-p", "tongxin-server"])?;
    let directus = tools::ensure_directus()?;
    e2e_with(&bundle, &directus, &single_binary()?)
}

/// The debug server the tests built, copied alone into an empty
/// `tongxin-install/bin/` (where `cargo install --root` would put it): the
/// browser test starts it from an empty folder to show that the site, the
/// recipes and the widgets are inside. (A second build by `cargo install
/// --debug` took 3 min 26 s of a cold run for the same binary.)
fn single_binary() -> Result<std::path::PathBuf, String> {
    let root = tools::target_dir().join("tongxin-install");
    tools::step(&format!(
        "the single binary, copied alone into {}/bin (one file, site and widgets inside)",
        root.display()
    ));
    let _ = std::fs::remove_dir_all(&root);
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let to = cwd.join(bin.join("tongxin-server"));
    std::fs::copy(server_bin()?, &to).map_err(|e| format!("{}: {e}", to.display()))?;
    Ok(to)
}

/// Browser end-to-end tests: Playwright (playwright-core) driving Debian's
/// Chromium against the debug server (built with `bundle` inside) with a
/// fresh SQLite file.
fn e2e_with(
    bundle: &std::path::Path,
    directus: &std::path::Path,
    installed: &std::path::Path,
) -> Result<(), String> {
    tools::ensure_chromium()?;
    tools::step("browser end-to-end tests (node --test tests/e2e, screenshots in test-output/e2e)");
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let server = server_bin()?;
    let tarball = package::build(bundle, &server)?;
    let status = std::process::Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .env("TONGXIN_SERVER_BIN", server)
        .env("TONGXIN_NPM_TARBALL", tarball)
        .env("TONGXIN_INSTALLED_BIN", installed)
        .env("TONGXIN_WWW", cwd.join("www"))
        .env("TONGXIN_BUNDLE", bundle)
        .env("TONGXIN_EXAMPLES", cwd.join("examples"))
        .env("TONGXIN_DIRECTUS_DIR", directus)
        .status()
        .map_err(|e| format!("node: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("browser end-to-end tests failed".into())
    }
}
