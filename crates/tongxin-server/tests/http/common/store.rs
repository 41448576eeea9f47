//! Per-store helpers: which database a test server gets, and reading or
//! writing that database behind the server's back, on SQLite or on
//! PostgreSQL alike. `cargo xtask test` runs the HTTP suite twice: on
//! SQLite files, and with `TONGXIN_TEST_POSTGRES` naming a throwaway
//! PostgreSQL server (`postgresql:///postgres?host=DIR&port=N&user=U`), on
//! a fresh database per test server.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The throwaway PostgreSQL server's address, when the suite runs on it.
pub(crate) fn postgres_admin() -> Option<String> {
    std::env::var("TONGXIN_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Whether `db` is a PostgreSQL address.
pub(crate) fn is_postgres(db: &Path) -> bool {
    db.to_str().is_some_and(|d| d.starts_with("postgres"))
}

/// A new empty database for one test server: a file in `dir`, or a new
/// PostgreSQL database when the suite runs on PostgreSQL.
pub(crate) fn fresh_database(dir: &Path) -> PathBuf {
    let Some(admin) = postgres_admin() else {
        return dir.join("test.sqlite");
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        dir.file_name()
            .unwrap()
            .to_string_lossy()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    )
    .to_lowercase();
    off_runtime(|| {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    });
    let (_, query) = admin
        .split_once('?')
        .expect("postgresql:///postgres?host=…");
    PathBuf::from(format!("postgresql:///{name}?{query}"))
}

/// Runs `f` on its own thread: the synchronous PostgreSQL client may not
/// run inside the test's async runtime.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// One value read from either database.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Cell {
    pub(crate) fn int(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            other => panic!("not an integer: {other:?}"),
        }
    }
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            other => panic!("not text: {other:?}"),
        }
    }
    pub(crate) fn bytes(&self) -> Vec<u8> {
        match self {
            Cell::Bytes(b) => b.clone(),
            other => panic!("not bytes: {other:?}"),
        }
    }
}

/// A parameter of [`rows`].
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.into())
    }
}

/// `?1, ?2` as PostgreSQL's `$1, $2`.
fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

/// Every row `sql` returns from the database `db`.
pub(crate) fn rows(db: &Path, sql: &str, args: &[Arg]) -> Vec<Vec<Cell>> {
    if !is_postgres(db) {
        let c = rusqlite::Connection::open(db).unwrap();
        let mut st = c.prepare(sql).unwrap();
        let n = st.column_count();
        let params: Vec<rusqlite::types::Value> = args
            .iter()
            .map(|a| match a {
                Arg::Int(n) => (*n).into(),
                Arg::Text(s) => s.clone().into(),
            })
            .collect();
        use rusqlite::types::ValueRef as V;
        return st
            .query_map(rusqlite::params_from_iter(params), |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            V::Null => Cell::Null,
                            V::Integer(n) => Cell::Int(n),
                            V::Real(f) => Cell::Real(f),
                            V::Text(t) => Cell::Text(String::from_utf8_lossy(t).into()),
                            V::Blob(b) => Cell::Bytes(b.to_vec()),
                        })
                    })
                    .collect()
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    }
    let url = db.to_str().unwrap().to_owned();
    off_runtime(move || {
        use postgres::types::{ToSql, Type};
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let params: Vec<Box<dyn ToSql + Sync>> = args
            .iter()
            .map(|a| -> Box<dyn ToSql + Sync> {
                match a {
                    Arg::Int(n) => Box::new(*n),
                    Arg::Text(s) => Box::new(s.clone()),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
        c.query(&dollars(sql), &refs)
            .unwrap()
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        let ty = r.columns()[i].type_();
                        let cell = if *ty == Type::INT8 {
                            r.get::<_, Option<i64>>(i).map(Cell::Int)
                        } else if *ty == Type::INT4 {
                            r.get::<_, Option<i32>>(i).map(|n| Cell::Int(n.into()))
                        } else if *ty == Type::BOOL {
                            r.get::<_, Option<bool>>(i).map(|b| Cell::Int(b.into()))
                        } else if *ty == Type::FLOAT8 {
                            r.get::<_, Option<f64>>(i).map(Cell::Real)
                        } else if *ty == Type::BYTEA {
                            r.get::<_, Option<Vec<u8>>>(i).map(Cell::Bytes)
                        } else {
                            r.get::<_, Option<String>>(i).map(Cell::Text)
                        };
                        cell.unwrap_or(Cell::Null)
                    })
                    .collect()
            })
            .collect()
    })
}

/// The one value `sql` returns.
pub(crate) fn one(db: &Path, sql: &str, args: &[Arg]) -> Cell {
    let all = rows(db, sql, args);
    assert_eq!(all.len(), 1, "{sql}: {all:?}");
    all[0][0].clone()
}

/// Runs a statement on `db`; the database's refusal as text.
pub(crate) fn exec(db: &Path, sql: &str) -> Result<u64, String> {
    if !is_postgres(db) {
        let c = rusqlite::Connection::open(db).unwrap();
        return c
            .execute(sql, [])
            .map(|n| n as u64)
            .map_err(|e| e.to_string());
    }
    let url = db.to_str().unwrap().to_owned();
    off_runtime(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.execute(sql, &[]).map_err(|e| {
            e.as_db_error()
                .map(|d| d.message().to_owned())
                .unwrap_or_else(|| e.to_string())
        })
    })
}

/// Every row of every table of `db` but the audit log, sorted, as text:
/// equal snapshots mean nothing was written.
pub(crate) fn snapshot_of(db: &Path) -> String {
    let list = if is_postgres(db) {
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> 'audit_log' ORDER BY 1"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_log' ORDER BY name"
    };
    let mut out = String::new();
    for t in rows(db, list, &[]) {
        let t = t[0].text();
        let mut lines: Vec<String> = rows(db, &format!("SELECT * FROM {t}"), &[])
            .iter()
            .map(|r| r.iter().map(|c| format!("{c:?}|")).collect())
            .collect();
        lines.sort();
        out.push_str(&format!("## {t}\n{}\n", lines.join("\n")));
    }
    out
}

/// True (and says so) when the suite runs on PostgreSQL and the calling
/// test is about the SQLite file itself (`why`): such a test returns early.
pub(crate) fn sqlite_only(why: &str) -> bool {
    let skip = postgres_admin().is_some();
    if skip {
        eprintln!("not on PostgreSQL: {why}");
    }
    skip
}

/// A single- or multiple-choice poll's stored tally as `(ballots, votes
/// per option)`: the poll's row plus, on PostgreSQL, every writer's part.
pub(crate) fn stored_choice_tally(
    db: &Path,
    poll: i64,
) -> (i64, std::collections::BTreeMap<String, i64>) {
    let mut tallies = vec![one(db, "SELECT tally FROM polls WHERE id = ?1", &[poll.into()]).text()];
    if is_postgres(db) {
        for r in rows(
            db,
            "SELECT tally FROM poll_tally_parts WHERE poll_id = ?1",
            &[poll.into()],
        ) {
            tallies.push(r[0].text());
        }
    }
    let mut ballots = 0;
    let mut votes = std::collections::BTreeMap::new();
    for t in tallies {
        let t: serde_json::Value = serde_json::from_str(&t).unwrap();
        ballots += t["ballots"].as_i64().unwrap();
        for (option, n) in t["counts"]["choices"]["votes"].as_object().unwrap() {
            *votes.entry(option.clone()).or_insert(0) += n.as_i64().unwrap();
        }
    }
    (ballots, votes)
}
