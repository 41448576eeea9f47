//! Demo data from the Kunming story (see `shared/SEED-NOTES.md`): the Bijie
//! Square civility convention and its 80 % approval poll, a satisfaction
//! rating, polls of every kind, and the Mingtong Lane No. 47 courtyard
//! toilet proposal co-funded with 8,600 yuan from residents and 10,000 yuan
//! from public units, walked through all five steps; this year's budget
//! round of the community fund, open, and last year's, confirmed. Seeds only an empty
//! database, so restarting `--demo` keeps what visitors did.

mod budgets;
mod convention;
mod history;
mod polls;
mod proposals;
mod scopes;
mod staff;
mod toilet;

pub use staff::{DEMO_ACCOUNTS, seed_demo_accounts};

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, PollDraft, PollKind};

use crate::clock::now_ms;
use crate::service;
use crate::storage::{Store, StoreError, Voter, WriteMeta};

fn meta() -> WriteMeta {
    WriteMeta {
        // Demo ballots include anonymous ones: keep no history of any.
        secret: true,
        ..WriteMeta::plain(now_ms())
    }
}

fn seeder(i: usize) -> Voter {
    Voter {
        key: format!("seed:{i}"),
        code_hash: None,
    }
}

/// Well-known ids of the demo items (the database is seeded in this order).
pub mod ids {
    /// 《碧鸡广场活动文明公约》 approval poll (80 % threshold).
    pub const CONVENTION_POLL: i64 = 1;
    /// Square order satisfaction rating.
    pub const SATISFACTION_POLL: i64 = 2;
    /// Bijie Square civility convention.
    pub const CONVENTION: i64 = 1;
    /// Mingtong Lane No. 47 courtyard toilet proposal.
    pub const TOILET_PROPOSAL: i64 = 1;
}

/// Casts many ballots at once so the writer commits them in batches.
async fn cast_many(store: &Arc<Store>, poll: Id, ballots: Vec<Ballot>) -> Result<(), StoreError> {
    let mut tasks = Vec::new();
    for (i, b) in ballots.into_iter().enumerate() {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            service::polls::cast(&s, meta(), poll, seeder(i), b).await
        }));
    }
    for t in tasks {
        t.await.map_err(|e| StoreError::Internal(e.to_string()))??;
    }
    Ok(())
}

fn draft(scope: Id, title: &str, description: &str, kind: PollKind, options: &[&str]) -> PollDraft {
    PollDraft {
        description: description.into(),
        allow_change: true,
        ..PollDraft::new(scope, title, kind, options.iter().copied())
    }
}

/// Seeds the demo data if the database has no scopes yet.
pub async fn seed_demo(store: Arc<Store>) -> Result<(), StoreError> {
    if !service::scopes::list(&store).await?.is_empty() {
        return Ok(());
    }
    let s = &store;
    let at = scopes::create(s).await?;
    polls::seed(s, &at).await?;
    convention::seed(s, &at).await?;
    toilet::toilet(s, &at).await?;
    proposals::waiting(s, &at).await?;
    budgets::seed(s, &at).await?;
    history::seed(s, &at, now_ms()).await
}
