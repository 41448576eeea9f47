//! The widgets this bundle has mounted on the page, by key: what
//! `Handle::unmount` needs to take one down. (Finding `[data-tongxin]`
//! elements and noticing removed ones is the loader's job, `js/loader.js`.)

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use tongxin_client::Backend;
use web_sys::HtmlElement;

/// One mounted widget.
pub(crate) struct Mounted {
    /// Its host element.
    pub host: HtmlElement,
    /// Its backend (to abort requests); `None` while its mapping loads.
    pub backend: Option<Rc<dyn Backend>>,
    /// Leptos' unmount handle; dropping it removes the view.
    pub view: Option<Box<dyn Any>>,
}

thread_local! {
    static MOUNTED: RefCell<HashMap<u32, Mounted>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

pub(crate) fn insert(m: Mounted) -> u32 {
    let key = NEXT.with(|n| {
        let k = n.get();
        n.set(k + 1);
        k
    });
    MOUNTED.with(|r| r.borrow_mut().insert(key, m));
    key
}

/// Gives a mounted entry its backend and view once they exist.
pub(crate) fn attach(key: u32, backend: Rc<dyn Backend>, view: Box<dyn Any>) {
    MOUNTED.with(|r| {
        if let Some(m) = r.borrow_mut().get_mut(&key) {
            m.backend = Some(backend);
            m.view = Some(view);
        }
    });
}

/// Whether `key` is still mounted (a mapping may load meanwhile).
#[cfg(feature = "mapping")]
pub(crate) fn is_mounted(key: u32) -> bool {
    MOUNTED.with(|r| r.borrow().contains_key(&key))
}

/// The host element of `key`.
pub(crate) fn host(key: u32) -> Option<HtmlElement> {
    MOUNTED.with(|r| r.borrow().get(&key).map(|m| m.host.clone()))
}

/// Takes widget `key` down: aborts its requests, drops its view, empties its shadow root.
pub(crate) fn unmount(key: u32) {
    let Some(m) = MOUNTED.with(|r| r.borrow_mut().remove(&key)) else {
        return;
    };
    if let Some(b) = &m.backend {
        b.cancel_all();
    }
    drop(m.view);
    if let Some(shadow) = m.host.shadow_root() {
        crate::clear(&shadow);
    }
    m.host.remove_attribute("data-tongxin-mounted").ok();
}
