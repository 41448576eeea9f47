//! The widgets mounted on this page, auto-mount of `[data-tongxin]`
//! elements, and the MutationObserver that mounts new ones and unmounts
//! removed ones.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use tongxin_client::Backend;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, MutationObserver, MutationObserverInit};

use crate::{MountConfig, mount_on};

/// One mounted widget.
pub struct Mounted {
    /// Its host element.
    pub host: HtmlElement,
    /// Its backend (to abort requests); `None` while its mapping loads.
    pub backend: Option<Rc<dyn Backend>>,
    /// Leptos' unmount handle; dropping it removes the view.
    pub view: Option<Box<dyn Any>>,
    /// Mounted by auto-mount (so removed with its element).
    pub auto: bool,
}

thread_local! {
    static MOUNTED: RefCell<HashMap<u32, Mounted>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u32> = const { Cell::new(1) };
    static OBSERVING: Cell<bool> = const { Cell::new(false) };
}

pub fn insert(m: Mounted) -> u32 {
    let key = NEXT.with(|n| {
        let k = n.get();
        n.set(k + 1);
        k
    });
    MOUNTED.with(|r| r.borrow_mut().insert(key, m));
    key
}

/// Gives a mounted entry its backend and view once they exist.
pub fn attach(key: u32, backend: Rc<dyn Backend>, view: Box<dyn Any>) {
    MOUNTED.with(|r| {
        if let Some(m) = r.borrow_mut().get_mut(&key) {
            m.backend = Some(backend);
            m.view = Some(view);
        }
    });
}

/// Whether `key` is still mounted.
pub fn is_mounted(key: u32) -> bool {
    MOUNTED.with(|r| r.borrow().contains_key(&key))
}

/// The host element of `key`.
pub fn host(key: u32) -> Option<HtmlElement> {
    MOUNTED.with(|r| r.borrow().get(&key).map(|m| m.host.clone()))
}

pub fn unmount(key: u32) {
    let Some(m) = MOUNTED.with(|r| r.borrow_mut().remove(&key)) else {
        return;
    };
    if let Some(b) = &m.backend {
        b.cancel_all();
    }
    drop(m.view);
    if let Some(shadow) = m.host.shadow_root() {
        shadow.set_inner_html("");
    }
    m.host.remove_attribute("data-tongxin-mounted").ok();
}

fn mount_element(el: &HtmlElement) {
    if el.has_attribute("data-tongxin-mounted") {
        return;
    }
    let data = el.dataset();
    match MountConfig::from_dataset(|k| data.get(k)) {
        Ok(cfg) => {
            let _ = mount_on(el.clone(), cfg, None, true);
        }
        Err(m) => {
            web_sys::console::error_1(&JsValue::from_str(&format!("Tongxin: {m}")));
        }
    }
}

fn mount_within(root: &web_sys::Element) {
    if let Some(el) = root.dyn_ref::<HtmlElement>()
        && el.has_attribute("data-tongxin")
    {
        mount_element(el);
    }
    if let Ok(list) = root.query_selector_all("[data-tongxin]:not([data-tongxin-mounted])") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                mount_element(&el);
            }
        }
    }
}

/// Mounts every `[data-tongxin]` element in the document.
pub fn auto_mount_all() {
    if let Some(doc) = web_sys::window().and_then(|w| w.document())
        && let Some(root) = doc.document_element()
    {
        mount_within(&root);
    }
}

/// Watches the document: mounts added `[data-tongxin]` elements and
/// unmounts auto-mounted widgets whose element left the page.
pub fn observe() {
    if OBSERVING.with(|o| o.replace(true)) {
        return;
    }
    let callback = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(
        |records: js_sys::Array, _obs| {
            for rec in records.iter() {
                let Ok(rec) = rec.dyn_into::<web_sys::MutationRecord>() else {
                    continue;
                };
                let added = rec.added_nodes();
                for i in 0..added.length() {
                    if let Some(el) = added
                        .item(i)
                        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                    {
                        mount_within(&el);
                    }
                }
            }
            let gone: Vec<u32> = MOUNTED.with(|r| {
                r.borrow()
                    .iter()
                    .filter(|(_, m)| m.auto && !m.host.is_connected())
                    .map(|(k, _)| *k)
                    .collect()
            });
            for k in gone {
                unmount(k);
            }
        },
    );
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    // The observer lives as long as the page.
    callback.forget();
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = observer.observe_with_options(&root, &init);
    }
}
