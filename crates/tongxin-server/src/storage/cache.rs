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

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tongxin_core::Id;
use tongxin_core::poll::{Poll, Tally};

use super::sql::paper::PaperFigures;

/// A parsed poll, its tally, and what its results carry beside the tally
/// (answers keyed from paper, meeting tallies).
pub type Entry = Arc<(Poll, Tally, PaperFigures)>;

#[derive(Default)]
struct Inner {
    entries: HashMap<Id, Entry>,
    generations: HashMap<Id, u64>,
}

/// The cache; cheap to clone.
#[derive(Clone, Default)]
pub struct PollCache {
    inner: Arc<Mutex<Inner>>,
}

impl PollCache {
    /// The cached value, or the current generation to pass to [`Self::insert`].
    pub fn get(&self, id: Id) -> Result<Entry, u64> {
        let inner = self.inner.lock().expect("poll cache");
        match inner.entries.get(&id) {
            Some(e) => Ok(e.clone()),
            None => Err(inner.generations.get(&id).copied().unwrap_or(0)),
        }
    }

    /// Caches `entry` read at `generation`, unless a write came in between.
    pub fn insert(&self, id: Id, generation: u64, entry: Entry) {
        let mut inner = self.inner.lock().expect("poll cache");
        if inner.generations.get(&id).copied().unwrap_or(0) == generation {
            if inner.entries.len() > 10_000 {
                inner.entries.clear();
            }
            inner.entries.insert(id, entry);
        }
    }

    /// Forgets a poll after a committed write to it.
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
}
