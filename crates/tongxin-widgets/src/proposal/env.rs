//! What every part of the proposal widget needs: the backend, the strings
//! and the host's event sink, in one `Copy` value to hand down.

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::{Backend, Op};

use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::offline::Offline;

/// The widget's surroundings.
#[derive(Clone, Copy)]
pub struct Env {
    backend: StoredValue<Rc<dyn Backend>, LocalStorage>,
    emit: StoredValue<Option<Emit>, LocalStorage>,
    i18n: StoredValue<I18n>,
    /// Supports, comments, pledges and ratings kept offline, sent when the
    /// device is back online.
    pub offline: Offline,
}

impl Env {
    /// Bundles the three.
    pub fn new(backend: Rc<dyn Backend>, i18n: I18n, emit: Option<Emit>) -> Self {
        let backend = StoredValue::new_local(backend);
        Env {
            backend,
            emit: StoredValue::new_local(emit),
            i18n: StoredValue::new(i18n),
            offline: Offline::new(backend, "/proposals/".into()),
        }
    }

    /// The backend; `None` once the view is gone (tasks may outlive the
    /// view that started them, and must then stop quietly).
    pub fn backend(&self) -> Option<Rc<dyn Backend>> {
        self.backend.try_get_value()
    }

    /// Whether the backend offers `op` (features it lacks are hidden).
    pub fn supports(&self, op: Op) -> bool {
        self.backend().is_some_and(|b| b.supports(op))
    }

    /// The strings (zh-CN if the view is gone).
    pub fn i18n(&self) -> I18n {
        self.i18n
            .try_get_value()
            .unwrap_or_else(|| I18n::new(crate::i18n::Lang::ZhCn, Default::default()))
    }

    /// The strings, stored (for `field_error`).
    pub fn i18n_stored(&self) -> StoredValue<I18n> {
        self.i18n
    }

    /// One message.
    pub fn t(&self, key: &str) -> String {
        self.i18n().t(key)
    }

    /// The host's event sink, for a nested widget (the embedded polls).
    pub fn emit(&self) -> Option<Emit> {
        self.emit.try_get_value().flatten()
    }

    /// Tells the host page.
    pub fn fire(&self, e: WidgetEvent) {
        if let Some(f) = self.emit() {
            f(e)
        }
    }
}
