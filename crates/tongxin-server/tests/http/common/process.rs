//! The real server binary as a child process, for tests that kill it or
//! run several instances on one database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Client;

use super::{ADMIN, PEPPER};

/// A server process, killed (and reaped) when dropped.
pub(crate) struct Killed(pub std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free loopback port.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `tongxin-server` on `db` and `port`, limits off, quiet.
pub(crate) fn start_server(db: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tongxin-server"))
        .args([
            "--db",
            &db.to_string_lossy(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("TONGXIN_ADMIN_TOKEN", ADMIN)
        .env("TONGXIN_PEPPER", PEPPER)
        .env("TONGXIN_IP_WRITES_PER_MIN", "0")
        .env("TONGXIN_MAX_CONCURRENCY_PER_CLIENT", "512")
        .env("TONGXIN_DEVICE_WRITES_PER_MIN", "0")
        .env("TONGXIN_SUPPORT_THRESHOLD", "100000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server binary")
}

/// Waits until `/healthz` at `base` answers ok.
pub(crate) async fn wait_up(http: &Client, base: &str) {
    for _ in 0..400 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("server did not come up");
}
