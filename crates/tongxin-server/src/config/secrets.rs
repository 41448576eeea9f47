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

fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(crate::identity::hex(&bytes))
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
