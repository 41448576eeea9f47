//! REST contract v1 over `gloo-net` (the browser's fetch).
//!
//! Every request carries the device token (and a household code or host
//! voter token when there is one), aborts after a time limit, and is aborted
//! when the widget unmounts. Writes carry the action's idempotency key.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use async_trait::async_trait;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tongxin_core::Id;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, EvaluationsView, LedgerView, MyBallot, Page, PollView, Problem,
    ProposalCard, ProposalDetail, PublicComment, PublicEvaluation, ReportReceipt, ResultsView,
    SignatureCounts, SignatureReceipt, SupportState,
};
use tongxin_core::convention::{PublicSignature, SignatureInput};
use tongxin_core::poll::Ballot;
use tongxin_core::proposal::funding::{Pledge, PledgeInput};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, TransitionRecord,
};
use tongxin_core::scope::Scope;
use web_sys::AbortController;

use crate::identity::{IdemKey, device_token};
use crate::outbox::{self, Pending};
use crate::{Backend, ClientError, ClientResult, ProposalQuery};

/// Settings of a [`RestBackend`].
#[derive(Debug, Clone, PartialEq)]
pub struct RestOptions {
    /// API base, e.g. `https://example.org/api` (requests go to `{base}/v1/…`).
    pub base: String,
    /// A voter token signed by the host site, for `token` items. Default none.
    pub voter_token: Option<String>,
    /// Time limit per request in ms. Default 15,000.
    pub timeout_ms: u32,
}

impl RestOptions {
    /// Options for `base` with the defaults.
    pub fn new(base: impl Into<String>) -> Self {
        RestOptions {
            base: base.into().trim_end_matches('/').to_string(),
            voter_token: None,
            timeout_ms: 15_000,
        }
    }
}

/// The default backend.
pub struct RestBackend {
    opts: RestOptions,
    device: String,
    code: RefCell<Option<String>>,
    in_flight: Rc<RefCell<Vec<AbortController>>>,
    cancelled: Rc<Cell<bool>>,
}

impl RestBackend {
    /// A backend for `opts`, with this device's token.
    pub fn new(opts: RestOptions) -> Self {
        RestBackend {
            opts,
            device: device_token(),
            code: RefCell::new(None),
            in_flight: Rc::default(),
            cancelled: Rc::default(),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&IdemKey>,
    ) -> ClientResult<Response> {
        let code = self.code.borrow().clone();
        self.send_once(method, path, body, key, code.as_deref())
            .await
    }

    /// Like [`send`](Self::send) for a write whose widget flushes the
    /// outbox: without network it is kept there and `Queued` is returned.
    async fn send_or_queue(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: &IdemKey,
    ) -> ClientResult<Response> {
        let code = self.code.borrow().clone();
        let result = self
            .send_once(
                method.clone(),
                path,
                body.clone(),
                Some(key),
                code.as_deref(),
            )
            .await;
        match result {
            // No network: the write waits in the outbox with its key.
            Err(ClientError::Network(_)) => {
                outbox::push(Pending {
                    base: self.opts.base.clone(),
                    method: method.to_string(),
                    path: path.to_string(),
                    body,
                    key: key.0.clone(),
                    code,
                    attempts: 0,
                });
                Err(ClientError::Queued)
            }
            other => other,
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&IdemKey>,
        code: Option<&str>,
    ) -> ClientResult<Response> {
        if self.cancelled.get() {
            return Err(ClientError::Cancelled);
        }
        let ctrl = AbortController::new()
            .map_err(|_| ClientError::Network("AbortController unavailable".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (ctrl, timed_out) = (ctrl.clone(), timed_out.clone());
            gloo_timers::callback::Timeout::new(self.opts.timeout_ms, move || {
                timed_out.set(true);
                ctrl.abort();
            })
        };
        self.in_flight.borrow_mut().push(ctrl.clone());
        let url = format!("{}/v1{}", self.opts.base, path);
        let mut rb = RequestBuilder::new(&url)
            .method(method)
            .abort_signal(Some(&ctrl.signal()))
            .header("x-tongxin-device", &self.device);
        if let Some(code) = code {
            rb = rb.header("x-tongxin-code", code);
        }
        if let Some(t) = &self.opts.voter_token {
            rb = rb.header("x-tongxin-voter", t);
        }
        if let Some(k) = key {
            rb = rb.header("idempotency-key", &k.0);
        }
        let request = match body {
            Some(b) => rb.header("content-type", "application/json").body(b),
            None => rb.build(),
        }
        .map_err(|e| ClientError::Network(e.to_string()))?;
        let result = request.send().await;
        drop(timer);
        self.in_flight.borrow_mut().retain(|c| c != &ctrl);
        let response = match result {
            Ok(r) => r,
            Err(_) if timed_out.get() => return Err(ClientError::Timeout),
            Err(_) if self.cancelled.get() => return Err(ClientError::Cancelled),
            Err(e) => return Err(ClientError::Network(e.to_string())),
        };
        match response.status() {
            200..=299 => Ok(response),
            429 => {
                let secs = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(30);
                Err(ClientError::RateLimited {
                    retry_after_secs: secs,
                })
            }
            status => {
                let text = response.text().await.unwrap_or_default();
                let problem = serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| Problem {
                    type_: "about:blank".into(),
                    title: format!("HTTP {status}"),
                    status,
                    detail: format!("the server answered {status}"),
                    errors: None,
                });
                Err(ClientError::Problem(problem))
            }
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&IdemKey>,
    ) -> ClientResult<T> {
        let r = self.send(method, path, body, key).await?;
        read_json(r).await
    }
}

async fn read_json<T: DeserializeOwned>(r: Response) -> ClientResult<T> {
    let text = r
        .text()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| ClientError::Decode(e.to_string()))
}

fn body<T: Serialize>(v: &T) -> ClientResult<Option<String>> {
    serde_json::to_string(v)
        .map(Some)
        .map_err(|e| ClientError::Decode(e.to_string()))
}

#[async_trait(?Send)]
impl Backend for RestBackend {
    async fn poll(&self, id: Id) -> ClientResult<PollView> {
        self.json(Method::GET, &format!("/polls/{id}"), None, None)
            .await
    }

    async fn results(&self, id: Id) -> ClientResult<ResultsView> {
        self.json(Method::GET, &format!("/polls/{id}/results"), None, None)
            .await
    }

    async fn my_ballot(&self, id: Id) -> ClientResult<Option<MyBallot>> {
        let r = match self
            .send(
                Method::GET,
                &format!("/polls/{id}/ballots/mine"),
                None,
                None,
            )
            .await
        {
            Ok(r) => r,
            Err(ClientError::Problem(p)) if p.status == 404 || p.status == 401 => return Ok(None),
            Err(e) => return Err(e),
        };
        if r.status() == 204 {
            return Ok(None);
        }
        let text = r
            .text()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    async fn cast(&self, id: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        let path = format!("/polls/{id}/ballots");
        read_json(
            self.send_or_queue(Method::POST, &path, body(ballot)?, key)
                .await?,
        )
        .await
    }

    async fn change(&self, id: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        let path = format!("/polls/{id}/ballots/mine");
        read_json(
            self.send_or_queue(Method::PUT, &path, body(ballot)?, key)
                .await?,
        )
        .await
    }

    async fn scopes(&self) -> ClientResult<Vec<Scope>> {
        self.json(Method::GET, "/scopes", None, None).await
    }

    async fn convention(&self, id: Id) -> ClientResult<ConventionView> {
        self.json(Method::GET, &format!("/conventions/{id}"), None, None)
            .await
    }

    async fn signature_counts(&self, id: Id) -> ClientResult<SignatureCounts> {
        self.json(Method::GET, &format!("/conventions/{id}/count"), None, None)
            .await
    }

    async fn signatures(
        &self,
        id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> ClientResult<Page<PublicSignature>> {
        let mut path = format!("/conventions/{id}/signatures?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&String::from(js_sys::encode_uri_component(&c)));
        }
        self.json(Method::GET, &path, None, None).await
    }

    async fn my_signatures(&self, id: Id) -> ClientResult<Vec<SignatureReceipt>> {
        match self
            .json(
                Method::GET,
                &format!("/conventions/{id}/signatures/mine"),
                None,
                None,
            )
            .await
        {
            Err(ClientError::Problem(p)) if p.status == 401 => Ok(Vec::new()),
            other => other,
        }
    }

    async fn sign(
        &self,
        id: Id,
        input: &SignatureInput,
        key: &IdemKey,
    ) -> ClientResult<SignatureReceipt> {
        let path = format!("/conventions/{id}/signatures");
        read_json(
            self.send_or_queue(Method::POST, &path, body(input)?, key)
                .await?,
        )
        .await
    }

    async fn withdraw(&self, id: Id, key: &IdemKey) -> ClientResult<SignatureReceipt> {
        let path = format!("/conventions/{id}/signatures/mine");
        read_json(self.send_or_queue(Method::DELETE, &path, None, key).await?).await
    }

    async fn proposals(&self, q: &ProposalQuery) -> ClientResult<Page<ProposalCard>> {
        let mut path = format!("/proposals?sort={}", q.sort.as_str());
        if q.limit > 0 {
            path.push_str(&format!("&limit={}", q.limit));
        }
        if let Some(s) = q.scope_id {
            path.push_str(&format!("&scope_id={s}"));
        }
        if let Some(step) = q.step {
            path.push_str(&format!("&step={}", step.as_str()));
        }
        if let Some(c) = &q.cursor {
            path.push_str("&cursor=");
            path.push_str(&String::from(js_sys::encode_uri_component(c)));
        }
        self.json(Method::GET, &path, None, None).await
    }

    async fn proposal(&self, id: Id) -> ClientResult<ProposalDetail> {
        self.json(Method::GET, &format!("/proposals/{id}"), None, None)
            .await
    }

    async fn submit_proposal(
        &self,
        draft: &ProposalDraft,
        key: &IdemKey,
    ) -> ClientResult<Proposal> {
        self.json(Method::POST, "/proposals", body(draft)?, Some(key))
            .await
    }

    async fn support(&self, id: Id, key: &IdemKey) -> ClientResult<SupportState> {
        let path = format!("/proposals/{id}/supports");
        read_json(self.send_or_queue(Method::POST, &path, None, key).await?).await
    }

    async fn unsupport(&self, id: Id, key: &IdemKey) -> ClientResult<SupportState> {
        let path = format!("/proposals/{id}/supports/mine");
        read_json(self.send_or_queue(Method::DELETE, &path, None, key).await?).await
    }

    async fn timeline(&self, id: Id) -> ClientResult<Vec<TransitionRecord>> {
        self.json(
            Method::GET,
            &format!("/proposals/{id}/timeline"),
            None,
            None,
        )
        .await
    }

    async fn comments(&self, id: Id, newest_first: bool) -> ClientResult<Vec<PublicComment>> {
        let order = if newest_first { "newest" } else { "oldest" };
        self.json(
            Method::GET,
            &format!("/proposals/{id}/comments?order={order}"),
            None,
            None,
        )
        .await
    }

    async fn add_comment(
        &self,
        id: Id,
        input: &CommentInput,
        key: &IdemKey,
    ) -> ClientResult<PublicComment> {
        let path = format!("/proposals/{id}/comments");
        read_json(
            self.send_or_queue(Method::POST, &path, body(input)?, key)
                .await?,
        )
        .await
    }

    async fn report_comment(&self, id: Id, comment_id: Id) -> ClientResult<ReportReceipt> {
        self.json(
            Method::POST,
            &format!("/proposals/{id}/comments/{comment_id}/reports"),
            Some("{}".into()),
            None,
        )
        .await
    }

    async fn pledges(&self, id: Id) -> ClientResult<Vec<Pledge>> {
        self.json(Method::GET, &format!("/proposals/{id}/pledges"), None, None)
            .await
    }

    async fn pledge(&self, id: Id, input: &PledgeInput, key: &IdemKey) -> ClientResult<Pledge> {
        let path = format!("/proposals/{id}/pledges");
        read_json(
            self.send_or_queue(Method::POST, &path, body(input)?, key)
                .await?,
        )
        .await
    }

    async fn ledger(&self, id: Id) -> ClientResult<LedgerView> {
        self.json(Method::GET, &format!("/proposals/{id}/ledger"), None, None)
            .await
    }

    async fn evaluations(&self, id: Id) -> ClientResult<EvaluationsView> {
        self.json(
            Method::GET,
            &format!("/proposals/{id}/evaluations"),
            None,
            None,
        )
        .await
    }

    async fn evaluate(
        &self,
        id: Id,
        input: &EvaluationInput,
        key: &IdemKey,
    ) -> ClientResult<PublicEvaluation> {
        let path = format!("/proposals/{id}/evaluations");
        read_json(
            self.send_or_queue(Method::POST, &path, body(input)?, key)
                .await?,
        )
        .await
    }

    async fn flush_outbox(&self, prefix: &str) -> (usize, Vec<ClientError>) {
        let mut delivered = 0;
        let mut refused = Vec::new();
        for p in outbox::pending_for(&self.opts.base, prefix) {
            let method = match p.method.as_str() {
                "PUT" => Method::PUT,
                "DELETE" => Method::DELETE,
                _ => Method::POST,
            };
            let key = IdemKey(p.key.clone());
            match self
                .send_once(
                    method,
                    &p.path,
                    p.body.clone(),
                    Some(&key),
                    p.code.as_deref(),
                )
                .await
            {
                Ok(_) => {
                    outbox::remove(&p.key);
                    delivered += 1;
                }
                // Refused for good (4xx): tell the resident. A server error
                // or a rate limit is worth another try later.
                Err(ClientError::Problem(problem)) if problem.status < 500 => {
                    outbox::remove(&p.key);
                    refused.push(ClientError::Problem(problem));
                }
                Err(ClientError::Cancelled) => break,
                Err(_) => outbox::attempted(&p.key),
            }
        }
        (delivered, refused)
    }

    fn has_pending(&self, prefix: &str) -> bool {
        !outbox::pending_for(&self.opts.base, prefix).is_empty()
    }

    fn set_household_code(&self, code: Option<String>) {
        *self.code.borrow_mut() = code.filter(|c| !c.trim().is_empty());
    }

    fn cancel_all(&self) {
        self.cancelled.set(true);
        for c in self.in_flight.borrow_mut().drain(..) {
            c.abort();
        }
    }
}
