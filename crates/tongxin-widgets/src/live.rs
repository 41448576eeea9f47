//! Live figures: a widget follows its item while the page is shown,
//! through the loader's `__tongxinLive` (one `EventSource` per stream URL
//! for every widget of the page, whatever its bundle: browsers keep at
//! most six connections per origin over HTTP/1.1). Where the backend has
//! no stream the loader reads the item again every few seconds; where the
//! stream is refused, on a growing timer. See `docs/widgets.md`.
//!
//! Without the loader (component tests, a bundle started by hand) the
//! widget simply does not follow.

use leptos::prelude::*;
use tongxin_core::contract::live::Topic;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::env::Env;

/// Follows `topic` until the widget goes away, handing each piece of news
/// to `update`: `Some(json)` with an event of the reference server's page
/// stream (the item's new figures), `None` when the widget should read the
/// item again (a mapped backend's stream said something changed, or the
/// timer fired).
///
/// `every_secs`: seconds between reads without a stream (at least 2).
/// `update` is boxed so that this function exists once in a bundle,
/// however many widgets follow their items.
pub fn use_live(env: Env, topic: Topic, every_secs: u32, update: Box<dyn Fn(Option<String>)>) {
    let Ok(follow) = js_sys::Reflect::get(&js_sys::global(), &"__tongxinLive".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    let (url, key) = match env.backend().and_then(|b| b.events(topic)) {
        Some((url, true)) => (url, topic.key()),
        Some((url, false)) => (url, String::new()),
        None => (String::new(), String::new()),
    };
    let news = Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| update(v.as_string()));
    let args = js_sys::Array::of4(
        &url.into(),
        &key.into(),
        &(every_secs.max(2) * 1000).into(),
        news.as_ref(),
    );
    let Ok(stop) = follow.apply(&JsValue::NULL, &args) else {
        return;
    };
    let kept = StoredValue::new_local(Some((news, stop)));
    on_cleanup(move || {
        if let Some(Some((news, stop))) = kept.try_update_value(Option::take) {
            if let Some(stop) = stop.dyn_ref::<js_sys::Function>() {
                let _ = stop.call0(&JsValue::NULL);
            }
            drop(news);
        }
    });
}
