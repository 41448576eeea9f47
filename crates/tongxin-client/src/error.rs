//! What can go wrong talking to a backend, as distinct cases a widget can
//! explain: the server said no (with its problem+json), the network is
//! down, the request timed out, or we are asked to slow down.

use std::fmt;

use tongxin_core::contract::Problem;

/// A failed backend call.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The server answered with a problem+json (or another 4xx/5xx).
    Problem(Problem),
    /// 429: wait this many seconds.
    RateLimited {
        /// From `Retry-After`, default 30.
        retry_after_secs: u64,
    },
    /// No answer: offline, DNS, CORS refused, connection reset.
    Network(String),
    /// No answer within the time limit.
    Timeout,
    /// Cancelled because the widget was unmounted.
    Cancelled,
    /// The backend's mapping or adapter does not fit what it answered (or
    /// lacks an operation the widget needs): names the operation and field.
    Misconfigured(String),
    /// No network: the write is kept in the offline outbox and will be
    /// sent when the device is back online.
    Queued,
}

impl ClientError {
    /// A misconfiguration (logged once to the console for the site's
    /// developer, who will look there first).
    pub fn misconfigured(message: String) -> ClientError {
        #[cfg(target_arch = "wasm32")]
        web_sys::console::error_1(&format!("Tongxin: widget misconfigured: {message}").into());
        ClientError::Misconfigured(message)
    }

    /// The problem's stable code, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Problem(p) => Some(p.code()),
            _ => None,
        }
    }

    /// Whether retrying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network(_) | ClientError::Timeout | ClientError::RateLimited { .. } => {
                true
            }
            ClientError::Problem(p) => p.status >= 500,
            _ => false,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Problem(p) => write!(f, "{}", p.detail),
            ClientError::RateLimited { retry_after_secs } => {
                write!(f, "too many requests; retry in {retry_after_secs} s")
            }
            ClientError::Network(m) => write!(f, "network error: {m}"),
            ClientError::Timeout => write!(f, "the server did not answer in time"),
            ClientError::Cancelled => write!(f, "cancelled"),
            ClientError::Misconfigured(m) => write!(f, "widget misconfigured: {m}"),
            ClientError::Queued => write!(f, "saved on this device; will be sent when online"),
        }
    }
}
