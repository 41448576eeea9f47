//! `tongxin-server backup | restore | check`, run as the real binary on a
//! running server's database: a backup taken mid-service holds exactly what
//! was committed before it, a restore brings it back (and keeps the file it
//! replaces), and bad files or paths are refused with nothing changed.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use serde_json::json;

fn server_cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin-server"))
        .args(args)
        .env_remove("TONGXIN_DB")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn refused(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn vote(t: &TestServer, poll: i64, n: usize) {
    let r = t
        .req(
            reqwest::Method::POST,
            &format!("/api/v1/polls/{poll}/ballots"),
        )
        .header("x-tongxin-device", device(n))
        .json(&json!({"kind": "single", "option": n % 2 + 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_exactly_what_it_held() {
    if crate::common::store::sqlite_only(
        "backup and restore copy a SQLite file (pg_dump does this for PostgreSQL)",
    ) {
        return;
    }
    let mut t = TestServer::start_with(|c| c.demo = true).await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    for n in 0..5 {
        vote(&t, poll, n).await;
    }
    let copy = t.dir.path().join("nightly.sqlite");
    let said = ok(&server_cli(&[
        "backup",
        "--db",
        path(&t.db),
        "--to",
        path(&copy),
    ]));
    assert!(
        said.contains("backup written to") && said.contains("schema "),
        "{said}"
    );
    let at_backup = snapshot_of(&copy);
    assert_eq!(at_backup, t.snapshot(), "the copy is the committed state");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a backup is for its owner only");
    }
    let checked = ok(&server_cli(&["check", "--db", path(&copy)]));
    assert!(checked.starts_with("ok "), "{checked}");

    // Life goes on after the backup ...
    for n in 5..8 {
        vote(&t, poll, n).await;
    }
    t.stop().await;

    // ... then the file is lost to a mistake and the backup put back.
    let said = ok(&server_cli(&[
        "restore",
        "--db",
        path(&t.db),
        "--from",
        path(&copy),
    ]));
    assert!(said.contains("the previous file is kept as"), "{said}");
    assert_eq!(snapshot_of(&t.db), at_backup);
    let kept = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("test.sqlite.before-restore-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .expect("the replaced file is kept");
    let kept_facts = ok(&server_cli(&["check", "--db", path(&kept)]));
    assert!(kept_facts.contains("ballots "), "{kept_facts}");

    t.restart().await;
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(
        r["ballots"], 5,
        "the restored server counts the ballots of the backup"
    );
    let demo_polls = t.get("/api/v1/polls").await;
    assert!(
        demo_polls.as_array().unwrap().len() > 1,
        "the demo data came back too"
    );
    vote(&t, poll, 9).await;
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 6, "and it takes new ballots");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_and_paths_are_refused_and_nothing_changes() {
    if crate::common::store::sqlite_only("backup and restore copy a SQLite file") {
        return;
    }
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let poll = t
        .poll(s[2], json!({"type": "single"}), &["a", "b"], json!({}))
        .await;
    vote(&t, poll, 1).await;
    let before = t.snapshot();
    let dir = t.dir.path();

    // No database there.
    let missing = dir.join("missing.sqlite");
    let e = refused(&server_cli(&[
        "backup",
        "--db",
        path(&missing),
        "--to",
        path(&dir.join("b")),
    ]));
    assert!(e.contains("no such database file"), "{e}");
    assert!(
        !missing.exists(),
        "a backup never creates the database it copies"
    );

    // A target directory that does not exist: nothing half written is left.
    let nowhere = dir.join("no-such-dir").join("b.sqlite");
    refused(&server_cli(&[
        "backup",
        "--db",
        path(&t.db),
        "--to",
        path(&nowhere),
    ]));
    assert!(!nowhere.parent().unwrap().exists());

    // Restoring garbage, a truncated copy or somebody else's SQLite file.
    let garbage = dir.join("garbage.sqlite");
    std::fs::write(&garbage, b"<script>alert(1)</script> not a database").unwrap();
    let good = dir.join("good.sqlite");
    ok(&server_cli(&[
        "backup",
        "--db",
        path(&t.db),
        "--to",
        path(&good),
    ]));
    let truncated = dir.join("truncated.sqlite");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let foreign = dir.join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    for bad in [&garbage, &truncated, &foreign, &missing] {
        let e = refused(&server_cli(&[
            "restore",
            "--db",
            path(&t.db),
            "--from",
            path(bad),
        ]));
        assert!(e.contains(path(bad)), "the refusal names the file: {e}");
        refused(&server_cli(&["check", "--db", path(bad)]));
    }
    let e = refused(&server_cli(&[
        "restore",
        "--db",
        path(&t.db),
        "--from",
        path(&foreign),
    ]));
    assert!(e.contains("not a Tongxin database"), "{e}");

    // Missing and unknown arguments are usage errors.
    refused(&server_cli(&["backup", "--db", path(&t.db)]));
    refused(&server_cli(&[
        "restore",
        "--db",
        path(&t.db),
        "--form",
        path(&good),
    ]));

    assert_eq!(t.snapshot(), before, "the live database is untouched");
    let r = t.get(&format!("/api/v1/polls/{poll}/results")).await;
    assert_eq!(r["ballots"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_a_database_file_replaced_under_the_server() {
    if crate::common::store::sqlite_only("a SQLite file replaced under the server") {
        return;
    }
    let t = TestServer::start().await;
    let copy = t.dir.path().join("copy.sqlite");
    ok(&server_cli(&[
        "backup",
        "--db",
        path(&t.db),
        "--to",
        path(&copy),
    ]));
    let r = t
        .req(reqwest::Method::GET, "/healthz")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The mistake deploy.md warns of: a restore while the server runs. The
    // server would go on writing to the file moved aside; the next probe
    // says so, and a load balancer stops sending it residents.
    ok(&server_cli(&[
        "restore",
        "--db",
        path(&t.db),
        "--from",
        path(&copy),
    ]));
    let r = t
        .req(reqwest::Method::GET, "/healthz")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ok"], false);
    let problem = body["problem"].as_str().unwrap();
    assert!(
        problem.contains("replaced under the running server"),
        "{body}"
    );
}
