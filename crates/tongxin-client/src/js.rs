//! A backend written by the host page in JavaScript: an object of async
//! functions named after the operations (`getPoll`, `castBallot`, …) that
//! return plain objects in the contract's shapes. Covers GraphQL, SDKs and
//! pages with no server at all (`examples/local-only`).
//!
//! Each function gets `(id?, body?, ctx)`: the item id for operations about
//! one item, the body for writes, and `ctx` with the other variables
//! (`key`, `cursor`, `limit`, `sort`, `step`, `scopeId`, `order`,
//! `commentId`, `device`, `code`, `voterToken`). To refuse, throw
//! `{ status: 409, code: "poll_closed", message: "…" }`.

use std::cell::{Cell, RefCell};

use async_trait::async_trait;
use js_sys::{Array, Function, JSON, Promise, Reflect};
use serde_json::Value;
use tongxin_core::contract::Problem;
use tongxin_core::mapping::Op;
use tongxin_core::text::FieldErrors;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::device::device_token_for;
use crate::transport::{Call, Transport};
use crate::{ClientError, ClientResult};

/// The host's adapter object.
pub struct JsTransport {
    adapter: JsValue,
    device: String,
    voter_token: Option<String>,
    code: RefCell<Option<String>>,
    cancelled: Cell<bool>,
}

impl JsTransport {
    /// Wraps `adapter` (an object of functions).
    pub fn new(adapter: JsValue, voter_token: Option<String>) -> Self {
        JsTransport {
            adapter,
            device: device_token_for("adapter:"),
            voter_token,
            code: RefCell::new(None),
            cancelled: Cell::new(false),
        }
    }

    fn function(&self, op: Op) -> Option<Function> {
        Reflect::get(&self.adapter, &JsValue::from_str(op.name()))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    }
}

fn to_js(v: &Value) -> JsValue {
    JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

fn from_js(op: Op, v: &JsValue) -> ClientResult<Value> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    let text: String = JSON::stringify(v)
        .map(String::from)
        .map_err(|_| adapter_error(op, "returned something that is not plain data"))?;
    serde_json::from_str(&text).map_err(|e| adapter_error(op, &e.to_string()))
}

fn adapter_error(op: Op, m: &str) -> ClientError {
    ClientError::misconfigured(format!("adapter {}: {m}", op.name()))
}

/// What a thrown value means: `{status, code, message, errors}` is a
/// refusal; anything else is a failure worth retrying.
fn thrown(e: &JsValue) -> ClientError {
    let get = |k: &str| Reflect::get(e, &JsValue::from_str(k)).ok();
    let message = get("message")
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the adapter failed".into());
    match get("status").and_then(|s| s.as_f64()) {
        Some(status) if (400.0..600.0).contains(&status) => {
            let code = get("code").and_then(|c| c.as_string());
            let errors = get("errors")
                .filter(|v| v.is_object())
                .and_then(|v| JSON::stringify(&v).ok())
                .and_then(|s| serde_json::from_str::<FieldErrors>(&String::from(s)).ok());
            ClientError::Problem(Problem {
                type_: code.map_or_else(|| "about:blank".into(), |c| format!("/problems/{c}")),
                title: message.clone(),
                status: status as u16,
                detail: message,
                errors,
            })
        }
        _ => ClientError::Network(message),
    }
}

#[async_trait(?Send)]
impl Transport for JsTransport {
    fn has(&self, op: Op) -> bool {
        self.function(op).is_some()
    }

    async fn call(&self, op: Op, call: Call) -> ClientResult<Value> {
        if self.cancelled.get() {
            return Err(ClientError::Cancelled);
        }
        let f = self
            .function(op)
            .ok_or_else(|| adapter_error(op, "no such function on the adapter"))?;
        let mut ctx = call.vars.clone();
        ctx.remove("id");
        ctx.insert("device".into(), Value::String(self.device.clone()));
        if let Some(k) = &call.key {
            ctx.insert("key".into(), Value::String(k.0.clone()));
        }
        if let Some(c) = self.code.borrow().clone() {
            ctx.insert("code".into(), Value::String(c));
        }
        if let Some(t) = &self.voter_token {
            ctx.insert("voterToken".into(), Value::String(t.clone()));
        }
        let args = Array::new();
        if op.has_id() {
            args.push(&to_js(call.vars.get("id").unwrap_or(&Value::Null)));
        }
        if op.has_body() {
            args.push(&to_js(call.body.as_ref().unwrap_or(&Value::Null)));
        }
        args.push(&to_js(&Value::Object(ctx.into_iter().collect())));
        let result = f.apply(&self.adapter, &args).map_err(|e| thrown(&e))?;
        let value = match result.dyn_into::<Promise>() {
            Ok(p) => JsFuture::from(p).await.map_err(|e| thrown(&e))?,
            Err(v) => v,
        };
        if self.cancelled.get() {
            return Err(ClientError::Cancelled);
        }
        from_js(op, &value)
    }

    async fn flush_outbox(&self, _prefix: &str) -> (usize, Vec<ClientError>) {
        // An adapter keeps its own writes; there is no outbox to send.
        (0, Vec::new())
    }

    fn has_pending(&self, _prefix: &str) -> bool {
        false
    }

    fn set_household_code(&self, code: Option<String>) {
        *self.code.borrow_mut() = code.filter(|c| !c.trim().is_empty());
    }

    fn cancel_all(&self) {
        self.cancelled.set(true);
    }
}
