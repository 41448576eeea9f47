//! The server's secrets: read from the environment only (never flags, which
//! other users of the machine can see in the process list), checked before
//! the server starts, and made up for the demo.

use std::path::{Path, PathBuf};

use super::Config;

impl Config {
    /// Fills the secrets from `env` (`TONGXIN_ADMIN_TOKEN`,
    /// `TONGXIN_VOTER_SECRET`, `TONGXIN_PEPPER`); an empty value is unset.
    pub fn read_secrets(&mut self, env: impl Fn(&str) -> Option<String>) {
        let set = |k: &str| env(k).filter(|v| !v.is_empty());
        self.admin_token = set("TONGXIN_ADMIN_TOKEN");
        self.voter_secret = set("TONGXIN_VOTER_SECRET");
        self.pepper = set("TONGXIN_PEPPER").unwrap_or_default();
    }

    /// Checks the secrets before the server starts. Outside `--demo` a
    /// pepper is required; in the demo a missing pepper is created once and
    /// kept in `<db>.pepper`, and the well-known demo admin token is used
    /// only on a loopback address (elsewhere a random one is made and
    /// printed). Returns lines to print.
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
        if self.pepper.is_empty() {
            return Err(format!(
                "TONGXIN_PEPPER must be set (it keys the hashes of device tokens and household codes); {MAKE_ONE}"
            ));
        }
        if self.demo {
            return Ok(notes);
        }
        // Outside the demo every secret must be too strong to guess offline:
        // a weak voter secret lets anyone forge voter tokens.
        // Without the shared token the admin API takes personal tokens
        // (`tongxin-server user token`) only.
        let secrets = [
            ("TONGXIN_PEPPER", Some(&self.pepper)),
            ("TONGXIN_ADMIN_TOKEN", self.admin_token.as_ref()),
            ("TONGXIN_VOTER_SECRET", self.voter_secret.as_ref()),
        ];
        for (name, value) in secrets {
            if let Some(v) = value
                && !strong(v)
            {
                return Err(format!(
                    "{name} is too weak: it needs at least {MIN_SECRET_BITS} bits of randomness                     (32 random bytes); {MAKE_ONE}"
                ));
            }
        }
        if self.voter_secret.is_some()
            && (self.voter_audience.is_none() || self.voter_issuer.is_none())
        {
            return Err("TONGXIN_VOTER_SECRET is set, so voter tokens come from a host site:                 also set --voter-audience and --voter-issuer (TONGXIN_VOTER_AUDIENCE,                 TONGXIN_VOTER_ISSUER), so that a token made for another site is refused"
                .into());
        }
        Ok(notes)
    }
}

/// How to make a strong secret, said with every refusal.
const MAKE_ONE: &str =
    "make one with `openssl rand -hex 32` (or `head -c 32 /dev/urandom | base64`)";

/// Randomness a secret must carry outside the demo, in bits (32 bytes).
pub(super) const MIN_SECRET_BITS: f64 = 256.0;

/// Whether `s` looks like at least [`MIN_SECRET_BITS`] of randomness: its
/// length times the bits of the character classes it draws from (hex,
/// base64, …) must reach it, and its characters must be spread like random
/// ones: a Shannon entropy of at least 3 bits per character (random hex
/// has about 3.7, base64 about 5) and half the bits in all, which catches
/// long repeats such as `aaaa…` or `abab…`.
fn strong(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as f64;
    let mut alphabet = 0u32;
    for (present, size) in [
        (chars.iter().any(char::is_ascii_lowercase), 26),
        (chars.iter().any(char::is_ascii_uppercase), 26),
        (chars.iter().any(char::is_ascii_digit), 10),
        (chars.iter().any(|c| c.is_ascii_punctuation()), 32),
        (chars.iter().any(|c| !c.is_ascii()), 1000),
    ] {
        if present {
            alphabet += size;
        }
    }
    let by_classes = n * f64::from(alphabet.max(1)).log2();
    let mut freq = std::collections::HashMap::<char, f64>::new();
    for c in &chars {
        *freq.entry(*c).or_default() += 1.0;
    }
    let per_char: f64 = freq.values().map(|k| -(k / n) * (k / n).log2()).sum();
    by_classes >= MIN_SECRET_BITS && per_char >= 3.0 && 2.0 * per_char * n >= MIN_SECRET_BITS
}

fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(crate::hex::encode(&bytes))
}

/// The demo's pepper: read from `<db>.pepper`, created on first start.
fn demo_pepper(db: &Path) -> Result<String, String> {
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
    fn secrets_come_from_the_environment_and_empty_is_unset() {
        let mut c = Config::default();
        c.read_secrets(|k| match k {
            "TONGXIN_PEPPER" => Some("0123456789abcdef".into()),
            "TONGXIN_ADMIN_TOKEN" => Some(String::new()),
            "TONGXIN_VOTER_SECRET" => Some("host-secret".into()),
            _ => None,
        });
        assert_eq!(c.pepper, "0123456789abcdef");
        assert_eq!(c.admin_token, None);
        assert_eq!(c.voter_secret.as_deref(), Some("host-secret"));
    }

    /// `openssl rand -hex 32`, as the refusals advise.
    const HEX32: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    /// `head -c 32 /dev/urandom | base64`.
    const B64_32: &str = "q3Jx0m9Yb8ZkR2pV+L1tWc7sN4eHf6aDgU5iTzXoP0E=";

    #[test]
    fn outside_the_demo_secrets_are_required_and_strong() {
        let mut c = Config::default();
        assert!(c.prepare_secrets().unwrap_err().contains("TONGXIN_PEPPER"));
        for weak in [
            "x",
            "0123456789abcdef",
            "password-password-password",
            &"a".repeat(200),
            &"ab".repeat(100),
        ] {
            c.pepper = weak.to_string();
            let e = c.prepare_secrets().unwrap_err();
            assert!(
                e.contains("TONGXIN_PEPPER") && e.contains("openssl rand"),
                "{weak}: {e}"
            );
        }
        c.pepper = HEX32.into();
        // The shared admin token is optional (personal tokens replace it),
        // but never weak.
        assert!(c.prepare_secrets().is_ok());
        c.admin_token = Some("a-long-enough-admin-token".into());
        assert!(
            c.prepare_secrets()
                .unwrap_err()
                .contains("TONGXIN_ADMIN_TOKEN")
        );
        c.admin_token = Some(B64_32.into());
        assert!(c.prepare_secrets().is_ok());
        // A voter secret: strong, and with the host site's aud and iss.
        c.voter_secret = Some("x".into());
        assert!(
            c.prepare_secrets()
                .unwrap_err()
                .contains("TONGXIN_VOTER_SECRET is too weak")
        );
        c.voter_secret = Some(HEX32.into());
        assert!(
            c.prepare_secrets()
                .unwrap_err()
                .contains("--voter-audience")
        );
        c.voter_audience = Some("tongxin".into());
        c.voter_issuer = Some("https://host.example".into());
        assert!(c.prepare_secrets().is_ok());
    }

    #[test]
    fn the_demo_takes_any_secret() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Config {
            demo: true,
            db: dir.path().join("demo.sqlite"),
            voter_secret: Some("demo".into()),
            ..Config::default()
        };
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
