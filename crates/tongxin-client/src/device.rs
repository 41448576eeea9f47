//! What a widget keeps on the resident's device: a random device token per
//! backend in `localStorage`, small values of its own, and idempotency keys
//! for writes.
//!
//! The token is per backend *origin*: a widget that a hostile tag on the
//! host page points at another server (`data-api="https://evil/api"`) gets
//! a fresh random token of its own, never the one the resident's real
//! backend knows them by. Household codes are never kept here.

use wasm_bindgen::{JsCast, JsValue};

/// Random URL-safe text of `bytes` random bytes (hex).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut buf).is_ok())
        .unwrap_or(false);
    if !filled {
        // No Web Crypto (very old browsers): fall back to Math.random.
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The origin (`https://host:port`) of `base` as the page resolves it; the
/// page's own origin for a relative base like `/api`.
pub fn origin_of(base: &str) -> String {
    let page = web_sys::window().and_then(|w| w.location().href().ok());
    let parsed = match &page {
        Some(p) => web_sys::Url::new_with_base(base, p),
        None => web_sys::Url::new(base),
    };
    parsed
        .map(|u| u.origin())
        .unwrap_or_else(|_| base.to_string())
}

/// The device token for one backend (`scope`: its origin, or `adapter:`
/// for a page's JS adapter). The loader (`tongxin.js`) holds its one
/// definition — random, kept in `localStorage` per origin — and hands it
/// over as the read-only global `__tongxinDevice`, so its first reads,
/// sent before the bundle is ready, carry the same token. A bundle started
/// without the loader (the component tests) gets a token for this page
/// view.
pub fn device_token_for(scope: &str) -> String {
    thread_local! {
        static VIEW: std::cell::RefCell<Vec<(String, String)>> = Default::default();
    }
    let from_loader = loader_function("__tongxinDevice")
        .and_then(|f| f.call1(&JsValue::NULL, &JsValue::from_str(scope)).ok())
        .and_then(|t| t.as_string())
        .filter(|t| t.len() >= 16);
    if let Some(t) = from_loader {
        return t;
    }
    VIEW.with(|v| {
        let mut v = v.borrow_mut();
        if let Some((_, t)) = v.iter().find(|(k, _)| k == scope) {
            return t.clone();
        }
        let t = format!("tx-{}", random_token(16));
        v.push((scope.to_string(), t.clone()));
        t
    })
}

/// A function the loader hands over as a read-only global (`name`), if
/// this bundle was started by it.
pub(crate) fn loader_function(name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()
        .filter(JsValue::is_function)
        .map(JsCast::unchecked_into)
}

/// Reads a small JSON value kept for a widget on this device.
pub fn load(key: &str) -> Option<String> {
    storage()?
        .get_item(&format!("tongxin:{key}"))
        .ok()
        .flatten()
}

/// Keeps a small value for a widget on this device.
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("tongxin:{key}"), value);
    }
}

/// Forgets a value kept for a widget on this device.
pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("tongxin:{key}"));
    }
}

/// The idempotency key of one user action: created when the resident acts,
/// reused for every retry of that action, dropped once it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemKey(pub String);

impl IdemKey {
    /// A fresh key.
    pub fn new() -> Self {
        IdemKey(random_token(16))
    }
}

impl Default for IdemKey {
    fn default() -> Self {
        Self::new()
    }
}

impl From<IdemKey> for JsValue {
    fn from(k: IdemKey) -> JsValue {
        JsValue::from_str(&k.0)
    }
}
