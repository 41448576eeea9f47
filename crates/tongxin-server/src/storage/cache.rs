//! A read cache of parsed polls and tallies (with their paper figures), so
//! results and counts (read every few seconds by every open widget) skip
//! SQLite and JSON parsing.
//!
//! Correctness against the writer: every poll has a generation number.
//! A reader notes the generation before reading the database and inserts
//! its value only if the generation is unchanged; the store bumps the
//! generation and drops the entry after each committed write to that poll,
//! before answering the writer's caller. So a value read before a commit
//! can never be cached after it, and a client reads its own writes.
//!
//! On PostgreSQL other instances write too: there an entry also expires
//! after a maximum age, and what another instance changed is forgotten
//! when its `NOTIFY` arrives (see `postgres::notify`), so a result read
//! here is at most that old.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tongxin_core::Id;
use tongxin_core::poll::{Poll, Tally};

use super::sql::paper::PaperFigures;

/// A parsed poll, its tally, and what its results carry beside the tally
/// (answers keyed from paper, meeting tallies).
pub type Entry = Arc<(Poll, Tally, PaperFigures)>;

#[derive(Default)]
struct Inner {
    entries: HashMap<Id, (Entry, Instant)>,
    generations: HashMap<Id, u64>,
    /// The last entry read of each poll, kept across ballots (which change
    /// only the tally) for its settings: who may vote, whether it is
    /// anonymous. Dropped by [`PollCache::forget`] (an edit).
    settings: HashMap<Id, (Entry, Instant)>,
}

/// The cache; cheap to clone.
#[derive(Clone, Default)]
pub struct PollCache {
    inner: Arc<Mutex<Inner>>,
    /// Entries older than this are read again (`None`: kept until a write).
    max_age: Option<Duration>,
}

impl PollCache {
    /// A cache whose entries expire after `max_age`.
    pub fn expiring(max_age: Duration) -> Self {
        PollCache {
            max_age: Some(max_age),
            ..PollCache::default()
        }
    }

    /// The cached value, or the current generation to pass to [`Self::insert`].
    pub fn get(&self, id: Id) -> Result<Entry, u64> {
        let inner = self.inner.lock().expect("poll cache");
        match inner.entries.get(&id) {
            Some((e, at)) if self.max_age.is_none_or(|m| at.elapsed() < m) => Ok(e.clone()),
            _ => Err(inner.generations.get(&id).copied().unwrap_or(0)),
        }
    }

    /// Caches `entry` read at `generation`, unless a write came in between.
    pub fn insert(&self, id: Id, generation: u64, entry: Entry) {
        let mut inner = self.inner.lock().expect("poll cache");
        if inner.generations.get(&id).copied().unwrap_or(0) == generation {
            if inner.entries.len() > 10_000 {
                inner.entries.clear();
            }
            if inner.settings.len() > 10_000 {
                inner.settings.clear();
            }
            inner.settings.insert(id, (entry.clone(), Instant::now()));
            inner.entries.insert(id, (entry, Instant::now()));
        }
    }

    /// A poll's settings (its tally may be older), if cached: what a write
    /// checks before it runs (the write itself reads the poll again).
    pub fn settings(&self, id: Id) -> Option<Entry> {
        let inner = self.inner.lock().expect("poll cache");
        match inner.settings.get(&id) {
            Some((e, at)) if self.max_age.is_none_or(|m| at.elapsed() < m) => Some(e.clone()),
            _ => None,
        }
    }

    /// Forgets a poll after an edit of its settings (or news from another
    /// instance, which may be one).
    pub fn forget(&self, id: Id) {
        self.invalidate(id);
        self.inner.lock().expect("poll cache").settings.remove(&id);
    }

    /// Forgets every poll (a listener that reconnects may have missed news).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().expect("poll cache");
        let ids: Vec<Id> = inner.entries.keys().copied().collect();
        for id in ids {
            *inner.generations.entry(id).or_insert(0) += 1;
        }
        inner.entries.clear();
        inner.settings.clear();
    }

    /// Forgets a poll's tally after a committed write to it.
    pub fn invalidate(&self, id: Id) {
        let mut inner = self.inner.lock().expect("poll cache");
        *inner.generations.entry(id).or_insert(0) += 1;
        inner.entries.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongxin_core::poll::{PollDraft, PollKind};

    fn entry() -> Entry {
        let p = PollDraft::new(Id::from(1), "t", PollKind::Single, ["a", "b"])
            .into_poll(Id::from(1), 0);
        let t = Tally::new(&p);
        Arc::new((p, t, PaperFigures::default()))
    }

    #[test]
    fn a_read_from_before_a_write_is_not_cached_after_it() {
        let c = PollCache::default();
        let generation = c.get(Id::from(1)).unwrap_err();
        c.invalidate(Id::from(1)); // a write commits while the reader is in the database
        c.insert(Id::from(1), generation, entry());
        assert!(c.get(Id::from(1)).is_err());
        let generation = c.get(Id::from(1)).unwrap_err();
        c.insert(Id::from(1), generation, entry());
        assert!(c.get(Id::from(1)).is_ok());
        c.invalidate(Id::from(1));
        assert!(c.get(Id::from(1)).is_err());
    }

    #[test]
    fn settings_outlive_a_ballot_but_not_an_edit() {
        let c = PollCache::default();
        let generation = c.get(Id::from(1)).unwrap_err();
        c.insert(Id::from(1), generation, entry());
        c.invalidate(Id::from(1));
        assert!(c.get(Id::from(1)).is_err(), "the tally is read again");
        assert!(c.settings(Id::from(1)).is_some(), "the settings are kept");
        c.forget(Id::from(1));
        assert!(c.settings(Id::from(1)).is_none());
    }

    #[test]
    fn an_expiring_cache_reads_again_after_its_age_and_after_clear() {
        let c = PollCache::expiring(Duration::from_millis(30));
        let generation = c.get(Id::from(1)).unwrap_err();
        c.insert(Id::from(1), generation, entry());
        assert!(c.get(Id::from(1)).is_ok());
        std::thread::sleep(Duration::from_millis(40));
        // Expired: read again; a clear while that read runs wins.
        let generation = c.get(Id::from(1)).unwrap_err();
        c.clear();
        c.insert(Id::from(1), generation, entry());
        assert!(
            c.get(Id::from(1)).is_err(),
            "a read from before the clear is not kept"
        );
    }
}
