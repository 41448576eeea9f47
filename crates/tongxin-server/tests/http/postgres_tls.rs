//! The connection to PostgreSQL over TLS (`sslmode=require`), against the
//! throwaway server of `cargo xtask test`, whose TCP port takes TLS only
//! (`TONGXIN_TEST_POSTGRES_TLS` names it, with its CA's certificate as
//! `sslrootcert`): a server on that address works end to end and its
//! connections are encrypted; a certificate nobody vouched for, a missing
//! root file or a plain connection is refused with a reason.
//! (On the SQLite pass there is no PostgreSQL: the tests return early.)

use std::path::{Path, PathBuf};

use crate::common::{TestServer, device, send};
use reqwest::Method;
use serde_json::json;

/// The database name in a fresh test database's Unix-socket address
/// (`postgresql:///NAME?host=…`).
fn database_name(unix: &Path) -> String {
    let unix = unix.to_str().expect("UTF-8 address");
    let rest = unix
        .strip_prefix("postgresql:///")
        .expect("postgresql:///NAME?…");
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// A fresh test database, by its name and its TLS address, when the suite
/// runs on PostgreSQL.
fn fresh_tls_database(dir: &Path) -> Option<(String, PathBuf)> {
    crate::common::store::postgres_admin()?;
    let tls = std::env::var("TONGXIN_TEST_POSTGRES_TLS").ok()?;
    let name = database_name(&crate::common::store::fresh_database(dir));
    let address = tls.replacen("/postgres?", &format!("/{name}?"), 1);
    Some((name, PathBuf::from(address)))
}

async fn open_error(db: &Path) -> String {
    match tongxin_server::storage::open(db, &tongxin_server::storage::Options::new(60_000)).await {
        Ok(_) => panic!("{} opened", db.display()),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_a_tls_address_votes_over_encrypted_connections() {
    let dir = tempfile::tempdir().unwrap();
    let Some((name, tls)) = fresh_tls_database(dir.path()) else {
        eprintln!("TLS to PostgreSQL needs the throwaway server: run under cargo xtask test");
        return;
    };
    let t = TestServer::start_with(|c| c.db = tls.clone()).await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["甲", "乙"], json!({}))
        .await;
    let (status, receipt) = send(
        t.req(Method::POST, &format!("/api/v1/polls/{poll}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "single", "option": 2})),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    let results = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(results["ballots"], 1, "{results}");
    let health = t.req(Method::GET, "/healthz").send().await.unwrap();
    assert_eq!(health.status(), 200);

    // Read from the Unix socket (no TLS there): the server's own
    // connections to this database, and whether each is encrypted.
    let admin = crate::common::store::postgres_admin().unwrap();
    let sessions: Vec<(bool, String)> = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.query(
            "SELECT s.ssl, COALESCE(s.version, '') FROM pg_stat_ssl s \
             JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.application_name = 'tongxin-server'",
            &[&name],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    })
    .join()
    .unwrap();
    assert!(!sessions.is_empty(), "the server holds pooled connections");
    for (ssl, version) in &sessions {
        assert!(*ssl, "every connection is encrypted: {sessions:?}");
        assert!(version.starts_with("TLSv1."), "{version}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchecked_or_plain_connections_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_, tls)) = fresh_tls_database(dir.path()) else {
        eprintln!("TLS to PostgreSQL needs the throwaway server: run under cargo xtask test");
        return;
    };
    let tls = tls.to_str().unwrap().to_string();
    let (base, _) = tls.split_once('?').unwrap();

    // The system's roots do not vouch for the throwaway CA's certificate:
    // encryption to an unknown party is not accepted.
    let system = open_error(Path::new(&format!("{base}?sslmode=require"))).await;
    assert!(system.contains("certificate"), "{system}");
    let verify_full = open_error(Path::new(&format!(
        "{base}?sslmode=verify-full&sslrootcert=system"
    )))
    .await;
    assert!(verify_full.contains("certificate"), "{verify_full}");

    // A root file that is not there is named.
    let missing = open_error(Path::new(&format!(
        "{base}?sslmode=require&sslrootcert=/nonexistent/ca.pem"
    )))
    .await;
    assert!(missing.contains("/nonexistent/ca.pem"), "{missing}");

    // Plain TCP to a server that takes TLS only: refused by the server,
    // and the operator reads why.
    let plain = open_error(Path::new(&format!("{base}?sslmode=disable"))).await;
    assert!(plain.contains("no encryption"), "{plain}");

    // And the right root still works (the address itself is fine).
    assert!(
        tongxin_server::storage::open(
            Path::new(&tls),
            &tongxin_server::storage::Options::new(60_000)
        )
        .await
        .is_ok()
    );
}
