//! Server settings: command-line flags first, then `TONGXIN_*` environment
//! variables, then defaults that suit the demo on 127.0.0.1:8080. The flags
//! are parsed by clap, so `--help` lists every setting with its variable
//! and default; secrets come from the environment only ([`secrets`]).

mod secrets;

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;

use clap::{CommandFactory, Parser};

use crate::files::{Builtin, Files};

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The defaults, named once for clap and for [`Config::default`].
mod defaults {
    use super::*;

    pub(super) const LISTEN: SocketAddr =
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8080));
    pub(super) const DB: &str = "data/tongxin.sqlite";
    pub(super) const DB_POOL: usize = 16;
    pub(super) const DB_WRITERS: u64 = 2;
    pub(super) const DB_CACHE_MS: u64 = 1_000;
    pub(super) const CORS_ORIGINS: [&str; 2] = ["http://127.0.0.1:8080", "http://localhost:8080"];
    pub(super) const IDEMPOTENCY_TTL_SECS: u64 = 86_400;
    pub(super) const MAX_CONCURRENCY: usize = 512;
    pub(super) const HEADER_TIMEOUT_SECS: u64 = 10;
    pub(super) const REQUEST_TIMEOUT_SECS: u64 = 30;
    pub(super) const SHUTDOWN_GRACE_SECS: u64 = 10;
    pub(super) const DEVICE_WRITES_PER_MIN: u32 = 30;
    pub(super) const IP_WRITES_PER_MIN: u32 = 600;
    pub(super) const SUPPORT_THRESHOLD: u32 = 20;
    pub(super) const INDICATORS_REFRESH_SECS: u64 = 900;
    pub(super) const MAX_STREAMS: usize = 10_000;
    pub(super) const MAX_STREAMS_PER_CLIENT: usize = 64;
    pub(super) const STREAM_MAX_SECS: u64 = 1_800;
    pub(super) const WEBHOOK_TIMEOUT_SECS: u64 = 10;
    pub(super) const SECRET_BATCH: u32 = tongxin_core::poll::secrecy::DEFAULT_BATCH;
    pub(super) const UTC_OFFSET_MINUTES: i32 =
        tongxin_core::indicators::period::DEFAULT_OFFSET_MINUTES;
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "tongxin-server",
    about = "The Tongxin reference backend: the REST contract, the demo site and the widgets.",
    version = None,
    disable_version_flag = true,
    args_override_self = true,
    after_help = AFTER_HELP
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "TONGXIN_LISTEN", value_name = "ADDR", default_value_t = defaults::LISTEN)]
    pub listen: SocketAddr,
    /// The database: a SQLite file, or a `postgres://…` address for
    /// several instances on one PostgreSQL database.
    #[arg(long, env = "TONGXIN_DB", value_name = "FILE|postgres://…", default_value = defaults::DB)]
    pub db: PathBuf,
    /// PostgreSQL: read connections this instance holds at most. With N
    /// instances, keep N × (pool + writers + 2) under the database's
    /// `max_connections` (or PgBouncer's pool); see `docs/deploy.md`.
    #[arg(long, env = "TONGXIN_DB_POOL", value_name = "N", value_parser = positive,
          default_value_t = defaults::DB_POOL)]
    pub db_pool: usize,
    /// PostgreSQL: writer connections; each commits whatever writes arrive
    /// together in one transaction and keeps its own part of every tally.
    #[arg(long, env = "TONGXIN_DB_WRITERS", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=32),
          default_value_t = defaults::DB_WRITERS)]
    pub db_writers: u64,
    /// PostgreSQL: how long a poll's results may be served from this
    /// instance's memory, in ms (another instance's ballots show after at
    /// most this, usually at once through `NOTIFY`); 0 reads every time.
    #[arg(long, env = "TONGXIN_DB_CACHE_MS", value_name = "MS",
          value_parser = clap::value_parser!(u64).range(0..=60_000),
          default_value_t = defaults::DB_CACHE_MS)]
    pub db_cache_ms: u64,
    /// PostgreSQL: where the live counts' listener (`LISTEN`) connects, if
    /// not `--db` (behind PgBouncer in transaction pooling, PostgreSQL
    /// itself).
    #[arg(long, env = "TONGXIN_DB_LISTEN", value_name = "postgres://…")]
    pub db_listen: Option<String>,
    /// PostgreSQL: `--db` is PgBouncer (or another pooler) in transaction
    /// pooling: statements are prepared per transaction and every read runs
    /// in one. Give `--db-listen` too (`LISTEN` needs PostgreSQL itself).
    #[arg(long, env = "TONGXIN_DB_PGBOUNCER")]
    pub db_pgbouncer: bool,
    /// Serve this directory as the site instead of the demo site built in
    /// (or, in a build without it, `www`).
    #[arg(long = "www", env = "TONGXIN_WWW", value_name = "DIR")]
    pub www_dir: Option<PathBuf>,
    /// Serve this widget bundle at `/tongxin/` instead of the one built in
    /// (or, in a build without it, `target/tongxin-bundle`).
    #[arg(long = "bundle", env = "TONGXIN_BUNDLE", value_name = "DIR")]
    pub bundle_dir: Option<PathBuf>,
    /// Serve these embedding recipes at `/examples/` instead of the ones
    /// built in (or, in a build without them, `examples`).
    #[arg(long = "examples", env = "TONGXIN_EXAMPLES", value_name = "DIR")]
    pub examples_dir: Option<PathBuf>,
    /// Seed the demo data on an empty database; keeps a random pepper in
    /// `<db>.pepper` and, on a loopback address only, uses the admin token
    /// `demo-admin-token`.
    #[arg(long)]
    pub demo: bool,
    /// Origins allowed to embed the widgets, comma separated; `*` for any.
    #[arg(long, env = "TONGXIN_CORS_ORIGINS", value_name = "ORIGINS", value_delimiter = ',',
          value_parser = trimmed, default_values = defaults::CORS_ORIGINS)]
    pub cors_origins: Vec<String>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed,
    /// comma separated IPs or CIDRs; none by default.
    #[arg(long, env = "TONGXIN_TRUSTED_PROXIES", value_name = "ADDRS", value_delimiter = ',',
          value_parser = proxy)]
    pub trusted_proxies: Vec<String>,
    /// Expected `aud` of voter tokens; unchecked when unset.
    #[arg(long, env = "TONGXIN_VOTER_AUDIENCE", value_name = "AUD")]
    pub voter_audience: Option<String>,
    /// Expected `iss` of voter tokens; unchecked when unset.
    #[arg(long, env = "TONGXIN_VOTER_ISSUER", value_name = "ISS")]
    pub voter_issuer: Option<String>,
    /// Writes per minute per device on `open` items; 0 = unlimited.
    #[arg(long, env = "TONGXIN_DEVICE_WRITES_PER_MIN", value_name = "N",
          default_value_t = defaults::DEVICE_WRITES_PER_MIN)]
    pub device_writes_per_min: u32,
    /// Writes per minute per client address; 0 = unlimited.
    #[arg(long, env = "TONGXIN_IP_WRITES_PER_MIN", value_name = "N",
          default_value_t = defaults::IP_WRITES_PER_MIN)]
    pub ip_writes_per_min: u32,
    /// Supporters a new proposal needs to reach deliberation.
    #[arg(long, env = "TONGXIN_SUPPORT_THRESHOLD", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..),
          default_value_t = defaults::SUPPORT_THRESHOLD)]
    pub support_threshold: u32,
    /// How long idempotency records are kept, in seconds.
    #[arg(long, env = "TONGXIN_IDEMPOTENCY_TTL_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::IDEMPOTENCY_TTL_SECS)]
    pub idempotency_ttl_secs: u64,
    /// Requests served at once; more get 503 + `Retry-After`.
    #[arg(long, env = "TONGXIN_MAX_CONCURRENCY", value_name = "N", value_parser = positive,
          default_value_t = defaults::MAX_CONCURRENCY)]
    pub max_concurrency: usize,
    /// Requests one client address (an IPv6 /64) may have in flight at
    /// once; more get 503 + `Retry-After`. Default: a quarter of
    /// `--max-concurrency`. Behind a reverse proxy, set
    /// `--trusted-proxies`, or every client shares the proxy's share.
    #[arg(long, env = "TONGXIN_MAX_CONCURRENCY_PER_CLIENT", value_name = "N", value_parser = positive)]
    pub max_concurrency_per_client: Option<usize>,
    /// Live streams (Server-Sent Events) this instance keeps open at once;
    /// more get 503 + `Retry-After` (the widgets then poll).
    #[arg(long, env = "TONGXIN_MAX_STREAMS", value_name = "N", value_parser = positive,
          default_value_t = defaults::MAX_STREAMS)]
    pub max_streams: usize,
    /// Live streams one client address (an IPv6 /64) may keep open; a
    /// building behind one carrier address shares it, so keep it generous.
    #[arg(long, env = "TONGXIN_MAX_STREAMS_PER_CLIENT", value_name = "N", value_parser = positive,
          default_value_t = defaults::MAX_STREAMS_PER_CLIENT)]
    pub max_streams_per_client: usize,
    /// Seconds a live stream stays open before the server ends it (the
    /// browser reconnects by itself, missing nothing); streams of gone
    /// clients end at the next heartbeat.
    #[arg(long, env = "TONGXIN_STREAM_MAX_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::STREAM_MAX_SECS)]
    pub stream_max_secs: u64,
    /// Let webhook deliveries reach private and local addresses (a host
    /// site on the same network). Off by default: an endpoint resolving to
    /// one is refused (`--demo` on loopback allows loopback).
    #[arg(long, env = "TONGXIN_WEBHOOK_ALLOW_PRIVATE",
          value_parser = clap::builder::FalseyValueParser::new(), num_args = 0, default_missing_value = "true")]
    pub webhook_allow_private: bool,
    /// Seconds one webhook delivery attempt may take.
    #[arg(long, env = "TONGXIN_WEBHOOK_TIMEOUT_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=60),
          default_value_t = defaults::WEBHOOK_TIMEOUT_SECS)]
    pub webhook_timeout_secs: u64,
    /// Seconds a client has to send its request headers.
    #[arg(long, env = "TONGXIN_HEADER_TIMEOUT_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::HEADER_TIMEOUT_SECS)]
    pub header_timeout_secs: u64,
    /// Seconds a request may take end to end.
    #[arg(long, env = "TONGXIN_REQUEST_TIMEOUT_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::REQUEST_TIMEOUT_SECS)]
    pub request_timeout_secs: u64,
    /// Seconds in-flight requests get to finish on SIGTERM/Ctrl-C.
    #[arg(long, env = "TONGXIN_SHUTDOWN_GRACE_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::SHUTDOWN_GRACE_SECS)]
    pub shutdown_grace_secs: u64,
    /// Seconds between recomputations of the indicator snapshots.
    #[arg(long, env = "TONGXIN_INDICATORS_REFRESH_SECS", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..),
          default_value_t = defaults::INDICATORS_REFRESH_SECS)]
    pub indicators_refresh_secs: u64,
    /// While an anonymous poll is open, its results and ballot count change
    /// only once at least this many new ballots have been cast, so nobody
    /// who knows when a household voted can see how (2–1000).
    #[arg(long, env = "TONGXIN_SECRET_BATCH", value_name = "N",
          value_parser = clap::value_parser!(u32).range(
              tongxin_core::poll::secrecy::MIN_BATCH as i64..=tongxin_core::poll::secrecy::MAX_BATCH as i64),
          default_value_t = defaults::SECRET_BATCH)]
    pub secret_batch: u32,
    /// UTC offset of the local days that periods are cut into, in minutes
    /// (480 is China Standard Time).
    #[arg(long, env = "TONGXIN_UTC_OFFSET_MINUTES", value_name = "MINUTES",
          value_parser = clap::value_parser!(i32).range(-720..=840),
          default_value_t = defaults::UTC_OFFSET_MINUTES, allow_negative_numbers = true)]
    pub utc_offset_minutes: i32,
    /// Staff bearer token shared by whoever holds it (`TONGXIN_ADMIN_TOKEN`,
    /// environment only); without it the admin API takes personal tokens only.
    #[arg(skip)]
    pub admin_token: Option<String>,
    /// Secret for host-signed voter tokens (`TONGXIN_VOTER_SECRET`,
    /// environment only); `token` items refuse everyone without one.
    #[arg(skip)]
    pub voter_secret: Option<String>,
    /// Secret key of the hashes of device tokens, household codes and voter
    /// subjects (`TONGXIN_PEPPER`, environment only, 32 random bytes). Required outside `--demo`; the demo keeps a random one
    /// beside its database.
    #[arg(skip)]
    pub pepper: String,
}

/// Shown under the flags by `--help`.
const AFTER_HELP: &str = "\
Other commands:
  tongxin-server --version    server and REST contract versions
  tongxin-server --openapi    print the contract's OpenAPI document
  tongxin-server user --help  staff accounts and personal API tokens
  tongxin-server backup --to FILE | restore --from FILE | check   the database file
  tongxin-server migrate --from sqlite:FILE --to postgres://…     move to PostgreSQL

Secrets, from the environment only:
  TONGXIN_PEPPER        required outside --demo
  TONGXIN_ADMIN_TOKEN   optional shared administrator token;
                        staff use personal tokens (`tongxin-server user token LOGIN`)
  TONGXIN_VOTER_SECRET  verifies host-signed voter tokens (with --voter-audience
                        and --voter-issuer)
Outside --demo each must hold 32 random bytes: `openssl rand -hex 32`.

--db takes a SQLite file or postgres://USER:PASSWORD@HOST:PORT/DB
(?host=/run/postgresql for a Unix socket, ?sslmode=require for TLS).";

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: defaults::LISTEN,
            db: PathBuf::from(defaults::DB),
            www_dir: None,
            bundle_dir: None,
            examples_dir: None,
            demo: false,
            cors_origins: defaults::CORS_ORIGINS.map(String::from).to_vec(),
            trusted_proxies: Vec::new(),
            voter_audience: None,
            voter_issuer: None,
            device_writes_per_min: defaults::DEVICE_WRITES_PER_MIN,
            ip_writes_per_min: defaults::IP_WRITES_PER_MIN,
            support_threshold: defaults::SUPPORT_THRESHOLD,
            idempotency_ttl_secs: defaults::IDEMPOTENCY_TTL_SECS,
            db_pool: defaults::DB_POOL,
            db_writers: defaults::DB_WRITERS,
            db_cache_ms: defaults::DB_CACHE_MS,
            db_listen: None,
            db_pgbouncer: false,
            max_concurrency: defaults::MAX_CONCURRENCY,
            max_concurrency_per_client: None,
            max_streams: defaults::MAX_STREAMS,
            max_streams_per_client: defaults::MAX_STREAMS_PER_CLIENT,
            stream_max_secs: defaults::STREAM_MAX_SECS,
            webhook_allow_private: false,
            webhook_timeout_secs: defaults::WEBHOOK_TIMEOUT_SECS,
            header_timeout_secs: defaults::HEADER_TIMEOUT_SECS,
            request_timeout_secs: defaults::REQUEST_TIMEOUT_SECS,
            shutdown_grace_secs: defaults::SHUTDOWN_GRACE_SECS,
            indicators_refresh_secs: defaults::INDICATORS_REFRESH_SECS,
            secret_batch: defaults::SECRET_BATCH,
            utc_offset_minutes: defaults::UTC_OFFSET_MINUTES,
            admin_token: None,
            voter_secret: None,
            pepper: String::new(),
        }
    }
}

impl Config {
    /// How the store is opened.
    pub fn store_options(&self) -> crate::storage::Options {
        crate::storage::Options {
            idempotency_ttl_ms: (self.idempotency_ttl_secs as i64).saturating_mul(1000),
            pool: self.db_pool,
            writers: self.db_writers as usize,
            cache_ms: self.db_cache_ms,
            listen_url: self.db_listen.clone(),
            transaction_pooler: self.db_pgbouncer,
        }
    }

    /// How webhook deliveries are sent.
    pub fn webhook_settings(&self) -> crate::webhooks::Settings {
        crate::webhooks::Settings {
            reach: crate::webhooks::address::Reach {
                private: self.webhook_allow_private,
                loopback: self.demo && self.listen.ip().is_loopback(),
            },
            timeout: std::time::Duration::from_secs(self.webhook_timeout_secs),
        }
    }

    /// Requests one client may have in flight: the setting, or a quarter
    /// of the server's (at least one).
    pub fn per_client_concurrency(&self) -> usize {
        self.max_concurrency_per_client
            .unwrap_or(self.max_concurrency / 4)
            .clamp(1, self.max_concurrency.max(1))
    }
}

impl Config {
    /// Reads flags from `args` (the program name first) and the
    /// `TONGXIN_*` variables of this process; `--help` and refusals come
    /// back as clap's error, for the caller to print (with
    /// [`Config::variable_behind`]) and exit with its code.
    pub fn from_args(
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> Result<Self, clap::Error> {
        let mut c = Config::try_parse_from(args)?;
        c.read_secrets(|k| std::env::var(k).ok());
        c.tidy();
        Ok(c)
    }

    /// For a refused value that came from a variable rather than a flag:
    /// a line naming the variable, since clap's message names the flag only.
    pub fn variable_behind(err: &clap::Error, args: &[std::ffi::OsString]) -> Option<String> {
        use clap::error::{ContextKind, ContextValue};
        let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
            return None;
        };
        let flag = arg.split_whitespace().next()?;
        let given = args.iter().filter_map(|a| a.to_str()).any(|a| {
            a == flag
                || a.strip_prefix(flag)
                    .is_some_and(|rest| rest.starts_with('='))
        });
        if given {
            return None;
        }
        let command = Config::command();
        let long = flag.strip_prefix("--")?;
        let var = command
            .get_arguments()
            .find(|a| a.get_long() == Some(long))?
            .get_env()?
            .to_str()?
            .to_string();
        std::env::var_os(&var)
            .is_some()
            .then(|| format!("(the value of {flag} came from {var})"))
    }

    /// Drops what an empty variable or a stray comma left: an empty list
    /// entry, an empty audience or issuer.
    fn tidy(&mut self) {
        self.cors_origins.retain(|o| !o.is_empty());
        self.trusted_proxies.retain(|p| !p.is_empty());
        self.voter_audience = self.voter_audience.take().filter(|v| !v.is_empty());
        self.voter_issuer = self.voter_issuer.take().filter(|v| !v.is_empty());
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
    pub fn token_rules(&self) -> crate::voter::TokenRules<'_> {
        crate::voter::TokenRules {
            audience: self.voter_audience.as_deref(),
            issuer: self.voter_issuer.as_deref(),
        }
    }
}

/// A list entry without the spaces around it (`a, b`).
fn trimmed(v: &str) -> Result<String, String> {
    Ok(v.trim().to_string())
}

/// A trusted proxy: an IP address or a CIDR block.
fn proxy(v: &str) -> Result<String, String> {
    let v = v.trim().to_string();
    if !v.is_empty() {
        crate::client_ip::TrustedProxies::parse(std::slice::from_ref(&v))?;
    }
    Ok(v)
}

/// A count of at least 1.
fn positive(v: &str) -> Result<usize, String> {
    v.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("not a positive number: {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server makes of `args` (the process's own variables are
    /// not `TONGXIN_*` ones under `cargo test`).
    fn parse(args: &[&str]) -> Result<Config, String> {
        let argv = std::iter::once("tongxin-server").chain(args.iter().copied());
        Config::from_args(argv.map(Into::into)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_definition_is_consistent() {
        Config::command().debug_assert();
    }

    #[test]
    fn nothing_given_means_the_defaults() {
        let c = parse(&[]).unwrap();
        let d = Config::default();
        assert_eq!(c.listen, d.listen);
        assert_eq!(c.db, d.db);
        assert_eq!(c.cors_origins, d.cors_origins);
        assert_eq!(c.max_concurrency, d.max_concurrency);
        assert_eq!(c.utc_offset_minutes, d.utc_offset_minutes);
        assert_eq!(c.support_threshold, d.support_threshold);
        assert!(!c.demo && c.trusted_proxies.is_empty() && c.voter_audience.is_none());
    }

    #[test]
    fn flags_are_read_and_lists_trimmed() {
        let c = parse(&[
            "--db",
            "/tmp/b.sqlite",
            "--demo",
            "--cors-origins",
            "https://a.example, https://b.example,",
            "--trusted-proxies",
            "10.0.0.0/8, 127.0.0.1",
            "--utc-offset-minutes",
            "-300",
            "--listen",
            "0.0.0.0:9000",
        ])
        .unwrap();
        assert_eq!(c.db, PathBuf::from("/tmp/b.sqlite"));
        assert!(c.demo);
        assert_eq!(c.cors_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(c.trusted_proxies, ["10.0.0.0/8", "127.0.0.1"]);
        assert_eq!(c.utc_offset_minutes, -300);
        assert_eq!(c.listen.port(), 9000);
    }

    #[test]
    fn a_repeated_flag_takes_its_last_value() {
        // `cargo xtask demo -- --listen 0.0.0.0:8080` adds to the demo's own.
        let c = parse(&[
            "--listen",
            "127.0.0.1:8080",
            "--demo",
            "--listen",
            "0.0.0.0:9",
        ])
        .unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:9");
    }

    #[test]
    fn bad_values_are_refused_with_the_setting_named() {
        for (args, named) in [
            (&["--nope"][..], "--nope"),
            (&["--db"], "--db"),
            (&["--listen", "nowhere"], "--listen"),
            (&["--header-timeout-secs", "0"], "--header-timeout-secs"),
            (&["--max-concurrency", "0"], "--max-concurrency"),
            (&["--support-threshold", "0"], "--support-threshold"),
            (&["--utc-offset-minutes", "900"], "--utc-offset-minutes"),
            (&["--ip-writes-per-min=-1"], "--ip-writes-per-min"),
            (&["--trusted-proxies", "10.0.0.0/99"], "--trusted-proxies"),
            (&["--trusted-proxies", "proxy.example"], "--trusted-proxies"),
        ] {
            let err = parse(args).expect_err(&format!("{args:?} should be refused"));
            assert!(err.contains(named), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_names_every_variable_and_the_secrets() {
        let help = Config::command().render_long_help().to_string();
        for var in [
            "TONGXIN_LISTEN",
            "TONGXIN_DB",
            "TONGXIN_MAX_CONCURRENCY",
            "TONGXIN_UTC_OFFSET_MINUTES",
            "TONGXIN_PEPPER",
            "TONGXIN_ADMIN_TOKEN",
            "TONGXIN_VOTER_SECRET",
            "migrate --from",
        ] {
            assert!(help.contains(var), "--help lacks {var}");
        }
    }
}
