//! `tongxin-server migrate --from sqlite:PATH --to postgres://…` on the
//! demo data: every table holds as many rows after the move, and every
//! tally, signature list, proposal and ledger reads the same through the
//! API of a server on PostgreSQL as it did on SQLite. A second move into
//! the now full database, and bad arguments, are refused and change nothing.
//! (Needs PostgreSQL: returns early on the SQLite-only run.)

use std::process::{Command, Output};

use crate::common::TestServer;
use crate::common::store::{fresh_database, postgres_admin, rows, snapshot_of};
use reqwest::Method;
use serde_json::Value;

fn migrate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin-server"))
        .arg("migrate")
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

/// What residents and staff read: every poll's results, every convention's
/// signatures, every proposal with its ledger, pledges and timeline.
async fn views(t: &TestServer) -> Vec<(String, String)> {
    let mut paths = vec!["/api/v1/polls".to_string(), "/api/v1/proposals.csv".into()];
    for p in t.get("/api/v1/polls").await.as_array().unwrap() {
        paths.push(format!("/api/v1/polls/{}/results", p["id"]));
    }
    for c in t.get("/api/v1/conventions").await.as_array().unwrap() {
        paths.push(format!("/api/v1/conventions/{}/count", c["id"]));
        paths.push(format!("/api/v1/conventions/{}/signatures.csv", c["id"]));
    }
    for p in t
        .get("/api/v1/proposals?limit=100&include_closed=true")
        .await["items"]
        .as_array()
        .unwrap()
    {
        let id = &p["proposal"]["id"];
        assert!(id.is_i64(), "{p}");
        for part in [
            "",
            "/ledger.csv",
            "/pledges",
            "/timeline",
            "/evaluations.csv",
        ] {
            paths.push(format!("/api/v1/proposals/{id}{part}"));
        }
    }
    let mut out = Vec::new();
    for path in paths {
        let r = t.admin(Method::GET, &path).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        out.push((path, r.text().await.unwrap()));
    }
    out
}

fn counts(db: &std::path::Path, tables: &[String]) -> Vec<(String, i64)> {
    tables
        .iter()
        .map(|t| {
            (
                t.clone(),
                rows(db, &format!("SELECT COUNT(*) FROM {t}"), &[])[0][0].int(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_demo_moves_to_postgresql_intact() {
    if postgres_admin().is_none() {
        eprintln!("the move needs PostgreSQL: run under cargo xtask test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.sqlite");
    let mut before = {
        let f = file.clone();
        TestServer::start_with(move |c| {
            c.demo = true;
            c.db = f;
        })
        .await
    };
    let seen = views(&before).await;
    assert!(seen.len() > 30, "the demo has items: {}", seen.len());
    before.stop().await;
    let tables: Vec<String> = rows(
        &file,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name",
        &[],
    )
    .iter()
    .map(|r| r[0].text())
    .collect();
    let in_file = counts(&file, &tables);

    let pg = fresh_database(dir.path());
    let from = format!("sqlite:{}", file.display());
    let to = pg.to_string_lossy().into_owned();
    let out = migrate(&["--from", &from, "--to", &to]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let total: i64 = in_file.iter().map(|(_, n)| n).sum();
    assert!(said.starts_with(&format!("moved {total} rows")), "{said}");
    assert_eq!(counts(&pg, &tables), in_file);

    // A second move into the full database is refused and changes nothing.
    let moved = snapshot_of(&pg);
    let again = migrate(&["--from", &from, "--to", &to]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    for bad in [
        vec![
            "--from",
            "sqlite:/nonexistent/x.sqlite",
            "--to",
            to.as_str(),
        ],
        vec![
            "--from",
            from.as_str(),
            "--to",
            "/tmp/not-a-database.sqlite",
        ],
        vec!["--from", from.as_str()],
    ] {
        let o = migrate(&bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(!o.stderr.is_empty(), "{bad:?} says why");
    }
    assert_eq!(snapshot_of(&pg), moved);

    // The same answers from a server on PostgreSQL.
    let after = {
        let db = pg.clone();
        TestServer::start_with(move |c| c.db = db).await
    };
    let now = views(&after).await;
    for ((path, was), (_, is)) in seen.iter().zip(&now) {
        let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.into()));
        assert_eq!(parse(is), parse(was), "{path}");
    }
    // New rows continue after the moved ids.
    let scope = after
        .admin_post(
            "/api/v1/admin/scopes",
            serde_json::json!({"level": "district", "name": "新区"}),
        )
        .await;
    let max = rows(&file, "SELECT MAX(id) FROM scopes", &[])[0][0].int();
    assert!(scope["id"].as_i64().unwrap() > max, "{scope}");
}
