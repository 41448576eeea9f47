//! The server's one clock: milliseconds since the Unix epoch, UTC. Core
//! rules take the time as an argument ([`tongxin_core::Millis`]); this is
//! where the server reads it, for requests, jobs and the stores alike.

use tongxin_core::Millis;

/// Now, in ms since the epoch.
pub fn now_ms() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
