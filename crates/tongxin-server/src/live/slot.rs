//! A stream's place in the caps: taken when it opens, given back when it
//! is dropped (however the stream ended: finished, cut off, shut down).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Refusal;

/// Open streams, in all and per client.
pub(super) struct Counts {
    max: usize,
    per_client: usize,
    open: Mutex<(usize, HashMap<String, usize>)>,
}

impl Counts {
    pub(super) fn new(max: usize, per_client: usize) -> Self {
        Counts {
            max: max.max(1),
            per_client: per_client.max(1),
            open: Mutex::default(),
        }
    }

    pub(super) fn open(&self) -> usize {
        self.open.lock().expect("stream counts").0
    }
}

/// Held by an open stream.
pub struct StreamSlot {
    counts: Arc<Counts>,
    client: String,
}

impl StreamSlot {
    pub(super) fn take(counts: &Arc<Counts>, client: String) -> Result<Self, Refusal> {
        let mut open = counts.open.lock().expect("stream counts");
        if open.0 >= counts.max {
            return Err(Refusal::Instance);
        }
        let n = open.1.entry(client.clone()).or_insert(0);
        if *n >= counts.per_client {
            if *n == 0 {
                open.1.remove(&client);
            }
            return Err(Refusal::Client);
        }
        *n += 1;
        open.0 += 1;
        Ok(StreamSlot {
            counts: counts.clone(),
            client,
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().expect("stream counts");
        open.0 -= 1;
        if let Some(n) = open.1.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.1.remove(&self.client);
            }
        }
    }
}
