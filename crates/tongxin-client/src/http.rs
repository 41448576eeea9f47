//! Sending one request with the browser's fetch (`gloo-net`): a time limit,
//! cancellation when the widget unmounts, and the answer read whole.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder};
use tongxin_core::mapping::HttpRequest;
use web_sys::AbortController;

use crate::{ClientError, ClientResult};

/// An answer: status, headers (lower-case names) and body text.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers the browser lets us read (CORS: `Access-Control-Expose-Headers`).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub text: String,
}

/// Fetch with a time limit and cancellation.
pub struct Http {
    timeout_ms: u32,
    in_flight: Rc<RefCell<Vec<AbortController>>>,
    cancelled: Rc<Cell<bool>>,
}

impl Http {
    /// Requests abort after `timeout_ms`.
    pub fn new(timeout_ms: u32) -> Self {
        Http {
            timeout_ms,
            in_flight: Rc::default(),
            cancelled: Rc::default(),
        }
    }

    /// Sends `req`. Any status is an answer; only no answer is an error
    /// (network, timeout, cancelled).
    pub async fn send(&self, req: &HttpRequest) -> ClientResult<Reply> {
        if self.cancelled.get() {
            return Err(ClientError::Cancelled);
        }
        if !crate::pinning::allows(&req.url) {
            return Err(ClientError::misconfigured(format!(
                "{} is on an origin the page does not allow (data-backends); nothing was sent",
                req.url
            )));
        }
        let ctrl = AbortController::new()
            .map_err(|_| ClientError::Network("AbortController unavailable".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (ctrl, timed_out) = (ctrl.clone(), timed_out.clone());
            gloo_timers::callback::Timeout::new(self.timeout_ms, move || {
                timed_out.set(true);
                ctrl.abort();
            })
        };
        self.in_flight.borrow_mut().push(ctrl.clone());
        let method = Method::from_bytes(req.method.as_bytes()).unwrap_or(Method::GET);
        // A redirect would carry the resident's headers somewhere else.
        let mut rb = RequestBuilder::new(&req.url)
            .method(method)
            .redirect(web_sys::RequestRedirect::Error)
            .abort_signal(Some(&ctrl.signal()));
        for (name, value) in &req.headers {
            rb = rb.header(name, value);
        }
        let request = match &req.body {
            Some(b) => rb.body(b.clone()),
            None => rb.build(),
        }
        .map_err(|e| ClientError::Network(e.to_string()));
        let result = match request {
            Ok(r) => r.send().await,
            Err(e) => {
                self.in_flight.borrow_mut().retain(|c| c != &ctrl);
                return Err(e);
            }
        };
        let reply = match result {
            Ok(r) => {
                let status = r.status();
                let headers = r
                    .headers()
                    .entries()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v))
                    .collect();
                r.text().await.map(|text| Reply {
                    status,
                    headers,
                    text,
                })
            }
            Err(e) => Err(e),
        };
        drop(timer);
        self.in_flight.borrow_mut().retain(|c| c != &ctrl);
        match reply {
            Ok(r) => Ok(r),
            Err(_) if timed_out.get() => Err(ClientError::Timeout),
            Err(_) if self.cancelled.get() => Err(ClientError::Cancelled),
            Err(e) => Err(ClientError::Network(e.to_string())),
        }
    }

    /// Aborts every request in flight and refuses new ones.
    pub fn cancel_all(&self) {
        self.cancelled.set(true);
        for c in self.in_flight.borrow_mut().drain(..) {
            c.abort();
        }
    }
}
