//! The page's pinned backends. A host page that loads Tongxin with
//! `<script … data-backends="https://a.example https://b.example">` lets
//! its widgets talk to those origins only. The loader refuses markup that
//! names another backend; this is the last check, on every request the
//! client sends, whatever the widget learnt its backend from (`data-api`,
//! a mapping by URL, by `#id` or inline, `mount()`): a request to an origin
//! the page does not list is never sent.

use std::cell::OnceCell;

use wasm_bindgen::JsValue;

use crate::device::origin_of;

thread_local! {
    static PINNED: OnceCell<Option<Vec<String>>> = const { OnceCell::new() };
}

/// The global the loader (`tongxin.js`) defines, read-only, before any
/// bundle loads: the pinned origins, or `null`.
const GLOBAL: &str = "__tongxinPinned";

/// The origins the page pins, read once; `None` when it pins none. The
/// loader works them out from every `script[data-backends]` on the page
/// (their intersection: a hostile fragment's inert tag can narrow the pin,
/// never widen it) and defines them as a read-only global, which markup
/// cannot forge or clobber.
fn pinned() -> Option<Vec<String>> {
    PINNED.with(|p| {
        p.get_or_init(|| {
            let v = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(GLOBAL)).ok()?;
            js_sys::Array::is_array(&v).then(|| {
                js_sys::Array::from(&v)
                    .iter()
                    .filter_map(|o| o.as_string())
                    .collect()
            })
        })
        .clone()
    })
}

/// Whether the page lets a widget send a request to `url`.
pub fn allows(url: &str) -> bool {
    match pinned() {
        None => true,
        Some(origins) => origins.contains(&origin_of(url)),
    }
}
