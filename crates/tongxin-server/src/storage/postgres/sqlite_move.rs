//! `tongxin-server migrate --from sqlite:PATH --to postgres://…`: moves a
//! community's data from its SQLite file into an empty PostgreSQL
//! database, table by table and row by row, in one transaction. Ids are
//! kept (links between rows, cursors and URLs stay valid) and the id
//! sequences continue after them; the row counts of every table are
//! compared before the commit, so a move either is complete or did not
//! happen.

use std::path::Path;

use postgres::Client;
use postgres::types::ToSql;
use rusqlite::{Connection, OpenFlags};

use crate::storage::sql::Value;

/// Tables other rows point at, copied first.
const FIRST: &[&str] = &["scopes", "staff_users"];

/// Rows moved per table, in the order they were moved.
pub type Moved = Vec<(String, u64)>;

fn sqlite_tables(c: &Connection) -> Result<Vec<String>, String> {
    let mut st = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name",
        )
        .map_err(|e| e.to_string())?;
    let mut names: Vec<String> = st
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())?;
    names.sort_by_key(|n| {
        (
            !FIRST.contains(&n.as_str()),
            FIRST.iter().position(|f| f == n),
        )
    });
    Ok(names)
}

fn columns(c: &Connection, table: &str) -> Result<Vec<String>, String> {
    let mut st = c
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .map_err(|e| e.to_string())?;
    st.query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())
}

fn rows(c: &Connection, table: &str, cols: &[String]) -> Result<Vec<Vec<Value>>, String> {
    let mut st = c
        .prepare(&format!("SELECT {} FROM {table}", cols.join(", ")))
        .map_err(|e| e.to_string())?;
    let mut rows = st.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        let mut row = Vec::with_capacity(cols.len());
        for i in 0..cols.len() {
            row.push(crate::storage::sqlite::value(
                r.get_ref(i).map_err(|e| e.to_string())?,
            ));
        }
        out.push(row);
    }
    Ok(out)
}

fn count(tx: &mut postgres::Transaction<'_>, table: &str) -> Result<u64, String> {
    let n: i64 = tx
        .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .map_err(|e| e.to_string())?
        .get(0);
    Ok(n as u64)
}

/// Moves everything from the SQLite file `from` into the empty
/// PostgreSQL database `to` (created by the server's migrations if new).
/// Must not run on an async runtime's thread.
pub fn move_from_sqlite(from: &Path, to: &str) -> Result<Moved, String> {
    if !from.exists() {
        return Err(format!("{}: no such file", from.display()));
    }
    // Opening it through the store brings an older file up to date first.
    drop(
        crate::storage::sqlite::SqliteEngine::open(
            from,
            crate::storage::sqlite::DEFAULT_IDEMPOTENCY_TTL_MS,
        )
        .map_err(|e| format!("{}: {e}", from.display()))?,
    );
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{}: {e}", from.display()))?;
    let (mut config, tls) = super::tls::parse(to).map_err(|e| e.to_string())?;
    config.options("-c client_min_messages=warning");
    let mut pg: Client = tls
        .connect(&config)
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    let tx = pg.transaction().map_err(|e| e.to_string())?;
    super::migrate(tx).map_err(|e| e.to_string())?;
    let tables = sqlite_tables(&src)?;
    let mut tx = pg.transaction().map_err(|e| e.to_string())?;
    for t in &tables {
        if count(&mut tx, t).map_err(|e| format!("{t}: {e}"))? > 0 {
            return Err(format!(
                "the PostgreSQL database is not empty ({t} has rows): move into a new database"
            ));
        }
    }
    let mut moved = Moved::new();
    for t in &tables {
        let cols = columns(&src, t)?;
        let data = rows(&src, t, &cols)?;
        // A scope's parent may come after it: parents are set once all are in.
        let parent = (t == "scopes")
            .then(|| cols.iter().position(|c| c == "parent_id"))
            .flatten();
        let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {t} ({}) VALUES ({})",
                cols.join(", "),
                placeholders.join(", ")
            ))
            .map_err(|e| format!("{t}: {e}"))?;
        for row in &data {
            let mut row = row.clone();
            if let Some(p) = parent {
                row[p] = Value::Null;
            }
            let params: Vec<&(dyn ToSql + Sync)> =
                row.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            tx.execute(&insert, &params)
                .map_err(|e| format!("{t}: {e}"))?;
        }
        if let Some(p) = parent {
            for row in data.iter().filter(|r| r[p] != Value::Null) {
                tx.execute(
                    "UPDATE scopes SET parent_id = $1 WHERE id = $2",
                    &[&row[p], &row[0]],
                )
                .map_err(|e| format!("scopes: {e}"))?;
            }
        }
        if cols.iter().any(|c| c == "id") {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), MAX(id)) FROM {t} HAVING MAX(id) IS NOT NULL"
                ),
                &[],
            )
            .map_err(|e| format!("{t}: {e}"))?;
        }
        let there = count(&mut tx, t)?;
        if there != data.len() as u64 {
            return Err(format!("{t}: {} rows read but {there} written", data.len()));
        }
        moved.push((t.clone(), there));
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(moved)
}
