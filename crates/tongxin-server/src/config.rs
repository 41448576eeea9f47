//! Server settings: command-line flags first, then `TONGXIN_*` environment
//! variables, then defaults that suit the demo on 127.0.0.1:8080.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`--listen`, `TONGXIN_LISTEN`), default 127.0.0.1:8080.
    pub listen: SocketAddr,
    /// SQLite file (`--db`, `TONGXIN_DB`), default `data/tongxin.sqlite`.
    pub db: PathBuf,
    /// Staff bearer token (`TONGXIN_ADMIN_TOKEN`); the admin API is off without one.
    pub admin_token: Option<String>,
    /// Secret for host-signed voter tokens (`TONGXIN_VOTER_SECRET`); `token` items refuse everyone without one.
    pub voter_secret: Option<String>,
    /// Secret mixed into hashes of device tokens and household codes (`TONGXIN_PEPPER`).
    pub pepper: String,
    /// Origins allowed to embed the widgets (`TONGXIN_CORS_ORIGINS`, comma separated; `*` for any).
    pub cors_origins: Vec<String>,
    /// Demo site directory (`--www`, `TONGXIN_WWW`), default `www`.
    pub www_dir: PathBuf,
    /// Widget bundle directory served at `/tongxin/` (`--bundle`, `TONGXIN_BUNDLE`), default `target/tongxin-bundle`.
    pub bundle_dir: PathBuf,
    /// Embedding recipes served at `/examples/` (`--examples`, `TONGXIN_EXAMPLES`), default `examples`.
    pub examples_dir: PathBuf,
    /// Writes per minute per device on `open` items (`TONGXIN_DEVICE_WRITES_PER_MIN`), default 30; 0 = unlimited.
    pub device_writes_per_min: u32,
    /// Writes per minute per client IP (`TONGXIN_IP_WRITES_PER_MIN`), default 600; 0 = unlimited.
    pub ip_writes_per_min: u32,
    /// Support threshold given to new proposals (`TONGXIN_SUPPORT_THRESHOLD`), default 20.
    pub support_threshold: u32,
    /// Seed the demo data on an empty database (`--demo`).
    pub demo: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("data/tongxin.sqlite"),
            admin_token: None,
            voter_secret: None,
            pepper: "tongxin-default-pepper".into(),
            cors_origins: vec![
                "http://127.0.0.1:8080".into(),
                "http://localhost:8080".into(),
            ],
            www_dir: PathBuf::from("www"),
            bundle_dir: PathBuf::from("target/tongxin-bundle"),
            examples_dir: PathBuf::from("examples"),
            device_writes_per_min: 30,
            ip_writes_per_min: 600,
            support_threshold: 20,
            demo: false,
        }
    }
}

/// Usage text for `--help`.
pub const USAGE: &str =
    "tongxin-server [--listen ADDR] [--db FILE] [--www DIR] [--bundle DIR] [--examples DIR] [--demo]

Environment: TONGXIN_ADMIN_TOKEN, TONGXIN_VOTER_SECRET, TONGXIN_PEPPER,
TONGXIN_CORS_ORIGINS, TONGXIN_DEVICE_WRITES_PER_MIN, TONGXIN_IP_WRITES_PER_MIN,
TONGXIN_SUPPORT_THRESHOLD, TONGXIN_LISTEN, TONGXIN_DB, TONGXIN_WWW, TONGXIN_BUNDLE, TONGXIN_EXAMPLES.";

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
        if let Some(v) = env("TONGXIN_LISTEN") {
            c.listen = v
                .parse()
                .map_err(|_| format!("TONGXIN_LISTEN: not an address: {v}"))?;
        }
        if let Some(v) = env("TONGXIN_DB") {
            c.db = v.into();
        }
        if let Some(v) = env("TONGXIN_WWW") {
            c.www_dir = v.into();
        }
        if let Some(v) = env("TONGXIN_EXAMPLES") {
            c.examples_dir = v.into();
        }
        if let Some(v) = env("TONGXIN_BUNDLE") {
            c.bundle_dir = v.into();
        }
        c.admin_token = env("TONGXIN_ADMIN_TOKEN").filter(|t| !t.is_empty());
        c.voter_secret = env("TONGXIN_VOTER_SECRET").filter(|t| !t.is_empty());
        if let Some(v) = env("TONGXIN_PEPPER") {
            c.pepper = v;
        }
        if let Some(v) = env("TONGXIN_CORS_ORIGINS") {
            c.cors_origins = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
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
                "--www" => c.www_dir = value("--www")?.into(),
                "--bundle" => c.bundle_dir = value("--bundle")?.into(),
                "--examples" => c.examples_dir = value("--examples")?.into(),
                "--demo" => c.demo = true,
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
            }
        }
        Ok(c)
    }
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
        assert!(Config::from_args(["--db".into()], |_| None).is_err());
    }
}
