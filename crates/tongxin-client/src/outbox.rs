//! The offline outbox: a write that fails for lack of network is kept on
//! the device (in `localStorage`, so it survives a reload) with its
//! idempotency key, and sent again later — on reconnect, when the page
//! becomes visible, on the next load, and on a backoff timer. The key makes
//! the delivery at most once; retrying until the server answers makes it at
//! least once.

use serde::{Deserialize, Serialize};
use tongxin_core::mapping::HttpRequest;

use crate::device;

/// Where the outbox is kept (under `tongxin:` in `localStorage`).
const STORE_KEY: &str = "outbox.v2";

/// Most writes kept; the oldest go first beyond this.
pub const MAX_PENDING: usize = 200;

/// One write waiting for the network: the request exactly as it was
/// built, so it goes out the same whatever the backend's mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The backend it was meant for (its base URL).
    pub backend: String,
    /// What it is about, e.g. `/polls/3/` (widgets send theirs).
    pub topic: String,
    /// Which operation (`castBallot`, …), for messages.
    pub op: String,
    /// The request: method, URL, headers (with the household code or
    /// voter token it was made with) and body.
    pub request: HttpRequest,
    /// The action's idempotency key.
    pub key: String,
    /// Sending attempts so far.
    pub attempts: u32,
}

/// Every pending write on this device.
pub fn all() -> Vec<Pending> {
    device::load(STORE_KEY)
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

fn save(list: &[Pending]) {
    if let Ok(json) = serde_json::to_string(list) {
        device::save(STORE_KEY, &json);
    }
}

/// Keeps a write (replacing one with the same key).
pub fn push(p: Pending) {
    let mut list = all();
    list.retain(|x| x.key != p.key);
    list.push(p);
    let over = list.len().saturating_sub(MAX_PENDING);
    list.drain(..over);
    save(&list);
}

/// Forgets the write with this key (delivered, or refused for good).
pub fn remove(key: &str) {
    let mut list = all();
    list.retain(|x| x.key != key);
    save(&list);
}

/// Counts one more attempt for the write with this key.
pub fn attempted(key: &str) {
    let mut list = all();
    for p in list.iter_mut().filter(|p| p.key == key) {
        p.attempts += 1;
    }
    save(&list);
}

/// The writes for `backend` whose topic starts with `prefix`, oldest first.
pub fn pending_for(backend: &str, prefix: &str) -> Vec<Pending> {
    all()
        .into_iter()
        .filter(|p| p.backend == backend && p.topic.starts_with(prefix))
        .collect()
}

/// Seconds to wait before the next attempt after `attempts` failed ones:
/// 5, 10, 20, … up to 5 minutes.
pub fn backoff_secs(attempts: u32) -> u32 {
    5u32.saturating_mul(1 << attempts.min(6)).min(300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let v: Vec<u32> = (0..9).map(backoff_secs).collect();
        assert_eq!(v, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
    }
}
