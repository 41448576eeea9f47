//! The page's pinned backends. A host page that loads Tongxin with
//! `<script … data-backends="https://a.example https://b.example">` lets
//! its widgets talk to those origins only. The loader refuses markup that
//! names another backend; this is the last check, on every request the
//! client sends, whatever the widget learnt its backend from (`data-api`,
//! a mapping by URL, by `#id` or inline, `mount()`): a request to an origin
//! the page does not list is never sent.

use std::cell::OnceCell;

use crate::device::origin_of;

thread_local! {
    static PINNED: OnceCell<Option<Vec<String>>> = const { OnceCell::new() };
}

/// The origins the page pins, read once; `None` when it pins none.
fn pinned() -> Option<Vec<String>> {
    PINNED.with(|p| {
        p.get_or_init(|| {
            let list = web_sys::window()?
                .document()?
                .query_selector("script[data-backends]")
                .ok()??
                .get_attribute("data-backends")?;
            Some(
                list.split([' ', ',', '\t', '\n'])
                    .filter(|u| !u.is_empty())
                    .map(origin_of)
                    .collect(),
            )
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
