//! Fixed-window write limits per device and per client address, in memory.
//! Weak by design (a restart forgets them): they slow down ballot stuffing on
//! `open` items; `code` and `token` items are the real answer to it.

use std::collections::HashMap;
use std::sync::Mutex;

/// Most keys remembered at once.
pub const MAX_KEYS: usize = 200_000;

/// Counts writes per key per minute.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Records one write for `key` at `now_ms` if fewer than `per_min`
    /// happened this minute; otherwise returns the seconds until the next
    /// window. `per_min == 0` means unlimited.
    pub fn check(&self, key: &str, per_min: u32, now_ms: i64) -> Result<(), u64> {
        if per_min == 0 {
            return Ok(());
        }
        let window = now_ms.div_euclid(60_000);
        let mut map = self.windows.lock().expect("rate limiter");
        if map.len() >= MAX_KEYS {
            map.retain(|_, (w, _)| *w == window);
            // Still full within one minute (a flood of fresh keys): start
            // over rather than grow without bound. Limits are a brake on
            // `open` items, not their only defence.
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let entry = map.entry(key.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= per_min {
            let wait_ms = (window + 1) * 60_000 - now_ms;
            return Err((wait_ms as u64).div_ceil(1000).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_window_and_resets() {
        let r = RateLimiter::default();
        assert!(r.check("a", 2, 0).is_ok());
        assert!(r.check("a", 2, 1).is_ok());
        assert_eq!(r.check("a", 2, 30_000), Err(30));
        assert!(r.check("b", 2, 30_000).is_ok());
        assert!(r.check("a", 2, 60_000).is_ok());
        assert!(r.check("a", 0, 60_000).is_ok());
    }

    #[test]
    fn the_table_stays_bounded() {
        let r = RateLimiter::default();
        for i in 0..MAX_KEYS + 10 {
            assert!(r.check(&format!("k{i}"), 5, 0).is_ok());
        }
        assert!(r.windows.lock().unwrap().len() <= MAX_KEYS);
    }
}
