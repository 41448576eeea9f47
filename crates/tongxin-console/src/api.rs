//! Talking to the reference server from the console: JSON in and out on
//! the console's own origin, the session cookie sent by the browser, and
//! the session's CSRF token on every change (`X-Tongxin-CSRF`). Every
//! failure becomes a [`Problem`] the pages show as it came.

use std::cell::RefCell;

use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
pub use tongxin_core::contract::Problem;

thread_local! {
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Keeps the CSRF token of the session just started or found.
pub fn set_csrf(token: &str) {
    CSRF.with(|c| *c.borrow_mut() = token.to_string());
}

/// A problem made here (network down, an answer that is not JSON).
fn local(status: u16, detail: impl Into<String>) -> Problem {
    Problem {
        type_: "/problems/network".into(),
        title: "the server could not be reached".into(),
        status,
        detail: detail.into(),
        errors: None,
    }
}

async fn run(method: Method, path: &str, body: Option<String>) -> Result<String, Problem> {
    run_keyed(method, path, body, None).await
}

async fn run_keyed(
    method: Method,
    path: &str,
    body: Option<String>,
    key: Option<&str>,
) -> Result<String, Problem> {
    let mut req = RequestBuilder::new(path)
        .method(method.clone())
        .header("Accept", "application/json");
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if method != Method::GET {
        req = req.header("X-Tongxin-CSRF", &CSRF.with(|c| c.borrow().clone()));
    }
    let res = match body {
        Some(b) => {
            req.header("Content-Type", "application/json")
                .body(b)
                .map_err(|e| local(0, e.to_string()))?
                .send()
                .await
        }
        None => req.send().await,
    }
    .map_err(|e| local(0, e.to_string()))?;
    let status = res.status();
    let text = res.text().await.map_err(|e| local(status, e.to_string()))?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(serde_json::from_str(&text).unwrap_or_else(|_| local(status, format!("HTTP {status}"))))
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    serde_json::from_str(text).map_err(|e| local(200, format!("unexpected answer: {e}")))
}

/// `GET path` as JSON.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Problem> {
    parse(&run(Method::GET, path, None).await?)
}

/// `GET path` as text (the CSV exports).
pub async fn get_text(path: &str) -> Result<String, Problem> {
    run(Method::GET, path, None).await
}

/// `POST path` with a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Problem> {
    let body = serde_json::to_string(body).map_err(|e| local(0, e.to_string()))?;
    parse(&run(Method::POST, path, Some(body)).await?)
}

/// `POST path` with a JSON body already written and an idempotency key,
/// so a request resent after a lost answer is done once (the paper
/// outbox); the answer as text.
pub async fn post_once(path: &str, body: String, key: &str) -> Result<String, Problem> {
    run_keyed(Method::POST, path, Some(body), Some(key)).await
}

/// Whether the problem is the network's, not the server's answer: the
/// request may be sent again as it is.
pub fn is_offline(p: &Problem) -> bool {
    p.status == 0
}

/// `PATCH path` with a JSON body.
pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Problem> {
    let body = serde_json::to_string(body).map_err(|e| local(0, e.to_string()))?;
    parse(&run(Method::PATCH, path, Some(body)).await?)
}

/// `DELETE path`, ignoring the answer's body.
pub async fn delete(path: &str) -> Result<(), Problem> {
    run(Method::DELETE, path, None).await.map(|_| ())
}

/// One problem as a line a clerk can act on: the detail, then each field's message.
pub fn describe(p: &Problem) -> String {
    let mut out = p.detail.clone();
    if let Some(errors) = &p.errors {
        for (field, messages) in &errors.0 {
            for m in messages {
                out.push_str(&format!(" · {field}: {m}"));
            }
        }
    }
    out
}
