//! Where the focus goes when a view replaces the element that had it:
//! a keyboard or screen-reader user must land somewhere that makes sense
//! (the moved ranking row, the card they came back to), never on `<body>`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the element with `id` inside `root` (a widget's shadow root or
/// the document) once the current redraw is done.
pub fn focus_soon(root: web_sys::Node, id: String) {
    set_timeout(move || focus_in(&root, &id), std::time::Duration::ZERO);
}

/// Focuses the element with `id` inside `root`, if there is one.
fn focus_in(root: &web_sys::Node, id: &str) {
    let found = if let Some(sr) = root.dyn_ref::<web_sys::ShadowRoot>() {
        sr.get_element_by_id(id)
    } else if let Some(doc) = root.dyn_ref::<web_sys::Document>() {
        doc.get_element_by_id(id)
    } else {
        None
    };
    if let Some(h) = found.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = h.focus();
    }
}

/// The id of the element with the focus inside `root` (a shadow root or the
/// document), or `None` when the focus is not in it (or only on `<body>`).
pub fn focused_id(root: &web_sys::Node) -> Option<String> {
    let active = if let Some(sr) = root.dyn_ref::<web_sys::ShadowRoot>() {
        sr.active_element()
    } else if let Some(doc) = root.dyn_ref::<web_sys::Document>() {
        doc.active_element().filter(|a| a.tag_name() != "BODY")
    } else {
        None
    };
    active.map(|a| a.id())
}

/// [`focus_soon`], unless the resident has put the focus on something else
/// in `root` by then: the focus lands where it was lost (nothing in `root`
/// has it) and never pulls the resident away from where they went (a list
/// reloaded behind them while they moved on to another card).
pub fn keep_focus_soon(root: web_sys::Node, id: String) {
    set_timeout(
        move || {
            if focused_id(&root).is_none() {
                focus_in(&root, &id);
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The shadow root (or the document) that holds the focus now: taken when
/// the resident starts an action, to put the focus back on its answer
/// (the button they pressed is disabled while the action runs, and the
/// form is gone after it).
pub fn focused_root() -> Option<web_sys::Node> {
    let doc = web_sys::window()?.document()?;
    let active = doc.active_element()?;
    Some(match active.shadow_root() {
        Some(sr) => sr.into(),
        None => doc.into(),
    })
}

/// [`focus_soon`] in the root that holds `from` (e.g. an event's target).
pub fn focus_near(from: &web_sys::EventTarget, id: String) {
    if let Some(el) = from.dyn_ref::<web_sys::Node>() {
        focus_soon(el.get_root_node(), id);
    }
}
