//! What every part of a widget needs: the backend, the strings, the host's
//! event sink, the writes kept offline and the household code typed, in one
//! `Copy` value to hand down (the poll, convention and proposal widgets).

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientResult, IdemKey, Op};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::text::FieldErrors;

use crate::action::ActionState;
use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::offline::Offline;

/// The widget's surroundings.
#[derive(Clone, Copy)]
pub struct Env {
    backend: StoredValue<Rc<dyn Backend>, LocalStorage>,
    emit: StoredValue<Option<Emit>, LocalStorage>,
    i18n: StoredValue<I18n>,
    /// Writes kept offline (ballots, signatures, supports, comments,
    /// pledges, ratings), sent when the device is back online.
    pub offline: Offline,
    /// The household code typed for an item whose actions need one; in
    /// memory only, never kept on the device (on a shared phone the next
    /// person must not act as this household).
    pub code: RwSignal<String>,
}

impl Env {
    /// The surroundings of a widget whose writes go under `paths` (e.g.
    /// `/polls/3/`: what the offline outbox sends for it).
    pub fn new(backend: Rc<dyn Backend>, i18n: I18n, emit: Option<Emit>, paths: String) -> Self {
        let backend = StoredValue::new_local(backend);
        Env {
            backend,
            emit: StoredValue::new_local(emit),
            i18n: StoredValue::new(i18n),
            offline: Offline::new(backend, paths),
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

    /// Whether an item of `eligibility` needs the household code and none
    /// is typed (checked before anything is sent).
    pub fn code_missing(&self, eligibility: Eligibility) -> bool {
        eligibility == Eligibility::Code && self.code.get_untracked().trim().is_empty()
    }

    /// Forgets the code once the household's action went through: on a
    /// shared phone the next person must not act as this household.
    pub fn forget_code(&self, b: &Rc<dyn Backend>, eligibility: Eligibility) {
        if eligibility == Eligibility::Code {
            self.code.set(String::new());
            b.set_household_code(None);
        }
    }

    /// The strings (the common zh-CN ones once the view is gone: nobody
    /// reads them then).
    pub fn i18n(&self) -> I18n {
        self.i18n.try_get_value().unwrap_or_else(|| {
            I18n::with_tables(
                crate::i18n::Lang::ZhCn,
                Default::default(),
                crate::i18n::COMMON_TABLES,
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
        action: ActionState,
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
            if let Some(fe) = result.as_ref().err().and_then(ActionState::field_errors) {
                errors.set(fe);
            }
            done(result);
        });
    }
}
