//! What every part of the proposal widget needs: the backend, the strings
//! and the host's event sink, in one `Copy` value to hand down.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientResult, IdemKey, Op};
use tongxin_core::text::FieldErrors;

use crate::action::Action;
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
    /// The household code typed for a proposal whose actions need one; in
    /// memory only, never kept on the device.
    pub code: RwSignal<String>,
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
            code: RwSignal::new(String::new()),
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

    /// Hands the typed household code (if any) to the backend before an action.
    pub fn with_code(&self, b: &Rc<dyn Backend>) {
        let code = self.code.try_get_untracked().unwrap_or_default();
        let code = code.trim();
        b.set_household_code((!code.is_empty()).then(|| code.to_string()));
    }

    /// The strings (zh-CN if the view is gone).
    pub fn i18n(&self) -> I18n {
        self.i18n.try_get_value().unwrap_or_else(|| {
            I18n::with_tables(
                crate::i18n::Lang::ZhCn,
                Default::default(),
                crate::i18n::PROPOSAL_TABLES,
            )
        })
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
            f(e);
        }
    }

    /// Sends one form (comment, pledge, rating): `checked` is the input or
    /// its field errors; `send` makes the request with the action's key;
    /// field errors — local or the server's — go to `errors`; `action`
    /// records the answer (kept offline, retryable or final), and `done`
    /// gets it.
    pub fn submit<I, T, Fut>(
        self,
        action: Action,
        errors: RwSignal<FieldErrors>,
        checked: Result<I, FieldErrors>,
        send: impl FnOnce(Rc<dyn Backend>, I, IdemKey) -> Fut + 'static,
        done: impl FnOnce(ClientResult<T>) + 'static,
    ) where
        I: 'static,
        T: 'static,
        Fut: Future<Output = ClientResult<T>> + 'static,
    {
        let input = match checked {
            Ok(input) => input,
            Err(e) => {
                errors.set(e);
                action.refuse(self.t("check_fields"));
                return;
            }
        };
        errors.set(FieldErrors::new());
        let key = action.start();
        spawn_local(async move {
            let Some(b) = self.backend() else { return };
            self.with_code(&b);
            let result = send(b, input, key).await;
            action.finish(&result, &self.i18n(), "action_failed", self.offline);
            if let Some(fe) = result.as_ref().err().and_then(Action::field_errors) {
                errors.set(fe);
            }
            done(result);
        });
    }
}
