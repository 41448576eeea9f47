//! Staff accounts for the tests: the real `tongxin-server user …` binary
//! run on a test server's database.

use std::process::{Command, Output};

use super::TestServer;

/// The password the tests give staff accounts.
pub(crate) const STAFF_PASSWORD: &str = "碧鸡社区-2026-staff";

impl TestServer {
    /// Runs `tongxin-server user ARGS` on this server's database, with
    /// `password` in TONGXIN_PASSWORD when given.
    pub(crate) fn user_cli(&self, args: &[&str], password: Option<&str>) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tongxin-server"));
        c.arg("user")
            .args(args)
            .arg("--db")
            .arg(&self.db)
            .env_remove("TONGXIN_PASSWORD");
        if let Some(p) = password {
            c.env("TONGXIN_PASSWORD", p);
        }
        c.output().unwrap()
    }

    /// Adds `login` with `role` (e.g. `staff:3`) and [`STAFF_PASSWORD`];
    /// fails the test unless it works.
    pub(crate) fn add_staff(&self, login: &str, role: &str) {
        let o = self.user_cli(&["add", login, "--role", role], Some(STAFF_PASSWORD));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    /// [`Self::add_staff`], then a personal token of the account.
    pub(crate) fn staff_token(&self, login: &str, role: &str) -> String {
        self.add_staff(login, role);
        let o = self.user_cli(&["token", login], None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}
