//! A small Server-Sent Events reader over a real streaming response, as a
//! browser's `EventSource` reads it: frames split on blank lines, comments
//! (heartbeats) skipped.

use std::time::Duration;

use reqwest::{Client, Response};
use serde_json::Value;

/// One event.
#[derive(Debug, Clone)]
pub(crate) struct Ev {
    pub event: String,
    pub id: String,
    pub data: Value,
}

/// An open stream.
pub(crate) struct Sse {
    res: Response,
    buf: String,
}

impl Sse {
    /// Opens `url` (with `Last-Event-ID` when given); panics unless 200.
    pub(crate) async fn open(http: &Client, url: &str, last: Option<&str>) -> Sse {
        let mut req = http.get(url).header("accept", "text/event-stream");
        if let Some(id) = last {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Sse {
            res,
            buf: String::new(),
        }
    }

    /// The next event, or `None` when the stream ends or `wait` passes.
    pub(crate) async fn next_within(&mut self, wait: Duration) -> Option<Ev> {
        tokio::time::timeout(wait, self.next()).await.ok().flatten()
    }

    /// The next event; `None` when the server ends the stream.
    pub(crate) async fn next(&mut self) -> Option<Ev> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut id, mut data) = (String::new(), String::new(), String::new());
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // a heartbeat or a bare `retry:`
                }
                let data = serde_json::from_str(&data).expect("event data is JSON");
                return Some(Ev { event, id, data });
            }
            match self.res.chunk().await {
                Ok(Some(bytes)) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// Events until one satisfies `done` (all of them, that one last);
    /// panics after `wait` without it.
    pub(crate) async fn until(&mut self, wait: Duration, done: impl Fn(&Ev) -> bool) -> Vec<Ev> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let ev = self
                .next_within(left)
                .await
                .unwrap_or_else(|| panic!("no awaited event within {wait:?}; saw {seen:?}"));
            let stop = done(&ev);
            seen.push(ev);
            if stop {
                return seen;
            }
        }
    }
}
