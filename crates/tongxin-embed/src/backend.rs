//! Which backend a widget talks to, from its configuration:
//!
//! * nothing → the reference server at `api`, along its written-out routes
//!   (no mapping engine in the page);
//! * `backend` or `adapter` → another backend (`crate::mapped`), in the
//!   bundles built with the `mapping` feature.
//!
//! Either way the backend is checked against what the widget needs before
//! it is drawn.

use std::rc::Rc;

use serde_json::Value;
use tongxin_client::http_transport::{HttpOptions, HttpTransport, ReferenceRoutes};
use tongxin_client::{Backend, ContractBackend, Op};
use wasm_bindgen::JsValue;

use crate::MountConfig;

/// A mapping, or why it could not be had.
#[cfg(feature = "mapping")]
pub(crate) type MappingResult = Result<Rc<tongxin_core::mapping::Mapping>, String>;
/// Without the `mapping` feature there is never a mapping, only the reason.
#[cfg(not(feature = "mapping"))]
pub type MappingResult = Result<std::convert::Infallible, String>;

/// Where the backend description comes from.
pub(crate) enum Source {
    /// The reference server's contract.
    Reference,
    /// A mapping to load from this URL.
    #[cfg(feature = "mapping")]
    Url(String),
    /// A mapping given inline (object or `<script>` text), or why not.
    Mapping(MappingResult),
    /// Host JavaScript functions.
    #[cfg(feature = "mapping")]
    Adapter(JsValue),
}

/// The operations a widget cannot work without.
pub(crate) fn required_ops(widget: &str) -> &'static [Op] {
    match widget {
        "poll" => &[Op::GetPoll, Op::CastBallot],
        "convention" => &[Op::GetConvention, Op::Sign],
        "proposals" => &[Op::ListProposals],
        "indicators" => &[Op::GetIndicators],
        "budget" => &[Op::GetBudget, Op::CastBudgetBallot],
        _ => &[Op::GetProposal],
    }
}

/// The source named by `cfg` (and a JavaScript adapter object, if any).
pub(crate) fn source(cfg: &MountConfig, adapter: Option<JsValue>) -> Source {
    let adapter = adapter.filter(JsValue::is_object);
    let adapter_name = cfg.adapter.as_deref().filter(|n| !n.is_empty());
    let backend = match &cfg.backend {
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::Null) | None => None,
        Some(v) => Some(v),
    };
    if adapter.is_none() && adapter_name.is_none() && backend.is_none() {
        return Source::Reference;
    }
    #[cfg(feature = "mapping")]
    {
        match adapter {
            Some(a) => Source::Adapter(a),
            None => crate::mapped::source(adapter_name, backend.unwrap_or(&Value::Null)),
        }
    }
    #[cfg(not(feature = "mapping"))]
    Source::Mapping(Err(
        "this bundle reaches only the reference server; load the widgets through tongxin.js, which picks the bundle for other backends".into(),
    ))
}

/// The widget's backend for a loaded source, checked against what the
/// widget needs: over a mapping, a JavaScript adapter or (neither) the
/// reference server's routes.
pub(crate) fn build(
    cfg: &MountConfig,
    api: String,
    source: Source,
) -> Result<Rc<dyn Backend>, String> {
    let voter_token = cfg.voter_token.clone().filter(|t| !t.is_empty());
    let mut opts = HttpOptions::new(api);
    opts.voter_token = voter_token;
    opts.vars = cfg.vars.clone().unwrap_or_default().into_iter().collect();
    let backend: Rc<dyn Backend> = match source {
        Source::Reference => Rc::new(ContractBackend::new(HttpTransport::new(
            ReferenceRoutes,
            opts,
        ))),
        #[cfg(feature = "mapping")]
        Source::Mapping(m) => crate::mapped::mapped_backend(m?, opts),
        #[cfg(not(feature = "mapping"))]
        Source::Mapping(m) => match m {
            Err(e) => return Err(e),
        },
        #[cfg(feature = "mapping")]
        Source::Adapter(a) => crate::mapped::adapter_backend(a, opts.voter_token),
        #[cfg(feature = "mapping")]
        Source::Url(url) => return Err(format!("backend mapping {url} is not loaded yet")),
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
