//! Helpers shared by the component tests: a fresh mount point, a tick for
//! effects to run, element lookups.
#![allow(dead_code)]

use tongxin_widgets::i18n::{I18n, Lang};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

/// English strings.
pub(crate) fn en() -> I18n {
    I18n::new(Lang::En, Default::default())
}

/// A new `<div>` in the page's body to mount into.
pub(crate) fn root() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets effects and scheduled renders run.
pub(crate) async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Every input matching `selector`.
pub(crate) fn inputs(root: &HtmlElement, selector: &str) -> Vec<HtmlInputElement> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// Every element matching `selector`.
pub(crate) fn buttons(root: &HtmlElement, selector: &str) -> Vec<HtmlElement> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// The one button whose text is `text`.
pub(crate) fn button(root: &HtmlElement, text: &str) -> HtmlElement {
    buttons(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button {text:?}"))
}
