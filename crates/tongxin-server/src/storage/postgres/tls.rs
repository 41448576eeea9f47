//! Encryption of the connection to PostgreSQL, for a database on another
//! host. `sslmode=require` in the database address turns it on (libpq's
//! `verify-ca` and `verify-full` are read the same way), and the server's
//! certificate is then always checked, chain and host name, like libpq's
//! `verify-full`: against `sslrootcert=FILE` (PEM; the certificate of the
//! database's own CA) or, without it or with `sslrootcert=system`, against
//! the system's trusted roots. Encryption that does not know whom it talks
//! to would hand the ballots to whoever sits in the middle, so there is no
//! unchecked mode.
//!
//! Without `sslmode` (or with `disable` / `prefer`) the connection is plain,
//! as it is over a Unix socket: keep such a database on the same host or a
//! private network.

use postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::storage::{StoreError, StoreResult};

/// How connections are made.
#[derive(Clone)]
pub(super) enum Tls {
    /// Plain TCP or a Unix socket.
    Plain,
    /// TLS, the server's certificate checked against the loaded roots.
    Verified(MakeRustlsConnect),
}

impl Tls {
    /// Opens one connection.
    pub(super) fn connect(
        &self,
        config: &postgres::Config,
    ) -> Result<postgres::Client, postgres::Error> {
        match self {
            Tls::Plain => config.connect(postgres::NoTls),
            Tls::Verified(tls) => config.connect(tls.clone()),
        }
    }
}

/// Reads a `postgres://…` address: the client settings and how to connect.
pub(super) fn parse(url: &str) -> StoreResult<(postgres::Config, Tls)> {
    let bad = |m: String| StoreError::Internal(format!("database address: {m}"));
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut root = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslrootcert" => root = Some(decode(value).map_err(bad)?),
            "sslmode" if matches!(value, "verify-ca" | "verify-full") => {
                kept.push("sslmode=require".to_string());
            }
            _ => kept.push(pair.to_string()),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let config: postgres::Config = rest
        .parse()
        .map_err(|e: postgres::Error| bad(super::db::describe(&e)))?;
    let tls = match (config.get_ssl_mode(), root) {
        (SslMode::Require, root) => Tls::Verified(connector(root.as_deref())?),
        (_, Some(_)) => {
            return Err(bad(
                "sslrootcert is only read with sslmode=require (or verify-full)".into(),
            ));
        }
        (_, None) => Tls::Plain,
    };
    Ok((config, tls))
}

fn decode(value: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| "sslrootcert is not UTF-8".to_string())
}

/// A TLS connector trusting the certificates of `root` (a PEM file; the
/// system's roots when `None` or `system`).
fn connector(root: Option<&str>) -> StoreResult<MakeRustlsConnect> {
    let config = crate::tls::client_config(root).map_err(StoreError::Internal)?;
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Why `url` is refused.
    fn refusal(url: &str) -> String {
        match parse(url) {
            Ok(_) => panic!("{url} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn plain_without_sslmode() {
        let (config, tls) = parse("postgres://u@db.example/tongxin?connect_timeout=5").unwrap();
        assert!(matches!(tls, Tls::Plain));
        assert_eq!(config.get_dbname(), Some("tongxin"));
        assert_eq!(config.get_connect_timeout().map(|d| d.as_secs()), Some(5));
    }

    #[test]
    fn require_and_verify_full_load_the_system_roots() {
        for mode in ["require", "verify-full", "verify-ca"] {
            let url = format!("postgres://u@db.example/tongxin?sslmode={mode}");
            let (config, tls) = parse(&url).unwrap();
            assert_eq!(config.get_ssl_mode(), SslMode::Require, "{mode}");
            assert!(matches!(tls, Tls::Verified(_)), "{mode}");
        }
    }

    #[test]
    fn a_missing_or_empty_root_file_is_named() {
        let err = refusal("postgres://u@h/d?sslmode=require&sslrootcert=%2Fnowhere%2Fca.pem");
        assert!(err.contains("sslrootcert /nowhere/ca.pem"), "{err}");
        let dir = std::env::temp_dir().join(format!("tongxin-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let url = format!(
            "postgres://u@h/d?sslrootcert={}&sslmode=require",
            empty.display()
        );
        let err = refusal(&url);
        assert!(err.contains("no usable certificate"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_root_without_require_is_refused_not_ignored() {
        let err = refusal("postgres://u@h/d?sslrootcert=/etc/ca.pem");
        assert!(err.contains("only read with sslmode=require"), "{err}");
    }

    #[test]
    fn unknown_options_still_fail_with_the_crate_s_reason() {
        let err = refusal("postgres://u@h/d?frobnicate=1");
        assert!(err.contains("frobnicate"), "{err}");
    }
}
