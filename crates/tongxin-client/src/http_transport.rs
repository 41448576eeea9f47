//! A backend over HTTP: builds each request from its [`Routes`], sends it,
//! reads the answer back into the contract's shape, and keeps writes that
//! found no network in the [outbox](crate::outbox).
//!
//! The routes are the reference server's, written out
//! ([`ReferenceRoutes`], no mapping engine in the page), or any REST
//! backend's as a declarative mapping (`crate::mapped`).

use std::cell::RefCell;

use async_trait::async_trait;
use serde_json::Value;
use tongxin_core::contract::live::Topic;
use tongxin_core::contract::{Problem, routes, version};
use tongxin_core::mapping::{Failure, HttpRequest, Op, Vars};

use crate::device::{device_token_for, origin_of};
use crate::http::{Http, Reply};
use crate::outbox::{self, Pending};
use crate::transport::{Call, Transport};
use crate::{ClientError, ClientResult};

/// How a backend's operations become HTTP requests and its answers the
/// contract's values.
pub trait Routes {
    /// Whether the backend has `op`.
    fn has(&self, op: Op) -> bool;
    /// The backend's own base URL, if it names one (else the widget's `api`).
    fn base(&self) -> Option<&str>;
    /// The request for `op`; `body` is the widget's, in the contract's shape.
    fn request(
        &self,
        op: Op,
        base: &str,
        vars: &Vars,
        body: Option<&Value>,
    ) -> Result<HttpRequest, String>;
    /// The URL of `topic`'s event stream and whether it is the reference
    /// server's page stream (events named by topic key, carrying the
    /// contract's JSON); else its events only say "read again".
    fn events(&self, topic: Topic, base: &str, vars: &Vars) -> Option<(String, bool)>;
    /// The answer to `op` (sent with `vars`) as the contract's value.
    fn read(
        &self,
        op: Op,
        vars: &Vars,
        status: u16,
        headers: &[(String, String)],
        text: &str,
    ) -> Result<Value, Failure>;
}

/// The reference server's routes ([`tongxin_core::contract::routes`]).
pub struct ReferenceRoutes;

impl Routes for ReferenceRoutes {
    fn has(&self, op: Op) -> bool {
        routes::has(op)
    }
    fn base(&self) -> Option<&str> {
        None
    }

    /// The page's stream (`/v1/events`), which follows every item of the
    /// page on one connection, the topic named by the widget.
    fn events(&self, _topic: Topic, base: &str, _vars: &Vars) -> Option<(String, bool)> {
        Some((format!("{base}/v1/events"), true))
    }
    fn request(
        &self,
        op: Op,
        base: &str,
        vars: &Vars,
        body: Option<&Value>,
    ) -> Result<HttpRequest, String> {
        routes::request(op, base, vars, body)
    }
    fn read(
        &self,
        op: Op,
        _vars: &Vars,
        status: u16,
        _headers: &[(String, String)],
        text: &str,
    ) -> Result<Value, Failure> {
        routes::read(op, status, text)
    }
}

/// Settings of an [`HttpTransport`].
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOptions {
    /// Base URL used when the mapping has no `base`, e.g.
    /// `https://example.org/api` (the widget's `api` setting).
    pub base: String,
    /// A voter token signed by the host site (`{voterToken}`). Default none.
    pub voter_token: Option<String>,
    /// Values for the mapping's variables, from the host page (e.g. an API
    /// token for `{apiToken}`). Default none.
    pub vars: Vars,
    /// Time limit per request in ms. Default 15,000.
    pub timeout_ms: u32,
}

impl HttpOptions {
    /// Options for `base` with the defaults.
    pub fn new(base: impl Into<String>) -> Self {
        HttpOptions {
            base: base.into().trim_end_matches('/').to_string(),
            voter_token: None,
            vars: Vars::new(),
            timeout_ms: 15_000,
        }
    }
}

/// HTTP along `R`'s routes.
pub struct HttpTransport<R> {
    routes: R,
    opts: HttpOptions,
    /// The backend's origin: the one the household code and the voter
    /// token are for.
    origin: String,
    device: String,
    code: RefCell<Option<String>>,
    http: Http,
}

impl<R: Routes> HttpTransport<R> {
    /// A transport along `routes` with this device's token.
    pub fn new(routes: R, opts: HttpOptions) -> Self {
        // Per backend origin: never the token another backend knows.
        let origin = origin_of(routes.base().unwrap_or(&opts.base));
        let device = device_token_for(&origin);
        HttpTransport {
            http: Http::new(opts.timeout_ms),
            routes,
            opts,
            origin,
            device,
            code: RefCell::new(None),
        }
    }

    /// The backend's identity in the outbox: its base URL.
    fn backend_id(&self) -> &str {
        self.routes.base().unwrap_or(&self.opts.base)
    }

    /// The variables of `call` for a request to `origin`: the backend's own
    /// origin gets this device's token for it, the household code and the
    /// voter token; any other origin (an operation of a mapping elsewhere)
    /// gets a device token of its own and neither code nor voter token.
    fn vars(&self, call: &Call, origin: &str) -> Vars {
        let own = origin == self.origin;
        let mut vars = self.opts.vars.clone();
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                vars.insert(k.to_string(), v);
            }
        };
        let device = if own {
            self.device.clone()
        } else {
            device_token_for(origin)
        };
        set("device", Some(Value::String(device)));
        set(
            "code",
            own.then(|| self.code.borrow().clone())
                .flatten()
                .map(Value::String),
        );
        set(
            "voterToken",
            own.then(|| self.opts.voter_token.clone())
                .flatten()
                .map(Value::String),
        );
        set("key", call.key.as_ref().map(|k| Value::String(k.0.clone())));
        set("now", Some(Value::from(js_sys::Date::now() as i64)));
        vars.extend(call.vars.clone());
        vars
    }
}

impl<R: Routes> HttpTransport<R> {
    /// The request for `op`, with the variables of the origin it goes to.
    fn request(&self, op: Op, call: &Call) -> ClientResult<(HttpRequest, Vars)> {
        let build = |origin: &str| {
            let vars = self.vars(call, origin);
            self.routes
                .request(op, &self.opts.base, &vars, call.body.as_ref())
                .map(|r| (r, vars))
                .map_err(|m| misconfigured(op, &m))
        };
        let (request, vars) = build(&self.origin)?;
        let origin = origin_of(&request.url);
        if origin == self.origin {
            return Ok((request, vars));
        }
        // Another origin: built again with its own variables, which must
        // not move it (a variable in the host part would).
        let (request, vars) = build(&origin)?;
        if origin_of(&request.url) != origin {
            return Err(misconfigured(
                op,
                "the operation's origin depends on a variable",
            ));
        }
        Ok((request, vars))
    }
}

fn misconfigured(op: Op, message: &str) -> ClientError {
    ClientError::misconfigured(format!("{}: {message}", op.name()))
}

/// Tells the site's developer once, in the console, when the server speaks
/// a newer REST contract than this bundle knows (its `Tongxin-Contract`
/// header): what is new goes unused until the bundle is updated.
fn warn_if_newer_contract(headers: &[(String, String)]) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if let Some((_, theirs)) = headers.iter().find(|(k, _)| k == version::HEADER)
        && version::is_newer(theirs)
        && !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        // `console.error`, not `warn`: the one console binding the bundles
        // already carry (a new one cost ~400 bytes brotli).
        web_sys::console::error_1(
            &format!(
                "Tongxin: the server speaks REST contract {theirs}, newer than this bundle's {}; update the widgets",
                version::VERSION
            )
            .into(),
        );
    }
}

/// The answer as the contract's value, or the error it means.
fn answer(routes: &impl Routes, op: Op, vars: &Vars, reply: &Reply) -> ClientResult<Value> {
    if reply.status == 429 {
        let secs = reply
            .headers
            .iter()
            .find(|(k, _)| k == "retry-after")
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(30);
        return Err(ClientError::RateLimited {
            retry_after_secs: secs,
        });
    }
    warn_if_newer_contract(&reply.headers);
    #[cfg(feature = "mapping")]
    crate::contract_backend::remember_sent(op, &reply.text);
    routes
        .read(op, vars, reply.status, &reply.headers, &reply.text)
        .map_err(|f| match f {
            Failure::Problem(p) => ClientError::Problem(p),
            Failure::Mapping(m) => misconfigured(op, &m),
        })
}

#[async_trait(?Send)]
impl<R: Routes> Transport for HttpTransport<R> {
    fn has(&self, op: Op) -> bool {
        self.routes.has(op)
    }

    #[cfg(any(feature = "poll", feature = "convention", feature = "proposals"))]
    fn events(&self, topic: Topic) -> Option<(String, bool)> {
        self.routes.events(topic, &self.opts.base, &self.opts.vars)
    }

    async fn call(&self, op: Op, call: Call) -> ClientResult<Value> {
        let (request, vars) = self.request(op, &call)?;
        match self.http.send(&request).await {
            Ok(reply) => answer(&self.routes, op, &vars, &reply),
            // No network: a write worth keeping waits in the outbox with its key.
            Err(ClientError::Network(_)) if call.topic.is_some() && call.key.is_some() => {
                outbox::push(Pending {
                    backend: self.backend_id().to_string(),
                    topic: call.topic.unwrap_or_default(),
                    op: op.name().to_string(),
                    request,
                    key: call.key.map(|k| k.0).unwrap_or_default(),
                    attempts: 0,
                });
                Err(ClientError::Queued)
            }
            Err(e) => Err(e),
        }
    }

    async fn flush_outbox(&self, prefix: &str) -> (usize, Vec<ClientError>) {
        let mut delivered = 0;
        let mut refused = Vec::new();
        for p in outbox::pending_for(self.backend_id(), prefix) {
            match self.http.send(&p.request).await {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    outbox::remove(&p.key);
                    delivered += 1;
                }
                // Refused for good (4xx): tell the resident. A server error
                // or a rate limit is worth another try later.
                Ok(reply) if (400..500).contains(&reply.status) && reply.status != 429 => {
                    outbox::remove(&p.key);
                    let problem = match Op::from_name(&p.op) {
                        Some(op) => answer(&self.routes, op, &Vars::new(), &reply).err(),
                        None => None,
                    };
                    refused.push(problem.unwrap_or_else(|| {
                        ClientError::Problem(Problem {
                            type_: "about:blank".into(),
                            title: format!("HTTP {}", reply.status),
                            status: reply.status,
                            detail: format!("the server answered {}", reply.status),
                            errors: None,
                        })
                    }));
                }
                Err(ClientError::Cancelled) => break,
                _ => outbox::attempted(&p.key),
            }
        }
        (delivered, refused)
    }

    fn has_pending(&self, prefix: &str) -> bool {
        !outbox::pending_for(self.backend_id(), prefix).is_empty()
    }

    fn set_household_code(&self, code: Option<String>) {
        *self.code.borrow_mut() = code.filter(|c| !c.trim().is_empty());
    }

    fn cancel_all(&self) {
        self.http.cancel_all();
    }
}
