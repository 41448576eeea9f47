//! The page's pinned backends. A host page that loads Tongxin with
//! `<script … data-backends="https://a.example https://b.example">` lets
//! its widgets talk to those origins only. The loader refuses markup that
//! names another backend; this is the last check, on every request the
//! client sends, whatever the widget learnt its backend from (`data-api`,
//! a mapping by URL, by `#id` or inline, `mount()`): a request to an origin
//! the page does not list is never sent.

use std::cell::OnceCell;

use wasm_bindgen::JsCast;

use crate::device::origin_of;

thread_local! {
    static PINNED: OnceCell<Option<Vec<String>>> = const { OnceCell::new() };
}

/// The origins the page pins, read once; `None` when it pins none. When
/// several `script[data-backends]` are on the page (a hostile fragment may
/// hold an inert one), only the origins that every one of them lists are
/// allowed: a fragment can narrow the pin, never widen it.
fn pinned() -> Option<Vec<String>> {
    PINNED.with(|p| {
        p.get_or_init(|| {
            let tags = web_sys::window()?
                .document()?
                .query_selector_all("script[data-backends]")
                .ok()?;
            let mut pinned: Option<Vec<String>> = None;
            for i in 0..tags.length() {
                let Some(list) = tags
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.get_attribute("data-backends"))
                else {
                    continue;
                };
                let origins: Vec<String> = list
                    .split([' ', ',', '\t', '\n'])
                    .filter(|u| !u.is_empty())
                    .map(origin_of)
                    .collect();
                pinned = Some(match pinned {
                    None => origins,
                    Some(before) => before.into_iter().filter(|o| origins.contains(o)).collect(),
                });
            }
            pinned
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
