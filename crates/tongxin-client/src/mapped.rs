//! Any REST backend over HTTP, described by a [`Mapping`] — the reference
//! server too, through [`Mapping::reference`]. Builds each request from the
//! mapping, sends it, reads the answer back into the contract's shape, and
//! keeps writes that found no network in the [outbox](crate::outbox).

use std::cell::RefCell;
use std::rc::Rc;

use async_trait::async_trait;
use serde_json::Value;
use tongxin_core::contract::Problem;
use tongxin_core::mapping::{Failure, Mapping, Op, Vars};

use crate::http::{Http, Reply};
use crate::identity::device_token;
use crate::outbox::{self, Pending};
use crate::transport::{Call, Transport};
use crate::{ClientError, ClientResult};

/// Settings of a [`MappedTransport`].
#[derive(Debug, Clone, PartialEq)]
pub struct MappedOptions {
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

impl MappedOptions {
    /// Options for `base` with the defaults.
    pub fn new(base: impl Into<String>) -> Self {
        MappedOptions {
            base: base.into().trim_end_matches('/').to_string(),
            voter_token: None,
            vars: Vars::new(),
            timeout_ms: 15_000,
        }
    }
}

/// HTTP through a mapping.
pub struct MappedTransport {
    mapping: Rc<Mapping>,
    opts: MappedOptions,
    device: String,
    code: RefCell<Option<String>>,
    http: Http,
}

impl MappedTransport {
    /// A transport for `mapping` with this device's token.
    pub fn new(mapping: Rc<Mapping>, opts: MappedOptions) -> Self {
        MappedTransport {
            http: Http::new(opts.timeout_ms),
            mapping,
            opts,
            device: device_token(),
            code: RefCell::new(None),
        }
    }

    /// The backend's identity in the outbox: its base URL.
    fn backend_id(&self) -> &str {
        self.mapping.base.as_deref().unwrap_or(&self.opts.base)
    }

    fn vars(&self, call: &Call) -> Vars {
        let mut vars = self.opts.vars.clone();
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                vars.insert(k.to_string(), v);
            }
        };
        set("device", Some(Value::String(self.device.clone())));
        set("code", self.code.borrow().clone().map(Value::String));
        set(
            "voterToken",
            self.opts.voter_token.clone().map(Value::String),
        );
        set("key", call.key.as_ref().map(|k| Value::String(k.0.clone())));
        set("now", Some(Value::from(js_sys::Date::now() as i64)));
        vars.extend(call.vars.clone());
        vars
    }
}

fn misconfigured(op: Op, message: &str) -> ClientError {
    ClientError::misconfigured(format!("{}: {message}", op.name()))
}

/// The answer as the contract's value, or the error it means.
fn answer(mapping: &Mapping, op: Op, vars: &Vars, reply: &Reply) -> ClientResult<Value> {
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
    mapping
        .read(op, vars, reply.status, &reply.headers, &reply.text)
        .map_err(|f| match f {
            Failure::Problem(p) => ClientError::Problem(p),
            Failure::Mapping(m) => misconfigured(op, &m),
        })
}

#[async_trait(?Send)]
impl Transport for MappedTransport {
    fn has(&self, op: Op) -> bool {
        self.mapping.has(op)
    }

    async fn call(&self, op: Op, call: Call) -> ClientResult<Value> {
        let vars = self.vars(&call);
        let request = self
            .mapping
            .request(op, &self.opts.base, &vars, call.body.as_ref())
            .map_err(|m| misconfigured(op, &m))?;
        match self.http.send(&request).await {
            Ok(reply) => answer(&self.mapping, op, &vars, &reply),
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
                        Some(op) => answer(&self.mapping, op, &Vars::new(), &reply).err(),
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
