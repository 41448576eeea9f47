//! Server settings: command-line flags first, then `TONGXIN_*` environment
//! variables, then defaults that suit the demo on 127.0.0.1:8080.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::files::{Builtin, Files};

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`--listen`, `TONGXIN_LISTEN`), default 127.0.0.1:8080.
    pub listen: SocketAddr,
    /// The database (`--db`, `TONGXIN_DB`): a SQLite file, default
    /// `data/tongxin.sqlite`, or a `postgres://…` address for several
    /// instances on one PostgreSQL database.
    pub db: PathBuf,
    /// Staff bearer token (`TONGXIN_ADMIN_TOKEN`); the admin API is off without one.
    pub admin_token: Option<String>,
    /// Secret for host-signed voter tokens (`TONGXIN_VOTER_SECRET`); `token` items refuse everyone without one.
    pub voter_secret: Option<String>,
    /// Secret key of the hashes of device tokens, household codes and voter
    /// subjects (`TONGXIN_PEPPER`, at least 16 characters). Required outside
    /// `--demo`; the demo keeps a random one beside its database.
    pub pepper: String,
    /// Expected `aud` of voter tokens (`TONGXIN_VOTER_AUDIENCE`); unchecked when unset.
    pub voter_audience: Option<String>,
    /// Expected `iss` of voter tokens (`TONGXIN_VOTER_ISSUER`); unchecked when unset.
    pub voter_issuer: Option<String>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed
    /// (`TONGXIN_TRUSTED_PROXIES`, comma separated IPs or CIDRs); none by default.
    pub trusted_proxies: Vec<String>,
    /// How long idempotency records are kept, in seconds (`TONGXIN_IDEMPOTENCY_TTL_SECS`), default 86400.
    pub idempotency_ttl_secs: u64,
    /// Requests served at once; more get 503 + `Retry-After` (`TONGXIN_MAX_CONCURRENCY`), default 512.
    pub max_concurrency: usize,
    /// Seconds a client has to send its request headers (`TONGXIN_HEADER_TIMEOUT_SECS`), default 10.
    pub header_timeout_secs: u64,
    /// Seconds a request may take end to end (`TONGXIN_REQUEST_TIMEOUT_SECS`), default 30.
    pub request_timeout_secs: u64,
    /// Seconds in-flight requests get to finish on SIGTERM/Ctrl-C (`TONGXIN_SHUTDOWN_GRACE_SECS`), default 10.
    pub shutdown_grace_secs: u64,
    /// Origins allowed to embed the widgets (`TONGXIN_CORS_ORIGINS`, comma separated; `*` for any).
    pub cors_origins: Vec<String>,
    /// Demo site directory (`--www`, `TONGXIN_WWW`); default: the copy built
    /// into the binary, else `www` ([`crate::files::Files::choose`]).
    pub www_dir: Option<PathBuf>,
    /// Widget bundle directory served at `/tongxin/` (`--bundle`, `TONGXIN_BUNDLE`);
    /// default: built in, else `target/tongxin-bundle`.
    pub bundle_dir: Option<PathBuf>,
    /// Embedding recipes served at `/examples/` (`--examples`, `TONGXIN_EXAMPLES`);
    /// default: built in, else `examples`.
    pub examples_dir: Option<PathBuf>,
    /// Writes per minute per device on `open` items (`TONGXIN_DEVICE_WRITES_PER_MIN`), default 30; 0 = unlimited.
    pub device_writes_per_min: u32,
    /// Writes per minute per client IP (`TONGXIN_IP_WRITES_PER_MIN`), default 600; 0 = unlimited.
    pub ip_writes_per_min: u32,
    /// Support threshold given to new proposals (`TONGXIN_SUPPORT_THRESHOLD`), default 20.
    pub support_threshold: u32,
    /// Seed the demo data on an empty database (`--demo`).
    pub demo: bool,
    /// Seconds between recomputations of the indicator snapshots
    /// (`TONGXIN_INDICATORS_REFRESH_SECS`), default 900.
    pub indicators_refresh_secs: u64,
    /// UTC offset of the local days that periods are cut into, in minutes
    /// (`TONGXIN_UTC_OFFSET_MINUTES`), default 480 (China Standard Time).
    pub utc_offset_minutes: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("data/tongxin.sqlite"),
            admin_token: None,
            voter_secret: None,
            pepper: String::new(),
            voter_audience: None,
            voter_issuer: None,
            trusted_proxies: Vec::new(),
            idempotency_ttl_secs: 86_400,
            max_concurrency: 512,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            shutdown_grace_secs: 10,
            cors_origins: vec![
                "http://127.0.0.1:8080".into(),
                "http://localhost:8080".into(),
            ],
            www_dir: None,
            bundle_dir: None,
            examples_dir: None,
            device_writes_per_min: 30,
            ip_writes_per_min: 600,
            support_threshold: 20,
            demo: false,
            indicators_refresh_secs: 900,
            utc_offset_minutes: tongxin_core::indicators::period::DEFAULT_OFFSET_MINUTES,
        }
    }
}

/// Usage text for `--help`.
pub const USAGE: &str =
    "tongxin-server [--listen ADDR] [--db FILE|postgres://…] [--www DIR] [--bundle DIR] [--examples DIR] [--demo]
tongxin-server --version    (server and REST contract versions)
tongxin-server --openapi    (print the contract's OpenAPI document)
tongxin-server user --help  (staff accounts and personal API tokens)
tongxin-server backup --to FILE | restore --from FILE | check  (the database file)
tongxin-server migrate --from sqlite:FILE --to postgres://…  (move to PostgreSQL)

The demo site, the widget bundle and the recipes are built into the binary
(when they were present at build time); --www, --bundle and --examples
serve a directory instead, e.g. a community's own pages.

--db takes a SQLite file (the default, data/tongxin.sqlite) or a PostgreSQL
address, postgres://USER:PASSWORD@HOST:PORT/DB (or ?host=/run/postgresql for
a Unix socket), for several instances behind a load balancer.

Required outside --demo: TONGXIN_PEPPER (16+ characters). Staff use personal tokens
(`tongxin-server user token LOGIN`); TONGXIN_ADMIN_TOKEN (16+ characters), when set,
is an administrator token shared by whoever holds it, kept for compatibility.
Environment: TONGXIN_VOTER_SECRET, TONGXIN_VOTER_AUDIENCE, TONGXIN_VOTER_ISSUER,
TONGXIN_CORS_ORIGINS, TONGXIN_TRUSTED_PROXIES, TONGXIN_DEVICE_WRITES_PER_MIN,
TONGXIN_IP_WRITES_PER_MIN, TONGXIN_SUPPORT_THRESHOLD, TONGXIN_IDEMPOTENCY_TTL_SECS,
TONGXIN_MAX_CONCURRENCY, TONGXIN_HEADER_TIMEOUT_SECS, TONGXIN_REQUEST_TIMEOUT_SECS,
TONGXIN_SHUTDOWN_GRACE_SECS, TONGXIN_INDICATORS_REFRESH_SECS,
TONGXIN_UTC_OFFSET_MINUTES, TONGXIN_LISTEN, TONGXIN_DB, TONGXIN_WWW, TONGXIN_BUNDLE,
TONGXIN_EXAMPLES.

--demo seeds demo data, keeps a random pepper in <db>.pepper and, on a
loopback address only, uses the admin token `demo-admin-token`.";

impl Config {
    /// Reads flags from `args` (without the program name) and the environment.
    pub fn from_args(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut c = Config::default();
        let parse_u32 = |name: &str, v: String| {
            v.parse::<u32>()
                .map_err(|_| format!("{name}: not a number: {v}"))
        };
        let parse_u64 = |name: &str, v: String| {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name}: not a positive number: {v}"))
        };
        if let Some(v) = env("TONGXIN_LISTEN") {
            c.listen = v
                .parse()
                .map_err(|_| format!("TONGXIN_LISTEN: not an address: {v}"))?;
        }
        if let Some(v) = env("TONGXIN_DB") {
            c.db = v.into();
        }
        if let Some(v) = env("TONGXIN_WWW") {
            c.www_dir = Some(v.into());
        }
        if let Some(v) = env("TONGXIN_EXAMPLES") {
            c.examples_dir = Some(v.into());
        }
        if let Some(v) = env("TONGXIN_BUNDLE") {
            c.bundle_dir = Some(v.into());
        }
        c.admin_token = env("TONGXIN_ADMIN_TOKEN").filter(|t| !t.is_empty());
        c.voter_secret = env("TONGXIN_VOTER_SECRET").filter(|t| !t.is_empty());
        if let Some(v) = env("TONGXIN_PEPPER") {
            c.pepper = v;
        }
        c.voter_audience = env("TONGXIN_VOTER_AUDIENCE").filter(|t| !t.is_empty());
        c.voter_issuer = env("TONGXIN_VOTER_ISSUER").filter(|t| !t.is_empty());
        if let Some(v) = env("TONGXIN_TRUSTED_PROXIES") {
            c.trusted_proxies = split_list(&v);
            crate::client_ip::TrustedProxies::parse(&c.trusted_proxies)
                .map_err(|e| format!("TONGXIN_TRUSTED_PROXIES: {e}"))?;
        }
        for (name, slot) in [
            ("TONGXIN_IDEMPOTENCY_TTL_SECS", &mut c.idempotency_ttl_secs),
            ("TONGXIN_HEADER_TIMEOUT_SECS", &mut c.header_timeout_secs),
            ("TONGXIN_REQUEST_TIMEOUT_SECS", &mut c.request_timeout_secs),
            ("TONGXIN_SHUTDOWN_GRACE_SECS", &mut c.shutdown_grace_secs),
            (
                "TONGXIN_INDICATORS_REFRESH_SECS",
                &mut c.indicators_refresh_secs,
            ),
        ] {
            if let Some(v) = env(name) {
                *slot = parse_u64(name, v)?;
            }
        }
        if let Some(v) = env("TONGXIN_UTC_OFFSET_MINUTES") {
            c.utc_offset_minutes = v
                .parse::<i32>()
                .ok()
                .filter(|m| (-720..=840).contains(m))
                .ok_or_else(|| {
                    format!("TONGXIN_UTC_OFFSET_MINUTES: not an offset between -720 and 840: {v}")
                })?;
        }
        if let Some(v) = env("TONGXIN_MAX_CONCURRENCY") {
            c.max_concurrency = parse_u64("TONGXIN_MAX_CONCURRENCY", v)? as usize;
        }
        if let Some(v) = env("TONGXIN_CORS_ORIGINS") {
            c.cors_origins = split_list(&v);
        }
        if let Some(v) = env("TONGXIN_DEVICE_WRITES_PER_MIN") {
            c.device_writes_per_min = parse_u32("TONGXIN_DEVICE_WRITES_PER_MIN", v)?;
        }
        if let Some(v) = env("TONGXIN_IP_WRITES_PER_MIN") {
            c.ip_writes_per_min = parse_u32("TONGXIN_IP_WRITES_PER_MIN", v)?;
        }
        if let Some(v) = env("TONGXIN_SUPPORT_THRESHOLD") {
            c.support_threshold = parse_u32("TONGXIN_SUPPORT_THRESHOLD", v)?.max(1);
        }
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            match flag.as_str() {
                "--listen" => {
                    c.listen = value("--listen")?
                        .parse()
                        .map_err(|_| "--listen: not an address".to_string())?
                }
                "--db" => c.db = value("--db")?.into(),
                "--www" => c.www_dir = Some(value("--www")?.into()),
                "--bundle" => c.bundle_dir = Some(value("--bundle")?.into()),
                "--examples" => c.examples_dir = Some(value("--examples")?.into()),
                "--demo" => c.demo = true,
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
            }
        }
        Ok(c)
    }

    /// Where the demo site's files come from.
    pub fn www(&self) -> Files {
        Files::choose(self.www_dir.clone(), Builtin::Www)
    }

    /// Where the widget bundle's files come from.
    pub fn bundle(&self) -> Files {
        Files::choose(self.bundle_dir.clone(), Builtin::Bundle)
    }

    /// Where the recipes' files come from.
    pub fn examples(&self) -> Files {
        Files::choose(self.examples_dir.clone(), Builtin::Examples)
    }

    /// The `aud`/`iss` rules for voter tokens.
    pub fn token_rules(&self) -> crate::identity::TokenRules<'_> {
        crate::identity::TokenRules {
            audience: self.voter_audience.as_deref(),
            issuer: self.voter_issuer.as_deref(),
        }
    }

    /// Checks the secrets before the server starts. Outside `--demo` a
    /// pepper and an admin token are required; in the demo a missing pepper
    /// is created once and kept in `<db>.pepper`, and the well-known demo
    /// admin token is used only on a loopback address (elsewhere a random
    /// one is made and printed). Returns lines to print.
    pub fn prepare_secrets(&mut self) -> Result<Vec<String>, String> {
        let mut notes = Vec::new();
        if self.demo {
            if self.pepper.is_empty() {
                if self
                    .db
                    .to_str()
                    .is_some_and(crate::storage::postgres::is_url)
                {
                    return Err(
                        "--demo on PostgreSQL: set TONGXIN_PEPPER (the demo keeps its \
                        pepper beside a SQLite file)"
                            .into(),
                    );
                }
                self.pepper = demo_pepper(&self.db)?;
            }
            if self.admin_token.is_none() {
                let token = if self.listen.ip().is_loopback() {
                    "demo-admin-token".to_string()
                } else {
                    random_token()?
                };
                notes.push(format!(
                    "demo mode: admin token is `{token}` (set TONGXIN_ADMIN_TOKEN to change it)"
                ));
                self.admin_token = Some(token);
            }
        }
        if self.pepper.chars().count() < 16 {
            return Err("TONGXIN_PEPPER must be set to a secret of at least 16 characters (it keys the hashes of device tokens and household codes); see --help".into());
        }
        // Without the shared token the admin API takes personal tokens
        // (`tongxin-server user token`) only.
        match &self.admin_token {
            Some(t) if t.chars().count() < 16 && !self.demo => {
                return Err("TONGXIN_ADMIN_TOKEN, when set, must be a secret of at least 16 characters; see --help".into());
            }
            _ => {}
        }
        Ok(notes)
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(crate::identity::hex(&bytes))
}

/// The demo's pepper: read from `<db>.pepper`, created on first start.
fn demo_pepper(db: &std::path::Path) -> Result<String, String> {
    let mut path = db.as_os_str().to_owned();
    path.push(".pepper");
    let path = PathBuf::from(path);
    if let Ok(p) = std::fs::read_to_string(&path) {
        let p = p.trim().to_string();
        if p.len() >= 16 {
            return Ok(p);
        }
    }
    let p = random_token()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, &p).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_environment() {
        let env = |k: &str| match k {
            "TONGXIN_DB" => Some("/tmp/a.sqlite".to_string()),
            "TONGXIN_CORS_ORIGINS" => Some("https://a.example, https://b.example".to_string()),
            _ => None,
        };
        let c = Config::from_args(
            ["--db".into(), "/tmp/b.sqlite".into(), "--demo".into()],
            env,
        )
        .unwrap();
        assert_eq!(c.db, PathBuf::from("/tmp/b.sqlite"));
        assert!(c.demo);
        assert_eq!(
            c.cors_origins,
            vec!["https://a.example", "https://b.example"]
        );
        assert!(Config::from_args(["--nope".into()], |_| None).is_err());
        assert!(
            Config::from_args([], |k| (k == "TONGXIN_HEADER_TIMEOUT_SECS")
                .then(|| "0".into()))
            .is_err()
        );
        assert!(Config::from_args(["--db".into()], |_| None).is_err());
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn outside_the_demo_secrets_are_required() {
        let mut c = Config::default();
        assert!(c.prepare_secrets().unwrap_err().contains("TONGXIN_PEPPER"));
        c.pepper = "0123456789abcdef".into();
        // The shared admin token is optional (personal tokens replace it),
        // but never weak.
        assert!(c.prepare_secrets().is_ok());
        c.admin_token = Some("short".into());
        assert!(
            c.prepare_secrets()
                .unwrap_err()
                .contains("TONGXIN_ADMIN_TOKEN")
        );
        c.admin_token = Some("a-long-enough-admin-token".into());
        assert!(c.prepare_secrets().is_ok());
    }

    #[test]
    fn the_demo_token_is_only_for_loopback_and_the_pepper_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Config {
            demo: true,
            db: dir.path().join("demo.sqlite"),
            ..Config::default()
        };
        c.prepare_secrets().unwrap();
        assert_eq!(c.admin_token.as_deref(), Some("demo-admin-token"));
        let pepper = c.pepper.clone();
        assert!(pepper.len() >= 16);
        let mut again = Config {
            demo: true,
            db: dir.path().join("demo.sqlite"),
            listen: "0.0.0.0:8080".parse().unwrap(),
            ..Config::default()
        };
        again.prepare_secrets().unwrap();
        assert_eq!(again.pepper, pepper, "the demo pepper survives restarts");
        let token = again.admin_token.unwrap();
        assert_ne!(token, "demo-admin-token");
        assert!(token.len() >= 32);
    }
}
