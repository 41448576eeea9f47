//! `tongxin-server user …`: staff accounts from the command line, so that
//! the first administrator exists before anyone can sign in. Each command
//! opens the database, does one thing through [`crate::service::staff`] and says
//! what it did; a refusal says why and exits with 2.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tongxin_core::Id;
use tongxin_core::staff::{Grant, Role, StaffAccount};

use crate::clock::now_ms;
use crate::service;
use crate::service::staff;
use crate::storage::sqlite::DEFAULT_IDEMPOTENCY_TTL_MS;
use crate::storage::{Store, StoreError};

/// Staff accounts of a Tongxin database.
#[derive(Debug, Parser)]
#[command(name = "tongxin-server user", version = None)]
pub struct UserCli {
    /// The SQLite file.
    #[arg(
        long,
        env = "TONGXIN_DB",
        default_value = "data/tongxin.sqlite",
        global = true
    )]
    pub db: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// One account operation.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account. The password comes from TONGXIN_PASSWORD or the
    /// first line of standard input (10 to 128 characters).
    Add {
        /// Sign-in name: 3 to 32 of a-z, 0-9, '.', '_', '-'.
        login: String,
        /// Role and scope: `administrator`, `staff:SCOPE_ID` or
        /// `building_head:SCOPE_ID`; repeat for several.
        #[arg(long = "role", required = true, value_parser = parse_grant)]
        roles: Vec<Grant>,
        /// The name colleagues know (default: the login).
        #[arg(long)]
        name: Option<String>,
    },
    /// Sets a new password (read like `add` does).
    Passwd {
        /// Sign-in name.
        login: String,
    },
    /// Lists the accounts, their roles and whether they are disabled.
    List,
    /// Disables an account: it can no longer sign in, and its tokens stop working.
    Disable {
        /// Sign-in name.
        login: String,
    },
    /// Enables a disabled account again.
    Enable {
        /// Sign-in name.
        login: String,
    },
    /// Makes a personal API token (printed once; only its hash is kept).
    Token {
        /// Sign-in name of its owner; the token can do what the owner can.
        login: String,
        /// What it is for.
        #[arg(long, default_value = "api")]
        label: String,
    },
    /// Lists the tokens of an account (never the tokens themselves).
    Tokens {
        /// Sign-in name.
        login: String,
    },
    /// Revokes a token by its id (from `tokens`).
    Revoke {
        /// The token's id.
        id: i64,
    },
}

/// Parses `administrator`, `staff:12` or `building_head:40`.
fn parse_grant(s: &str) -> Result<Grant, String> {
    let (role, scope) = match s.split_once(':') {
        Some((r, id)) => (
            r,
            Some(Id::parse(id).map_err(|e| format!("scope id {id:?}: {e}"))?),
        ),
        None => (s, None),
    };
    let role = Role::parse(role).ok_or_else(|| {
        format!(
            "unknown role {role:?}: use administrator, staff:SCOPE_ID or building_head:SCOPE_ID"
        )
    })?;
    Ok(Grant {
        role,
        scope_id: scope,
    })
}

fn describe(a: &StaffAccount) -> String {
    let roles: Vec<String> = a
        .grants
        .iter()
        .map(|g| match g.scope_id {
            Some(s) => format!("{}:{s}", g.role.as_str()),
            None => g.role.as_str().to_string(),
        })
        .collect();
    format!(
        "{}\t{}\t{}{}",
        a.login,
        a.display_name,
        roles.join(","),
        if a.disabled { "\tdisabled" } else { "" }
    )
}

fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("TONGXIN_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password (shown as typed; or set TONGXIN_PASSWORD): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn explain(e: StoreError) -> String {
    match e {
        StoreError::Invalid(fe) => {
            fe.0.iter()
                .map(|(field, msgs)| format!("{field}: {}", msgs.join("; ")))
                .collect::<Vec<_>>()
                .join("\n")
        }
        StoreError::NotFound(what) => format!("no such {what}"),
        other => other.to_string(),
    }
}

async fn run(cli: UserCli) -> Result<String, String> {
    let store = crate::storage::open(
        &cli.db,
        &crate::storage::Options::new(DEFAULT_IDEMPOTENCY_TTL_MS),
    )
    .await?;
    let store: &Store = store.as_ref();
    let now = now_ms();
    let out = match cli.command {
        UserCommand::Add { login, roles, name } => {
            let password = read_password()?;
            let name = name.unwrap_or_else(|| login.clone());
            let a = staff::add(store, now, &login, &name, &password, roles).await;
            format!("added\t{}", describe(&a.map_err(explain)?))
        }
        UserCommand::Passwd { login } => {
            let password = read_password()?;
            let a = staff::set_password(store, now, &login, &password).await;
            format!("password changed\t{}", a.map_err(explain)?.login)
        }
        UserCommand::List => {
            let all = service::staff::list(store).await.map_err(explain)?;
            all.iter().map(describe).collect::<Vec<_>>().join("\n")
        }
        UserCommand::Disable { login } => {
            let a = staff::set_disabled(store, now, &login, true).await;
            format!("disabled\t{}", a.map_err(explain)?.login)
        }
        UserCommand::Enable { login } => {
            let a = staff::set_disabled(store, now, &login, false).await;
            format!("enabled\t{}", a.map_err(explain)?.login)
        }
        UserCommand::Token { login, label } => {
            let (token, kept) = staff::issue_token(store, now, &login, &label)
                .await
                .map_err(explain)?;
            eprintln!(
                "token {} for {login} ({}); it is shown only now:",
                kept.id, kept.label
            );
            token
        }
        UserCommand::Tokens { login } => {
            let all = service::staff::tokens(store, &login)
                .await
                .map_err(explain)?;
            all.iter()
                .map(|t| {
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "live"
                    };
                    format!("{}\t{}\t{state}", t.id, t.label)
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        UserCommand::Revoke { id } => {
            let t = staff::revoke_token(store, now, Id::from(id))
                .await
                .map_err(explain)?;
            format!("revoked\t{}\t{}", t.id, t.label)
        }
    };
    Ok(out)
}

/// Runs `tongxin-server user ARGS…` (`args` without the program name and
/// `user`); returns the exit code.
pub async fn user_main(args: impl IntoIterator<Item = String>) -> i32 {
    let cli = match UserCli::try_parse_from(
        std::iter::once("tongxin-server user".to_string()).chain(args),
    ) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli).await {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            0
        }
        Err(msg) => {
            eprintln!("tongxin-server user: {msg}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse() {
        assert_eq!(
            parse_grant("administrator"),
            Ok(Grant {
                role: Role::Administrator,
                scope_id: None
            })
        );
        assert_eq!(
            parse_grant("staff:3"),
            Ok(Grant {
                role: Role::Staff,
                scope_id: Some(Id::int(3))
            })
        );
        assert!(parse_grant("mayor").unwrap_err().contains("unknown role"));
        assert!(parse_grant("staff: 3").is_err());
    }
}
