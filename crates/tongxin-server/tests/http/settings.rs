//! The server's settings at start: flags and `TONGXIN_*` variables parsed
//! by the real binary; a bad value stops it with the setting named and
//! exit code 2, before it opens a database or a port.

use std::process::{Command, Output};

const PEPPER: &str =
    "settings-pepper-2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

/// Runs the server binary with `args` and `env`, in an empty directory so
/// that a start that got too far would show as a database file.
fn server(args: &[&str], env: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tongxin-server"))
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "error")
        .current_dir(dir.path())
        .output()
        .expect("server binary");
    (out, dir)
}

/// A refusal: exit 2, nothing written; returns what it printed.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let (out, dir) = server(args, env);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a refused start wrote nothing"
    );
    stderr
}

#[test]
fn help_lists_every_setting_and_exits_0() {
    let (out, _dir) = server(&["--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for part in [
        "--listen",
        "TONGXIN_LISTEN",
        "--db",
        "--max-concurrency",
        "TONGXIN_TRUSTED_PROXIES",
        "TONGXIN_PEPPER",
        "[default: 512]",
    ] {
        assert!(help.contains(part), "--help lacks {part}:\n{help}");
    }
}

#[test]
fn a_bad_flag_value_is_refused_with_the_flag_named() {
    let pepper = [("TONGXIN_PEPPER", PEPPER)];
    for (args, named) in [
        (&["--listen", "nowhere"][..], "--listen"),
        (&["--max-concurrency", "0"], "--max-concurrency"),
        (&["--utc-offset-minutes", "100000"], "--utc-offset-minutes"),
        (&["--frobnicate"], "--frobnicate"),
        (&["--db"], "--db"),
    ] {
        let e = refused(args, &pepper);
        assert!(e.contains(named), "{args:?}: {e}");
    }
}

#[test]
fn a_bad_variable_is_refused_with_the_variable_named() {
    for (var, value) in [
        ("TONGXIN_MAX_CONCURRENCY", "0"),
        ("TONGXIN_IP_WRITES_PER_MIN", "lots"),
        ("TONGXIN_TRUSTED_PROXIES", "10.0.0.0/99"),
        ("TONGXIN_LISTEN", "<script>alert(1)</script>"),
        ("TONGXIN_HEADER_TIMEOUT_SECS", "99999999999999999999999"),
    ] {
        let e = refused(&[], &[("TONGXIN_PEPPER", PEPPER), (var, value)]);
        assert!(e.contains(var), "{var}={value}: {e}");
    }
}

#[test]
fn a_flag_wins_over_its_variable() {
    // The variable is bad, the flag good: the flag is what counts, so the
    // start gets past parsing and stops at the missing pepper instead.
    let e = refused(
        &["--max-concurrency", "8"],
        &[("TONGXIN_MAX_CONCURRENCY", "0")],
    );
    assert!(e.contains("TONGXIN_PEPPER"), "{e}");
    assert!(!e.contains("MAX_CONCURRENCY"), "{e}");
}

#[test]
fn secrets_are_not_flags() {
    let e = refused(&["--pepper", PEPPER], &[]);
    assert!(e.contains("--pepper"), "{e}");
    let e = refused(&[], &[("TONGXIN_PEPPER", "short")]);
    assert!(e.contains("too weak") && e.contains("openssl rand"), "{e}");
}

/// The attack: a weak voter secret lets anyone brute-force it offline and
/// forge voter tokens for unlimited votes. The server refuses to start.
#[test]
fn weak_secrets_are_refused_at_startup() {
    for (var, value) in [
        ("TONGXIN_VOTER_SECRET", "x"),
        ("TONGXIN_VOTER_SECRET", "correct-horse-battery"),
        (
            "TONGXIN_ADMIN_TOKEN",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        ("TONGXIN_PEPPER", "0123456789abcdef"),
    ] {
        let pepper = if var == "TONGXIN_PEPPER" {
            value
        } else {
            PEPPER
        };
        let e = refused(&[], &[("TONGXIN_PEPPER", pepper), (var, value)]);
        assert!(
            e.contains(var) && e.contains("too weak"),
            "{var}={value}: {e}"
        );
        assert!(
            !e.contains(value) || value.len() < 3,
            "the secret is not echoed: {e}"
        );
    }
    // Strong, but without the host site's aud/iss: refused too.
    let strong = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let e = refused(
        &[],
        &[("TONGXIN_PEPPER", PEPPER), ("TONGXIN_VOTER_SECRET", strong)],
    );
    assert!(e.contains("--voter-audience"), "{e}");
}
