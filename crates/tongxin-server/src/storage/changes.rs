//! Which items changed since the live streams last looked: services name
//! each item a committed write touched ([`crate::storage::Store::changed`]),
//! and the live hub (`crate::live`) takes the set and publishes the new
//! figures. A set, not a queue: a thousand ballots on one poll between two
//! looks are one change. On PostgreSQL the store also tells the other
//! instances (`NOTIFY`), and hears theirs (`LISTEN`), into the same set.

use std::collections::BTreeSet;
use std::sync::Mutex;

use tokio::sync::Notify;
use tongxin_core::contract::live::Topic;

/// The set of changed topics, and a bell rung when it gains one.
#[derive(Default)]
pub struct ChangeFeed {
    /// Changed here (to tell other instances) and changed at all.
    dirty: Mutex<(BTreeSet<Topic>, BTreeSet<Topic>)>,
    bell: Notify,
}

impl ChangeFeed {
    /// Notes that a write committed here touched `topic`.
    pub fn local(&self, topic: Topic) {
        let mut d = self.dirty.lock().expect("change feed");
        d.0.insert(topic);
        d.1.insert(topic);
        drop(d);
        self.bell.notify_one();
    }

    /// Notes that another instance (or the clock) changed `topic`.
    pub fn remote(&self, topic: Topic) {
        self.dirty.lock().expect("change feed").1.insert(topic);
        self.bell.notify_one();
    }

    /// Takes the changes so far: (made here, all).
    pub fn take(&self) -> (Vec<Topic>, Vec<Topic>) {
        let mut d = self.dirty.lock().expect("change feed");
        let (here, all) = std::mem::take(&mut *d);
        (here.into_iter().collect(), all.into_iter().collect())
    }

    /// Waits until something changed (returns at once if it already did).
    pub async fn rung(&self) {
        self.bell.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongxin_core::Id;

    #[test]
    fn many_changes_to_one_item_are_one() {
        let f = ChangeFeed::default();
        for _ in 0..1000 {
            f.local(Topic::Poll(Id::from(1)));
        }
        f.remote(Topic::Board);
        let (here, all) = f.take();
        assert_eq!(here, vec![Topic::Poll(Id::from(1))]);
        assert_eq!(all.len(), 2);
        assert_eq!(f.take(), (vec![], vec![]));
    }
}
