//! Test harness: a real server on a loopback port over a temporary SQLite
//! file or a fresh PostgreSQL database ([`store`]), a reqwest client, and a snapshot of every table to prove that
//! refused requests wrote nothing.
#![allow(dead_code, missing_docs)]

use std::path::PathBuf;

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{Value, json};
use tongxin_server::config::Config;
use tongxin_server::{Running, spawn};

pub(crate) mod process;
pub(crate) mod receiver;
pub(crate) mod sse;
mod staff;
pub(crate) mod store;
#[allow(unused_imports)]
pub(crate) use staff::STAFF_PASSWORD;
pub(crate) use store::{Arg, Cell, snapshot_of};

pub(crate) const ADMIN: &str = "test-admin-token-5d41402abc4b2a76b9719d911017c592e4da3b";
pub(crate) const VOTER_SECRET: &str = "test-voter-secret";
pub(crate) const PEPPER: &str =
    "test-pepper-7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069";

pub(crate) struct TestServer {
    pub running: Option<Running>,
    pub url: String,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
    pub http: Client,
    pub config: Config,
}

pub(crate) fn config(db: PathBuf) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        db,
        admin_token: Some(ADMIN.into()),
        voter_secret: Some(VOTER_SECRET.into()),
        pepper: PEPPER.into(),
        ip_writes_per_min: 0,
        device_writes_per_min: 0,
        support_threshold: 3,
        // The tests play many residents from one loopback address; the
        // share per client is tested on its own (tests/http/trust.rs).
        max_concurrency_per_client: Some(512),
        www_dir: Some(PathBuf::from("/nonexistent-www")),
        bundle_dir: Some(PathBuf::from("/nonexistent-bundle")),
        examples_dir: Some(PathBuf::from("/nonexistent-examples")),
        ..Config::default()
    }
}

impl TestServer {
    pub(crate) async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub(crate) async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = store::fresh_database(dir.path());
        let mut config = config(db);
        tweak(&mut config);
        let running = spawn(config.clone()).await.unwrap();
        TestServer {
            url: running.url(),
            running: Some(running),
            db: config.db.clone(),
            dir,
            http: Client::new(),
            config,
        }
    }

    /// Stops the server; the database file stays.
    pub(crate) async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// Stops (if running) and starts again on the same file (and a new port).
    pub(crate) async fn restart(&mut self) {
        self.stop().await;
        let mut config = self.config.clone();
        config.listen = "127.0.0.1:0".parse().unwrap();
        let running = spawn(config).await.unwrap();
        self.url = running.url();
        self.running = Some(running);
    }

    pub(crate) fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{}", self.url, path))
    }

    pub(crate) fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.req(method, path).bearer_auth(ADMIN)
    }

    pub(crate) async fn get(&self, path: &str) -> Value {
        let r = self.req(Method::GET, path).send().await.unwrap();
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    pub(crate) async fn admin_post(&self, path: &str, body: Value) -> Value {
        admin_post(&self.http, &self.url, path, body).await
    }

    /// A district → street → community → group → two buildings; returns
    /// `[district, street, community, group, building_a, building_b]`.
    pub(crate) async fn scopes(&self) -> Vec<i64> {
        scope_tree(&self.http, &self.url).await
    }

    /// A second community, 别的社区, under the street of [`Self::scopes`]
    /// (`street`): the neighbour whose staff must not touch 碧鸡社区.
    pub(crate) async fn neighbour_community(&self, street: i64) -> i64 {
        self.admin_post(
            "/api/v1/admin/scopes",
            json!({"parent_id": street, "level": "community", "name": "别的社区"}),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    pub(crate) async fn poll(
        &self,
        scope: i64,
        kind: Value,
        options: &[&str],
        extra: Value,
    ) -> i64 {
        let mut body =
            json!({"scope_id": scope, "title": "测试 poll", "kind": kind, "options": options});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.admin_post("/api/v1/admin/polls", body).await["id"]
            .as_i64()
            .unwrap()
    }

    /// A proposal staff enter in `scope` (广场加装座椅, proposed by 孙雨萌).
    pub(crate) async fn proposal(&self, scope: i64) -> i64 {
        self.admin_post(
            "/api/v1/admin/proposals",
            json!({"scope_id": scope, "title": "广场加装座椅", "problem": "老人没有地方坐", "plan": "加装十张座椅", "estimated_cost_fen": 500_000, "proposer_name": "孙雨萌"}),
        )
        .await["id"]
        .as_i64()
        .unwrap()
    }

    /// `count` household codes of poll `poll` for building `unit`.
    pub(crate) async fn poll_codes(&self, poll: i64, unit: i64, count: u32) -> Vec<String> {
        self.admin_post(
            "/api/v1/admin/codes",
            json!({"target": "poll", "target_id": poll, "unit_id": unit, "count": count}),
        )
        .await["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    }

    /// Every row of every table, as text: equal snapshots mean nothing was
    /// written. The audit log is left out: recording a refused staff action
    /// there is what it is for (tests/http/staff_audit.rs checks it).
    pub(crate) fn snapshot(&self) -> String {
        snapshot_of(&self.db)
    }

    /// Whether this server runs on PostgreSQL.
    pub(crate) fn on_postgres(&self) -> bool {
        store::is_postgres(&self.db)
    }

    /// Every row `sql` returns from this server's database.
    pub(crate) fn rows(&self, sql: &str, args: &[Arg]) -> Vec<Vec<Cell>> {
        store::rows(&self.db, sql, args)
    }

    /// The one value `sql` returns from this server's database.
    pub(crate) fn one(&self, sql: &str, args: &[Arg]) -> Cell {
        store::one(&self.db, sql, args)
    }
}

/// A device token header value, unique per `n`.
/// The voter key the server stores for a device token (its keyed hash,
/// recomputed with the test pepper), as an attacker with the pepper would.
pub(crate) fn device_key(token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(PEPPER.as_bytes()).unwrap();
    mac.update(b"device\0");
    mac.update(token.as_bytes());
    let hex: String = mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("device:{hex}")
}

/// A staff POST to any server at `base`; fails the test unless it succeeds.
pub(crate) async fn admin_post(http: &Client, base: &str, path: &str, body: Value) -> Value {
    let r = http
        .post(format!("{base}{path}"))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "POST {path}: {status} {v}");
    v
}

/// The test scope tree on any server at `base` (see [`TestServer::scopes`]).
pub(crate) async fn scope_tree(http: &Client, base: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut parent: Option<i64> = None;
    for (level, name) in [
        ("district", "西山区"),
        ("street", "碧鸡街道"),
        ("community", "碧鸡社区"),
        ("group", "第一居民小组"),
        ("building", "1栋"),
    ] {
        let s = admin_post(
            http,
            base,
            "/api/v1/admin/scopes",
            json!({"parent_id": parent, "level": level, "name": name}),
        )
        .await;
        parent = s["id"].as_i64();
        ids.push(parent.unwrap());
    }
    let b = admin_post(
        http,
        base,
        "/api/v1/admin/scopes",
        json!({"parent_id": ids[3], "level": "building", "name": "2栋"}),
    )
    .await;
    ids.push(b["id"].as_i64().unwrap());
    ids
}

pub(crate) fn device(n: usize) -> String {
    format!("test-device-{n:08}")
}

/// Sends `req` with a device token and returns status and JSON body.
pub(crate) async fn send(req: RequestBuilder) -> (u16, Value) {
    let r: Response = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Asserts a problem+json response with the given status and type code.
pub(crate) async fn expect_problem(req: RequestBuilder, status: u16, code: &str) -> Value {
    expect_problem_of(req.send().await.unwrap(), status, code).await
}

/// [`expect_problem`] for an answer already received.
pub(crate) async fn expect_problem_of(r: Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status().as_u16(), status, "expected {status} {code}");
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], format!("/problems/{code}"), "{v}");
    assert_eq!(v["status"], status);
    assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()));
    v
}

/// Seconds since the epoch now.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
