//! The raw write ceiling for `cargo xtask bench`: the same ballots as the
//! HTTP benchmark, cast straight through the storage layer by 100
//! concurrent writers (no HTTP, no JSON parsing of requests).
//!
//! Usage: `raw_ceiling <db-file | postgres://…>`; prints
//! `raw_ballots_per_sec N`.

use std::sync::Arc;
use std::time::Instant;

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, PollDraft, PollKind};
use tongxin_core::scope::ScopeLevel;
use tongxin_server::service;
use tongxin_server::storage::{NewScope, Store, Voter, WriteMeta};

const WRITERS: usize = 100;
const PER_WRITER: usize = 400;

fn meta() -> WriteMeta {
    WriteMeta::plain(tongxin_server::clock::now_ms())
}

#[tokio::main]
async fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: raw_ceiling <db-file | postgres://…>");
    let store: Arc<Store> = tongxin_server::storage::open(
        path.as_ref(),
        &tongxin_server::storage::Options::new(3_600_000),
    )
    .await
    .expect("open");
    let scope = NewScope {
        parent_id: None,
        level: ScopeLevel::District,
        name: "bench".into(),
        name_en: None,
        households: None,
    };
    service::scopes::create(&store, meta(), scope)
        .await
        .expect("scope");
    for i in 0..100 {
        let draft = PollDraft::new(
            Id::from(1),
            format!("bench {i}"),
            PollKind::Single,
            ["a", "b", "c"],
        );
        service::polls::create(&store, meta(), draft)
            .await
            .expect("poll");
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            for b in 0..PER_WRITER {
                let n = w * PER_WRITER + b;
                let voter = Voter {
                    key: format!("device:{n:016x}"),
                    code_hash: None,
                };
                let ballot = Ballot::Single {
                    option: Id::from((n % 3) as i64 + 1),
                };
                service::polls::cast(&s, meta(), Id::from((n % 100) as i64 + 1), voter, ballot)
                    .await
                    .expect("cast");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let secs = start.elapsed().as_secs_f64();
    let total = WRITERS * PER_WRITER;
    println!("raw_ballots_total {total}");
    println!("raw_seconds {secs:.3}");
    println!("raw_ballots_per_sec {:.1}", total as f64 / secs);
}
