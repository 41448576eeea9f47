//! Live figures fanned out in memory: each followed item ([`Topic`]) has
//! one broadcast channel and its last published state; every open stream
//! is a receiver. The publisher (`crate::api::live`) computes an item's
//! figures once per change, however many streams follow it, and
//! [`Hub::publish`] sends them only when they differ from the last ones.
//!
//! Streams are bounded: at most `--max-streams` per instance and
//! `--max-streams-per-client` per client address ([`Hub::subscribe`]
//! refuses beyond), each ends after `--stream-max-secs` (the browser
//! reconnects) and all end at once when the server shuts down
//! ([`Hub::close`]).

mod slot;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::{broadcast, watch};
use tongxin_core::contract::live::Topic;

pub use slot::StreamSlot;

/// Events a slow stream may fall behind before it skips to the latest.
const BUFFER: usize = 16;
/// Board events kept for streams that reconnect.
const BOARD_REPLAY: usize = 64;

/// One published state of a topic (or one change of the board), with its
/// SSE frames written once for every stream that sends it.
#[derive(Debug)]
pub struct Published {
    /// The SSE event id: this instance's start and its sequence number,
    /// which orders every event of the instance.
    pub id: String,
    /// The event's JSON.
    pub data: String,
    /// The frame named by the topic's kind (`event: results`), for the
    /// streams of one item.
    pub by_kind: Bytes,
    /// The frame named by the topic's key (`event: poll:7`), for a page's
    /// stream.
    pub by_key: Bytes,
    seq: u64,
}

/// An SSE frame: `event`, `id` and one `data` line (JSON has no line
/// breaks).
fn frame(event: &str, id: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {event}\nid: {id}\ndata: {data}\n\n"))
}

struct Channel {
    tx: broadcast::Sender<Arc<Published>>,
    last: Option<Arc<Published>>,
    /// The board's last events (its events are changes, not states).
    recent: VecDeque<Arc<Published>>,
}

/// Why a stream was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The instance has `--max-streams` open.
    Instance,
    /// The client address has `--max-streams-per-client` open.
    Client,
    /// The server is shutting down.
    Closing,
}

/// A new stream: its receivers, what to send first, its slot.
pub struct Subscription {
    /// New states as they are published, per topic followed.
    pub rx: Vec<(Topic, broadcast::Receiver<Arc<Published>>)>,
    /// Sent before anything new: each state the client has not seen (all
    /// of them for a new client) and the board's changes it missed.
    pub first: Vec<(Topic, Arc<Published>)>,
    /// Holds the stream's place in the caps until dropped.
    pub slot: StreamSlot,
    /// Changes to `true` when the server shuts down.
    pub closing: watch::Receiver<bool>,
}

/// The hub of one instance.
pub struct Hub {
    epoch: String,
    topics: Mutex<HashMap<Topic, Channel>>,
    seq: AtomicU64,
    counts: Arc<slot::Counts>,
    closing: watch::Sender<bool>,
}

impl Hub {
    /// A hub allowing `max_streams` streams, `per_client` per address.
    pub fn new(max_streams: usize, per_client: usize) -> Self {
        Hub {
            epoch: format!("{:x}", crate::clock::now_ms()),
            topics: Mutex::default(),
            seq: AtomicU64::new(0),
            counts: Arc::new(slot::Counts::new(max_streams, per_client)),
            closing: watch::channel(false).0,
        }
    }

    /// The sequence number in an event id of this instance's, if it is one.
    fn seen(&self, last_event_id: Option<&str>) -> Option<u64> {
        last_event_id?
            .strip_prefix(&self.epoch)?
            .strip_prefix('-')?
            .parse()
            .ok()
    }

    /// Opens a stream on `topics` for `client` (an address bucket), which
    /// last saw event `last_event_id` (the `Last-Event-ID` header).
    pub fn subscribe(
        &self,
        topics: &[Topic],
        client: String,
        last_event_id: Option<&str>,
    ) -> Result<Subscription, Refusal> {
        if *self.closing.borrow() {
            return Err(Refusal::Closing);
        }
        let slot = StreamSlot::take(&self.counts, client)?;
        let seen = self.seen(last_event_id);
        let mut map = self.topics.lock().expect("live topics");
        let mut rx = Vec::new();
        let mut first = Vec::new();
        for &topic in topics {
            let ch = map.entry(topic).or_insert_with(Channel::new);
            let newer = |p: &Arc<Published>| seen.is_none_or(|n| p.seq > n);
            if topic == Topic::Board {
                // Without an id of ours the client has no place in the
                // board's changes: it just loaded the list.
                if seen.is_some() {
                    first.extend(
                        ch.recent
                            .iter()
                            .filter(|p| newer(p))
                            .map(|p| (topic, p.clone())),
                    );
                }
            } else if let Some(p) = ch.last.as_ref().filter(|p| newer(p)) {
                first.push((topic, p.clone()));
            }
            rx.push((topic, ch.tx.subscribe()));
        }
        first.sort_by_key(|(_, p)| p.seq);
        Ok(Subscription {
            rx,
            first,
            slot,
            closing: self.closing.subscribe(),
        })
    }

    /// Whether `topic` has a state yet (a first subscriber must wait for
    /// one: see `crate::api::live`).
    pub fn has_state(&self, topic: Topic) -> bool {
        let topics = self.topics.lock().expect("live topics");
        topics.get(&topic).is_some_and(|c| c.last.is_some())
    }

    /// Publishes `data` as `topic`'s state; nothing is sent when it equals
    /// the last one. Returns whether it was sent.
    pub fn publish(&self, topic: Topic, data: String) -> bool {
        let mut topics = self.topics.lock().expect("live topics");
        let ch = topics.entry(topic).or_insert_with(Channel::new);
        if topic != Topic::Board && ch.last.as_ref().is_some_and(|l| l.data == data) {
            return false;
        }
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let id = format!("{}-{seq}", self.epoch);
        let p = Arc::new(Published {
            by_kind: frame(topic.event(), &id, &data),
            by_key: frame(&topic.key(), &id, &data),
            id,
            data,
            seq,
        });
        if topic == Topic::Board {
            if ch.recent.len() == BOARD_REPLAY {
                ch.recent.pop_front();
            }
            ch.recent.push_back(p.clone());
        } else {
            ch.last = Some(p.clone());
        }
        let _ = ch.tx.send(p);
        true
    }

    /// The topics someone follows now; channels nobody follows are
    /// dropped, except the board's, which keeps its recent changes for
    /// the clients that come back once someone followed it.
    pub fn watched(&self) -> Vec<Topic> {
        let mut topics = self.topics.lock().expect("live topics");
        topics.retain(|t, c| *t == Topic::Board || c.tx.receiver_count() > 0);
        topics.keys().copied().collect()
    }

    /// The last state of `topic`, for a stream that fell behind.
    pub fn latest(&self, topic: Topic) -> Option<Arc<Published>> {
        let topics = self.topics.lock().expect("live topics");
        topics.get(&topic).and_then(|c| c.last.clone())
    }

    /// Streams open now.
    pub fn open_streams(&self) -> usize {
        self.counts.open()
    }

    /// Changes to `true` when the hub closes.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every stream and refuses new ones (on SIGTERM / Ctrl-C).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

impl Channel {
    fn new() -> Self {
        Channel {
            tx: broadcast::channel(BUFFER).0,
            last: None,
            recent: VecDeque::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongxin_core::Id;

    const POLL: Topic = Topic::Poll(Id::int(1));
    const OTHER: Topic = Topic::Convention(Id::int(2));

    fn data(s: &Subscription) -> Vec<&str> {
        s.first.iter().map(|(_, p)| p.data.as_str()).collect()
    }

    #[test]
    fn equal_states_are_sent_once() {
        let hub = Hub::new(10, 10);
        let mut s = hub.subscribe(&[POLL], "a".into(), None).unwrap();
        assert!(hub.publish(POLL, "{\"n\":1}".into()));
        assert!(!hub.publish(POLL, "{\"n\":1}".into()));
        assert!(hub.publish(POLL, "{\"n\":2}".into()));
        let rx = &mut s.rx[0].1;
        assert_eq!(rx.try_recv().unwrap().data, "{\"n\":1}");
        assert_eq!(rx.try_recv().unwrap().data, "{\"n\":2}");
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn a_reconnection_gets_what_changed_since_its_last_event() {
        let hub = Hub::new(10, 10);
        hub.publish(POLL, "1".into());
        hub.publish(OTHER, "a".into());
        let s = hub.subscribe(&[POLL, OTHER], "x".into(), None).unwrap();
        assert_eq!(data(&s), ["1", "a"], "a new client gets every state");
        let seen = s.first[1].1.id.clone();
        hub.publish(POLL, "2".into());
        let again = hub
            .subscribe(&[POLL, OTHER], "x".into(), Some(&seen))
            .unwrap();
        assert_eq!(data(&again), ["2"], "only what changed since");
        let other_instance = hub
            .subscribe(&[POLL, OTHER], "x".into(), Some("0-99"))
            .unwrap();
        assert_eq!(data(&other_instance), ["a", "2"], "all, oldest first");
    }

    #[test]
    fn the_board_replays_what_a_reconnection_missed() {
        let hub = Hub::new(10, 10);
        hub.publish(Topic::Board, "a".into());
        let s = hub.subscribe(&[Topic::Board], "x".into(), None).unwrap();
        assert!(s.first.is_empty(), "the board has no state to start with");
        let seen = format!("{}-1", hub.epoch);
        hub.publish(Topic::Board, "b".into());
        hub.publish(POLL, "p".into());
        hub.publish(Topic::Board, "c".into());
        let again = hub
            .subscribe(&[Topic::Board], "x".into(), Some(&seen))
            .unwrap();
        assert_eq!(data(&again), ["b", "c"]);
    }

    #[test]
    fn caps_refuse_and_give_back() {
        let hub = Hub::new(3, 2);
        let a1 = hub.subscribe(&[POLL], "a".into(), None).unwrap();
        let _a2 = hub.subscribe(&[POLL], "a".into(), None).unwrap();
        assert_eq!(
            hub.subscribe(&[POLL], "a".into(), None).err(),
            Some(Refusal::Client)
        );
        let _b = hub.subscribe(&[POLL], "b".into(), None).unwrap();
        assert_eq!(
            hub.subscribe(&[POLL], "c".into(), None).err(),
            Some(Refusal::Instance)
        );
        drop(a1);
        assert_eq!(hub.open_streams(), 2);
        assert!(hub.subscribe(&[POLL], "a".into(), None).is_ok());
        hub.close();
        assert_eq!(
            hub.subscribe(&[POLL], "d".into(), None).err(),
            Some(Refusal::Closing)
        );
    }

    #[test]
    fn channels_nobody_follows_are_dropped() {
        let hub = Hub::new(10, 10);
        let s = hub.subscribe(&[POLL], "a".into(), None).unwrap();
        assert_eq!(hub.watched(), vec![POLL]);
        drop(s);
        assert!(hub.watched().is_empty());
        drop(hub.subscribe(&[Topic::Board], "a".into(), None).unwrap());
        assert_eq!(
            hub.watched(),
            vec![Topic::Board],
            "the board keeps its changes"
        );
    }
}
