//! A Tongxin widget bundle: one per widget family, chosen by cargo features
//! (`poll`, `convention`, `proposals`, `indicators`, `budget`, `mapping`; see
//! `Cargo.toml`). A page
//! loads only the loader `tongxin.js` (`js/loader.js`), which looks at the
//! widgets on the page and imports the smallest bundle that covers them.
//!
//! * [`mount_raw`] — `Tongxin.mount(element, config)`; returns a
//!   [`Handle`] whose `unmount()` removes the widget, aborts its requests and
//!   leaves no listeners;
//! * [`mount_element`] — the loader's auto-mount of a `[data-tongxin]`
//!   element (it watches the page and unmounts removed ones);
//! * [`setup`] — called once: remembers the CSS URL;
//! * `backend` — which backend a widget talks to: the reference server
//!   along its written-out routes, or (`mapping` feature, `mapped`) a
//!   declarative mapping (`data-backend`) or host JavaScript (`adapter`),
//!   checked against what the widget needs before it is drawn;
//! * each widget renders inside a shadow root on its host element and
//!   announces `tongxin:*` DOM events there.

mod backend;
mod config;
#[cfg(feature = "mapping")]
mod mapped;
mod registry;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::Backend;
use tongxin_core::Id;
#[cfg(feature = "budget")]
use tongxin_widgets::budget::BudgetWidget;
#[cfg(feature = "convention")]
use tongxin_widgets::convention::ConventionWidget;
use tongxin_widgets::events::{Emit, WidgetEvent};
use tongxin_widgets::i18n::{self, I18n, Lang, Table};
#[cfg(feature = "indicators")]
use tongxin_widgets::indicators::IndicatorsWidget;
#[cfg(feature = "poll")]
use tongxin_widgets::poll::PollWidget;
#[cfg(feature = "proposals")]
use tongxin_widgets::proposal::{ProposalBoard, ProposalWidget};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

pub use config::MountConfig;

thread_local! {
    static CSS_URL: RefCell<String> = RefCell::new("tongxin.css".into());
}

/// A mounted widget, as returned to JavaScript.
#[wasm_bindgen]
pub struct Handle {
    key: u32,
}

#[wasm_bindgen]
impl Handle {
    /// Removes the widget: unmounts the view, aborts requests in flight,
    /// empties the shadow root. Safe to call twice.
    pub fn unmount(&self) {
        registry::unmount(self.key);
    }
}

fn dispatch(host: &HtmlElement, name: &str, detail_json: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&js_sys::JSON::parse(detail_json).unwrap_or(JsValue::NULL));
    if let Ok(ev) =
        web_sys::CustomEvent::new_with_event_init_dict(&format!("tongxin:{name}"), &init)
    {
        let _ = host.dispatch_event(&ev);
    }
}

fn default_api() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/api")
}

/// Shows a visible "misconfigured" message in the host's shadow root and
/// logs one console error.
fn show_misconfigured(host: &HtmlElement, message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!("Tongxin: {message}")));
    if let Ok(shadow) = shadow_of(host) {
        clear(&shadow);
        if let Some(doc) = web_sys::window().and_then(|w| w.document())
            && let Ok(p) = doc.create_element("p")
        {
            p.set_attribute("role", "alert").ok();
            // Through the CSSOM, not a style attribute: host pages with a
            // strict `style-src` block inline style attributes.
            if let Some(p) = p.dyn_ref::<HtmlElement>() {
                p.style().set_css_text("font:14px system-ui,sans-serif;color:#b42318;border:1px solid #b42318;padding:8px;border-radius:8px");
            }
            p.set_text_content(Some(&format!("Tongxin widget misconfigured: {message}")));
            let _ = shadow.append_child(&p);
        }
    }
    dispatch(
        host,
        "error",
        &serde_json::json!({ "code": "misconfigured", "message": message }).to_string(),
    );
}

/// Empties a shadow root node by node: no `innerHTML`, which host pages
/// that require Trusted Types refuse.
pub(crate) fn clear(shadow: &web_sys::ShadowRoot) {
    while let Some(child) = shadow.first_child() {
        let _ = shadow.remove_child(&child);
    }
}

fn shadow_of(host: &HtmlElement) -> Result<web_sys::ShadowRoot, String> {
    match host.shadow_root() {
        Some(s) => Ok(s),
        None => host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .map_err(|_| "this element cannot host a shadow root (use a <div>)".to_string()),
    }
}

/// Mounts a widget on `host`.
pub fn mount_on(
    host: HtmlElement,
    cfg: MountConfig,
    adapter: Option<JsValue>,
) -> Result<u32, String> {
    if host.has_attribute("data-tongxin-mounted") {
        return Err("a widget is already mounted on this element; unmount it first".into());
    }
    let id = match cfg.validate() {
        Ok(id) => id,
        Err(m) => {
            show_misconfigured(&host, &m);
            return Err(m);
        }
    };
    let shadow = shadow_of(&host)?;
    clear(&shadow);
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link = doc.create_element("link").map_err(|_| "link")?;
    link.set_attribute("rel", "stylesheet").ok();
    link.set_attribute("href", &CSS_URL.with(|c| c.borrow().clone()))
        .ok();
    let root: HtmlElement = doc
        .create_element("div")
        .map_err(|_| "div")?
        .unchecked_into();
    root.set_class_name("tx-root");
    // The one stable `::part` for host styling (docs/widgets.md).
    root.set_attribute("part", "root").ok();
    shadow.append_child(&link).map_err(|_| "append")?;
    shadow.append_child(&root).map_err(|_| "append")?;
    if let Some(t) = cfg
        .theme
        .as_deref()
        .filter(|t| matches!(*t, "light" | "dark" | "high-contrast"))
    {
        host.set_attribute("data-theme", t).ok();
    }
    host.set_attribute("data-tongxin-mounted", "").ok();

    let api = cfg
        .api
        .clone()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(default_api);
    let key = registry::insert(registry::Mounted {
        host,
        backend: None,
        view: None,
    });
    match backend::source(&cfg, adapter) {
        #[cfg(feature = "mapping")]
        backend::Source::Url(url) => {
            wasm_bindgen_futures::spawn_local(async move {
                let b = match mapped::fetch_mapping(&url).await {
                    Ok(m) => backend::build(&cfg, api, backend::Source::Mapping(Ok(m))),
                    Err(e) => Err(e),
                };
                // Unmounted while the mapping was loading: nothing to draw.
                if registry::is_mounted(key) {
                    start(key, root, &cfg, id, b);
                }
            });
        }
        source => start(key, root, &cfg, id, backend::build(&cfg, api, source)),
    }
    Ok(key)
}

/// Draws widget `cfg.widget` in `root` with `backend`, or the misconfigured
/// state naming what is wrong.
fn start(
    key: u32,
    root: HtmlElement,
    cfg: &MountConfig,
    id: Option<Id>,
    backend: Result<Rc<dyn Backend>, String>,
) {
    let backend = match backend {
        Ok(b) => b,
        Err(m) => {
            if let Some(host) = registry::host(key) {
                show_misconfigured(&host, &m);
            }
            return;
        }
    };
    // (The indicators board reads public figures only: no voter token.)
    #[cfg_attr(
        not(any(feature = "poll", feature = "convention", feature = "budget")),
        allow(unused_variables)
    )]
    let has_voter_token = cfg.voter_token.as_deref().is_some_and(|t| !t.is_empty());
    // data-lang / lang / mount({lang}), else the host page's language (the
    // nearest `lang` attribute, up to <html lang>), else the browser's.
    let page_lang = || {
        registry::host(key)?
            .closest("[lang]")
            .ok()
            .flatten()?
            .get_attribute("lang")
    };
    let lang = cfg.lang.clone().or_else(page_lang);
    let i18n = I18n::with_tables(
        Lang::pick(lang.as_deref()),
        cfg.strings.clone().unwrap_or_default(),
        tables(&cfg.widget),
    );
    let Some(emit_host) = registry::host(key) else {
        return;
    };
    let emit: Emit = Rc::new(move |e: WidgetEvent| dispatch(&emit_host, e.name, &e.detail));
    let widget_backend = backend.clone();
    // `validate` gives every widget but the proposals board an id.
    #[cfg_attr(
        not(any(feature = "poll", feature = "convention", feature = "budget")),
        allow(unused_variables)
    )]
    let item = id.unwrap_or(Id::int(0));
    let view: Box<dyn std::any::Any> = match cfg.widget.as_str() {
        #[cfg(feature = "convention")]
        "convention" => Box::new(leptos::mount::mount_to(root, move || {
            view! { <ConventionWidget convention_id=item backend=widget_backend i18n=i18n has_voter_token=has_voter_token emit=emit /> }
        })),
        #[cfg(feature = "proposals")]
        "proposals" => Box::new(leptos::mount::mount_to(root, move || {
            view! { <ProposalBoard scope_id=id backend=widget_backend i18n=i18n emit=emit /> }
        })),
        #[cfg(feature = "proposals")]
        "proposal" => Box::new(leptos::mount::mount_to(root, move || {
            view! { <ProposalWidget proposal_id=item backend=widget_backend i18n=i18n emit=emit /> }
        })),
        #[cfg(feature = "indicators")]
        "indicators" => {
            let period = cfg.period.clone();
            Box::new(leptos::mount::mount_to(root, move || {
                view! { <IndicatorsWidget scope_id=item period=period.unwrap_or_default() backend=widget_backend i18n=i18n emit=emit /> }
            }))
        }
        #[cfg(feature = "budget")]
        "budget" => Box::new(leptos::mount::mount_to(root, move || {
            view! { <BudgetWidget budget_id=item backend=widget_backend i18n=i18n has_voter_token=has_voter_token emit=emit /> }
        })),
        #[cfg(feature = "poll")]
        "poll" => Box::new(leptos::mount::mount_to(root, move || {
            view! { <PollWidget poll_id=item backend=widget_backend i18n=i18n has_voter_token=has_voter_token emit=emit /> }
        })),
        // `validate` admits only the widgets of this bundle.
        other => {
            if let Some(host) = registry::host(key) {
                show_misconfigured(&host, &format!("this bundle has no {other} widget"));
            }
            return;
        }
    };
    registry::attach(key, backend, view);
}

/// The strings of `widget`, from the tables this bundle's widgets use only
/// (a bundle carries no other widget's strings).
fn tables(widget: &str) -> &'static [Table] {
    match widget {
        #[cfg(feature = "poll")]
        "poll" => i18n::POLL_TABLES,
        #[cfg(feature = "convention")]
        "convention" => i18n::CONVENTION_TABLES,
        #[cfg(feature = "proposals")]
        "proposals" | "proposal" => i18n::PROPOSAL_TABLES,
        #[cfg(feature = "indicators")]
        "indicators" => i18n::INDICATOR_TABLES,
        #[cfg(feature = "budget")]
        "budget" => i18n::BUDGET_TABLES,
        _ => i18n::COMMON_TABLES,
    }
}

/// `mount(element, config)` from JavaScript, after the wasm is ready.
#[wasm_bindgen(js_name = mountRaw)]
pub fn mount_raw(element: HtmlElement, config: JsValue) -> Result<Handle, JsValue> {
    // An adapter object holds functions, which JSON cannot carry: take it
    // out before reading the rest.
    let adapter = js_sys::Reflect::get(&config, &JsValue::from_str("adapter"))
        .ok()
        .filter(JsValue::is_object);
    let plain = js_sys::Object::assign(&js_sys::Object::new(), &config.into());
    if adapter.is_some() {
        let _ = js_sys::Reflect::delete_property(&plain, &JsValue::from_str("adapter"));
    }
    let json = js_sys::JSON::stringify(&plain)
        .map(String::from)
        .unwrap_or_default();
    let cfg = serde_json::from_str(&json)
        .map_err(|e| e.to_string())
        .and_then(MountConfig::from_value)
        .map_err(|e| {
            let m = format!("mount(element, config): {e}");
            show_misconfigured(&element, &m);
            JsValue::from_str(&m)
        })?;
    mount_on(element, cfg, adapter)
        .map(|key| Handle { key })
        .map_err(|m| JsValue::from_str(&m))
}

/// Mounts the widget an element's `data-*` attributes describe (the
/// loader's auto-mount of `[data-tongxin]` elements).
#[wasm_bindgen(js_name = mountElement)]
pub fn mount_element(element: HtmlElement) -> Result<Handle, JsValue> {
    let data = element.dataset();
    let cfg = MountConfig::from_dataset(|k| data.get(k)).map_err(|m| {
        show_misconfigured(&element, &m);
        JsValue::from_str(&m)
    })?;
    mount_on(element, cfg, None)
        .map(|key| Handle { key })
        .map_err(|m| JsValue::from_str(&m))
}

/// `Tongxin.checkMapping(mapping, options)`: checks a backend mapping
/// (object or JSON text) without mounting anything — for the developer's
/// console: `{ ok, error }` or `{ ok, operations, widgets: { poll: { missing }
/// … } }`; with `options.try` (`{ getPoll: { id: "…" } }`) also runs those
/// read operations against the live backend (`options.api` when the mapping
/// has no `base`): `try: { getPoll: { ok, answer | error } }`.
#[cfg(feature = "mapping")]
#[wasm_bindgen(js_name = checkMapping)]
pub async fn check_mapping(mapping: JsValue, options: JsValue) -> JsValue {
    let json_of = |v: &JsValue| match v.as_string() {
        Some(text) => serde_json::Value::String(text),
        None => js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| serde_json::from_str(&String::from(s)).ok())
            .unwrap_or(serde_json::Value::Null),
    };
    let report = mapped::try_ops(&json_of(&mapping), &json_of(&options)).await;
    js_sys::JSON::parse(&report.to_string()).unwrap_or(JsValue::NULL)
}

/// One-time start: the stylesheet every shadow root links to.
#[wasm_bindgen]
pub fn setup(css_url: String) {
    CSS_URL.with(|c| *c.borrow_mut() = css_url);
}
