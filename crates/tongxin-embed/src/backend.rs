//! Which backend a widget talks to, from its configuration:
//!
//! * nothing → the reference server at `api` (its contract as the
//!   reference mapping);
//! * `backend` → a declarative mapping: a URL of a JSON document
//!   (`data-backend="/tongxin-mapping.json"`), a `#id` of an inline
//!   `<script type="application/json">`, or (in `mount()`) the mapping
//!   object itself;
//! * `adapter` → a JavaScript object of async functions (in `mount()`, or
//!   `data-adapter="name"` for `window.name`).
//!
//! Mapping documents are fetched once per URL, however many widgets on the
//! page name them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;
use tongxin_client::js::JsTransport;
use tongxin_client::mapped::{MappedOptions, MappedTransport};
use tongxin_client::{Backend, ContractBackend, Op};
use tongxin_core::mapping::Mapping;
use wasm_bindgen::JsValue;

use crate::MountConfig;

/// A mapping document's outcome: the mapping, or why not.
type Loaded = Result<Rc<Mapping>, String>;

thread_local! {
    static LOADED: RefCell<HashMap<String, Rc<Mapping>>> = RefCell::new(HashMap::new());
    /// Mapping URLs being fetched, with the outcome once there is one.
    static LOADING: RefCell<HashMap<String, Option<Loaded>>> =
        RefCell::new(HashMap::new());
}

/// Where the backend description comes from.
pub enum Source {
    /// The reference server's contract.
    Reference,
    /// A mapping to load from this URL.
    Url(String),
    /// A mapping given inline (object or `<script>` text).
    Mapping(Result<Rc<Mapping>, String>),
    /// Host JavaScript functions.
    Adapter(JsValue),
}

/// The reference server's mapping, read once per page.
fn reference() -> Rc<Mapping> {
    thread_local! {
        static REFERENCE: Rc<Mapping> = Rc::new(Mapping::reference());
    }
    REFERENCE.with(Rc::clone)
}

/// The operations a widget cannot work without.
pub fn required_ops(widget: &str) -> &'static [Op] {
    match widget {
        "poll" => &[Op::GetPoll, Op::CastBallot],
        "convention" => &[Op::GetConvention, Op::Sign],
        "proposals" => &[Op::ListProposals],
        _ => &[Op::GetProposal],
    }
}

fn load_json(text: &str, what: &str) -> Result<Rc<Mapping>, String> {
    Mapping::from_json(text)
        .map(Rc::new)
        .map_err(|e| format!("backend mapping ({what}): {e}"))
}

/// The source named by `cfg` (and a JavaScript adapter object, if any).
pub fn source(cfg: &MountConfig, adapter: Option<JsValue>) -> Source {
    if let Some(a) = adapter.filter(|a| a.is_object()) {
        return Source::Adapter(a);
    }
    if let Some(name) = cfg.adapter.as_deref().filter(|n| !n.is_empty()) {
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
    match &cfg.backend {
        None | Some(Value::Null) => Source::Reference,
        Some(Value::String(s)) if s.trim().is_empty() => Source::Reference,
        Some(Value::String(s)) if s.starts_with('#') => {
            let text = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(s).ok().flatten())
                .and_then(|el| el.text_content());
            Source::Mapping(match text {
                Some(t) => load_json(&t, s),
                None => Err(format!("backend mapping: no element {s} on this page")),
            })
        }
        Some(Value::String(url)) => match LOADED.with(|l| l.borrow().get(url).cloned()) {
            Some(m) => Source::Mapping(Ok(m)),
            None => Source::Url(url.clone()),
        },
        Some(v @ Value::Object(_)) => Source::Mapping(
            Mapping::from_value(v)
                .map(Rc::new)
                .map_err(|e| format!("backend mapping: {e}")),
        ),
        Some(other) => Source::Mapping(Err(format!(
            "backend must be a URL, a #id of a JSON script, or a mapping object, not {other}"
        ))),
    }
}

/// The mapping document at `url`, fetched once for all the widgets that
/// name it: the first caller fetches, the others wait for its outcome.
pub async fn fetch_mapping(url: &str) -> Loaded {
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

/// The widget's backend for a loaded source, checked against what the
/// widget needs.
pub fn build(
    cfg: &MountConfig,
    api: String,
    mapping: Option<Rc<Mapping>>,
    adapter: Option<JsValue>,
) -> Result<Rc<dyn Backend>, String> {
    let voter_token = cfg.voter_token.clone().filter(|t| !t.is_empty());
    let backend: Rc<dyn Backend> = match adapter {
        Some(a) => Rc::new(ContractBackend::new(JsTransport::new(a, voter_token))),
        None => {
            let mut opts = MappedOptions::new(api);
            opts.voter_token = voter_token;
            opts.vars = cfg.vars.clone().unwrap_or_default().into_iter().collect();
            let mapping = mapping.unwrap_or_else(reference);
            Rc::new(ContractBackend::new(MappedTransport::new(mapping, opts)))
        }
    };
    let missing: Vec<&str> = required_ops(&cfg.widget)
        .iter()
        .filter(|op| !backend.supports(**op))
        .map(|op| op.name())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the {} widget needs the operation{} {}, which this backend does not declare",
            cfg.widget,
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        ));
    }
    Ok(backend)
}

/// What `Tongxin.checkMapping(mapping)` reports: whether the mapping loads,
/// the first mistake (naming operation and field), the operations it
/// declares, and which widgets it can drive.
pub fn check(mapping: &Value) -> Value {
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
            let widgets: serde_json::Map<String, Value> = crate::config::WIDGETS
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
