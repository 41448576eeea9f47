//! [`Db`] for a PostgreSQL connection or transaction: the shared SQL's
//! `?N` placeholders become `$N`, statements are prepared once per
//! connection, and [`Value`]s are converted to and from the column types
//! PostgreSQL announces for each parameter and column.

use std::collections::HashMap;
use std::error::Error;

use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{GenericClient, Statement};

use crate::storage::sql::{Db, Row, TallyParts, Value};
use crate::storage::{StoreError, StoreResult};

type BoxError = Box<dyn Error + Sync + Send>;

impl From<postgres::Error> for StoreError {
    /// Lock conflicts between instances, a read-only database (a failover
    /// under way) and lost connections are *busy*: the same request sent
    /// again can succeed. Everything else is an internal error.
    fn from(e: postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => {
                let code = db.code().code();
                let message = format!("{code}: {}", db.message());
                let retry = matches!(
                    code,
                    "40001" | "40P01" | "55P03" | "25006" | "57P01" | "57P02" | "57P03"
                ) || code.starts_with("08");
                if retry {
                    StoreError::Busy(message)
                } else {
                    StoreError::Internal(message)
                }
            }
            None if e.is_closed() || lost_link(&e) => StoreError::Busy(describe(&e)),
            None => StoreError::Internal(describe(&e)),
        }
    }
}

/// Whether the error is the link to the server failing (a socket reset,
/// a refused or timed-out connection) rather than a statement's.
fn lost_link(e: &postgres::Error) -> bool {
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if c.is::<std::io::Error>() {
            return true;
        }
        cause = c.source();
    }
    let text = e.to_string();
    text.starts_with("error connecting") || text.starts_with("error communicating")
}

/// The crate's message with its causes: on its own it says only "error
/// performing TLS handshake" or "invalid connection string"; the reason
/// (which certificate, which option) is in the source chain.
pub(super) fn describe(e: &postgres::Error) -> String {
    let mut out = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

fn is_integer(ty: &Type) -> bool {
    *ty == Type::INT8 || *ty == Type::INT4 || *ty == Type::INT2
}

/// Writes `n` in the integer width PostgreSQL asked for.
fn int_to_sql(n: i64, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
    if *ty == Type::INT4 {
        i32::try_from(n)?.to_sql(ty, out)
    } else if *ty == Type::INT2 {
        i16::try_from(n)?.to_sql(ty, out)
    } else if *ty == Type::BOOL {
        (n != 0).to_sql(ty, out)
    } else if *ty == Type::FLOAT8 {
        (n as f64).to_sql(ty, out)
    } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
        n.to_string().to_sql(ty, out)
    } else {
        n.to_sql(ty, out)
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => int_to_sql(*n, ty, out),
            Value::Bool(b) if *ty == Type::BOOL => b.to_sql(ty, out),
            Value::Bool(b) => int_to_sql(i64::from(*b), ty, out),
            Value::Real(f) if *ty == Type::FLOAT4 => (*f as f32).to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            // An id that is not a number (another backend's spelling, or a
            // hostile path) names no row here: every id of this store is
            // positive, so it is looked up as one that cannot exist.
            Value::Text(s) if is_integer(ty) => int_to_sql(s.parse().unwrap_or(i64::MIN), ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(if *ty == Type::INT8 {
            Value::Int(i64::from_sql(ty, raw)?)
        } else if *ty == Type::INT4 {
            Value::Int(i32::from_sql(ty, raw)?.into())
        } else if *ty == Type::INT2 {
            Value::Int(i16::from_sql(ty, raw)?.into())
        } else if *ty == Type::BOOL {
            Value::Bool(bool::from_sql(ty, raw)?)
        } else if *ty == Type::FLOAT8 {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if *ty == Type::FLOAT4 {
            Value::Real(f32::from_sql(ty, raw)?.into())
        } else if *ty == Type::BYTEA {
            Value::Blob(Vec::<u8>::from_sql(ty, raw)?)
        } else if *ty == Type::NUMERIC {
            return Err("NUMERIC column: cast it AS BIGINT in the query".into());
        } else {
            Value::Text(String::from_utf8(raw.to_vec())?)
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// The shared SQL's `?1, ?2, …` as PostgreSQL's `$1, $2, …` (outside
/// quoted literals).
pub(crate) fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for ch in sql.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                out.push(ch);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(ch),
        }
    }
    out
}

/// Statements prepared on one connection, by the shared SQL's text.
pub(crate) type Prepared = HashMap<String, Statement>;

/// A connection (or a transaction on it) with its prepared statements.
pub(crate) struct PgRows<'a, C: GenericClient> {
    pub client: &'a mut C,
    pub prepared: &'a mut Prepared,
    /// A writer's part of the tallies (`None` on read connections).
    pub part: Option<i64>,
}

impl<C: GenericClient> PgRows<'_, C> {
    fn statement(&mut self, sql: &str) -> StoreResult<Statement> {
        if let Some(st) = self.prepared.get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.prepare(&dollar_placeholders(sql))?;
        self.prepared.insert(sql.to_owned(), st.clone());
        Ok(st)
    }
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl<C: GenericClient> Db for PgRows<'_, C> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64> {
        let st = self.statement(sql)?;
        Ok(self.client.execute(&st, &refs(params))?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        let st = self.statement(sql)?;
        let rows = self.client.query(&st, &refs(params))?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Row)
                    .map_err(StoreError::from)
            })
            .collect()
    }

    fn lock_for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn tally_parts(&self) -> TallyParts {
        match self.part {
            Some(p) => TallyParts::Writer(p),
            None => TallyParts::Kept,
        }
    }

    fn hold_key(&mut self, key: &str) -> StoreResult<()> {
        self.exec(
            "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
            &[Value::from(key)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::dollar_placeholders;

    #[test]
    fn placeholders_become_dollars_outside_literals() {
        assert_eq!(
            dollar_placeholders("SELECT ?1, '?' FROM t WHERE a = ?2 AND b LIKE 'x?%'"),
            "SELECT $1, '?' FROM t WHERE a = $2 AND b LIKE 'x?%'"
        );
    }
}
