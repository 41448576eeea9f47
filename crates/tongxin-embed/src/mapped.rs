//! Other backends than the reference server, in the bundles built with the
//! `mapping` feature: a declarative mapping (a URL of its JSON document, a
//! `#id` of an inline `<script type="application/json">`, or the object
//! given to `mount()`) or a JavaScript adapter, and the developer's
//! `checkMapping`.
//!
//! Mapping documents are fetched once per URL, however many widgets on the
//! page name them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;
use tongxin_client::http_transport::HttpOptions;
use tongxin_client::js::JsTransport;
use tongxin_client::{Backend, ContractBackend, Op, mapped};
use tongxin_core::mapping::Mapping;
use wasm_bindgen::JsValue;

use crate::backend::{Source, required_ops};

/// A mapping document's outcome: the mapping, or why not.
pub(crate) type Loaded = Result<Rc<Mapping>, String>;

thread_local! {
    static LOADED: RefCell<HashMap<String, Rc<Mapping>>> = RefCell::new(HashMap::new());
    /// Mapping URLs being fetched, with the outcome once there is one.
    static LOADING: RefCell<HashMap<String, Option<Loaded>>> =
        RefCell::new(HashMap::new());
}

fn load_json(text: &str, what: &str) -> Loaded {
    Mapping::from_json(text)
        .map(Rc::new)
        .map_err(|e| format!("backend mapping ({what}): {e}"))
}

/// The source a `data-adapter` name or a `backend` value names.
pub(crate) fn source(adapter_name: Option<&str>, backend: &Value) -> Source {
    if let Some(name) = adapter_name {
        let found = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str(name)).ok())
            .filter(JsValue::is_object);
        return match found {
            Some(a) => Source::Adapter(a),
            None => Source::Mapping(Err(format!(
                "data-adapter=\"{name}\": window.{name} is not an object of functions"
            ))),
        };
    }
    match backend {
        Value::String(s) if s.starts_with('#') => Source::Mapping(inline_script(s)),
        Value::String(url) => match LOADED.with(|l| l.borrow().get(url).cloned()) {
            Some(m) => Source::Mapping(Ok(m)),
            None => Source::Url(url.clone()),
        },
        v @ Value::Object(_) => Source::Mapping(
            Mapping::from_value(v)
                .map(Rc::new)
                .map_err(|e| format!("backend mapping: {e}")),
        ),
        other => Source::Mapping(Err(format!(
            "backend must be a URL, a #id of a JSON script, or a mapping object, not {other}"
        ))),
    }
}

/// Whether `s` is `#` and an id: a letter, then letters, digits, `-`, `_`
/// (never a selector list, a class or anything else a selector can say).
fn is_id_ref(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('#')
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The mapping in the `<script type="application/json">` with the id `#…`
/// names. Only such a script: a `<pre>` or `<div>` of the same id could be
/// a resident's comment that the host's sanitiser kept.
fn inline_script(s: &str) -> Loaded {
    if !is_id_ref(s) {
        return Err(format!(
            "backend mapping: {s:.40} is not a #id (a letter, then letters, digits, - and _)"
        ));
    }
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&s[1..]))
        .filter(|el| {
            el.tag_name().eq_ignore_ascii_case("script")
                && el.get_attribute("type").as_deref() == Some("application/json")
        })
        .ok_or_else(|| {
            format!(
                "backend mapping: no <script type=\"application/json\" id=\"{}\"> on this page",
                &s[1..]
            )
        })?;
    load_json(&el.text_content().unwrap_or_default(), s)
}

/// The mapping document at `url`, fetched once for all the widgets that
/// name it: the first caller fetches, the others wait for its outcome.
pub(crate) async fn fetch_mapping(url: &str) -> Loaded {
    if LOADING.with(|l| l.borrow().contains_key(url)) {
        loop {
            gloo_timers::future::TimeoutFuture::new(10).await;
            if let Some(done) = LOADING.with(|l| l.borrow().get(url).cloned().flatten()) {
                return done;
            }
        }
    }
    LOADING.with(|l| l.borrow_mut().insert(url.to_string(), None));
    let outcome = fetch_once(url).await;
    LOADING.with(|l| {
        l.borrow_mut()
            .insert(url.to_string(), Some(outcome.clone()))
    });
    // Later widgets (or a retry after a failure) start afresh.
    let key = url.to_string();
    gloo_timers::callback::Timeout::new(1_000, move || {
        LOADING.with(|l| l.borrow_mut().remove(&key));
    })
    .forget();
    outcome
}

async fn fetch_once(url: &str) -> Loaded {
    let resp = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| format!("backend mapping {url} could not be loaded: {e}"))?;
    if !resp.ok() {
        return Err(format!(
            "backend mapping {url} could not be loaded: HTTP {}",
            resp.status()
        ));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| format!("backend mapping {url}: {e}"))?;
    let m = load_json(&text, url)?;
    LOADED.with(|l| l.borrow_mut().insert(url.to_string(), m.clone()));
    Ok(m)
}

/// A backend over `mapping`.
pub(crate) fn mapped_backend(mapping: Rc<Mapping>, opts: HttpOptions) -> Rc<dyn Backend> {
    Rc::new(ContractBackend::new(mapped::transport(mapping, opts)))
}

/// A backend over the host's adapter object.
pub(crate) fn adapter_backend(adapter: JsValue, voter_token: Option<String>) -> Rc<dyn Backend> {
    Rc::new(ContractBackend::new(JsTransport::new(adapter, voter_token)))
}

/// What `Tongxin.checkMapping(mapping)` reports: whether the mapping loads,
/// the first mistake (naming operation and field), the operations it
/// declares, and which widgets it can drive.
pub(crate) fn check(mapping: &Value) -> Value {
    let m = match mapping {
        Value::String(text) => Mapping::from_json(text),
        other => Mapping::from_value(other),
    };
    match m {
        Err(e) => serde_json::json!({ "ok": false, "error": e.to_string() }),
        Ok(m) => {
            let declared: Vec<&str> = Op::ALL
                .iter()
                .filter(|op| m.has(**op))
                .map(|op| op.name())
                .collect();
            let widgets: serde_json::Map<String, Value> = crate::config::ALL_WIDGETS
                .iter()
                .map(|w| {
                    let missing: Vec<&str> = required_ops(w)
                        .iter()
                        .filter(|op| !m.has(**op))
                        .map(|op| op.name())
                        .collect();
                    (w.to_string(), serde_json::json!({ "missing": missing }))
                })
                .collect();
            serde_json::json!({ "ok": true, "operations": declared, "widgets": widgets })
        }
    }
}

/// `checkMapping(mapping, { try: { getPoll: { id: "…" } }, api })`: each
/// named read operation run against the live backend (the mapping's
/// `base`, else `api`), with its mapped answer, or the message of what
/// does not fit (operation, contract field, mapping place, an excerpt of
/// what the backend sent). Only the bundle with every widget family has it
/// (the loader picks that one for a `try`): the others answer the check.
#[cfg(all(
    feature = "poll",
    feature = "convention",
    feature = "proposals",
    feature = "indicators"
))]
pub(crate) async fn try_ops(mapping: &Value, options: &Value) -> Value {
    let mut report = check(mapping);
    let (Some(tries), true) = (
        options.get("try").and_then(Value::as_object),
        report["ok"] == true,
    ) else {
        return report;
    };
    let m = match mapping {
        Value::String(text) => Mapping::from_json(text),
        other => Mapping::from_value(other),
    };
    let Ok(m) = m else { return report };
    let api = options
        .get("api")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let transport = mapped::transport(Rc::new(m), HttpOptions::new(api));
    let mut out = serde_json::Map::new();
    for (name, vars) in tries {
        let outcome = match Op::from_name(name) {
            None => Err(format!("no operation is called {name}")),
            Some(op) => {
                let vars = vars
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                let call = tongxin_client::transport::Call {
                    vars,
                    ..Default::default()
                };
                match tongxin_client::transport::Transport::call(&transport, op, call).await {
                    Ok(answer) => {
                        tongxin_client::contract_backend::check_answer(op, &answer).map(|()| answer)
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        let entry = match outcome {
            Ok(answer) => serde_json::json!({ "ok": true, "answer": answer }),
            Err(error) => serde_json::json!({ "ok": false, "error": error }),
        };
        out.insert(name.clone(), entry);
    }
    report["try"] = Value::Object(out);
    report
}

/// The check alone, in a bundle without every family's decoding.
#[cfg(not(all(
    feature = "poll",
    feature = "convention",
    feature = "proposals",
    feature = "indicators"
)))]
pub async fn try_ops(mapping: &Value, _options: &Value) -> Value {
    check(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn check_reports_mistakes_operations_and_what_each_widget_lacks() {
        let bad = check(
            &json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p", "response": "a..b"}}}),
        );
        assert_eq!(bad["ok"], false);
        assert!(
            bad["error"]
                .as_str()
                .unwrap()
                .contains("operation getPoll: response: empty key")
        );
        let text = check(&Value::String("{".into()));
        assert!(text["error"].as_str().unwrap().contains("not valid JSON"));
        let ok = check(&json!({"tongxin": 1, "operations": {
            "getPoll": {"url": "/p/{id}", "response": "$"},
            "listProposals": {"url": "/l", "response": "$"}
        }}));
        assert_eq!(ok["ok"], true);
        assert_eq!(ok["operations"], json!(["getPoll", "listProposals"]));
        assert_eq!(ok["widgets"]["poll"]["missing"], json!(["castBallot"]));
        assert_eq!(ok["widgets"]["proposals"]["missing"], json!([]));
        assert_eq!(
            ok["widgets"]["convention"]["missing"],
            json!(["getConvention", "sign"])
        );
    }
}
