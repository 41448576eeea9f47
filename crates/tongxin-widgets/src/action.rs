//! One resident action in flight (support, comment, pledge, rating,
//! submission): its idempotency key, kept across retries of the same action
//! and dropped once the server has answered for good; whether it is busy;
//! and the error to show, with whether a retry may help.

use leptos::prelude::*;
use tongxin_client::{ClientError, ClientResult, IdemKey};

use crate::errors::error_text;
use crate::i18n::I18n;
use crate::offline::Offline;
use crate::parts::{Notice, NoticeKind};

/// The state of one kind of action (named so that it does not shadow
/// Leptos' own `Action`).
#[derive(Clone, Copy)]
pub struct ActionState {
    /// A request is in flight.
    pub busy: RwSignal<bool>,
    /// The last failure: text and whether retrying may help.
    pub error: RwSignal<Option<(String, bool)>>,
    key: StoredValue<Option<IdemKey>>,
}

impl Default for ActionState {
    fn default() -> Self {
        Self::new()
    }
}

/// A new action's state: idle, no error (the hook the widgets' parts use).
pub fn use_action() -> ActionState {
    ActionState::new()
}

impl ActionState {
    /// Idle, no error.
    pub fn new() -> Self {
        ActionState {
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            key: StoredValue::new(None),
        }
    }

    /// Starts (or retries) the action: the key to send with it.
    pub fn start(&self) -> IdemKey {
        let key = self.key.get_value().unwrap_or_default();
        self.key.set_value(Some(key.clone()));
        self.busy.set(true);
        self.error.set(None);
        key
    }

    /// Records the answer. A transient failure keeps the key so a retry is
    /// the same action; anything else ends it. A write kept offline is not
    /// an error: `offline` shows it and sends it later.
    pub fn finish<T>(
        &self,
        result: &ClientResult<T>,
        i18n: &I18n,
        fallback: &str,
        offline: Offline,
    ) {
        self.busy.set(false);
        match result {
            Ok(_) => self.key.set_value(None),
            Err(ClientError::Queued) => {
                self.key.set_value(None);
                offline.kept();
            }
            Err(e) => {
                if !e.is_transient() {
                    self.key.set_value(None);
                }
                self.error
                    .set(Some((error_text(e, i18n, fallback), e.is_transient())));
            }
        }
    }

    /// Shows a local validation message (nothing was sent).
    pub fn refuse(&self, text: String) {
        self.error.set(Some((text, false)));
    }

    /// The problem's field errors, if the server sent any.
    pub fn field_errors(e: &ClientError) -> Option<tongxin_core::text::FieldErrors> {
        match e {
            ClientError::Problem(p) => p.errors.clone(),
            _ => None,
        }
    }
}

impl ActionState {
    /// The action's error, if any, with a retry button (`retry_label`,
    /// running `on_retry`) when retrying may help.
    pub fn error_view(self, on_retry: Callback<()>, retry_label: String) -> impl IntoView {
        move || {
            self.error.get().map(|(text, transient)| {
                if transient {
                    let retry = (retry_label.clone(), on_retry);
                    view! { <Notice kind=NoticeKind::Error text=text retry=retry /> }.into_any()
                } else {
                    view! { <Notice kind=NoticeKind::Error text=text /> }.into_any()
                }
            })
        }
    }
}
