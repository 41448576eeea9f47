//! A host site's webhook endpoint on loopback, for the tests: it records
//! every request it gets (headers and body) and answers with the statuses
//! it was given, in order (then 200); a status of 0 holds the request
//! without answering (a receiver the sender gives up on, or one that is
//! still waiting when the sender is killed).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// One request received.
#[derive(Debug, Clone)]
pub(crate) struct Got {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Got {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Inner {
    got: Vec<Got>,
    answers: VecDeque<u16>,
}

/// A running receiver.
#[derive(Clone)]
pub(crate) struct Receiver {
    inner: Arc<Mutex<Inner>>,
    pub url: String,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let answer = {
        let mut i = r.inner.lock().unwrap();
        i.got.push(Got {
            id: h("webhook-id"),
            timestamp: h("webhook-timestamp"),
            signature: h("webhook-signature"),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        i.answers.pop_front().unwrap_or(200)
    };
    if answer == 0 {
        std::future::pending::<()>().await;
    }
    StatusCode::from_u16(answer).unwrap()
}

impl Receiver {
    /// Starts one answering `answers` first.
    pub(crate) async fn start(answers: &[u16]) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let r = Receiver {
            inner: Arc::new(Mutex::new(Inner {
                got: Vec::new(),
                answers: answers.iter().copied().collect(),
            })),
            url: format!("http://{}/hooks/tongxin", listener.local_addr().unwrap()),
        };
        let app = Router::new()
            .route("/hooks/tongxin", post(hook))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        r
    }

    /// Everything received so far.
    pub(crate) fn got(&self) -> Vec<Got> {
        self.inner.lock().unwrap().got.clone()
    }

    /// Waits until `n` requests came (panics after `wait`).
    pub(crate) async fn wait_for(&self, n: usize, wait: Duration) -> Vec<Got> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} of {n} deliveries within {wait:?}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
