//! Changes between instances: a committed write on one instance names the
//! items it touched on PostgreSQL's `tongxin_live` channel (`NOTIFY`), and
//! every instance keeps one connection listening (`LISTEN`) that puts what
//! it hears into its own [`ChangeFeed`], from which its live streams fan
//! the news out in memory. A payload is `instance|key,key,…` (topic keys
//! as [`Topic::key`] writes them); an instance ignores its own.
//!
//! `NOTIFY` is delivered after commit and only to sessions listening then:
//! what a listener misses while it reconnects is caught up by the live
//! streams' periodic refresh (`crate::api::live`).

use std::sync::{Arc, Weak};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use tongxin_core::contract::live::Topic;

use super::{Inner, PgEngine};
use crate::storage::StoreResult;
use crate::storage::cache::PollCache;
use crate::storage::changes::ChangeFeed;

/// The channel instances talk on.
const CHANNEL: &str = "tongxin_live";
/// PostgreSQL refuses payloads of 8,000 bytes and more.
const MAX_PAYLOAD: usize = 7_000;

/// The payloads telling others `topics` changed on instance `me`.
fn payloads(me: u64, topics: &[Topic]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for t in topics {
        let key = t.key();
        if !cur.is_empty() && cur.len() + key.len() + 1 > MAX_PAYLOAD {
            out.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            cur = format!("{me:x}|{key}");
        } else {
            cur.push(',');
            cur.push_str(&key);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The topics of a payload from another instance than `me`.
fn heard(me: u64, payload: &str) -> Vec<Topic> {
    match payload.split_once('|') {
        Some((from, keys)) if from != format!("{me:x}") => {
            keys.split(',').filter_map(Topic::parse).collect()
        }
        _ => Vec::new(),
    }
}

impl PgEngine {
    /// Tells the other instances that `topics` changed here.
    pub async fn tell(&self, me: u64, topics: &[Topic]) -> StoreResult<()> {
        let payloads = payloads(me, topics);
        self.run(move |inner, conn| {
            // One transaction: NOTIFY is sent at its commit, and through a
            // pooler the statements stay on one server connection.
            let mut tx = inner.begin(conn)?;
            for p in &payloads {
                tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, p])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Listens for the other instances' changes on a connection of its own,
    /// in a thread that ends when the engine is dropped.
    pub fn listen(&self, me: u64, feed: Arc<ChangeFeed>, polls: PollCache) {
        if !self.inner.listens {
            tracing::warn!(
                "live counts across instances are off: through a transaction pooler, give --db-listen postgres://… (PostgreSQL itself)"
            );
            return;
        }
        let inner = Arc::downgrade(&self.inner);
        let spawned = std::thread::Builder::new()
            .name("tongxin-pg-listen".into())
            .spawn(move || listen_loop(inner, me, &feed, &polls));
        if let Err(e) = spawned {
            tracing::error!("live counts across instances are off: {e}");
        }
    }
}

fn listen_loop(inner: Weak<Inner>, me: u64, feed: &ChangeFeed, polls: &PollCache) {
    loop {
        let client = match inner.upgrade() {
            Some(i) => i.listen.1.connect(&i.listen.0),
            None => return,
        };
        let mut client =
            match client.and_then(|mut c| c.batch_execute("LISTEN tongxin_live").map(|_| c)) {
                Ok(c) => {
                    // News may have been missed while not listening.
                    polls.clear();
                    c
                }
                Err(e) => {
                    tracing::warn!("live counts: cannot listen to other instances: {e}");
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            };
        loop {
            if inner.strong_count() == 0 {
                return;
            }
            let mut broken = false;
            let mut n = client.notifications();
            let mut it = n.timeout_iter(Duration::from_millis(500));
            loop {
                match it.next() {
                    Ok(Some(note)) => {
                        for t in heard(me, note.payload()) {
                            // A tally changed there: read it again here. (A
                            // poll's settings may be up to `--db-cache-ms`
                            // old for the checks before a write; the write
                            // itself reads the poll in its transaction.)
                            if let Topic::Poll(id) = t {
                                polls.invalidate(id);
                            }
                            feed.remote(t);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!("live counts: the listening connection broke: {e}");
                        broken = true;
                        break;
                    }
                }
            }
            drop(it);
            drop(n);
            if broken || client.is_closed() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongxin_core::Id;

    #[test]
    fn payloads_stay_under_the_limit_and_read_back() {
        let topics: Vec<Topic> = (1..3000).map(|i| Topic::Poll(Id::from(i))).collect();
        let ps = payloads(0xab, &topics);
        assert!(ps.len() > 1);
        assert!(ps.iter().all(|p| p.len() < 8000));
        let back: Vec<Topic> = ps.iter().flat_map(|p| heard(0xcd, p)).collect();
        assert_eq!(back, topics);
        assert!(
            ps.iter().all(|p| heard(0xab, p).is_empty()),
            "its own are ignored"
        );
        assert!(heard(1, "garbage").is_empty());
    }
}
