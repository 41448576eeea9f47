//! The reference server's HTTP tests: one test binary, so the whole server
//! is linked once, with a module per resource or concern. Every test starts
//! a real server on a loopback port over a fresh SQLite file, or a fresh
//! database of the throwaway PostgreSQL that `cargo xtask test` starts
//! (`TONGXIN_TEST_POSTGRES`); the harness is [`common`]. Run one module
//! with `cargo test -p tongxin-server --test http trust::`.

mod common;

mod assets;
mod backup;
mod bad_input;
mod budgets;
mod conventions;
mod crash;
mod durability;
mod exports;
mod failover;
mod hostile_internet;
mod indicators;
mod instances;
mod live;
mod migrate;
mod moderation;
mod paper;
mod paper_batches;
mod polls;
mod postgres_tls;
mod proposal_polls;
mod proposal_rules;
mod proposals;
mod scope_import;
mod secrecy;
mod settings;
mod staff_access;
mod staff_accounts;
mod staff_audit;
mod staff_cli;
mod staff_codes;
mod staff_sessions;
mod trust;
mod webhooks;
