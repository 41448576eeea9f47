//! The connection a SQLite job works on, as a [`crate::storage::sql::Db`]
//! (implemented in [`super::db`]): the shared SQL of
//! [`crate::storage::sql`] runs on it, reads and writes alike.

use std::ops::Deref;

use rusqlite::Connection;

/// A SQLite connection lent to one read or one write job.
pub(crate) struct SqliteRows<'c>(pub &'c Connection);

impl Deref for SqliteRows<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
    }
}
