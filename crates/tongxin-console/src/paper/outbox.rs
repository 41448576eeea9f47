//! The phone's outbox of keyed slips: every slip is queued first (in
//! `localStorage`, so a reload or a dead battery loses nothing), then sent
//! in order with its own idempotency key. Without a network the queue
//! waits and is sent again when the browser is back online (and every few
//! seconds), and a slip the server answered twice counts once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api;

/// Where the queue is kept in the browser.
const STORE_KEY: &str = "tongxin-paper-outbox";

/// One slip waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// Its idempotency key, made when it was keyed.
    pub key: String,
    /// The staff API path it goes to.
    pub path: String,
    /// The JSON body.
    pub body: String,
    /// How the clerk finds it in the pile (masked code, name …).
    pub label: String,
}

/// What became of a sent slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sent {
    /// The slip's label.
    pub label: String,
    /// What was sent (voiding an anonymous ballot sends its choice again).
    pub body: String,
    /// The server's answer (an entry) or its refusal, as a line.
    pub outcome: Result<String, String>,
}

/// The outbox and what it did.
#[derive(Clone, Copy)]
pub(crate) struct Outbox {
    /// Slips not yet answered by the server.
    pub pending: RwSignal<Vec<Pending>>,
    /// Answers and refusals, newest first.
    pub sent: RwSignal<Vec<Sent>>,
    /// True while sending.
    sending: RwSignal<bool>,
    /// Bumped after every answered slip (to reload counts).
    pub answered: RwSignal<u32>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn read() -> Vec<Pending> {
    storage()
        .and_then(|s| s.get_item(STORE_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn write(list: &[Pending]) {
    if let (Some(s), Ok(t)) = (storage(), serde_json::to_string(list)) {
        let _ = s.set_item(STORE_KEY, &t);
    }
}

/// A fresh idempotency key for one slip.
pub(crate) fn new_key() -> String {
    let r = (js_sys::Math::random() * 1e15) as u64;
    format!("paper-{}-{r:x}", js_sys::Date::now() as u64)
}

impl Outbox {
    /// The outbox of this browser, sending whatever an earlier visit left,
    /// and again whenever the network comes back.
    pub(crate) fn new() -> Self {
        let o = Outbox {
            pending: RwSignal::new(read()),
            sent: RwSignal::new(Vec::new()),
            sending: RwSignal::new(false),
            answered: RwSignal::new(0),
        };
        let online = window_event_listener(leptos::ev::online, move |_| o.flush());
        let timer = set_interval_with_handle(move || o.flush(), std::time::Duration::from_secs(5));
        on_cleanup(move || {
            online.remove();
            if let Ok(t) = timer {
                t.clear();
            }
        });
        o.flush();
        o
    }

    /// Queues a slip and tries to send the queue.
    pub(crate) fn push(self, p: Pending) {
        self.pending.update(|l| l.push(p));
        self.pending.with_untracked(|l| write(l));
        self.flush();
    }

    /// Sends the queue in order until it is empty or the network fails.
    pub(crate) fn flush(self) {
        if self.sending.get_untracked() || self.pending.with_untracked(Vec::is_empty) {
            return;
        }
        self.sending.set(true);
        spawn_local(async move {
            while let Some(p) = self.pending.with_untracked(|l| l.first().cloned()) {
                let answer = api::post_once(&p.path, p.body.clone(), &p.key).await;
                let outcome = match answer {
                    Err(e) if api::is_offline(&e) => break,
                    Ok(text) => Ok(text),
                    Err(e) => Err(api::describe(&e)),
                };
                self.pending.update(|l| {
                    l.retain(|q| q.key != p.key);
                    write(l);
                });
                self.sent.update(|s| {
                    s.insert(
                        0,
                        Sent {
                            label: p.label.clone(),
                            body: p.body.clone(),
                            outcome,
                        },
                    );
                    s.truncate(50);
                });
                self.answered.update(|n| *n += 1);
            }
            self.sending.set(false);
        });
    }
}
